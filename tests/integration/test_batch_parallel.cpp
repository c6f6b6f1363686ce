// A folder sealed by several workers at once (eseal sign DIR --out-dir OUT,
// --jobs or the default): one PIN entry, every output valid and made from its
// own input, result lines in input order; one file failing in a worker leaves
// the others sealed; Ctrl-C or SIGTERM during the batch leaves only complete,
// valid outputs under their final names, renamed in input order, no
// temporary, and a summary that says exactly which files were sealed.
#define BOOST_TEST_MODULE integ_batch_parallel
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <set>
#include <thread>

#include "tests/integration/support.hpp"

using namespace integ;

namespace {

std::string docName(std::size_t i) {
    char name[32];
    std::snprintf(name, sizeof name, "doc-%03zu.pdf", i);
    return name;
}

// count one-page PDFs, each a different size (its own bytes), so an output
// made from the wrong input shows.
std::vector<std::string> makeInputs(const fs::path& dir, std::size_t count) {
    fs::create_directories(dir);
    std::vector<std::string> names;
    for (std::size_t i = 0; i < count; ++i) {
        names.push_back(docName(i));
        writeLargePdf(dir / names.back(), 100 + 7 * i);
    }
    return names;
}

std::vector<std::string> temporaries(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& n : listDir(dir))
        if (n.find(".eseal-") != std::string::npos) out.push_back(n);
    return out;
}

// Every file in outDir is an incremental update of its input (the input's
// bytes are its beginning) and eseal verify passes all of them.
void expectValidOutputs(const fs::path& inDir, const fs::path& outDir,
                        const std::vector<std::string>& names) {
    std::vector<fs::path> outs;
    for (const auto& n : names) {
        const std::string in = readFile(inDir / n), out = readFile(outDir / n);
        BOOST_CHECK_MESSAGE(out.size() > in.size() && out.compare(0, in.size(), in) == 0,
                            n << ": the output does not begin with its input's bytes");
        outs.push_back(outDir / n);
    }
    if (outs.empty()) return;
    Verified v = verifyJson(outs);
    BOOST_CHECK_MESSAGE(v.run.exitCode == 0, v.run.describe());
    nlohmann::json reports = v.report;
    if (reports.is_object()) reports = nlohmann::json::array({reports});
    BOOST_REQUIRE_MESSAGE(reports.is_array() && reports.size() == outs.size(), v.run.describe());
    for (const auto& r : reports) {
        BOOST_CHECK_MESSAGE(r.value("indication", std::string()) == "PASSED", r.dump(1));
        BOOST_CHECK_EQUAL(r.value("revisions", 0), 2);
    }
}

struct Spawned {
    pid_t pid = -1;
    fs::path err, out;
};

// eseal with argv in its own session, stdout and stderr to files, the fixture token.
Spawned start(const std::vector<std::string>& args, const fs::path& logs) {
    Spawned s;
    s.err = logs / "stderr.txt";
    s.out = logs / "stdout.txt";
    std::vector<std::string> argv{esealBin()};
    argv.insert(argv.end(), args.begin(), args.end());
    s.pid = ::fork();
    BOOST_REQUIRE(s.pid >= 0);
    if (s.pid == 0) {
        const int err = ::open(s.err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        const int out = ::open(s.out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        const int null = ::open("/dev/null", O_RDWR);
        ::dup2(null, 0);
        ::dup2(out, 1);
        ::dup2(err, 2);
        ::setsid();
        ::setenv("SOFTHSM2_CONF", (softhsmDir() / "softhsm2.conf").c_str(), 1);
        ::setenv(kPinVar, kUserPin, 1);
        ::setenv("ESEAL_CONFIG", "/dev/null", 1);
        std::vector<char*> v;
        for (auto& a : argv) v.push_back(a.data());
        v.push_back(nullptr);
        ::execv(v[0], v.data());
        ::_exit(127);
    }
    return s;
}

// Polls dir until pred(names) holds or 60 s pass.
template <class Pred>
bool waitFor(const fs::path& dir, Pred pred) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
        if (pred(listDir(dir))) return true;
        std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    return false;
}

std::vector<std::string> signArgs(const fs::path& in, const fs::path& out,
                                  const std::vector<std::string>& extra) {
    std::vector<std::string> a{
        "sign",   in.string(),        "--out-dir", out.string(), "--key", keyUri("signer-rsa"),
        "--seal", sealPng().string(), "--pin-env", kPinVar};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
}

// After an interrupt: exit 130; the outputs are exactly a prefix of the inputs
// in order, each complete and valid, no temporary; the summary names each
// sealed file as sealed and every other one as not sealed.
void expectCleanInterrupt(int status, const Spawned& s, const fs::path& in, const fs::path& out,
                          const std::vector<std::string>& names) {
    BOOST_CHECK(WIFEXITED(status));
    if (WIFEXITED(status)) BOOST_CHECK_EQUAL(WEXITSTATUS(status), 130);
    const std::string err = readFile(s.err);
    BOOST_CHECK_MESSAGE(err.find("interrupted") != std::string::npos, err);
    BOOST_CHECK_MESSAGE(temporaries(out).empty(), "temporaries left: " << temporaries(out).size());
    const std::vector<std::string> present = listDir(out);
    std::vector<std::string> prefix(
        names.begin(), names.begin() + static_cast<std::ptrdiff_t>(std::min(present.size(), names.size())));
    BOOST_CHECK_MESSAGE(present == prefix, "the outputs are not the first " << present.size() << " inputs");
    BOOST_TEST_MESSAGE(present.size() << " of " << names.size() << " sealed before the signal");
    const std::set<std::string> done(present.begin(), present.end());
    for (const auto& n : names) {
        const std::string file = (in / n).string();
        if (done.count(n))
            BOOST_CHECK_MESSAGE(err.find("  sealed: " + file + "\n") != std::string::npos &&
                                    err.find("not sealed: " + file + "\n") == std::string::npos,
                                n << " is sealed, the summary does not say so");
        else
            BOOST_CHECK_MESSAGE(err.find("not sealed: " + file + "\n") != std::string::npos,
                                n << " is not sealed, the summary does not say so");
    }
    expectValidOutputs(in, out, present);
}

}  // namespace

BOOST_AUTO_TEST_CASE(forty_files_by_four_workers_all_valid_in_input_order_one_login) {
    TempDir dir("parallel");
    const auto names = makeInputs(dir / "in", 40);
    BOOST_REQUIRE_MESSAGE(fs::exists(kSpyModule), "pkcs11-spy.so missing (package opensc)");
    const fs::path spyLog = dir / "spy.log";
    Env env = spyEnv(spyLog);
    std::vector<std::string> args = signArgs(dir / "in", dir / "out", {"--jobs", "4"});
    args[5] = keyUri("signer-rsa", kSpyModule);
    RunResult r = eseal(args, env);
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    BOOST_CHECK_MESSAGE(r.out.find("sealed 40, failed 0, skipped 0") != std::string::npos, r.out);
    // One PIN entry: one C_Login for the 40 signatures, 40 C_Sign pairs.
    const std::string log = readFile(spyLog);
    std::size_t logins = 0, signInits = 0;
    for (std::size_t p = 0; (p = log.find(": C_Login\n", p)) != std::string::npos; ++p) ++logins;
    for (std::size_t p = 0; (p = log.find(": C_SignInit\n", p)) != std::string::npos; ++p) ++signInits;
    BOOST_CHECK_EQUAL(logins, 1u);
    BOOST_CHECK_EQUAL(signInits, 40u);
    // Result lines in input order, each naming its own output.
    const auto lines = parseSealedLines(r.out);
    BOOST_REQUIRE_EQUAL(lines.size(), names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
        BOOST_CHECK_EQUAL(lines[i].in, (dir / "in" / names[i]).string());
        BOOST_CHECK_EQUAL(lines[i].out, (dir / "out" / names[i]).string());
    }
    BOOST_CHECK(listDir(dir / "out") == names);  // and no temporary
    expectValidOutputs(dir / "in", dir / "out", names);
    // Independent checks (qpdf --check, pdfsig) on the first, a middle and the last.
    for (std::size_t i : {std::size_t{0}, std::size_t{21}, std::size_t{39}})
        checkSealed(dir / "out" / names[i], "Seal1", "signer-rsa", 1);
}

BOOST_AUTO_TEST_CASE(default_jobs_and_jobs_1_give_the_same_json_results) {
    TempDir dir("parallel");
    const auto names = makeInputs(dir / "in", 12);
    RunResult parallel = eseal(signArgs(dir / "in", dir / "par", {"--json"}));
    RunResult serial = eseal(signArgs(dir / "in", dir / "ser", {"--json", "--jobs", "1"}));
    BOOST_REQUIRE_MESSAGE(parallel.exitCode == 0, parallel.describe());
    BOOST_REQUIRE_MESSAGE(serial.exitCode == 0, serial.describe());
    auto a = nlohmann::json::parse(parallel.out), b = nlohmann::json::parse(serial.out);
    BOOST_REQUIRE_EQUAL(a["results"].size(), names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
        BOOST_CHECK_EQUAL(a["results"][i]["input"], b["results"][i]["input"]);
        BOOST_CHECK_EQUAL(a["results"][i]["status"], "sealed");
        BOOST_CHECK_EQUAL(a["results"][i]["outputSize"], b["results"][i]["outputSize"]);
        BOOST_CHECK_EQUAL(a["results"][i]["field"], b["results"][i]["field"]);
    }
    BOOST_CHECK_EQUAL(a["sealed"], 12);
    expectValidOutputs(dir / "in", dir / "par", names);
}

BOOST_AUTO_TEST_CASE(jobs_out_of_range_is_a_usage_error_before_the_pin) {
    TempDir dir("parallel");
    makeInputs(dir / "in", 2);
    for (const char* bad : {"0", "9", "two", "1.5"}) {
        std::vector<std::string> args = signArgs(dir / "in", dir / "out", {"--jobs", bad});
        args[9] = "/nonexistent/pin";  // a PIN asked would end in exit 5
        args[8] = "--pin-file";
        RunResult r = eseal(args);
        BOOST_CHECK_MESSAGE(r.exitCode == 64, bad << ": " << r.describe());
    }
}

// doc-015 is changed while a worker seals it (its temporary exists): that file
// fails (exit 4, "changed while it was being sealed"), the 29 others are sealed.
BOOST_AUTO_TEST_CASE(a_file_failing_in_a_worker_is_reported_and_the_others_are_sealed) {
    TempDir dir("parallel");
    auto names = makeInputs(dir / "in", 30);
    writeLargePdf(dir / "in" / names[15], std::size_t{1} << 28);  // 256 MiB, sparse: sealed for a while
    fs::create_directories(dir / "out");
    const Spawned s = start(signArgs(dir / "in", dir / "out", {"--jobs", "4"}), dir.path);
    const std::string tmpPrefix = "." + names[15] + ".eseal-";
    const bool seen = waitFor(dir / "out", [&](const std::vector<std::string>& now) {
        for (const auto& n : now)
            if (n.rfind(tmpPrefix, 0) == 0) return true;
        return false;
    });
    {
        std::ofstream grow(dir / "in" / names[15], std::ios::app | std::ios::binary);
        grow << "% changed\n";
    }
    int status = 0;
    ::waitpid(s.pid, &status, 0);
    BOOST_REQUIRE_MESSAGE(seen, "the temporary of " << names[15] << " never appeared");
    BOOST_REQUIRE(WIFEXITED(status));
    BOOST_CHECK_EQUAL(WEXITSTATUS(status), 4);
    const std::string out = readFile(s.out), err = readFile(s.err);
    BOOST_CHECK_MESSAGE(out.find("sealed 29, failed 1, skipped 0") != std::string::npos, out);
    BOOST_CHECK_MESSAGE(err.find(names[15]) != std::string::npos &&
                            err.find("changed while it was being sealed") != std::string::npos,
                        err);
    std::vector<std::string> sealed = names;
    sealed.erase(sealed.begin() + 15);
    BOOST_CHECK(listDir(dir / "out") == sealed);  // no doc-015, no temporary
    expectValidOutputs(dir / "in", dir / "out", sealed);
}

// SIGINT and SIGTERM while a worker seals a large file in the middle of the
// batch (others finished, waiting for their rename, or in progress).
BOOST_AUTO_TEST_CASE(interrupt_while_workers_seal_leaves_a_valid_prefix_and_no_temporary) {
    TempDir dir("parallel");
    const auto names = makeInputs(dir / "in", 40);
    writeLargePdf(dir / "in" / names[20], std::size_t{1} << 28);
    for (const int sig : {SIGINT, SIGTERM}) {
        BOOST_TEST_CONTEXT("signal " << sig) {
            fs::remove_all(dir / "out");
            fs::create_directories(dir / "out");
            const Spawned s = start(signArgs(dir / "in", dir / "out", {"--jobs", "4"}), dir.path);
            const std::string tmpPrefix = "." + names[20] + ".eseal-";
            const bool seen = waitFor(dir / "out", [&](const std::vector<std::string>& now) {
                for (const auto& n : now)
                    if (n.rfind(tmpPrefix, 0) == 0) return true;
                return false;
            });
            ::kill(s.pid, sig);
            int status = 0;
            ::waitpid(s.pid, &status, 0);
            BOOST_REQUIRE_MESSAGE(seen, "the temporary of " << names[20] << " never appeared");
            expectCleanInterrupt(status, s, dir / "in", dir / "out", names);
            BOOST_CHECK(!fs::exists(dir / "out" / names[20]));
        }
    }
}

// SIGINT at moments the test does not choose: shortly after the first output
// of a batch of small files is renamed, while workers are writing, finishing
// and the main thread renaming.
BOOST_AUTO_TEST_CASE(interrupt_at_any_moment_of_a_parallel_batch_leaves_only_complete_outputs) {
    TempDir dir("parallel");
    const auto names = makeInputs(dir / "in", 150);
    for (const int delayMs : {0, 3, 10, 25}) {
        BOOST_TEST_CONTEXT("SIGINT " << delayMs << " ms after the first output") {
            fs::remove_all(dir / "out");
            fs::create_directories(dir / "out");
            const Spawned s = start(signArgs(dir / "in", dir / "out", {}), dir.path);
            const bool seen = waitFor(dir / "out", [&](const std::vector<std::string>& now) {
                for (const auto& n : now)
                    if (n.rfind("doc-", 0) == 0) return true;
                return false;
            });
            std::this_thread::sleep_for(std::chrono::milliseconds(delayMs));
            ::kill(s.pid, SIGINT);
            int status = 0;
            ::waitpid(s.pid, &status, 0);
            BOOST_REQUIRE_MESSAGE(seen, "no output appeared: " << readFile(s.err));
            // A batch that finished before the signal exits 0 with every output; say so.
            if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
                BOOST_TEST_MESSAGE("the batch ended before the signal");
                BOOST_CHECK(listDir(dir / "out") == names);
                continue;
            }
            expectCleanInterrupt(status, s, dir / "in", dir / "out", names);
        }
    }
}

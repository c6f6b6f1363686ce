// Nothing lost: existing outputs are never replaced without --force, two
// inputs never share an output, --out-dir is created, the default output goes
// beside the input, --skip-existing resumes a batch, and Ctrl-C removes the
// unfinished temporary and says what was and was not sealed (exit 130).
#define BOOST_TEST_MODULE integ_outputs
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <thread>

#include "tests/integration/support.hpp"

using namespace integ;

namespace {
const fs::path letter() { return inputsDir() / "letter.pdf"; }

// Flags no PIN may be asked: a PIN file that does not exist would end the
// command with exit 5 if eseal ever got as far as the key.
const std::vector<std::string> kNoPin = {"--pin-file", "/nonexistent/pin"};

std::vector<std::string> cat(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}
std::vector<std::string> keyArgs() { return {"--key", keyUri("signer-ec"), "--seal", sealPng().string()}; }
}  // namespace

BOOST_AUTO_TEST_CASE(existing_output_is_kept_without_force) {
    TempDir dir("outputs");
    writeFile(dir / "out.pdf", "precious");
    RunResult r =
        eseal(cat(cat({"sign", letter().string(), "-o", (dir / "out.pdf").string()}, keyArgs()), kNoPin));
    BOOST_CHECK_MESSAGE(r.exitCode == 6, r.describe());
    BOOST_CHECK(r.err.find("--force") != std::string::npos);
    BOOST_CHECK_EQUAL(readFile(dir / "out.pdf"), "precious");

    RunResult forced = eseal(
        cat({"sign", letter().string(), "-o", (dir / "out.pdf").string(), "--force", "--pin-env", kPinVar},
            keyArgs()));
    BOOST_REQUIRE_MESSAGE(forced.exitCode == 0, forced.describe());
    checkSealed(dir / "out.pdf", "Seal1", "signer-ec", 1);
}

BOOST_AUTO_TEST_CASE(two_inputs_with_one_name_are_refused_before_anything_is_written) {
    TempDir dir("outputs");
    fs::create_directories(dir / "a");
    fs::create_directories(dir / "b");
    fs::copy_file(letter(), dir / "a/公函.pdf");
    fs::copy_file(inputsDir() / "twopage.pdf", dir / "b/公函.pdf");
    RunResult r = eseal(cat(cat({"sign", (dir / "a/公函.pdf").string(), (dir / "b/公函.pdf").string(),
                                 "--out-dir", (dir / "out").string()},
                                keyArgs()),
                            kNoPin));
    BOOST_CHECK_MESSAGE(r.exitCode == 64, r.describe());
    BOOST_CHECK(r.err.find("same output") != std::string::npos);
    BOOST_CHECK(!fs::exists(dir / "out"));
}

BOOST_AUTO_TEST_CASE(out_dir_is_created_and_default_names_follow_the_locale) {
    TempDir dir("outputs");
    RunResult r = eseal(cat({"sign", letter().string(), (inputsDir() / "twopage.pdf").string(), "--out-dir",
                             (dir / "new/sub").string(), "--pin-env", kPinVar},
                            keyArgs()));
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    checkSealed(dir / "new/sub/letter.pdf", "Seal1", "signer-ec", 1);
    BOOST_CHECK(r.out.find("sealed 2, failed 0, skipped 0") != std::string::npos);

    fs::copy_file(letter(), dir / "公函.pdf");
    RunResult zh = eseal(cat({"sign", (dir / "公函.pdf").string(), "--pin-env", kPinVar}, keyArgs()),
                         {{"LANG", "zh_CN.UTF-8"}, {"LC_ALL", kUnset}, {"LC_MESSAGES", kUnset}});
    BOOST_REQUIRE_MESSAGE(zh.exitCode == 0, zh.describe());
    checkSealed(dir / "公函-已盖章.pdf", "Seal1", "signer-ec", 1);

    RunResult en = eseal(cat({"sign", (dir / "公函.pdf").string(), "--pin-env", kPinVar}, keyArgs()),
                         {{"LANG", "C.UTF-8"}, {"LC_ALL", kUnset}, {"LC_MESSAGES", kUnset}});
    BOOST_REQUIRE_MESSAGE(en.exitCode == 0, en.describe());
    BOOST_CHECK(fs::exists(dir / "公函-sealed.pdf"));
}

BOOST_AUTO_TEST_CASE(skip_existing_resumes_a_batch) {
    TempDir dir("outputs");
    fs::create_directories(dir / "out");
    writeFile(dir / "out/letter.pdf", "done before");
    RunResult r = eseal(cat({"sign", letter().string(), (inputsDir() / "twopage.pdf").string(), "--out-dir",
                             (dir / "out").string(), "--skip-existing", "--pin-env", kPinVar},
                            keyArgs()));
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    BOOST_CHECK_EQUAL(readFile(dir / "out/letter.pdf"), "done before");
    checkSealed(dir / "out/twopage.pdf", "Seal1", "signer-ec", 1);
    BOOST_CHECK(r.out.find("sealed 1, failed 0, skipped 1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(interrupt_removes_the_temporary_and_lists_what_is_missing) {
    TempDir dir("outputs");
    writeLargePdf(dir / "big.pdf", std::size_t{1} << 30);  // 1 GiB, sparse
    // Ctrl-C (SIGINT) and SIGTERM (a shutdown, a scheduler stopping the job) alike.
    for (const int sig : {SIGINT, SIGTERM}) {
        BOOST_TEST_CONTEXT("signal " << sig) {
            fs::remove_all(dir / "out");
            fs::create_directories(dir / "out");
            const std::string errPath = (dir / "stderr.txt").string();

            std::vector<std::string> argv =
                cat({esealBin(), "sign", letter().string(), (dir / "big.pdf").string(), "--out-dir",
                     (dir / "out").string(), "--pin-env", kPinVar},
                    keyArgs());
            const pid_t pid = ::fork();
            BOOST_REQUIRE(pid >= 0);
            if (pid == 0) {
                const int err = ::open(errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
                const int null = ::open("/dev/null", O_RDWR);
                ::dup2(null, 0);
                ::dup2(null, 1);
                ::dup2(err, 2);
                ::setsid();
                ::setenv("SOFTHSM2_CONF", (softhsmDir() / "softhsm2.conf").c_str(), 1);
                ::setenv(kPinVar, kUserPin, 1);
                ::setenv("ESEAL_CONFIG", "/dev/null", 1);
                std::vector<char*> args;
                for (auto& a : argv) args.push_back(a.data());
                args.push_back(nullptr);
                ::execv(args[0], args.data());
                ::_exit(127);
            }
            // Wait for the temporary of big.pdf to appear, then interrupt.
            bool seen = false;
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
            while (!seen && std::chrono::steady_clock::now() < deadline) {
                for (const auto& name : listDir(dir / "out"))
                    if (name.rfind(".big.pdf.eseal-", 0) == 0) seen = true;
                if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
            ::kill(pid, sig);
            int status = 0;
            ::waitpid(pid, &status, 0);
            BOOST_REQUIRE_MESSAGE(seen, "the temporary of big.pdf never appeared");
            BOOST_CHECK(WIFEXITED(status));
            BOOST_CHECK_EQUAL(WEXITSTATUS(status), 130);
            const std::string err = readFile(errPath);
            BOOST_TEST_MESSAGE(err);
            BOOST_CHECK(err.find("interrupted") != std::string::npos);
            BOOST_CHECK(err.find("sealed: " + letter().string()) != std::string::npos);
            BOOST_CHECK(err.find("not sealed: " + (dir / "big.pdf").string()) != std::string::npos);
            // letter.pdf was finished and stays; big.pdf left nothing behind.
            BOOST_CHECK((listDir(dir / "out") == std::vector<std::string>{"letter.pdf"}));
        }
    }
}

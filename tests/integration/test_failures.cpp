// eseal sign failures: wrong PIN, no PIN, PIN on the command line, bad inputs,
// unwritable outputs. Each must exit with the code of docs/CLI.md, leave no file
// under the output name, no stray temporary in the output directory, and the
// input unchanged.
#define BOOST_TEST_MODULE integ_failures
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include "tests/integration/support.hpp"

using namespace integ;

namespace {

// A private copy of the fixture token, so that failed logins here do not touch
// the token other tests use at the same time.
struct TokenCopy {
    TempDir dir{"token"};
    fs::path conf;
    TokenCopy() {
        fs::copy(softhsmDir() / "tokens", dir / "tokens", fs::copy_options::recursive);
        conf = dir / "softhsm2.conf";
        writeFile(conf, "directories.tokendir = " + (dir / "tokens").string() +
                            "\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
    }
};

std::size_t count(const std::string& hay, const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t p = 0; (p = hay.find(needle, p)) != std::string::npos; p += needle.size()) ++n;
    return n;
}

// What must hold after any failed sign.
void expectCleanFailure(const RunResult& r, int code, const fs::path& in, const std::string& inHash,
                        const fs::path& out, const std::vector<std::string>& outDirBefore) {
    BOOST_CHECK_MESSAGE(r.exitCode == code, "expected exit " << code << ", got " << r.describe());
    BOOST_CHECK_MESSAGE(r.err.rfind("eseal: ", 0) == 0,
                        "stderr is not 'eseal: <file>: <message>': " << r.err);
    BOOST_CHECK_MESSAGE(!fs::exists(out), "a file exists under the output name " << out);
    if (fs::exists(in)) BOOST_CHECK_EQUAL(sha256File(in), inHash);
    if (fs::is_directory(out.parent_path()))
        BOOST_CHECK_MESSAGE(listDir(out.parent_path()) == outDirBefore,
                            "the output directory gained files (temporary left behind?)");
}

struct Job {
    TempDir dir{"fail"};
    fs::path in = inputsDir() / "letter.pdf";
    fs::path outDir = dir / "out";
    fs::path out = outDir / "sealed.pdf";
    std::string inHash = sha256File(in);
    Job() { fs::create_directory(outDir); }
};

}  // namespace

BOOST_AUTO_TEST_CASE(wrong_pin_exit_5_after_exactly_one_login) {
    BOOST_REQUIRE_MESSAGE(fs::exists(kSpyModule), "pkcs11-spy.so missing (package opensc)");
    Job j;
    TokenCopy token;
    const Env tokenEnv{{"SOFTHSM2_CONF", token.conf.string()}};
    // CKF_USER_PIN_COUNT_LOW as eseal words it, or by its name.
    const std::vector<std::string> countLow{"count low", "count_low", "count-low", "wrong PIN was entered"};

    RunResult before = eseal({"token", "list", "--module", kSoftHsmModule}, tokenEnv);
    BOOST_REQUIRE_MESSAGE(before.exitCode == 0, before.describe());
    BOOST_REQUIRE_MESSAGE(before.out.find("eseal-test") != std::string::npos, before.out);
    BOOST_REQUIRE_MESSAGE(!containsAny(before.out, countLow), "fresh token copy already count low");

    const fs::path log = token.dir / "spy.log";
    RunResult r = eseal({"sign", j.in.string(), "-o", j.out.string(), "--key",
                         keyUri("signer-ec", kSpyModule), "--seal", sealPng().string(), "--pin-env", kPinVar},
                        [&] {
                            Env e = spyEnv(log);
                            e["SOFTHSM2_CONF"] = token.conf.string();
                            e[kPinVar] = "87654321";
                            return e;
                        }());
    expectCleanFailure(r, 5, j.in, j.inHash, j.out, {});
    BOOST_CHECK_MESSAGE(r.err.find("wrong PIN") != std::string::npos, r.err);
    const std::string spy = fs::exists(log) ? readFile(log) : std::string();
    BOOST_CHECK_EQUAL(count(spy, ": C_Login\n"), 1u);
    BOOST_CHECK_EQUAL(count(spy, "CKR_PIN_INCORRECT"), 1u);
    BOOST_CHECK_EQUAL(count(spy, ": C_SignInit\n"), 0u);

    // The token now reports the failed attempt (CKF_USER_PIN_COUNT_LOW, PKCS#11 2.40 table 11).
    RunResult after = eseal({"token", "list", "--module", kSoftHsmModule}, tokenEnv);
    BOOST_CHECK_MESSAGE(after.exitCode == 0, after.describe());
    BOOST_CHECK_MESSAGE(containsAny(after.out, countLow), "token list shows no PIN count low:\n"
                                                              << after.out);
}

BOOST_AUTO_TEST_CASE(no_pin_source_and_no_terminal_exit_5_without_login) {
    Job j;
    const fs::path log = j.dir / "spy.log";
    // run() starts eseal in a new session with stdin from /dev/null: no terminal.
    RunResult r = eseal({"sign", j.in.string(), "-o", j.out.string(), "--key",
                         keyUri("signer-ec", kSpyModule), "--seal", sealPng().string()},
                        [&] {
                            Env e = spyEnv(log);
                            e[kPinVar] = kUnset;
                            return e;
                        }());
    expectCleanFailure(r, 5, j.in, j.inHash, j.out, {});
    BOOST_CHECK_MESSAGE(r.err.find("a PIN is needed") != std::string::npos, r.err);
    if (fs::exists(log)) BOOST_CHECK_EQUAL(count(readFile(log), ": C_Login\n"), 0u);
}

BOOST_AUTO_TEST_CASE(pin_on_the_command_line_is_a_usage_error) {
    Job j;
    for (const std::vector<std::string>& pinArgs :
         {std::vector<std::string>{"--pin", kUserPin},
          std::vector<std::string>{std::string("--pin=") + kUserPin}}) {
        std::vector<std::string> args{"sign",  j.in.string(),       "-o",     j.out.string(),
                                      "--key", keyUri("signer-ec"), "--seal", sealPng().string()};
        args.insert(args.end(), pinArgs.begin(), pinArgs.end());
        RunResult r = eseal(args);
        BOOST_CHECK_MESSAGE(r.exitCode == 64, r.describe());
        BOOST_CHECK(!fs::exists(j.out));
        BOOST_CHECK_MESSAGE(r.err.find(kUserPin) == std::string::npos, "the PIN is echoed on stderr");
    }
}

BOOST_AUTO_TEST_CASE(missing_seal_image_exit_4) {
    Job j;
    const fs::path seal = j.dir / "no-such-seal.png";
    RunResult r = eseal({"sign", j.in.string(), "-o", j.out.string(), "--key", keyUri("signer-ec"), "--seal",
                         seal.string(), "--pin-env", kPinVar});
    expectCleanFailure(r, 4, j.in, j.inHash, j.out, {});
    BOOST_CHECK_MESSAGE(r.err.find("no-such-seal.png") != std::string::npos, "stderr does not name the seal");
}

BOOST_AUTO_TEST_CASE(seal_image_not_a_png_exit_4) {
    Job j;
    const fs::path seal = j.dir / "seal.png";
    writeFile(seal, "GIF89a not a png at all");
    RunResult r = eseal({"sign", j.in.string(), "-o", j.out.string(), "--key", keyUri("signer-ec"), "--seal",
                         seal.string(), "--pin-env", kPinVar});
    expectCleanFailure(r, 4, j.in, j.inHash, j.out, {});
}

BOOST_AUTO_TEST_CASE(bad_inputs_exit_4) {
    Job j;
    writeFile(j.dir / "empty.pdf", "");
    writeFile(j.dir / "garbage.pdf", std::string(4096, '\x7f'));
    for (const fs::path& in :
         {j.dir / "empty.pdf", j.dir / "garbage.pdf", j.dir / "missing.pdf", inputsDir() / "encrypted.pdf"}) {
        BOOST_TEST_CONTEXT(in.filename().string()) {
            const std::string h = fs::exists(in) ? sha256File(in) : "";
            RunResult r = sign({in}, {"-o", j.out.string()}, "signer-ec");
            expectCleanFailure(r, 4, in, h, j.out, {});
            BOOST_CHECK_MESSAGE(r.err.find(in.filename().string()) != std::string::npos,
                                "stderr does not name the input");
        }
    }
}

// Bytes before the %PDF header (7.5.2): qpdf counts the file's offsets from the
// header, Poppler from the first byte, so an appended update would be read
// differently by each; refused before the key is opened, nothing written.
BOOST_AUTO_TEST_CASE(bytes_before_the_header_are_refused) {
    Job j;
    const fs::path in = j.dir / "leading-junk.pdf";
    writeFile(in, "HTTP/1.1 200 OK\r\n\r\n" + readFile(j.in));
    const std::string h = sha256File(in);
    RunResult r = sign({in}, {"-o", j.out.string()}, "signer-ec");
    expectCleanFailure(r, 4, in, h, j.out, {});
    BOOST_CHECK_MESSAGE(r.err.find("19 byte(s) before its %PDF header") != std::string::npos, r.describe());
    BOOST_CHECK_MESSAGE(r.err.find("PIN") == std::string::npos, "asked for the key first: " << r.describe());
}

BOOST_AUTO_TEST_CASE(unwritable_output_exit_6) {
    Job j;
    writeFile(j.outDir / "a-file", "x");
    const std::vector<std::string> before = listDir(j.outDir);
    // Parent "directory" is a regular file.
    RunResult r1 = sign({j.in}, {"-o", (j.outDir / "a-file" / "out.pdf").string()}, "signer-ec");
    expectCleanFailure(r1, 6, j.in, j.inHash, j.outDir / "a-file" / "out.pdf", before);
    // The parent directory does not exist.
    RunResult r2 = sign({j.in}, {"-o", (j.outDir / "no-dir" / "out.pdf").string()}, "signer-ec");
    expectCleanFailure(r2, 6, j.in, j.inHash, j.outDir / "no-dir" / "out.pdf", before);
    BOOST_CHECK(!fs::exists(j.outDir / "no-dir"));
    // --out-dir is a regular file.
    RunResult r3 = sign({j.in}, {"--out-dir", (j.outDir / "a-file").string()}, "signer-ec");
    expectCleanFailure(r3, 6, j.in, j.inHash, j.outDir / "a-file" / "letter.pdf", before);
    BOOST_CHECK_EQUAL(readFile(j.outDir / "a-file"), "x");
    // A directory nobody may create files in (/proc refuses even root).
    RunResult r4 = sign({j.in}, {"-o", "/proc/eseal-integ-out.pdf"}, "signer-ec");
    BOOST_CHECK_MESSAGE(r4.exitCode == 6, r4.describe());
    BOOST_CHECK_EQUAL(sha256File(j.in), j.inHash);
    // A read-only directory (meaningful only when not root).
    if (::geteuid() != 0) {
        const fs::path ro = j.dir / "ro";
        fs::create_directory(ro);
        fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec);
        RunResult r5 = sign({j.in}, {"-o", (ro / "out.pdf").string()}, "signer-ec");
        expectCleanFailure(r5, 6, j.in, j.inHash, ro / "out.pdf", {});
    }
}

BOOST_AUTO_TEST_CASE(output_equal_to_input_is_refused) {
    // "never written in place": -o naming the input must not modify it.
    Job j;
    const fs::path copy = j.outDir / "letter.pdf";
    fs::copy_file(j.in, copy);
    const std::string h = sha256File(copy);
    RunResult r = sign({copy}, {"-o", copy.string()}, "signer-ec");
    BOOST_CHECK_MESSAGE(r.exitCode != 0, r.describe());
    BOOST_CHECK_EQUAL(sha256File(copy), h);
}

BOOST_AUTO_TEST_CASE(unknown_key_object_exit_5) {
    Job j;
    RunResult r = sign({j.in}, {"-o", j.out.string()}, "no-such-key");
    expectCleanFailure(r, 5, j.in, j.inHash, j.out, {});
}

BOOST_AUTO_TEST_CASE(pkcs12_key_signs_and_wrong_password_exit_5) {
    Job j;
    const std::string key = "p12:" + (pkiDir() / "signer-rsa.p12").string();
    RunResult bad =
        eseal({"sign", j.in.string(), "-o", j.out.string(), "--key", key, "--seal", sealPng().string(),
               "--pin-env", kPinVar});  // kPinVar holds the token PIN, not "test"
    expectCleanFailure(bad, 5, j.in, j.inHash, j.out, {});

    RunResult ok = eseal({"sign", j.in.string(), "-o", j.out.string(), "--key", key, "--seal",
                          sealPng().string(), "--pin-env", kPinVar},
                         {{kPinVar, "test"}});
    BOOST_REQUIRE_MESSAGE(ok.exitCode == 0, ok.describe());
    checkSealed(j.out, "Seal1", "signer-rsa", 1);
}

// FormatAdapter::check runs for every file before the key is opened: each of
// these must end the command with its exit code and a message naming the
// problem, and the PKCS#11 log must show that no session was ever logged in
// (the PIN is available, so a late check would have logged in first).
BOOST_AUTO_TEST_CASE(request_problems_are_refused_before_the_key_is_opened) {
    struct Case {
        std::string what;
        std::vector<std::string> extra;
        std::string output;  // relative to the job's output folder
        int code;
        std::string message;
    };
    const std::vector<Case> cases = {
        {"page that does not exist", {"--page", "99"}, "sealed.pdf", 4, "page 99 does not exist"},
        {"centre off the page", {"--at", "500,500"}, "sealed.pdf", 4, "outside page 1"},
        {"seal half off the page", {"--at", "200,290"}, "sealed.pdf", 4, "reaches past the edge of page 1"},
        {"seal wider than the page", {"--size", "230"}, "sealed.pdf", 4, "reaches past the edge of page 1"},
        {"output folder missing", {}, "missing/sealed.pdf", 6, "does not exist"},
        {"field name taken", {"--field", "Seal1"}, "sealed.pdf", 4, "already has a field named Seal1"},
    };
    // A sealed letter already has a field Seal1.
    TempDir base("check");
    RunResult once = sign({inputsDir() / "letter.pdf"}, {"-o", (base / "once.pdf").string()}, "signer-ec");
    BOOST_REQUIRE_MESSAGE(once.exitCode == 0, once.describe());
    for (const Case& c : cases) {
        BOOST_TEST_CONTEXT(c.what) {
            Job j;
            const fs::path in = c.what == "field name taken" ? base / "once.pdf" : j.in;
            const std::string inHash = sha256File(in);
            const fs::path out = j.outDir / c.output;
            const fs::path log = j.dir / "spy.log";
            std::vector<std::string> args{"sign",      in.string(),
                                          "-o",        out.string(),
                                          "--key",     keyUri("signer-ec", kSpyModule),
                                          "--seal",    sealPng().string(),
                                          "--pin-env", kPinVar};
            args.insert(args.end(), c.extra.begin(), c.extra.end());
            RunResult r = eseal(args, spyEnv(log));
            expectCleanFailure(r, c.code, in, inHash, out, {});
            BOOST_CHECK_MESSAGE(r.err.find(c.message) != std::string::npos, r.err);
            const std::string spy = fs::exists(log) ? readFile(log) : std::string();
            BOOST_CHECK_EQUAL(count(spy, ": C_Login\n"), 0u);
            BOOST_CHECK_EQUAL(count(spy, ": C_OpenSession\n"), 0u);
        }
    }
}

// In a batch a file that fails its check is reported and left out; the others
// are sealed with the one PIN entry, and the exit code tells of the failure.
BOOST_AUTO_TEST_CASE(batch_leaves_out_a_file_that_fails_its_check) {
    Job j;
    const fs::path bad = j.dir / "short.pdf";
    writeFile(bad, "%PDF-1.7\n% cut off\n");
    RunResult r = sign({j.in, bad}, {"--out-dir", j.outDir.string()}, "signer-ec");
    BOOST_CHECK_MESSAGE(r.exitCode == 4, r.describe());
    BOOST_CHECK_MESSAGE(r.err.find("short.pdf") != std::string::npos, r.err);
    BOOST_CHECK_MESSAGE(r.out.find("sealed 1, failed 1, skipped 0") != std::string::npos, r.out);
    BOOST_CHECK(fs::exists(j.outDir / "letter.pdf"));
    BOOST_CHECK(!fs::exists(j.outDir / "short.pdf"));
    if (fs::exists(j.outDir / "letter.pdf")) checkSealed(j.outDir / "letter.pdf", "Seal1", "signer-ec", 1);
}

// Exit 5 is everything about the key or PIN, also files that hold them
// (docs/CLI.md): an unreadable PIN file or PKCS#12 file is not an output error.
BOOST_AUTO_TEST_CASE(key_and_pin_files_that_cannot_be_read_exit_5) {
    Job j;
    RunResult pinFile = eseal({"sign", j.in.string(), "-o", j.out.string(), "--key", keyUri("signer-ec"),
                               "--seal", sealPng().string(), "--pin-file", (j.dir / "no-such-pin").string()});
    expectCleanFailure(pinFile, 5, j.in, j.inHash, j.out, {});
    RunResult p12 = eseal({"sign", j.in.string(), "-o", j.out.string(), "--key",
                           "p12:" + (j.dir / "no-such.p12").string(), "--seal", sealPng().string(),
                           "--pin-env", kPinVar});
    expectCleanFailure(p12, 5, j.in, j.inHash, j.out, {});
}

// A second seal on a sealed file, and batch sealing with one PIN entry.
#define BOOST_TEST_MODULE integ_resign_batch
#include <boost/test/unit_test.hpp>

#include "tests/integration/support.hpp"

using namespace integ;

BOOST_AUTO_TEST_CASE(second_seal_keeps_the_first_valid) {
    TempDir dir("resign");
    const fs::path in = inputsDir() / "letter.pdf";
    const fs::path once = dir / "once.pdf", twice = dir / "twice.pdf";

    RunResult r1 = sign({in}, {"-o", once.string()}, "signer-ec", {"--at", "151,212"});
    BOOST_REQUIRE_MESSAGE(r1.exitCode == 0, r1.describe());
    const std::string onceHash = sha256File(once);
    RunResult r2 = sign({once}, {"-o", twice.string()}, "signer-rsa", {"--at", "60,212"});
    BOOST_REQUIRE_MESSAGE(r2.exitCode == 0, r2.describe());
    BOOST_CHECK_EQUAL(sha256File(once), onceHash);

    auto l1 = parseSealedLines(r1.out), l2 = parseSealedLines(r2.out);
    BOOST_REQUIRE_EQUAL(l1.size(), 1u);
    BOOST_REQUIRE_EQUAL(l2.size(), 1u);
    BOOST_CHECK_EQUAL(l1[0].field, "Seal1");
    BOOST_CHECK_EQUAL(l2[0].field, "Seal2");

    // The second seal covers the whole file; pdfsig sees both, both valid.
    nlohmann::json rep = checkSealed(twice, l2[0].field, "signer-rsa", 2);
    BOOST_REQUIRE(rep.is_object());
    BOOST_CHECK_EQUAL(rep.value("indication", std::string()), "PASSED");
    BOOST_CHECK_EQUAL(rep.value("revisions", 0), 3);

    const auto* first = findSignature(rep, l1[0].field);
    BOOST_REQUIRE_MESSAGE(first != nullptr, rep.dump(1));
    BOOST_CHECK_EQUAL(first->value("indication", std::string()), "PASSED");
    BOOST_CHECK_EQUAL(first->value("coverage", std::string()), "earlier-revision");
    BOOST_CHECK_EQUAL(first->value("revision", 0), 2);
    BOOST_CHECK(first->value("laterRevisions", nlohmann::json::array()) == nlohmann::json::array({3}));
    const auto mods = first->value("modifications", nlohmann::json::array());
    BOOST_CHECK_MESSAGE(!mods.empty(), "the second seal's revision lists no modification");
    bool signatureAdded = false;
    for (const auto& m : mods) {
        BOOST_CHECK_MESSAGE(m.value("allowed", false), "not allowed: " << m.dump());
        BOOST_CHECK_EQUAL(m.value("revision", 0), 3);
        signatureAdded = signatureAdded || m.value("kind", std::string()) == "signature-added";
    }
    BOOST_CHECK_MESSAGE(signatureAdded, "no signature-added modification: " << mods.dump());

    // verify exit code: 0 when every signature PASSED.
    Verified v = verifyJson(twice);
    BOOST_CHECK_MESSAGE(v.run.exitCode == 0, v.run.describe());
}

BOOST_AUTO_TEST_CASE(batch_two_inputs_one_pin) {
    TempDir dir("batch");
    const fs::path outDir = dir / "out";
    fs::create_directory(outDir);
    const fs::path a = inputsDir() / "letter.pdf", b = inputsDir() / "twopage.pdf";
    const std::string ha = sha256File(a), hb = sha256File(b);

    // The PIN from a file, read once for both documents.
    const fs::path pinFile = dir / "pin";
    writeFile(pinFile, std::string(kUserPin) + "\n");
    fs::permissions(pinFile, fs::perms::owner_read | fs::perms::owner_write);
    RunResult r = eseal({"sign", a.string(), b.string(), "--out-dir", outDir.string(), "--key",
                         keyUri("signer-ec"), "--seal", sealPng().string(), "--pin-file", pinFile.string()},
                        {{kPinVar, kUnset}});
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    BOOST_CHECK_EQUAL(sha256File(a), ha);
    BOOST_CHECK_EQUAL(sha256File(b), hb);

    auto lines = parseSealedLines(r.out);
    BOOST_REQUIRE_MESSAGE(lines.size() == 2, r.out);
    BOOST_CHECK(listDir(outDir) == (std::vector<std::string>{"letter.pdf", "twopage.pdf"}));
    for (const auto& l : lines) BOOST_CHECK_MESSAGE(fs::path(l.out).parent_path() == outDir, l.out);
    checkSealed(outDir / "letter.pdf", "Seal1", "signer-ec", 1);
    checkSealed(outDir / "twopage.pdf", "Seal1", "signer-ec", 1);

    // Both files through one verify call: a JSON array, exit 0.
    Verified v = verifyJson({outDir / "letter.pdf", outDir / "twopage.pdf"});
    BOOST_CHECK_MESSAGE(v.run.exitCode == 0, v.run.describe());
    BOOST_REQUIRE_MESSAGE(v.report.is_array() && v.report.size() == 2, v.run.out.substr(0, 2000));
    for (const auto& rep : v.report) BOOST_CHECK_EQUAL(rep.value("indication", std::string()), "PASSED");
}

// One login for the whole batch, counted by OpenSC's PKCS#11 spy between eseal and SoftHSM.
BOOST_AUTO_TEST_CASE(batch_logs_in_once) {
    BOOST_REQUIRE_MESSAGE(fs::exists(kSpyModule), "pkcs11-spy.so missing (package opensc)");
    TempDir dir("batchspy");
    const fs::path outDir = dir / "out";
    fs::create_directory(outDir);
    const fs::path log = dir / "spy.log";
    RunResult r =
        eseal({"sign", (inputsDir() / "letter.pdf").string(), (inputsDir() / "objstm.pdf").string(),
               (inputsDir() / "twopage.pdf").string(), "--out-dir", outDir.string(), "--key",
               keyUri("signer-rsa", kSpyModule), "--seal", sealPng().string(), "--pin-env", kPinVar},
              spyEnv(log));
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    BOOST_CHECK_EQUAL(parseSealedLines(r.out).size(), 3u);
    const std::string spy = readFile(log);
    std::size_t logins = 0, signs = 0;
    for (std::size_t p = 0; (p = spy.find(": C_Login\n", p)) != std::string::npos; ++p) ++logins;
    for (std::size_t p = 0; (p = spy.find(": C_SignInit\n", p)) != std::string::npos; ++p) ++signs;
    BOOST_CHECK_EQUAL(logins, 1u);
    BOOST_CHECK_EQUAL(signs, 3u);
}

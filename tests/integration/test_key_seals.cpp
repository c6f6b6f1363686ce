// Seals kept on the USB Key and the key's renewal, through SoftHSM2 (real
// PKCS#11): `eseal seal store` writes a seal onto the token, `seal list` shows
// it, `sign --seal NAME` finds it before the PIN (missing or ambiguous names
// are refused naming the seals there, without a login); `token csr` makes a new
// key and a PKCS#10 request (checked by `openssl req -verify`), an openssl CA
// from the test PKI issues it, `token import-cert` stores it, `seal list` tells
// the seal of the old certificate from the one of the new, and the new key
// seals: eseal verify, pdfsig and qpdf check every file signed here.
#define BOOST_TEST_MODULE integ_key_seals
#include <boost/test/unit_test.hpp>

#include "tests/integration/support.hpp"

using namespace integ;

namespace {

// The test PKI's intermediate CA issues a signer certificate for a PKCS#10 request.
RunResult issueSignerCertificate(const fs::path& req, const fs::path& cert, const std::string& serial,
                                 const std::string& days) {
    return run({"openssl",
                "x509",
                "-req",
                "-in",
                req.string(),
                "-CA",
                (pkiDir() / "intermediate-ca.crt").string(),
                "-CAkey",
                (pkiDir() / "intermediate-ca.key").string(),
                "-set_serial",
                serial,
                "-days",
                days,
                "-sha256",
                "-extfile",
                (pkiDir() / "intermediate-ca.cnf").string(),
                "-extensions",
                "v3_signer",
                "-out",
                cert.string()});
}

fs::path makeSeal(const TempDir& dir, const std::string& id, const fs::path& cert, const std::string& name) {
    const fs::path out = dir / (id + ".esl");
    RunResult r = eseal({"seal",        "make",
                         "--image",     sealPng().string(),
                         "--size",      "40",
                         "--name",      name,
                         "--cert",      cert.string(),
                         "--valid",     "2025-01-01..2099-12-31",
                         "--maker-key", "p12:" + (pkiDir() / "signer-sm2.p12").string(),
                         "--pin-env",   kPinVar,
                         "--id",        id,
                         "-o",          out.string()},
                        {{kPinVar, "test"}});
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    return out;
}

std::size_t count(const std::string& hay, const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t p = 0; (p = hay.find(needle, p)) != std::string::npos; p += needle.size()) ++n;
    return n;
}

// The seal list entries from the key, by esID.
std::map<std::string, nlohmann::json> keySeals(const Env& env) {
    RunResult r =
        eseal({"seal", "list", "--module", kSoftHsmModule, "--json", "--folder", "/nonexistent"}, env);
    BOOST_TEST(r.exitCode == 0, r.describe());
    const auto j = nlohmann::json::parse(r.out, nullptr, false);
    std::map<std::string, nlohmann::json> out;
    if (!j.is_object()) return out;
    for (const auto& s : j["seals"])
        if (s.value("source", "") == "token" && s.contains("esID")) out[s["esID"].get<std::string>()] = s;
    return out;
}

void checkSealCarried(const fs::path& out, const std::string& esId) {
    Verified v = verifyJson(out);
    BOOST_REQUIRE(v.report.is_object());
    const auto& e = v.report["signatures"].at(0)["electronicSeal"];
    BOOST_REQUIRE(e.is_object());
    BOOST_TEST(e["esID"].get<std::string>() == esId);
    BOOST_TEST(e["signerListed"].get<bool>());
    BOOST_TEST(e["pictureOnPage"].get<std::string>() == "matches");
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_seal_stored_on_the_key_seals_by_name) {
    TempDir dir("key-seals");
    PrivateToken token;
    const Env env{{"SOFTHSM2_CONF", token.conf.string()}, {"LANG", "C.UTF-8"}};
    const fs::path ec = makeSeal(dir, "key-ec", pkiDir() / "signer-ec.crt", "测试单位合同专用章");
    const fs::path rsa = makeSeal(dir, "key-rsa", pkiDir() / "signer-rsa.crt", "测试单位财务专用章");

    RunResult put = eseal({"seal", "store", ec.string(), "--key", tokenUri(), "--pin-env", kPinVar}, env);
    BOOST_REQUIRE_MESSAGE(put.exitCode == 0, put.describe());
    BOOST_TEST(put.out.find("as '测试单位合同专用章'") != std::string::npos, put.out);
    RunResult put2 = eseal({"seal", "store", rsa.string(), "--key", keyUri("signer-rsa"), "--label",
                            "finance", "--pin-env", kPinVar},
                           env);
    BOOST_REQUIRE_MESSAGE(put2.exitCode == 0, put2.describe());
    // The same seal again, or a label in use: refused, the token unchanged.
    RunResult again = eseal({"seal", "store", ec.string(), "--key", tokenUri(), "--pin-env", kPinVar}, env);
    BOOST_TEST(again.exitCode == 5, again.describe());
    BOOST_TEST(again.err.find("already") != std::string::npos, again.err);
    const fs::path ec2 = makeSeal(dir, "key-ec-2", pkiDir() / "signer-ec.crt", "测试单位合同专用章");
    RunResult label = eseal(
        {"seal", "store", ec2.string(), "--key", tokenUri(), "--label", "finance", "--pin-env", kPinVar},
        env);
    BOOST_TEST(label.exitCode == 5, label.describe());
    BOOST_TEST(label.err.find("--label") != std::string::npos, label.err);
    // A PKCS#12 file keeps no seals.
    RunResult p12 = eseal({"seal", "store", ec.string(), "--key",
                           "p12:" + (pkiDir() / "signer-rsa.p12").string(), "--pin-env", kPinVar},
                          env);
    BOOST_TEST(p12.exitCode == 64, p12.describe());

    auto listed = keySeals(env);
    BOOST_REQUIRE_EQUAL(listed.size(), 2u);
    BOOST_TEST(listed["key-ec"]["location"].get<std::string>().find("测试单位合同专用章") !=
               std::string::npos);
    BOOST_TEST(listed["key-rsa"]["location"].get<std::string>().find("finance") != std::string::npos);
    BOOST_TEST(listed["key-ec"]["certificates"][0]["onKeys"].dump() == "[\"eseal-test\"]");

    // By the seal's name, by the label: found on the key, carried in the signature.
    const std::pair<std::string, std::string> uses[] = {{"测试单位合同专用章", "signer-ec"},
                                                        {"finance", "signer-rsa"}};
    for (const auto& [name, key] : uses) {
        BOOST_TEST_CONTEXT(name) {
            const fs::path out = dir / (key + ".pdf");
            RunResult r = eseal({"sign", (inputsDir() / "letter.pdf").string(), "-o", out.string(), "--key",
                                 keyUri(key), "--seal", name, "--pin-env", kPinVar},
                                env);
            BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
            BOOST_TEST(r.err.find("sealing with the seal") != std::string::npos, r.err);
            checkSealed(out, "Seal1", key, 1);
            checkSealCarried(out, key == "signer-ec" ? "key-ec" : "key-rsa");
        }
    }

    // A name that is not there, and a name two seals share: refused before any login.
    BOOST_REQUIRE_MESSAGE(fs::exists(kSpyModule), "pkcs11-spy.so missing (package opensc)");
    RunResult twin = eseal(
        {"seal", "store", ec2.string(), "--key", tokenUri(), "--label", "contracts-2", "--pin-env", kPinVar},
        env);
    BOOST_REQUIRE_MESSAGE(twin.exitCode == 0, twin.describe());
    struct Case {
        std::string name, english;
    };
    for (const Case& c : {Case{"人事专用章", "seals there: "}, Case{"测试单位合同专用章", "2 seals on "}}) {
        BOOST_TEST_CONTEXT(c.name) {
            const fs::path log = dir / "spy.log";
            fs::remove(log);
            Env spy = spyEnv(log);
            spy["SOFTHSM2_CONF"] = token.conf.string();
            spy["LANG"] = "C.UTF-8";
            const fs::path out = dir / "refused.pdf";
            RunResult r = eseal({"sign", (inputsDir() / "letter.pdf").string(), "-o", out.string(), "--key",
                                 keyUri("signer-ec", kSpyModule), "--seal", c.name, "--pin-env", kPinVar},
                                spy);
            BOOST_TEST(r.exitCode == 5, r.describe());
            BOOST_TEST(r.err.find(c.english) != std::string::npos, r.err);
            BOOST_TEST(r.err.find("key-ec") != std::string::npos, r.err);  // the seal IDs there
            BOOST_TEST(!fs::exists(out));
            BOOST_TEST(count(fs::exists(log) ? readFile(log) : std::string(), "C_Login") == 0u);
            Env zh = env;
            zh["LANG"] = "zh_CN.UTF-8";
            RunResult chinese = eseal({"sign", (inputsDir() / "letter.pdf").string(), "-o", out.string(),
                                       "--key", keyUri("signer-ec"), "--seal", c.name, "--pin-env", kPinVar},
                                      zh);
            BOOST_TEST(chinese.exitCode == 5, chinese.describe());
            BOOST_TEST(chinese.err.find("印章") != std::string::npos, chinese.err);
        }
    }
    // The seal ID picks one of the two.
    const fs::path byId = dir / "by-id.pdf";
    RunResult r = eseal({"sign", (inputsDir() / "letter.pdf").string(), "-o", byId.string(), "--key",
                         keyUri("signer-ec"), "--seal", "key-ec-2", "--pin-env", kPinVar},
                        env);
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    checkSealed(byId, "Seal1", "signer-ec", 1);
    checkSealCarried(byId, "key-ec-2");
}

BOOST_AUTO_TEST_CASE(renewal_new_key_request_certificate_and_seals) {
    TempDir dir("renewal");
    PrivateToken token;
    const Env env{{"SOFTHSM2_CONF", token.conf.string()}, {"LANG", "C.UTF-8"}};
    const std::string subject = "/C=CN/O=测试单位/CN=测试单位 ECDSA 签章人";  // the holder of signer-ec

    // A usage error and an existing output cost no PIN and change nothing.
    RunResult bad = eseal({"token", "csr", "--token", tokenUri(), "--subject", "CN=x", "-o",
                           (dir / "x.pem").string(), "--pin-env", kPinVar},
                          env);
    BOOST_TEST(bad.exitCode == 64, bad.describe());
    BOOST_TEST(!fs::exists(dir / "x.pem"));

    const fs::path req = dir / "req.pem";
    RunResult csr = eseal({"token", "csr", "--token", tokenUri(), "--subject", subject, "--key-type",
                           "ec-p256", "--label", "signer-ec-2026", "-o", req.string(), "--pin-env", kPinVar},
                          env);
    BOOST_REQUIRE_MESSAGE(csr.exitCode == 0, csr.describe());
    BOOST_TEST(csr.out.find("eseal token import-cert") != std::string::npos, csr.out);
    RunResult verify = run({"openssl", "req", "-in", req.string(), "-verify", "-noout", "-subject",
                            "-nameopt", "utf8,sep_comma_plus"});
    BOOST_TEST(verify.exitCode == 0, verify.describe());
    BOOST_TEST((verify.out + verify.err).find("verify OK") != std::string::npos, verify.describe());
    BOOST_TEST(verify.out.find("CN=测试单位 ECDSA 签章人") != std::string::npos, verify.out);
    const fs::path rsaReq = dir / "rsa.pem";
    RunResult rsa = eseal({"token", "csr", "--token", tokenUri(), "--subject", "/C=CN/CN=RSA renewal",
                           "--label", "rsa-2026", "-o", rsaReq.string(), "--pin-env", kPinVar},
                          env);
    BOOST_REQUIRE_MESSAGE(rsa.exitCode == 0, rsa.describe());
    RunResult rsaVerify = run({"openssl", "req", "-in", rsaReq.string(), "-verify", "-noout"});
    BOOST_TEST((rsaVerify.out + rsaVerify.err).find("verify OK") != std::string::npos, rsaVerify.describe());

    // The test PKI's intermediate CA issues the certificate: 20 days, so the
    // 30-day expiry warning shows when sealing with it.
    const fs::path cert = dir / "renewed.crt";
    RunResult issue = issueSignerCertificate(req, cert, "0x2026120301", "20");
    BOOST_REQUIRE_MESSAGE(issue.exitCode == 0, issue.describe());

    // A certificate whose key is not on the token is refused before the PIN.
    RunResult foreign = eseal({"token", "import-cert", (pkiDir() / "signer-sm2.crt").string(), "--token",
                               tokenUri(), "--pin-env", kPinVar},
                              env);
    BOOST_TEST(foreign.exitCode == 5, foreign.describe());
    BOOST_TEST(foreign.err.find("no key on token") != std::string::npos, foreign.err);
    RunResult imported =
        eseal({"token", "import-cert", cert.string(), "--token", tokenUri(), "--pin-env", kPinVar}, env);
    BOOST_REQUIRE_MESSAGE(imported.exitCode == 0, imported.describe());
    BOOST_TEST(imported.out.find("signer-ec-2026") != std::string::npos, imported.out);
    RunResult twice =
        eseal({"token", "import-cert", cert.string(), "--token", tokenUri(), "--pin-env", kPinVar}, env);
    BOOST_TEST(twice.exitCode == 5, twice.describe());

    // The seal of the old certificate and one for the new, both on the key.
    const fs::path oldSeal = makeSeal(dir, "seal-old", pkiDir() / "signer-ec.crt", "测试单位业务专用章");
    const fs::path newSeal = makeSeal(dir, "seal-new", cert, "测试单位业务专用章");
    for (const fs::path& s : {oldSeal, newSeal}) {
        RunResult put = eseal({"seal", "store", s.string(), "--key", tokenUri(), "--label", s.stem().string(),
                               "--pin-env", kPinVar},
                              env);
        BOOST_REQUIRE_MESSAGE(put.exitCode == 0, put.describe());
    }
    auto listed = keySeals(env);
    BOOST_REQUIRE(listed.count("seal-old") && listed.count("seal-new"));
    const auto& oldCert = listed["seal-old"]["certificates"][0];
    const auto& newCert = listed["seal-new"]["certificates"][0];
    BOOST_TEST(oldCert["newerOnKey"].is_object(), oldCert.dump());
    BOOST_TEST(oldCert["newerOnKey"]["serial"].get<std::string>().find("2026120301") != std::string::npos,
               oldCert.dump());
    BOOST_TEST(newCert["newerOnKey"].is_null(), newCert.dump());
    BOOST_TEST(newCert["onKeys"].dump() == "[\"eseal-test\"]");
    RunResult text = eseal({"seal", "list", "--module", kSoftHsmModule, "--folder", "/nonexistent"}, env);
    BOOST_TEST(count(text.out, "old certificate") == 1u, text.out);
    Env zh = env;
    zh["LANG"] = "zh_CN.UTF-8";
    RunResult zhText = eseal({"seal", "list", "--module", kSoftHsmModule, "--folder", "/nonexistent"}, zh);
    BOOST_TEST(zhText.out.find("旧证书") != std::string::npos, zhText.out);

    // Seal with the new key and its seal (the name picks the seal binding the
    // new certificate): verified by eseal, pdfsig and qpdf; the expiry warning.
    const std::string newKey =
        "pkcs11:token=eseal-test;object=signer-ec-2026?module-path=" + std::string(kSoftHsmModule);
    const fs::path out = dir / "renewed.pdf";
    RunResult sealed = eseal({"sign", (inputsDir() / "letter.pdf").string(), "-o", out.string(), "--key",
                              newKey, "--seal", "测试单位业务专用章", "--pin-env", kPinVar},
                             env);
    BOOST_REQUIRE_MESSAGE(sealed.exitCode == 0, sealed.describe());
    BOOST_TEST(sealed.err.find("fewer than 30 days") != std::string::npos, sealed.err);
    const auto report = checkSealed(out, "Seal1", "signer-ec", 1);
    checkSealCarried(out, "seal-new");
    BOOST_TEST(report.dump().find("2026120301") != std::string::npos);  // the new certificate signed
    // The old seal with the new key: refused, it does not list the new certificate.
    RunResult old = eseal({"sign", (inputsDir() / "letter.pdf").string(), "-o", (dir / "old.pdf").string(),
                           "--key", newKey, "--seal", "seal-old", "--pin-env", kPinVar},
                          env);
    BOOST_TEST(old.exitCode == 4, old.describe());
    BOOST_TEST(old.err.find("does not list the signer certificate") != std::string::npos, old.err);
    BOOST_TEST(!fs::exists(dir / "old.pdf"));
    // The old key still seals with the old seal.
    const fs::path stillOld = dir / "old-key.pdf";
    RunResult oldKey = eseal({"sign", (inputsDir() / "letter.pdf").string(), "-o", stillOld.string(), "--key",
                              keyUri("signer-ec"), "--seal", "测试单位业务专用章", "--pin-env", kPinVar},
                             env);
    BOOST_REQUIRE_MESSAGE(oldKey.exitCode == 0, oldKey.describe());
    checkSealed(stillOld, "Seal1", "signer-ec", 1);
    checkSealCarried(stillOld, "seal-old");
}

// A certificate renewed for the same key (same CKA_ID, issued later) replaces
// the old one as the signer: a seal bound to the old certificate is refused
// before the PIN (a wrong PIN is never tried: exit 4, not 5), and the seal
// bound to the new one gets to the login.
BOOST_AUTO_TEST_CASE(seal_of_a_certificate_renewed_for_the_same_key_is_refused_before_the_pin) {
    TempDir dir("same-key-renewal");
    PrivateToken token;
    const Env env{{"SOFTHSM2_CONF", token.conf.string()}, {"LANG", "C.UTF-8"}};
    const fs::path req = dir / "req.pem", cert = dir / "renewed.crt";
    RunResult csr = run({"openssl", "req", "-new", "-key", (pkiDir() / "signer-ec.key").string(), "-subj",
                         "/C=CN/O=eseal test/CN=renewed signer-ec", "-out", req.string()});
    BOOST_REQUIRE_MESSAGE(csr.exitCode == 0, csr.describe());
    RunResult issue = issueSignerCertificate(req, cert, "0x2026120402", "365");
    BOOST_REQUIRE_MESSAGE(issue.exitCode == 0, issue.describe());
    RunResult imported =
        eseal({"token", "import-cert", cert.string(), "--token", tokenUri(), "--pin-env", kPinVar}, env);
    BOOST_REQUIRE_MESSAGE(imported.exitCode == 0, imported.describe());

    const fs::path oldSeal = makeSeal(dir, "seal-old", pkiDir() / "signer-ec.crt", "测试单位业务专用章");
    const fs::path newSeal = makeSeal(dir, "seal-new", cert, "测试单位业务专用章");
    Env wrongPin = env;
    wrongPin[kPinVar] = "not-the-pin";
    const fs::path out = dir / "sealed.pdf";
    RunResult old = eseal({"sign", (inputsDir() / "letter.pdf").string(), "-o", out.string(), "--key",
                           keyUri("signer-ec"), "--seal", oldSeal.string(), "--pin-env", kPinVar},
                          wrongPin);
    BOOST_TEST(old.exitCode == 4, old.describe());
    BOOST_TEST(old.err.find("does not list the signer certificate") != std::string::npos, old.err);
    BOOST_TEST(old.err.find("renewed signer-ec") != std::string::npos, old.err);
    BOOST_TEST(!fs::exists(out));
    RunResult fresh = eseal({"sign", (inputsDir() / "letter.pdf").string(), "-o", out.string(), "--key",
                             keyUri("signer-ec"), "--seal", newSeal.string(), "--pin-env", kPinVar},
                            wrongPin);
    BOOST_TEST(fresh.exitCode == 5, fresh.describe());  // past the seal check, at the login
    RunResult sealed = eseal({"sign", (inputsDir() / "letter.pdf").string(), "-o", out.string(), "--key",
                              keyUri("signer-ec"), "--seal", newSeal.string(), "--pin-env", kPinVar},
                             env);
    BOOST_REQUIRE_MESSAGE(sealed.exitCode == 0, sealed.describe());
    RunResult pdfsig = run({"pdfsig", out.string()});
    BOOST_TEST(pdfsig.out.find("renewed signer-ec") != std::string::npos, pdfsig.out);
    BOOST_TEST(pdfsig.out.find("Signature is Valid") != std::string::npos, pdfsig.out);
}

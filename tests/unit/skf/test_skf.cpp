// SKF (GM/T 0016) keys through the test SKF library, loaded with dlopen as a
// vendor's library would be, and SM2 sealing of PDFs checked by eseal and by
// OpenSSL (SM3 of the byte range; SM2 signature over the signed attributes
// with the GM/T 0009 ID) and qpdf --check.
#define BOOST_TEST_MODULE skf
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <fstream>

#include "core/base/error.hpp"
#include "core/crypto/cms_sign.hpp"
#include "core/crypto/cms_verify.hpp"
#include "core/crypto/der.hpp"
#include "core/crypto/digest.hpp"
#include "core/token/key_registry.hpp"
#include "core/token/skf_key.hpp"
#include "core/token/skf_library.hpp"
#include "tests/integration/support.hpp"

using namespace eseal;
namespace fs = std::filesystem;

namespace {

const std::string kLib = ESEAL_SKF_SOFT;
const fs::path kPki = ESEAL_TEST_PKI;
constexpr const char* kUserPin = "135791";
constexpr const char* kAdminPin = "24682468";

// One soft USB Key per test: its own config and state file, so counters start fresh.
struct SoftKey {
    integ::TempDir dir{"skf"};
    fs::path config = dir / "skf.conf", log = dir / "verify.log";
    SoftKey() {
        std::ofstream(config) << "device soft-key-1\napp SEAL\nuser-pin " << kUserPin << "\nadmin-pin "
                              << kAdminPin << "\nmax-retries 6\ndefault-pin 0\nstate "
                              << (dir / "state").string() << "\ncontainer seal-sm2 "
                              << (kPki / "signer-sm2.key").string() << " "
                              << (kPki / "signer-sm2.crt").string() << "\ncontainer seal-rsa "
                              << (kPki / "signer-rsa.key").string() << " "
                              << (kPki / "signer-rsa.crt").string() << "\n";
        ::setenv("ESEAL_SKF_SOFT_CONFIG", config.c_str(), 1);
        ::setenv("ESEAL_SKF_SOFT_LOG", log.c_str(), 1);
    }
    ~SoftKey() {
        ::unsetenv("ESEAL_SKF_SOFT_CONFIG");
        ::unsetenv("ESEAL_SKF_SOFT_LOG");
    }
    std::string spec(const std::string& container = "") const {
        return "skf:" + kLib + (container.empty() ? "" : "?container=" + container);
    }
    // SKF_VerifyPIN calls the library saw, across processes.
    int verifyCalls() const {
        std::ifstream in(log);
        int n = 0;
        for (std::string line; std::getline(in, line);) ++n;
        return n;
    }
    integ::Env env() const {
        return {{"ESEAL_SKF_SOFT_CONFIG", config.string()}, {"ESEAL_SKF_SOFT_LOG", log.string()}};
    }
};

TokenError openFails(const std::string& spec, const std::string& pin) {
    FixedPin p(pin);
    try {
        openKey(spec, p);
    } catch (const TokenError& e) {
        return e;
    }
    BOOST_FAIL("opening " + spec + " with PIN " + pin + " did not fail");
    throw;
}

int userRetries(const SoftKey& k) { return skfUserPinState(k.spec()).retriesLeft.value_or(-1); }

// The signed attributes (as a DER SET) and the signature value of the first SignerInfo.
std::pair<Bytes, Bytes> attrsAndSignature(ByteView cms) {
    auto inner = [](ByteView v) {
        der::Reader r(v);
        auto t = r.next();
        BOOST_REQUIRE(t);
        return t->content;
    };
    der::Reader ci(inner(cms));
    ci.next();
    auto explicit0 = ci.next();
    BOOST_REQUIRE(explicit0);
    der::Reader sd(inner(explicit0->content));
    std::optional<der::Tlv> last;
    while (auto t = sd.next()) last = t;
    BOOST_REQUIRE(last);
    der::Reader si(inner(last->content));
    si.next();
    si.next();
    si.next();
    auto attrs = si.next();
    BOOST_REQUIRE(attrs && attrs->tag == 0xA0);
    si.next();
    auto sig = si.next();
    BOOST_REQUIRE(sig);
    Bytes set(attrs->whole.begin(), attrs->whole.end());
    set[0] = 0x31;  // [0] IMPLICIT -> SET OF, as signed (RFC 5652 5.4)
    return {set, Bytes(sig->content.begin(), sig->content.end())};
}

// OpenSSL's command line checks an SM2 signature over data with the GM/T 0009 ID.
void opensslSm2Check(const integ::TempDir& dir, const fs::path& certPem, const Bytes& data,
                     const Bytes& sig) {
    integ::writeFile(dir / "attrs.der", std::string(data.begin(), data.end()));
    integ::writeFile(dir / "sig.der", std::string(sig.begin(), sig.end()));
    auto pub = integ::run({"openssl", "x509", "-in", certPem.string(), "-noout", "-pubkey", "-out",
                           (dir / "pub.pem").string()});
    BOOST_REQUIRE_MESSAGE(pub.exitCode == 0, pub.describe());
    auto r = integ::run({"openssl", "dgst", "-sm3", "-verify", (dir / "pub.pem").string(), "-signature",
                         (dir / "sig.der").string(), "-sigopt", "distid:1234567812345678",
                         (dir / "attrs.der").string()});
    BOOST_TEST(r.exitCode == 0, r.describe());
    BOOST_TEST(r.out.find("Verified OK") != std::string::npos, r.describe());
}

// Independent checks of an SM2-sealed PDF: qpdf --check; the SM3 of the
// /ByteRange by `openssl dgst -sm3` is the message digest in the signed
// attributes; `openssl dgst -verify` accepts the SM2 signature over them.
void checkSm2Pdf(const fs::path& pdf, const fs::path& certPem) {
    std::string qpdfOut;
    BOOST_TEST(integ::qpdfCheck(pdf, &qpdfOut), qpdfOut);
    const std::string file = integ::readFile(pdf);
    const auto br = file.rfind("/ByteRange");
    BOOST_REQUIRE(br != std::string::npos);
    long a = 0, b = 0, c = 0, d = 0;
    BOOST_REQUIRE(std::sscanf(file.c_str() + br, "/ByteRange [%ld %ld %ld %ld]", &a, &b, &c, &d) == 4);
    const auto sub = file.rfind("/SubFilter", br);
    BOOST_TEST((sub != std::string::npos && file.compare(sub, 31, "/SubFilter /adbe.pkcs7.detached") == 0));
    integ::TempDir dir("sm2pdf");
    integ::writeFile(dir / "covered.bin",
                     file.substr(static_cast<std::size_t>(a), static_cast<std::size_t>(b)) +
                         file.substr(static_cast<std::size_t>(c), static_cast<std::size_t>(d)));
    auto dg = integ::run({"openssl", "dgst", "-sm3", "-r", (dir / "covered.bin").string()});
    BOOST_REQUIRE_MESSAGE(dg.exitCode == 0, dg.describe());
    const Bytes md = fromHex(dg.out.substr(0, 64));
    // /Contents <hex> lies between the two ranges.
    const std::string hex = file.substr(static_cast<std::size_t>(b) + 1, static_cast<std::size_t>(c - b) - 2);
    Bytes cms = fromHex(hex);
    der::Reader outer(cms);
    auto whole = outer.next();
    BOOST_REQUIRE(whole);
    cms.resize(whole->whole.size());  // drop the zero padding
    auto [attrs, sig] = attrsAndSignature(cms);
    Bytes needle{0x04, 0x20};
    needle.insert(needle.end(), md.begin(), md.end());
    BOOST_TEST((std::search(attrs.begin(), attrs.end(), needle.begin(), needle.end()) != attrs.end()),
               "the SM3 of the byte range computed by openssl is not the signed message digest");
    opensslSm2Check(dir, certPem, attrs, sig);
}

std::vector<std::string> trustArgs() {
    return {"--no-system-trust", "--trust", (kPki / "sm2-root-ca.crt").string(), "--trust",
            (kPki / "trust.pem").string()};
}

}  // namespace

BOOST_AUTO_TEST_CASE(enumerates_devices_apps_containers_and_pin_state) {
    SoftKey k;
    const auto devices = listSkf(kLib);
    BOOST_REQUIRE_EQUAL(devices.size(), 1u);
    BOOST_TEST(devices[0].name == "soft-key-1");
    BOOST_TEST(devices[0].error.empty(), devices[0].error);
    BOOST_REQUIRE_EQUAL(devices[0].apps.size(), 1u);
    const auto& app = devices[0].apps[0];
    BOOST_TEST(app.name == "SEAL");
    BOOST_TEST(app.userPin.retriesLeft.value_or(-1) == 6);
    BOOST_TEST(app.adminPin.retriesLeft.value_or(-1) == 6);
    BOOST_REQUIRE_EQUAL(app.containers.size(), 2u);
    BOOST_TEST(app.containers[0].name == "seal-sm2");
    BOOST_TEST(app.containers[0].keyType == "SM2");
    BOOST_TEST(app.containers[0].subject.find("SM2") != std::string::npos, app.containers[0].subject);
    BOOST_TEST(app.containers[1].keyType == "RSA");
    BOOST_TEST(SkfSpec::parse(app.containers[0].keySpec).container == "seal-sm2");
    BOOST_TEST(k.verifyCalls() == 0);  // listing asks no PIN
}

BOOST_AUTO_TEST_CASE(spec_parsing) {
    auto s = SkfSpec::parse("skf:/usr/lib/libgm3000.1.0.so?device=USB%201&app=SEAL&container=c%26d");
    BOOST_TEST(s.library == "/usr/lib/libgm3000.1.0.so");
    BOOST_TEST(s.device == "USB 1");
    BOOST_TEST(s.container == "c&d");
    BOOST_TEST(SkfSpec::parse(s.toString()).container == "c&d");
    BOOST_CHECK_THROW(SkfSpec::parse("skf:?app=x"), Error);
    BOOST_CHECK_THROW(SkfSpec::parse("skf:/x.so?colour=red"), Error);
    BOOST_CHECK_THROW(SkfSpec::parse("skf:/x.so?app=%zz"), Error);
}

BOOST_AUTO_TEST_CASE(missing_library_or_container_is_a_clear_token_error) {
    SoftKey k;
    FixedPin p(kUserPin);
    try {
        openKey("skf:/nonexistent/libnothing.so", p);
        BOOST_FAIL("no error");
    } catch (const TokenError& e) {
        BOOST_TEST((e.kind() == TokenError::Kind::NotFound));
    }
    // Two containers and none named: the error lists them.
    auto e = openFails(k.spec(), kUserPin);
    BOOST_TEST(e.message().find("seal-sm2") != std::string::npos, e.message());
    BOOST_TEST(k.verifyCalls() == 0);
}

BOOST_AUTO_TEST_CASE(sm2_and_rsa_sign_through_dlopen) {
    SoftKey k;
    FixedPin p(kUserPin);
    const Bytes content = {'h', 'e', 'l', 'l', 'o'};
    {
        auto key = openKey(k.spec("seal-sm2"), p);
        BOOST_TEST((key->algorithms().front().scheme == SignatureScheme::Sm2));
        CmsSignOptions o;
        o.digest = DigestAlgorithm::Sm3;
        const Bytes cms = buildDetachedCms(digest(DigestAlgorithm::Sm3, content), *key, o);
        auto [attrs, sig] = attrsAndSignature(cms);
        integ::TempDir dir("sm2cms");
        opensslSm2Check(dir, kPki / "signer-sm2.crt", attrs, sig);
    }
    {
        auto key = openKey(k.spec("seal-rsa"), p);
        CmsSignOptions o;
        const Bytes cms = buildDetachedCms(digest(DigestAlgorithm::Sha256, content), *key, o);
        integ::TempDir dir("rsacms");
        integ::writeFile(dir / "sig.der", std::string(cms.begin(), cms.end()));
        integ::writeFile(dir / "content", "hello");
        // OpenSSL's CMS verifier handles RSA: an independent check of the device's PKCS#1 signature.
        auto r = integ::run({"openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in",
                             (dir / "sig.der").string(), "-content", (dir / "content").string(), "-CAfile",
                             (kPki / "ca-chain.pem").string(), "-purpose", "any", "-out", "/dev/null"});
        BOOST_TEST(r.exitCode == 0, r.describe());
    }
    BOOST_TEST(k.verifyCalls() == 2);  // one login per key opened
}

BOOST_AUTO_TEST_CASE(wrong_pin_shows_retries_left_and_is_not_retried) {
    SoftKey k;
    auto e = openFails(k.spec("seal-sm2"), "000000");
    BOOST_TEST((e.kind() == TokenError::Kind::WrongPin));
    BOOST_TEST(e.message().find("wrong PIN") != std::string::npos, e.message());
    BOOST_TEST(e.message().find("5 tries left") != std::string::npos, e.message());
    BOOST_TEST(k.verifyCalls() == 1);
    BOOST_TEST(userRetries(k) == 5);  // the count persisted where another process reads it
}

BOOST_AUTO_TEST_CASE(locks_after_the_limit_and_unlocks_with_the_admin_pin) {
    SoftKey k;
    for (int i = 1; i <= 6; ++i) {
        auto e = openFails(k.spec("seal-sm2"), "999999");
        BOOST_TEST((e.kind() == TokenError::Kind::WrongPin));
        if (i == 5) BOOST_TEST(e.message().find("1 try left") != std::string::npos, e.message());
        if (i == 6) BOOST_TEST(e.message().find("now locked") != std::string::npos, e.message());
    }
    BOOST_TEST(k.verifyCalls() == 6);
    // Locked: even the right PIN is refused, before the device is asked.
    auto locked = openFails(k.spec("seal-sm2"), kUserPin);
    BOOST_TEST((locked.kind() == TokenError::Kind::PinLocked));
    BOOST_TEST(locked.message().find("eseal token unlock --token 'skf:") != std::string::npos,
               locked.message());
    BOOST_TEST(k.verifyCalls() == 6);

    // A wrong admin PIN is counted and reported, not retried.
    FixedPin badAdmin("00000000"), fresh("864200");
    try {
        unlockSkfPin(k.spec(), badAdmin, fresh);
        BOOST_FAIL("wrong admin PIN accepted");
    } catch (const TokenError& e) {
        BOOST_TEST((e.kind() == TokenError::Kind::WrongPin));
        BOOST_TEST(e.message().find("5 tries left") != std::string::npos, e.message());
    }
    FixedPin admin(kAdminPin);
    unlockSkfPin(k.spec(), admin, fresh);
    BOOST_TEST(userRetries(k) == 6);
    FixedPin p("864200");
    BOOST_TEST(openKey(k.spec("seal-sm2"), p) != nullptr);
}

BOOST_AUTO_TEST_CASE(change_pin) {
    SoftKey k;
    FixedPin oldPin(kUserPin), newPin("112358");
    changeSkfPin(k.spec(), oldPin, newPin);
    BOOST_TEST((openFails(k.spec("seal-sm2"), kUserPin).kind() == TokenError::Kind::WrongPin));
    FixedPin p("112358");
    BOOST_TEST(openKey(k.spec("seal-sm2"), p) != nullptr);
    FixedPin wrong("000000"), other("999999");
    BOOST_CHECK_THROW(changeSkfPin(k.spec(), wrong, other), TokenError);
}

// eseal sign --key 'skf:...' on a PDF another program wrote; eseal verify, qpdf and OpenSSL check it.
BOOST_AUTO_TEST_CASE(cli_seals_pdf_with_skf_sm2_key) {
    SoftKey k;
    integ::TempDir dir("skfcli");
    const fs::path out = dir / "sealed.pdf";
    integ::Env env = k.env();
    env["SKF_PIN"] = kUserPin;
    auto r = integ::eseal({"sign", (integ::inputsDir() / "letter.pdf").string(), "-o", out.string(), "--key",
                           k.spec("seal-sm2"), "--seal", integ::sealPng().string(), "--pin-env", "SKF_PIN"},
                          env);
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    BOOST_TEST(k.verifyCalls() == 1);
    std::vector<std::string> args{"verify", out.string(), "--json"};
    for (const auto& a : trustArgs()) args.push_back(a);
    auto v = integ::eseal(args);
    BOOST_TEST(v.exitCode == 0, v.describe());
    auto report = nlohmann::json::parse(v.out, nullptr, false);
    BOOST_REQUIRE(!report.is_discarded());
    const auto& sig = report["signatures"].back();
    BOOST_TEST(sig["indication"] == "PASSED", v.out);
    BOOST_TEST(sig["signatureAlgorithm"] == "SM2 with SM3");
    BOOST_TEST(sig["format"] == "adbe.pkcs7.detached");
    BOOST_TEST(sig["chain"]["status"] == "trusted", v.out);
    checkSm2Pdf(out, kPki / "signer-sm2.crt");

    // A changed byte inside the signed range fails eseal's check.
    std::string bytes = integ::readFile(out);
    const auto pos = bytes.find("/Type /Page");
    BOOST_REQUIRE(pos != std::string::npos);
    bytes[pos + 1] = 'X';
    integ::writeFile(dir / "tampered.pdf", bytes);
    args[1] = (dir / "tampered.pdf").string();
    BOOST_TEST(integ::eseal(args).exitCode == 1);
}

BOOST_AUTO_TEST_CASE(cli_wrong_skf_pin_exit_5_with_retries) {
    SoftKey k;
    integ::TempDir dir("skfpin");
    integ::Env env = k.env();
    env["SKF_PIN"] = "000000";
    auto r = integ::eseal(
        {"sign", (integ::inputsDir() / "letter.pdf").string(), "-o", (dir / "x.pdf").string(), "--key",
         k.spec("seal-sm2"), "--seal", integ::sealPng().string(), "--pin-env", "SKF_PIN"},
        env);
    BOOST_TEST(r.exitCode == 5, r.describe());
    BOOST_TEST(r.err.find("wrong PIN") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("5 tries left before the key locks") != std::string::npos, r.err);
    // Said once: the message does not repeat that the PIN was wrong.
    BOOST_TEST(r.err.find("wrong PIN") == r.err.rfind("wrong PIN"), r.err);
    BOOST_TEST(k.verifyCalls() == 1);
    BOOST_TEST(!fs::exists(dir / "x.pdf"));

    // The same in Chinese, with the count the key gives after the second try.
    env["LANG"] = "zh_CN.UTF-8";
    env["LC_ALL"] = integ::kUnset;
    env["LC_MESSAGES"] = integ::kUnset;
    auto zh = integ::eseal(
        {"sign", (integ::inputsDir() / "letter.pdf").string(), "-o", (dir / "x.pdf").string(), "--key",
         k.spec("seal-sm2"), "--seal", integ::sealPng().string(), "--pin-env", "SKF_PIN"},
        env);
    BOOST_TEST(zh.exitCode == 5, zh.describe());
    BOOST_TEST(zh.err.find("PIN 不正确") != std::string::npos, zh.err);
    BOOST_TEST(zh.err.find("还可尝试 4 次，之后 USB Key 将锁定") != std::string::npos, zh.err);
    BOOST_TEST(k.verifyCalls() == 2);
    BOOST_TEST(!fs::exists(dir / "x.pdf"));
}

BOOST_AUTO_TEST_CASE(cli_token_list_unlock_change_pin) {
    SoftKey k;
    integ::Env env = k.env();
    auto list = integ::eseal({"token", "list", "--module", kLib}, env);
    BOOST_TEST(list.exitCode == 0, list.describe());
    BOOST_TEST(list.out.find("seal-sm2") != std::string::npos, list.out);
    BOOST_TEST(list.out.find("6 tries left") != std::string::npos, list.out);
    // Lock it with six wrong PINs (six commands), then unlock and change through the CLI.
    for (int i = 0; i < 6; ++i) {
        FixedPin bad("999999");
        BOOST_CHECK_THROW(openKey(k.spec("seal-sm2"), bad), TokenError);
    }
    env["ADMIN"] = kAdminPin;
    env["NEWPIN"] = "246800";
    auto unlock = integ::eseal(
        {"token", "unlock", "--token", k.spec(), "--so-pin-env", "ADMIN", "--new-pin-env", "NEWPIN"}, env);
    BOOST_TEST(unlock.exitCode == 0, unlock.describe());
    env["OLD"] = "246800";
    env["NEWPIN"] = "975310";
    auto change = integ::eseal(
        {"token", "change-pin", "--token", k.spec(), "--pin-env", "OLD", "--new-pin-env", "NEWPIN"}, env);
    BOOST_TEST(change.exitCode == 0, change.describe());
    FixedPin p("975310");
    BOOST_TEST(openKey(k.spec("seal-sm2"), p) != nullptr);
}

// A PKCS#12 SM2 key (OpenSSL-made, the declared PKI) seals a PDF that eseal, qpdf and OpenSSL check.
BOOST_AUTO_TEST_CASE(cli_seals_pdf_with_p12_sm2_key) {
    integ::TempDir dir("p12sm2");
    const fs::path out = dir / "sealed.pdf";
    auto r = integ::eseal({"sign", (integ::inputsDir() / "letter.pdf").string(), "-o", out.string(), "--key",
                           "p12:" + (kPki / "signer-sm2.p12").string(), "--seal", integ::sealPng().string(),
                           "--pin-env", "P12PW"},
                          {{"P12PW", "test"}});
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    std::vector<std::string> args{"verify", out.string(), "--json"};
    for (const auto& a : trustArgs()) args.push_back(a);
    auto v = integ::eseal(args);
    BOOST_TEST(v.exitCode == 0, v.describe());
    checkSm2Pdf(out, kPki / "signer-sm2.crt");
}

// A third-party SM2 PKCS#12 (ofdrw, legacy RC2/3DES encryption) opens and signs;
// its certificate expired in 2022, so the signature verifies but the chain does not.
BOOST_AUTO_TEST_CASE(third_party_legacy_sm2_p12) {
    const std::string path = std::string(ESEAL_SOURCE_DIR) + "/tests/data/sm2/ofdrw-USER.p12";
    FixedPin bad("000000");
    BOOST_CHECK_THROW(openKey("p12:" + path, bad), TokenError);
    FixedPin pw("777777");
    auto key = openKey("p12:" + path, pw);
    BOOST_TEST((key->algorithms().front().scheme == SignatureScheme::Sm2));
    CmsSignOptions o;
    o.digest = DigestAlgorithm::Sm3;
    const Bytes content = {'o', 'f', 'd'};
    const Bytes cms = buildDetachedCms(digest(DigestAlgorithm::Sm3, content), *key, o);
    auto [attrs, sig] = attrsAndSignature(cms);
    integ::TempDir dir("ofdrw");
    const Bytes& cert = key->certificateChain().front();
    integ::writeFile(dir / "cert.der", std::string(cert.begin(), cert.end()));
    auto pem = integ::run({"openssl", "x509", "-inform", "DER", "-in", (dir / "cert.der").string(), "-out",
                           (dir / "cert.pem").string()});
    BOOST_REQUIRE(pem.exitCode == 0);
    opensslSm2Check(dir, dir / "cert.pem", attrs, sig);
}

// Seals as SKF files (GM/T 0016 7.5) through the test library: `seal store`
// creates the file after one SKF_VerifyPIN, `seal list --module LIB` shows it
// (another DER file that is no seal is left out), `sign --seal NAME` finds it
// by the seal's name before the PIN and the seal travels in the SM2 signature;
// eseal verify, qpdf and OpenSSL check the PDF (pdfsig cannot check SM2).
BOOST_AUTO_TEST_CASE(cli_seal_files_on_an_skf_key) {
    SoftKey k;
    integ::TempDir dir("skfseal");
    integ::Env env = k.env();
    env["SKF_PIN"] = kUserPin;
    env["LANG"] = "C.UTF-8";
    const fs::path seal = dir / "sm2.esl";
    auto made = integ::eseal({"seal",        "make",
                              "--image",     integ::sealPng().string(),
                              "--size",      "40",
                              "--name",      "测试单位电子公章",
                              "--cert",      (kPki / "signer-sm2.crt").string(),
                              "--valid",     "2025-01-01..2099-12-31",
                              "--maker-key", "p12:" + (kPki / "signer-sm2.p12").string(),
                              "--pin-env",   "P12",
                              "--id",        "skf-seal-1",
                              "-o",          seal.string()},
                             {{"P12", "test"}});
    BOOST_REQUIRE_MESSAGE(made.exitCode == 0, made.describe());
    BOOST_REQUIRE(fs::file_size(seal) > 4096);  // read back in several SKF_ReadFile pieces

    // Not stored without the PIN source; the file stays absent.
    integ::Env noPin = env;
    noPin.erase("SKF_PIN");
    auto refused =
        integ::eseal({"seal", "store", seal.string(), "--key", k.spec(), "--pin-env", "SKF_PIN"}, noPin);
    BOOST_TEST(refused.exitCode == 5, refused.describe());
    auto store =
        integ::eseal({"seal", "store", seal.string(), "--key", k.spec(), "--pin-env", "SKF_PIN"}, env);
    BOOST_REQUIRE_MESSAGE(store.exitCode == 0, store.describe());
    BOOST_TEST(store.out.find("ESEAL_skfseal1") != std::string::npos, store.out);
    BOOST_TEST(k.verifyCalls() == 1);
    auto again =
        integ::eseal({"seal", "store", seal.string(), "--key", k.spec(), "--pin-env", "SKF_PIN"}, env);
    BOOST_TEST(again.exitCode == 5, again.describe());
    BOOST_TEST(again.err.find("already") != std::string::npos, again.err);
    auto badName = integ::eseal(
        {"seal", "store", seal.string(), "--key", k.spec(), "--label", "印章", "--pin-env", "SKF_PIN"}, env);
    BOOST_TEST(badName.exitCode == 64, badName.describe());

    // Another DER file of the application (a certificate) is not a seal.
    {
        auto lib = skf::Library::open(kLib);
        auto dev = std::make_shared<skf::Device>(lib, lib->enumDevices().at(0));
        auto app = std::make_shared<skf::Application>(dev, "SEAL");
        std::string pin = kUserPin;
        skf::ULONG retries = 0;
        BOOST_REQUIRE(lib->VerifyPIN(app->get(), skf::USER_TYPE, pin.data(), &retries) == skf::SAR_OK);
        app->loggedIn = true;
        const std::string der = integ::readFile(kPki / "signer-rsa.der");
        std::string name = "CERT_RSA";
        BOOST_REQUIRE(lib->CreateFile(app->get(), name.data(), static_cast<skf::ULONG>(der.size()),
                                      skf::SECURE_ANYONE_ACCOUNT, skf::SECURE_USER_ACCOUNT) == skf::SAR_OK);
        std::vector<unsigned char> bytes(der.begin(), der.end());
        BOOST_REQUIRE(lib->WriteFile(app->get(), name.data(), 0, bytes.data(),
                                     static_cast<skf::ULONG>(bytes.size())) == skf::SAR_OK);
        const TokenSeals onKey = skfSealsOf(k.spec());
        BOOST_TEST(onKey.sealValues.size() == 2u);  // both DER files; the caller keeps the seals
        BOOST_REQUIRE_EQUAL(onKey.sealLabels.size(), 2u);
        BOOST_TEST(onKey.sealLabels[0] == "CERT_RSA");  // SKF_EnumFiles order
        BOOST_TEST(onKey.sealLabels[1] == "ESEAL_skfseal1");
        BOOST_TEST(integ::readFile(seal) ==
                   std::string(onKey.sealValues[1].begin(), onKey.sealValues[1].end()));
    }
    auto list = integ::eseal({"seal", "list", "--module", kLib, "--folder", "/nonexistent", "--json"}, env);
    BOOST_TEST(list.exitCode == 0, list.describe());
    auto j = nlohmann::json::parse(list.out, nullptr, false);
    BOOST_REQUIRE(j.is_object());
    BOOST_REQUIRE_EQUAL(j["seals"].size(), 1u);
    BOOST_TEST(j["seals"][0]["esID"] == "skf-seal-1");
    BOOST_TEST(j["seals"][0]["location"].get<std::string>().find("ESEAL_skfseal1") != std::string::npos);
    BOOST_TEST(j["seals"][0]["certificates"][0]["onKeys"].size() == 1u, list.out);

    const int before = k.verifyCalls();
    auto missing =
        integ::eseal({"sign", (integ::inputsDir() / "letter.pdf").string(), "-o", (dir / "no.pdf").string(),
                      "--key", k.spec("seal-sm2"), "--seal", "人事章", "--pin-env", "SKF_PIN"},
                     env);
    BOOST_TEST(missing.exitCode == 5, missing.describe());
    BOOST_TEST(missing.err.find("测试单位电子公章") != std::string::npos, missing.err);
    BOOST_TEST(k.verifyCalls() == before);  // no PIN
    BOOST_TEST(!fs::exists(dir / "no.pdf"));

    const fs::path out = dir / "sealed.pdf";
    auto r = integ::eseal({"sign", (integ::inputsDir() / "letter.pdf").string(), "-o", out.string(), "--key",
                           k.spec("seal-sm2"), "--seal", "测试单位电子公章", "--pin-env", "SKF_PIN"},
                          env);
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    std::vector<std::string> args{"verify", out.string(), "--json"};
    for (const auto& a : trustArgs()) args.push_back(a);
    auto v = integ::eseal(args);
    BOOST_TEST(v.exitCode == 0, v.describe());
    auto report = nlohmann::json::parse(v.out, nullptr, false);
    BOOST_REQUIRE(report.is_object());
    const auto& sig = report["signatures"].back();
    BOOST_TEST(sig["indication"] == "PASSED", v.out);
    BOOST_TEST(sig["electronicSeal"]["esID"] == "skf-seal-1", v.out);
    BOOST_TEST(sig["electronicSeal"]["signerListed"] == true, v.out);
    checkSm2Pdf(out, kPki / "signer-sm2.crt");
}

namespace {

// The CA side of a renewal, done by OpenSSL: checks the request's signature
// (openssl req -verify and again openssl x509 -req) and issues a certificate
// for it with the test PKI's CA of that algorithm.
fs::path issueFromRequest(const integ::TempDir& dir, const fs::path& req, bool sm2) {
    const std::string distid = "distid:1234567812345678";
    std::vector<std::string> verify{"openssl", "req", "-in", req.string(), "-verify", "-noout"};
    if (sm2) verify.insert(verify.end(), {"-vfyopt", distid});
    auto v = integ::run(verify);
    BOOST_TEST(v.exitCode == 0, v.describe());
    BOOST_TEST((v.out + v.err).find("verify OK") != std::string::npos, v.describe());
    auto text = integ::run({"openssl", "req", "-in", req.string(), "-noout", "-text", "-nameopt", "utf8"});
    BOOST_TEST(text.out.find(sm2 ? "SM2-with-SM3" : "sha256WithRSAEncryption") != std::string::npos,
               text.out);
    BOOST_TEST(text.out.find("CN=测试单位") != std::string::npos, text.out);
    const std::string ca = sm2 ? "sm2-root-ca" : "intermediate-ca";
    const fs::path crt = dir / (sm2 ? "new-sm2.crt" : "new-rsa.crt");
    std::vector<std::string> issue{"openssl",
                                   "x509",
                                   "-req",
                                   "-in",
                                   req.string(),
                                   "-CA",
                                   (kPki / (ca + ".crt")).string(),
                                   "-CAkey",
                                   (kPki / (ca + ".key")).string(),
                                   "-set_serial",
                                   sm2 ? "0x5e11" : "0x5e12",
                                   "-days",
                                   "30",
                                   "-extfile",
                                   (kPki / (ca + ".cnf")).string(),
                                   "-extensions",
                                   "v3_signer",
                                   "-out",
                                   crt.string()};
    if (sm2)
        issue.insert(issue.end(), {"-vfyopt", distid, "-sm3", "-sigopt", distid});
    else
        issue.push_back("-sha256");
    auto r = integ::run(issue);
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    return crt;
}

}  // namespace

// Renewal on an SKF key, as a clerk does it: token csr makes a key pair in a new
// container and a request signed by it; the CA (OpenSSL) checks and issues;
// token import-cert stores the certificate with its key; the new key seals, and
// eseal verify and an independent verifier (OpenSSL for SM2, pdfsig for RSA)
// accept it.
BOOST_AUTO_TEST_CASE(cli_renewal_csr_and_import_cert_on_skf_key) {
    SoftKey k;
    integ::TempDir dir("skfrenew");
    integ::Env env = k.env();
    env["SKF_PIN"] = kUserPin;
    for (const bool sm2 : {true, false}) {
        const std::string container = sm2 ? "renew-sm2" : "renew-rsa";
        const fs::path req = dir / (container + ".pem");
        const int before = k.verifyCalls();
        auto csr = integ::eseal({"token", "csr", "--token", k.spec(), "--subject",
                                 "/C=CN/O=测试单位/CN=测试单位", "-o", req.string(), "--key-type",
                                 sm2 ? "sm2" : "rsa2048", "--label", container, "--pin-env", "SKF_PIN"},
                                env);
        BOOST_REQUIRE_MESSAGE(csr.exitCode == 0, csr.describe());
        BOOST_TEST(csr.out.find("container '" + container + "'") != std::string::npos, csr.out);
        BOOST_TEST(k.verifyCalls() == before + 1);  // one login
        // The new container is listed, with no certificate yet.
        auto listed = listSkf(kLib);
        const auto& containers = listed.at(0).apps.at(0).containers;
        auto made = std::find_if(containers.begin(), containers.end(),
                                 [&](const SkfContainerInfo& c) { return c.name == container; });
        BOOST_REQUIRE(made != containers.end());
        BOOST_TEST(made->keyType == (sm2 ? "SM2" : "RSA"));
        BOOST_TEST(made->subject.empty());

        // The same container name again: refused before the PIN.
        auto again =
            integ::eseal({"token", "csr", "--token", k.spec(), "--subject", "/CN=x", "-o",
                          (dir / "again.pem").string(), "--label", container, "--pin-env", "SKF_PIN"},
                         env);
        BOOST_TEST(again.exitCode != 0, again.describe());
        BOOST_TEST(again.err.find("already") != std::string::npos, again.err);
        BOOST_TEST(k.verifyCalls() == before + 1);
        BOOST_TEST(!fs::exists(dir / "again.pem"));

        const fs::path crt = issueFromRequest(dir, req, sm2);
        auto imp = integ::eseal(
            {"token", "import-cert", crt.string(), "--token", k.spec(), "--pin-env", "SKF_PIN"}, env);
        BOOST_REQUIRE_MESSAGE(imp.exitCode == 0, imp.describe());
        BOOST_TEST(imp.out.find(container) != std::string::npos, imp.out);
        BOOST_TEST(k.verifyCalls() == before + 2);
        // Stored once: a second import is refused before the PIN.
        auto twice = integ::eseal(
            {"token", "import-cert", crt.string(), "--token", k.spec(), "--pin-env", "SKF_PIN"}, env);
        BOOST_TEST(twice.exitCode != 0, twice.describe());
        BOOST_TEST(twice.err.find("already") != std::string::npos, twice.err);
        BOOST_TEST(k.verifyCalls() == before + 2);

        // Seal with the renewed key and check the result.
        const fs::path out = dir / (container + ".pdf");
        std::vector<std::string> sign{"sign",      (integ::inputsDir() / "letter.pdf").string(),
                                      "-o",        out.string(),
                                      "--key",     k.spec(container),
                                      "--seal",    integ::sealPng().string(),
                                      "--pin-env", "SKF_PIN"};
        if (!sm2) sign.insert(sign.end(), {"--chain", (kPki / "intermediate-ca.crt").string()});
        auto s = integ::eseal(sign, env);
        BOOST_REQUIRE_MESSAGE(s.exitCode == 0, s.describe());
        std::vector<std::string> args{"verify", out.string(), "--json"};
        for (const auto& a : trustArgs()) args.push_back(a);
        auto v = integ::eseal(args);
        BOOST_TEST(v.exitCode == 0, v.describe());
        auto report = nlohmann::json::parse(v.out, nullptr, false);
        BOOST_REQUIRE(!report.is_discarded());
        BOOST_TEST(report["signatures"].back()["indication"] == "PASSED", v.out);
        BOOST_TEST(report["signatures"].back()["chain"]["status"] == "trusted", v.out);
        if (sm2) {
            checkSm2Pdf(out, crt);
        } else {
            const auto p = integ::pdfsig(out);
            BOOST_REQUIRE_EQUAL(p.signatures.size(), 1u);
            BOOST_TEST(p.signatures[0].valid, p.run.describe());
            BOOST_TEST(p.signatures[0].totalDocument, p.run.describe());
        }
    }

    // A certificate whose key is in no container: refused before the PIN.
    const int before = k.verifyCalls();
    auto other = integ::eseal({"token", "import-cert", (kPki / "signer-ec.crt").string(), "--token", k.spec(),
                               "--pin-env", "SKF_PIN"},
                              env);
    BOOST_TEST(other.exitCode != 0, other.describe());
    BOOST_TEST(other.err.find("no container") != std::string::npos, other.err);
    BOOST_TEST(k.verifyCalls() == before);
    // PKCS#11-only options are usage errors on an SKF key.
    auto id = integ::eseal({"token", "csr", "--token", k.spec(), "--subject", "/CN=x", "-o",
                            (dir / "id.pem").string(), "--id", "0a0b", "--pin-env", "SKF_PIN"},
                           env);
    BOOST_TEST(id.exitCode == 64, id.describe());
    auto ec = integ::eseal({"token", "csr", "--token", k.spec(), "--subject", "/CN=x", "-o",
                            (dir / "ec.pem").string(), "--key-type", "ec-p256", "--pin-env", "SKF_PIN"},
                           env);
    BOOST_TEST(ec.exitCode == 64, ec.describe());
    BOOST_TEST(k.verifyCalls() == before);
}

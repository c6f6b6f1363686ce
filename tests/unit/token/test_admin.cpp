// Token administration and PIN rules, on throwaway SoftHSM2 tokens in their own
// store (ScratchStore), so the shared fixture token is never touched.
#include <boost/test/unit_test.hpp>
#include <cstdlib>

#include "core/base/error.hpp"
#include "core/crypto/digest.hpp"
#include "core/token/pkcs11_admin.hpp"
#include "core/token/pkcs11_key.hpp"
#include "core/token/pkcs11_listing.hpp"
#include "core/token/pkcs11_module.hpp"
#include "core/token/pkcs11_provision.hpp"
#include "token_test.hpp"

using namespace eseal;
using namespace eseal::test;

namespace {

struct Failure {
    TokenError::Kind kind = TokenError::Kind::Other;
    std::string message;
    unsigned long code = 0;
};

template <typename F>
Failure tokenFailure(F&& f) {
    try {
        f();
    } catch (const TokenError& e) {
        return {e.kind(), e.what(), e.nativeCode()};
    }
    BOOST_FAIL("no TokenError thrown");
    return {};
}

PinState userState() {
    auto modules = listTokens(kSoftHsm);
    BOOST_REQUIRE(modules.size() == 1u && modules[0].tokens.size() == 1u);
    return modules[0].tokens[0].pinState;
}

// Logs in through listTokens with `pin`; true when it was accepted.
bool pinWorks(const std::string& pin) {
    CountingPin pins(pin);
    try {
        listTokens(kSoftHsm, &pins);
        return true;
    } catch (const TokenError& e) {
        BOOST_TEST((e.kind() == TokenError::Kind::WrongPin));
        return false;
    }
}

std::string withModule(const std::string& tokenUri, const std::string& module) {
    auto q = tokenUri.find("?module-path=");
    BOOST_REQUIRE(q != std::string::npos);
    return tokenUri.substr(0, q) + "?module-path=" + module;
}

std::string keyUri(const std::string& tokenUri, const std::string& object,
                   const std::string& module = kSoftHsm) {
    auto path = withModule(tokenUri, module);
    auto q = path.find('?');
    return path.substr(0, q) + ";object=" + object + path.substr(q);
}

void storeChain(const std::string& uri, PinSource& pins) {
    storeCertificate(uri, pins, "intermediate-ca", Bytes{0x10}, readPkiDer("intermediate-ca"));
    storeCertificate(uri, pins, "root-ca", Bytes{0x11}, readPkiDer("root-ca"));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(admin)

BOOST_AUTO_TEST_CASE(init_token) {
    ScratchToken t;
    BOOST_TEST(t.uri == "pkcs11:token=scratch?module-path=" + kSoftHsm);
    PinState s = userState();
    BOOST_TEST(s.initialized);
    BOOST_TEST(!s.countLow);
    BOOST_TEST(pinWorks(kUserPin));
    // Same label twice is refused (a label must name one token).
    BOOST_CHECK_THROW(initToken(kSoftHsm, "scratch", SecretString(kSoPin), SecretString(kUserPin)),
                      TokenError);
}

BOOST_AUTO_TEST_CASE(wrong_pin_is_not_retried) {
    ScratchToken t;
    CountingPin wrong("99999999");
    unsigned long before = loginCount();
    Failure f = tokenFailure([&] { openPkcs11Key(keyUri(t.uri, "any", kCounter), wrong); });
    BOOST_TEST((f.kind == TokenError::Kind::WrongPin));
    BOOST_TEST(f.code == CKR_PIN_INCORRECT);
    BOOST_TEST(f.message.rfind("wrong PIN", 0) == 0, f.message);
    // SoftHSM2 only flags "count low": the message says what that cannot tell,
    // and does not say twice that the PIN was wrong.
    BOOST_TEST(f.message.find("the key does not tell how many tries are left") != std::string::npos,
               f.message);
    BOOST_TEST(f.message.find("wrong PIN", 1) == std::string::npos, f.message);
    BOOST_TEST(loginCount() - before == 1u);  // exactly one C_Login: no retry
    BOOST_TEST_REQUIRE(wrong.prompts.size() == 1u);
    BOOST_TEST(!wrong.prompts[0].state.countLow);  // the state was read before asking
    PinState after = userState();
    BOOST_TEST(after.countLow);
    BOOST_TEST(!after.locked);
    // The next prompt shows the low count; a good PIN clears it.
    BOOST_TEST(pinWorks(kUserPin));
    BOOST_TEST(!userState().countLow);
}

// SoftHSM2 2.6.1 counts failures only through CKF_USER_PIN_COUNT_LOW; this
// records whether it ever reports FINAL_TRY or LOCKED. No lock is faked.
BOOST_AUTO_TEST_CASE(softhsm_lock_behaviour) {
    ScratchToken t;
    bool sawFinalTry = false, sawLocked = false;
    int attempts = 0;
    for (; attempts < 15 && !sawLocked; ++attempts) {
        CountingPin wrong("00000001");
        Failure f = tokenFailure([&] { openPkcs11Key(keyUri(t.uri, "any"), wrong); });
        BOOST_TEST((f.kind == TokenError::Kind::WrongPin || f.kind == TokenError::Kind::PinLocked));
        PinState s = userState();
        sawFinalTry = sawFinalTry || s.finalTry;
        sawLocked = s.locked;
    }
    if (sawLocked) {
        CountingPin right(kUserPin);
        Failure f = tokenFailure([&] { openPkcs11Key(keyUri(t.uri, "any"), right); });
        BOOST_TEST((f.kind == TokenError::Kind::PinLocked));
        BOOST_TEST(f.message.find("eseal token unlock --token '" + t.uri + "'") != std::string::npos);
        BOOST_TEST(right.prompts.empty());  // a locked key is not even asked for
    } else {
        BOOST_TEST_MESSAGE("SoftHSM2: " << attempts
                                        << " wrong PINs, CKF_USER_PIN_LOCKED never set, FINAL_TRY "
                                        << (sawFinalTry ? "set" : "never set"));
        BOOST_TEST(pinWorks(kUserPin));  // still not locked
    }
}

BOOST_AUTO_TEST_CASE(change_pin_round_trip) {
    ScratchToken t("87654321");
    CountingPin oldPin("87654321"), newPin("24682468");
    changeUserPin(t.uri, oldPin, newPin);
    BOOST_TEST_REQUIRE(oldPin.prompts.size() == 1u);
    BOOST_TEST(oldPin.prompts[0].purpose == "user PIN");
    BOOST_TEST_REQUIRE(newPin.prompts.size() == 1u);
    BOOST_TEST(newPin.prompts[0].purpose == "new user PIN");
    BOOST_TEST(pinWorks("24682468"));
    BOOST_TEST(!pinWorks("87654321"));
    // A wrong old PIN: WrongPin, and the PIN stays.
    CountingPin bad("11111112"), next("35793579");
    Failure f = tokenFailure([&] { changeUserPin(t.uri, bad, next); });
    BOOST_TEST((f.kind == TokenError::Kind::WrongPin));
    BOOST_TEST(f.message.rfind("wrong PIN", 0) == 0, f.message);
    BOOST_TEST(pinWorks("24682468"));
    // Back to a well-known default PIN: allowed, but the person is told.
    CountingPin cur("24682468"), weak("12345678");
    changeUserPin(t.uri, cur, weak);
    BOOST_TEST_REQUIRE(weak.notices.size() == 1u);
    BOOST_TEST(weak.notices[0].find("eseal token change-pin --token '" + t.uri + "'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unlock_round_trip) {
    ScratchToken t;
    BOOST_TEST(!pinWorks("00000000"));
    BOOST_TEST(userState().countLow);
    CountingPin so(kSoPin), fresh("13572468");
    unlockUserPin(t.uri, so, fresh);
    BOOST_TEST_REQUIRE(so.prompts.size() == 1u);
    BOOST_TEST(so.prompts[0].soPin);
    BOOST_TEST(so.prompts[0].purpose == "SO (admin) PIN");
    BOOST_TEST_REQUIRE(fresh.prompts.size() == 1u);
    BOOST_TEST(fresh.prompts[0].purpose == "new user PIN");
    BOOST_TEST(pinWorks("13572468"));
    BOOST_TEST(!pinWorks(kUserPin));
    // A wrong SO PIN is WrongPin too, and says which PIN.
    CountingPin badSo("0000000000"), unused("11112222");
    Failure f = tokenFailure([&] { unlockUserPin(t.uri, badSo, unused); });
    BOOST_TEST((f.kind == TokenError::Kind::WrongPin));
    BOOST_TEST(f.message.rfind("wrong SO (admin) PIN", 0) == 0, f.message);
    BOOST_TEST(unused.prompts.empty());
    BOOST_TEST(pinWorks("13572468"));
}

BOOST_AUTO_TEST_CASE(default_pin_notice) {
    ScratchToken t("123456");
    CountingPin pins("123456");
    listTokens(kSoftHsm, &pins);
    BOOST_TEST_REQUIRE(pins.notices.size() == 1u);
    BOOST_TEST(pins.notices[0].find("default PIN") != std::string::npos);
    BOOST_TEST(pins.notices[0].find("eseal token change-pin --token '" + t.uri + "'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(generate_store_and_sign) {
    ScratchToken t;
    CountingPin pins(kUserPin);
    struct Case {
        Pkcs11KeyType type;
        std::string label;
        Bytes id;
        SignatureAlgorithm alg;
    };
    for (const Case& c :
         {Case{Pkcs11KeyType::EcP256, "gen-ec", {0x21}, {SignatureScheme::Ecdsa, DigestAlgorithm::Sha256}},
          Case{Pkcs11KeyType::Rsa2048,
               "gen-rsa",
               {0x22},
               {SignatureScheme::RsaPss, DigestAlgorithm::Sha256}}}) {
        Bytes spki = generateKeyPair(t.uri, pins, c.label, c.id, c.type);
        Bytes cert = makeCertificate(spki, "Scratch " + c.label);
        storeCertificate(t.uri, pins, c.label, c.id, cert);
        BOOST_CHECK_THROW(generateKeyPair(t.uri, pins, c.label, c.id, c.type), TokenError);  // id taken
    }
    storeChain(t.uri, pins);
    BOOST_CHECK_THROW(storeCertificate(t.uri, pins, "junk", Bytes{0x30}, Bytes{0x30, 0x03, 0x02, 0x01, 0x01}),
                      Error);

    for (std::string label : {"gen-ec", "gen-rsa"}) {
        auto key = openPkcs11Key(keyUri(t.uri, label), pins);
        BOOST_TEST(key->certificateChain().size() == 3u);
        for (const auto& alg : key->algorithms()) {
            Bytes d = digest(alg.digest, asBytes("generated " + label));
            Bytes sig = key->sign(d, alg);
            BOOST_TEST(verifyWithOpenSsl(key->certificateChain().front(), alg, d, sig),
                       label << " " << toString(alg));
        }
    }

    // The generated private keys cannot leave the token.
    auto modules = listTokens(kSoftHsm, &pins);
    int generated = 0;
    for (const auto& o : modules.at(0).tokens.at(0).objects)
        if (o.objectClass == "private key") ++generated;
    BOOST_TEST(generated == 2);
    pkcs11::Module module = pkcs11::Module::open(kSoftHsm);
    pkcs11::Session session(module, module.slots().at(0), false);
    SecretString pin(kUserPin);
    BOOST_TEST_REQUIRE(session.login(CKU_USER, &pin) == CKR_OK);
    CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
    auto keys = session.find({pkcs11::attr(CKA_CLASS, &cls, sizeof cls)});
    BOOST_TEST_REQUIRE(keys.size() == 2u);
    for (auto k : keys) {
        BOOST_TEST((session.boolAttribute(k, CKA_SENSITIVE) == true));
        BOOST_TEST((session.boolAttribute(k, CKA_EXTRACTABLE) == false));
        BOOST_TEST((session.boolAttribute(k, CKA_SIGN) == true));
        BOOST_TEST(!session.attribute(k, CKA_VALUE));  // EC private value: sensitive
        BOOST_TEST(!session.attribute(k, CKA_PRIVATE_EXPONENT));
    }
}

BOOST_AUTO_TEST_CASE(always_authenticate_key) {
    ScratchToken t;
    CountingPin pins(kUserPin);
    Bytes id{0x31};
    Bytes spki = generateKeyPair(t.uri, pins, "qualified", id, Pkcs11KeyType::EcP256, true);
    storeCertificate(t.uri, pins, "qualified", id, makeCertificate(spki, "Always authenticate"));
    CountingPin once(kUserPin);
    unsigned long before = loginCount();
    {
        auto key = openPkcs11Key(keyUri(t.uri, "qualified", kCounter), once);
        SignatureAlgorithm alg{SignatureScheme::Ecdsa, DigestAlgorithm::Sha256};
        for (int i = 0; i < 2; ++i) {
            Bytes d = digest(alg.digest, asBytes("qualified " + std::to_string(i)));
            Bytes sig = key->sign(d, alg);
            BOOST_TEST(verifyWithOpenSsl(key->certificateChain().front(), alg, d, sig));
        }
    }
    // One user login plus one context-specific login per signature, one question.
    BOOST_TEST(loginCount() - before == 3u);
    BOOST_TEST(once.prompts.size() == 1u);
}

BOOST_AUTO_TEST_CASE(two_tokens_with_one_label) {
    ScratchToken t;
    // A second "scratch" token, made by SoftHSM's own tool in the same scratch store.
    BOOST_TEST_REQUIRE(std::system(("softhsm2-util --init-token --free --label scratch --so-pin " + kSoPin +
                                    " --pin " + kUserPin + " > /dev/null")
                                       .c_str()) == 0);
    auto modules = listTokens(kSoftHsm);
    BOOST_TEST_REQUIRE(modules.at(0).tokens.size() == 2u);
    const auto& a = modules[0].tokens[0];
    const auto& b = modules[0].tokens[1];
    BOOST_TEST(a.uri.find(";serial=" + a.serial) != std::string::npos);
    BOOST_TEST(b.uri.find(";serial=" + b.serial) != std::string::npos);
    CountingPin pins(kUserPin);
    Failure f = tokenFailure([&] { openPkcs11Key(keyUri(t.uri, "x"), pins); });
    BOOST_TEST((f.kind == TokenError::Kind::NotFound));
    BOOST_TEST(f.message.find("2 tokens match") != std::string::npos, f.message);
    BOOST_TEST(f.message.find(a.uri) != std::string::npos, f.message);
    BOOST_TEST(pins.prompts.empty());
    // The listed URI names one token: the PIN change reaches only that one.
    CountingPin oldPin(kUserPin), newPin("55667788");
    changeUserPin(b.uri, oldPin, newPin);
    // Login succeeds on b (then no key "x" is found), fails on a.
    CountingPin newOnB("55667788"), newOnA("55667788");
    BOOST_TEST((tokenFailure([&] { openPkcs11Key(keyUri(b.uri, "x"), newOnB); }).kind ==
                TokenError::Kind::NotFound));
    BOOST_TEST((tokenFailure([&] { openPkcs11Key(keyUri(a.uri, "x"), newOnA); }).kind ==
                TokenError::Kind::WrongPin));
}

BOOST_AUTO_TEST_CASE(admin_call_while_a_key_is_open) {
    // listTokens opens and finalises the same module; the key's session survives.
    CountingPin pins(kUserPin);
    auto key = openPkcs11Key(fixtureKeyUri("signer-ec"), pins);
    listTokens(kSoftHsm);
    SignatureAlgorithm alg{SignatureScheme::Ecdsa, DigestAlgorithm::Sha256};
    Bytes d = digest(alg.digest, asBytes("still open"));
    BOOST_TEST(verifyWithOpenSsl(key->certificateChain().front(), alg, d, key->sign(d, alg)));
}

BOOST_AUTO_TEST_SUITE_END()

// Signing through the fixture SoftHSM2 token (tests/fixtures/make-softhsm-token.sh).
#include <openssl/ecdsa.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

#include "core/base/error.hpp"
#include "core/crypto/digest.hpp"
#include "core/token/key_registry.hpp"
#include "core/token/pkcs11_key.hpp"
#include "core/token/pkcs11_listing.hpp"
#include "token_test.hpp"

using namespace eseal;
using namespace eseal::test;

namespace {

Bytes digestOf(DigestAlgorithm d, const std::string& text) { return digest(d, asBytes(text)); }

// Signs with every algorithm of `alg` list and checks each signature with
// OpenSSL against the signer certificate.
void signAndVerify(Key& key, const SignatureAlgorithm& alg, bool alsoCli) {
    Bytes d = digestOf(alg.digest, "eseal test document for " + toString(alg));
    Bytes sig = key.sign(d, alg);
    const Bytes& cert = key.certificateChain().front();
    BOOST_TEST(verifyWithOpenSsl(cert, alg, d, sig), toString(alg) << " verifies with OpenSSL");
    if (alsoCli)
        BOOST_TEST(verifyWithOpenSslCli(cert, alg, d, sig), toString(alg)
                                                                << " verifies with openssl pkeyutl");
    // A different digest must not verify (the check can fail).
    Bytes other = digestOf(alg.digest, "another document");
    BOOST_TEST(!verifyWithOpenSsl(cert, alg, other, sig));
}

TokenError::Kind kindOf(const std::function<void()>& f, std::string* message = nullptr) {
    try {
        f();
    } catch (const TokenError& e) {
        if (message) *message = e.what();
        return e.kind();
    }
    BOOST_FAIL("no TokenError thrown");
    return TokenError::Kind::Other;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(fixture_token)

BOOST_AUTO_TEST_CASE(rsa_pkcs1_and_pss) {
    CountingPin pins(kUserPin);
    auto key = openKey(fixtureKeyUri("signer-rsa"), pins);  // through the registry, as the CLI does
    BOOST_TEST(pins.prompts.size() == 1u);
    BOOST_TEST(pins.prompts[0].purpose == "user PIN");
    BOOST_TEST(pins.prompts[0].tokenLabel == "eseal-test");
    BOOST_TEST(key->description().find("signer-rsa") != std::string::npos);
    auto algs = key->algorithms();
    BOOST_TEST_REQUIRE(algs.size() == 6u);
    BOOST_TEST((algs.front() == SignatureAlgorithm{SignatureScheme::RsaPkcs1v15, DigestAlgorithm::Sha256}));
    for (const auto& alg : algs) signAndVerify(*key, alg, alg.digest == DigestAlgorithm::Sha256);
    // PKCS#1 v1.5 is deterministic: the token's signature equals OpenSSL's own
    // with the same key file, which proves the DigestInfo prefix byte for byte.
    SignatureAlgorithm alg{SignatureScheme::RsaPkcs1v15, DigestAlgorithm::Sha384};
    Bytes d = digestOf(alg.digest, "deterministic");
    CountingPin password("test");
    auto p12 = openKey("p12:" + kPki + "/signer-rsa.p12", password);
    BOOST_TEST((key->sign(d, alg) == p12->sign(d, alg)));
    BOOST_TEST(pins.prompts.size() == 1u);  // never asked again while signing
}

BOOST_AUTO_TEST_CASE(ecdsa) {
    CountingPin pins(kUserPin);
    auto key = openPkcs11Key(fixtureKeyUri("signer-ec"), pins);
    auto algs = key->algorithms();
    BOOST_TEST_REQUIRE(algs.size() == 3u);
    BOOST_TEST((algs.front() == SignatureAlgorithm{SignatureScheme::Ecdsa, DigestAlgorithm::Sha256}));
    for (const auto& alg : algs) {
        Bytes d = digestOf(alg.digest, "ecdsa");
        Bytes sig = key->sign(d, alg);
        // DER ECDSA-Sig-Value, not raw r||s.
        const unsigned char* p = sig.data();
        ECDSA_SIG* parsed = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
        BOOST_TEST(parsed != nullptr);
        BOOST_TEST(p == sig.data() + sig.size());
        ECDSA_SIG_free(parsed);
        signAndVerify(*key, alg, alg.digest == DigestAlgorithm::Sha256);
    }
    // Wrong digest length is refused before the token sees it.
    BOOST_CHECK_THROW(key->sign(Bytes(20), {SignatureScheme::Ecdsa, DigestAlgorithm::Sha256}), Error);
    // An algorithm the key cannot do is refused clearly.
    BOOST_CHECK_THROW(
        key->sign(digestOf(DigestAlgorithm::Sha256, "x"), {SignatureScheme::RsaPss, DigestAlgorithm::Sha256}),
        Error);
}

BOOST_AUTO_TEST_CASE(certificate_chain_order) {
    CountingPin pins(kUserPin);
    for (std::string name : {"signer-rsa", "signer-ec"}) {
        auto key = openPkcs11Key(fixtureKeyUri(name), pins);
        const auto& chain = key->certificateChain();
        BOOST_TEST_REQUIRE(chain.size() == 3u);
        BOOST_TEST((chain[0] == readPkiDer(name)));
        BOOST_TEST((chain[1] == readPkiDer("intermediate-ca")));
        BOOST_TEST((chain[2] == readPkiDer("root-ca")));
    }
}

BOOST_AUTO_TEST_CASE(other_ways_to_name_the_key) {
    CountingPin pins(kUserPin);
    // By id, by the certificate, with a pin-source file and through the login counter.
    auto byId = openPkcs11Key("pkcs11:token=eseal-test;id=%02?module-path=" + kSoftHsm, pins);
    BOOST_TEST((byId->certificateChain().front() == readPkiDer("signer-ec")));
    byId.reset();
    auto byCert =
        openPkcs11Key("pkcs11:token=eseal-test;object=signer-rsa;type=cert?module-path=" + kSoftHsm, pins);
    BOOST_TEST((byCert->certificateChain().front() == readPkiDer("signer-rsa")));
    byCert.reset();

    std::string dir = std::string(ESEAL_TEST_DATA) + "/token-scratch";
    std::filesystem::create_directories(dir);
    std::ofstream(dir + "/pin.txt") << kUserPin << "\n";
    NoPin none;
    auto viaFile = openPkcs11Key(fixtureKeyUri("signer-ec") + "&pin-source=file://" + dir + "/pin.txt", none);
    BOOST_TEST(viaFile->certificateChain().size() == 3u);
}

BOOST_AUTO_TEST_CASE(module_from_p11kit_registry) {
    // module-name picks SoftHSM2 from p11-kit's registry; SOFTHSM2_CONF still
    // points at the fixture store, so no other token is touched.
    CountingPin pins(kUserPin);
    auto key = openPkcs11Key("pkcs11:token=eseal-test;object=signer-ec?module-name=softhsm2", pins);
    SignatureAlgorithm alg{SignatureScheme::Ecdsa, DigestAlgorithm::Sha384};
    Bytes d = digestOf(alg.digest, "registry");
    BOOST_TEST(verifyWithOpenSsl(key->certificateChain().front(), alg, d, key->sign(d, alg)));
    NoPin none;
    std::string msg;
    BOOST_TEST((kindOf([&] { openPkcs11Key("pkcs11:token=eseal-test?module-name=no-such-module", none); },
                       &msg) == TokenError::Kind::NotFound));
    BOOST_TEST(msg.find("no PKCS#11 module named 'no-such-module'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(one_login_for_many_signatures) {
    CountingPin pins(kUserPin);
    unsigned long before = loginCount();
    {
        auto key = openPkcs11Key(fixtureKeyUri("signer-ec", kCounter), pins);
        SignatureAlgorithm alg{SignatureScheme::Ecdsa, DigestAlgorithm::Sha256};
        for (int i = 0; i < 5; ++i) signAndVerify(*key, alg, false);
    }
    BOOST_TEST(loginCount() - before == 1u);
    BOOST_TEST(pins.prompts.size() == 1u);
}

BOOST_AUTO_TEST_CASE(two_keys_share_one_login) {
    // Two keys of one token in one command: one question, one C_Login, and the
    // first key going away does not log the second one out.
    CountingPin pins(kUserPin);
    unsigned long before = loginCount();
    auto rsa = openPkcs11Key(fixtureKeyUri("signer-rsa", kCounter), pins);
    auto ec = openPkcs11Key(fixtureKeyUri("signer-ec", kCounter), pins);
    BOOST_TEST(pins.prompts.size() == 1u);
    BOOST_TEST(loginCount() - before == 1u);
    rsa.reset();
    SignatureAlgorithm alg{SignatureScheme::Ecdsa, DigestAlgorithm::Sha256};
    signAndVerify(*ec, alg, false);
}

BOOST_AUTO_TEST_CASE(not_found_errors) {
    CountingPin pins(kUserPin);
    std::string msg;
    // No object named: two private keys match; the message lists them.
    BOOST_TEST((kindOf([&] { openPkcs11Key("pkcs11:token=eseal-test?module-path=" + kSoftHsm, pins); },
                       &msg) == TokenError::Kind::NotFound));
    BOOST_TEST(msg.find("2 private keys match") != std::string::npos);
    BOOST_TEST(msg.find("'signer-rsa' (id 01)") != std::string::npos);
    BOOST_TEST(msg.find("'signer-ec' (id 02)") != std::string::npos);
    BOOST_TEST(
        (kindOf([&] { openPkcs11Key(fixtureKeyUri("nope"), pins); }, &msg) == TokenError::Kind::NotFound));
    BOOST_TEST(msg.find("no private key matches") != std::string::npos);
    NoPin none;
    BOOST_TEST((kindOf([&] { openPkcs11Key("pkcs11:token=other;object=x?module-path=" + kSoftHsm, none); },
                       &msg) == TokenError::Kind::NotFound));
    BOOST_TEST(msg.find("no token matches") != std::string::npos);
    BOOST_TEST(msg.find("'eseal-test'") != std::string::npos);  // lists what is there
    BOOST_TEST((kindOf([&] { openPkcs11Key("pkcs11:token=x?module-path=/nonexistent/lib.so", none); },
                       &msg) == TokenError::Kind::NotFound));
    BOOST_TEST(msg.find("cannot load PKCS#11 module /nonexistent/lib.so") != std::string::npos);
    BOOST_CHECK_THROW(openPkcs11Key("pkcs11:token=eseal-test?pin-value=11223344", none), Error);
}

BOOST_AUTO_TEST_CASE(list_fixture_token) {
    auto modules = listTokens(kSoftHsm);
    BOOST_TEST_REQUIRE(modules.size() == 1u);
    BOOST_TEST(modules[0].error == "");
    BOOST_TEST(modules[0].libraryManufacturer == "SoftHSM");
    BOOST_TEST_REQUIRE(modules[0].tokens.size() == 1u);  // the free slot is not listed
    const auto& t = modules[0].tokens[0];
    BOOST_TEST(t.label == "eseal-test");
    BOOST_TEST(t.manufacturer == "SoftHSM project");
    BOOST_TEST(t.model == "SoftHSM v2");
    BOOST_TEST(!t.serial.empty());
    BOOST_TEST(t.pinState.initialized);
    BOOST_TEST(!t.pinState.locked);
    BOOST_TEST(!t.loggedIn);
    BOOST_TEST(t.uri == "pkcs11:token=eseal-test?module-path=" + kSoftHsm);
    int certs = 0, privs = 0;
    for (const auto& o : t.objects) {
        if (o.objectClass == "certificate") ++certs;
        if (o.objectClass == "private key") ++privs;
    }
    BOOST_TEST(certs == 4);
    BOOST_TEST(privs == 0);  // private objects need a login

    CountingPin pins(kUserPin);
    modules = listTokens(kSoftHsm, &pins);
    BOOST_TEST(pins.prompts.size() == 1u);
    const auto& lt = modules.at(0).tokens.at(0);
    BOOST_TEST(lt.loggedIn);
    const Pkcs11ObjectInfo* rsaKey = nullptr;
    const Pkcs11ObjectInfo* root = nullptr;
    for (const auto& o : lt.objects) {
        if (o.objectClass == "private key" && o.label == "signer-rsa") rsaKey = &o;
        if (o.objectClass == "certificate" && o.label == "root-ca") root = &o;
    }
    BOOST_TEST_REQUIRE(rsaKey);
    BOOST_TEST(rsaKey->keyType == "RSA");
    BOOST_TEST(rsaKey->idHex == "01");
    BOOST_TEST(rsaKey->uri ==
               "pkcs11:token=eseal-test;object=signer-rsa;type=private?module-path=" + kSoftHsm);
    BOOST_TEST_REQUIRE(root);
    BOOST_TEST(root->idHex == "11");
    BOOST_TEST(root->subject.find("CN=eseal Test Root CA") != std::string::npos);
    BOOST_TEST(root->issuer == root->subject);
    BOOST_TEST(root->notAfter.size() == 20u);
    // The listed URI opens the key.
    auto key = openPkcs11Key(rsaKey->uri, pins);
    BOOST_TEST((key->certificateChain().front() == readPkiDer("signer-rsa")));
}

BOOST_AUTO_TEST_SUITE_END()

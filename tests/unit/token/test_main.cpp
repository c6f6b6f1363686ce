#define BOOST_TEST_MODULE token
#include <dlfcn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/base/error.hpp"
#include "core/crypto/digest.hpp"
#include "core/ossl/ossl.hpp"
#include "core/token/pkcs11_provision.hpp"
#include "token_test.hpp"

namespace eseal::test {

namespace {

// Every test starts with SOFTHSM2_CONF naming the fixture token's store.
struct GlobalSetup {
    GlobalSetup() { ::setenv("SOFTHSM2_CONF", kFixtureConf.c_str(), 1); }
};

std::string writeTemp(const std::string& dir, const std::string& name, const Bytes& data) {
    std::string path = dir + "/" + name;
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    return path;
}

}  // namespace

std::string fixtureKeyUri(const std::string& object, const std::string& module) {
    return "pkcs11:token=eseal-test;object=" + object + "?module-path=" + module;
}

SecretString NoPin::get(const PinPrompt& prompt) {
    BOOST_FAIL("a PIN was asked for (" << prompt.purpose << ") where none should be");
    return SecretString();
}

unsigned long loginCount() {
    // The module stays loaded (RTLD_NODELETE) once eseal has opened it.
    void* h = dlopen(kCounter.c_str(), RTLD_NOW | RTLD_LOCAL);
    BOOST_REQUIRE_MESSAGE(h, "cannot load " << kCounter);
    auto fn = reinterpret_cast<unsigned long (*)()>(dlsym(h, "eseal_test_login_count"));
    BOOST_REQUIRE(fn);
    unsigned long n = fn();
    dlclose(h);
    return n;
}

ScratchStore::ScratchStore() {
    std::string base = std::string(ESEAL_TEST_DATA) + "/token-scratch";
    std::filesystem::create_directories(base);
    std::string tmpl = base + "/store-XXXXXX";
    BOOST_REQUIRE(::mkdtemp(tmpl.data()));
    dir_ = tmpl;
    std::filesystem::create_directories(dir_ + "/tokens");
    std::ofstream(dir_ + "/softhsm2.conf")
        << "directories.tokendir = " << dir_ << "/tokens\nobjectstore.backend = file\nlog.level = ERROR\n";
    ::setenv("SOFTHSM2_CONF", (dir_ + "/softhsm2.conf").c_str(), 1);
}

ScratchStore::~ScratchStore() {
    ::setenv("SOFTHSM2_CONF", kFixtureConf.c_str(), 1);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

ScratchToken::ScratchToken(const std::string& userPin, const std::string& tokenLabel) : label(tokenLabel) {
    uri = initToken(kSoftHsm, label, SecretString(kSoPin), SecretString(userPin));
}

Bytes readPkiDer(const std::string& name) { return readFile(kPki + "/" + name + ".der"); }

Bytes makeCertificate(const Bytes& spki, const std::string& commonName) {
    const unsigned char* p = spki.data();
    ossl::EvpPkeyPtr pub(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size())));
    BOOST_REQUIRE(pub);
    ossl::X509Ptr ca = ossl::parseCertificate(readPkiDer("intermediate-ca"));
    ossl::BioPtr keyBio(BIO_new_file((kPki + "/intermediate-ca.key").c_str(), "r"));
    BOOST_REQUIRE(keyBio);
    ossl::EvpPkeyPtr caKey(PEM_read_bio_PrivateKey(keyBio.get(), nullptr, nullptr, nullptr));
    BOOST_REQUIRE(caKey);
    ossl::X509Ptr cert(X509_new());
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 0x5EA1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600L * 24 * 365);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(commonName.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), X509_get_subject_name(ca.get()));
    X509_set_pubkey(cert.get(), pub.get());
    BOOST_REQUIRE(X509_sign(cert.get(), caKey.get(), EVP_sha256()) > 0);
    return ossl::toDer(cert.get());
}

namespace {
void setupVerify(EVP_PKEY_CTX* ctx, const SignatureAlgorithm& alg) {
    BOOST_REQUIRE(EVP_PKEY_verify_init(ctx) == 1);
    if (alg.scheme == SignatureScheme::RsaPkcs1v15) {
        BOOST_REQUIRE(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1);
    } else if (alg.scheme == SignatureScheme::RsaPss) {
        BOOST_REQUIRE(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) == 1);
        // RSA_PSS_SALTLEN_DIGEST: the salt must be exactly the digest length.
        BOOST_REQUIRE(EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_DIGEST) == 1);
        BOOST_REQUIRE(EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, evpMd(alg.digest)) == 1);
    }
    BOOST_REQUIRE(EVP_PKEY_CTX_set_signature_md(ctx, evpMd(alg.digest)) == 1);
}
}  // namespace

bool verifyWithOpenSsl(const Bytes& certDer, const SignatureAlgorithm& alg, const Bytes& digestValue,
                       const Bytes& sig) {
    ossl::X509Ptr cert = ossl::parseCertificate(certDer);
    ossl::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(X509_get0_pubkey(cert.get()), nullptr));
    BOOST_REQUIRE(ctx);
    setupVerify(ctx.get(), alg);
    int rc = EVP_PKEY_verify(ctx.get(), sig.data(), sig.size(), digestValue.data(), digestValue.size());
    ERR_clear_error();
    return rc == 1;
}

bool verifyWithOpenSslCli(const Bytes& certDer, const SignatureAlgorithm& alg, const Bytes& digestValue,
                          const Bytes& sig) {
    std::string dir = std::string(ESEAL_TEST_DATA) + "/token-scratch";
    std::filesystem::create_directories(dir);
    std::string tmpl = dir + "/cli-XXXXXX";
    BOOST_REQUIRE(::mkdtemp(tmpl.data()));
    std::string cert = writeTemp(tmpl, "cert.der", certDer);
    std::string dg = writeTemp(tmpl, "digest.bin", digestValue);
    std::string sg = writeTemp(tmpl, "sig.bin", sig);
    const char* md = alg.digest == DigestAlgorithm::Sha256   ? "sha256"
                     : alg.digest == DigestAlgorithm::Sha384 ? "sha384"
                                                             : "sha512";
    std::string cmd = "openssl x509 -inform DER -in '" + cert + "' -pubkey -noout > '" + tmpl +
                      "/pub.pem' && " + "openssl pkeyutl -verify -pubin -inkey '" + tmpl + "/pub.pem' -in '" +
                      dg + "' -sigfile '" + sg + "' -pkeyopt digest:" + md;
    if (alg.scheme == SignatureScheme::RsaPss)
        cmd += std::string(
                   " -pkeyopt rsa_padding_mode:pss -pkeyopt rsa_pss_saltlen:digest -pkeyopt rsa_mgf1_md:") +
               md;
    cmd += " > '" + tmpl + "/out.txt' 2>&1";
    int rc = std::system(cmd.c_str());
    std::filesystem::remove_all(tmpl);
    return rc == 0;
}

}  // namespace eseal::test

using eseal::test::GlobalSetup;
BOOST_TEST_GLOBAL_FIXTURE(GlobalSetup);

// AIA caIssuers (core/crypto/aia): the answers a caIssuers URL may give (DER
// certificate, certs-only PKCS#7, anything else), the issuer check, the cache
// of one command and the bound on levels. The network is replaced by a
// function; certificates are made here with OpenSSL.
#define BOOST_TEST_MODULE test_aia
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <boost/test/unit_test.hpp>
#include <map>
#include <string>

#include "core/base/error.hpp"
#include "core/crypto/aia.hpp"
#include "core/ossl/ossl.hpp"

using namespace eseal;

namespace {

ossl::EvpPkeyPtr newKey() {
    ossl::EvpPkeyPtr key(EVP_EC_gen("P-256"));
    BOOST_REQUIRE(key);
    return key;
}

void addExt(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer ? issuer : cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    BOOST_REQUIRE(ext);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

// A certificate for key named cn, signed by issuerKey as issuer (null: self-signed).
Certificate make(const std::string& cn, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuerKey, bool ca,
                 const std::string& aia = "", const std::string& ski = "hash") {
    ossl::X509Ptr c(X509_new());
    X509_set_version(c.get(), 2);
    static long serial = 1;
    ASN1_INTEGER_set(X509_get_serialNumber(c.get()), ++serial);
    X509_gmtime_adj(X509_getm_notBefore(c.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(c.get()), 3600L * 24 * 365);
    X509_NAME* name = X509_get_subject_name(c.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()),
                               -1, -1, 0);
    X509_set_issuer_name(c.get(), issuer ? X509_get_subject_name(issuer) : name);
    X509_set_pubkey(c.get(), key);
    addExt(c.get(), issuer, NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
    addExt(c.get(), issuer, NID_subject_key_identifier, ski.c_str());
    if (issuer) addExt(c.get(), issuer, NID_authority_key_identifier, "keyid");
    if (!aia.empty()) addExt(c.get(), issuer, NID_info_access, ("caIssuers;URI:" + aia).c_str());
    BOOST_REQUIRE(X509_sign(c.get(), issuerKey ? issuerKey : key, EVP_sha256()) > 0);
    return Certificate(c.get());
}

std::string skiHex(const Certificate& c) {
    const ASN1_OCTET_STRING* id = X509_get0_subject_key_id(c.get());
    std::string out;
    static const char* kHex = "0123456789ABCDEF";
    for (int i = 0; i < ASN1_STRING_length(id); ++i) {
        const unsigned char b = ASN1_STRING_get0_data(id)[i];
        if (!out.empty()) out += ':';
        out += kHex[b >> 4];
        out += kHex[b & 15];
    }
    return out;
}

Bytes p7cOf(const std::vector<Certificate>& certs) {
    using Pkcs7Ptr = std::unique_ptr<PKCS7, ossl::Deleter<PKCS7, PKCS7_free>>;
    Pkcs7Ptr p7(PKCS7_new());
    PKCS7_set_type(p7.get(), NID_pkcs7_signed);
    PKCS7_content_new(p7.get(), NID_pkcs7_data);
    for (const auto& c : certs) PKCS7_add_certificate(p7.get(), c.get());
    unsigned char* der = nullptr;
    const int n = i2d_PKCS7(p7.get(), &der);
    BOOST_REQUIRE(n > 0);
    Bytes out(der, der + n);
    OPENSSL_free(der);
    return out;
}

struct Pki {
    ossl::EvpPkeyPtr rootKey = newKey(), caKey = newKey(), otherKey = newKey(), signerKey = newKey();
    Certificate root = make("Root", rootKey.get(), nullptr, nullptr, true);
    Certificate ca = make("CA", caKey.get(), root.get(), rootKey.get(), true, "http://x/root.der");
    // The CA's name and key identifier, another key, under the same root: not the signer's issuer.
    Certificate impostor = make("CA", otherKey.get(), root.get(), rootKey.get(), true, "", skiHex(ca));
    Certificate signer = make("Signer", signerKey.get(), ca.get(), caKey.get(), false, "http://x/ca.der");
};

// A network of fixed answers, counting the requests.
struct FakeNet {
    std::map<std::string, Bytes> answers;
    std::map<std::string, int> asked;
    AiaFetcher::Get get() {
        return [this](const std::string& url, const HttpLimits& limits) {
            ++asked[url];
            BOOST_TEST(limits.timeoutSeconds == 5);
            BOOST_TEST(limits.maxResponseBytes == 256u * 1024u);
            auto it = answers.find(url);
            if (it == answers.end()) throw Error(ErrorCategory::Crypto, "the download failed", url);
            return it->second;
        };
    }
};

bool mentions(const std::vector<std::string>& warnings, const std::string& text) {
    for (const auto& w : warnings)
        if (w.find(text) != std::string::npos) return true;
    return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(answers_are_a_der_certificate_or_a_certs_only_pkcs7) {
    Pki pki;
    BOOST_TEST(parseCaIssuersAnswer(pki.ca.der()).size() == 1u);
    BOOST_TEST(parseCaIssuersAnswer(p7cOf({pki.ca, pki.root})).size() == 2u);
    Bytes trailing = pki.ca.der();
    trailing.push_back(0);
    BOOST_TEST(parseCaIssuersAnswer(trailing).empty());
    const std::string html = "<html>not a certificate</html>";
    BOOST_TEST(parseCaIssuersAnswer(Bytes(html.begin(), html.end())).empty());
    BOOST_TEST(parseCaIssuersAnswer({}).empty());
}

BOOST_AUTO_TEST_CASE(an_issuer_must_have_signed_the_certificate) {
    Pki pki;
    BOOST_TEST(caIssuersUrls(pki.signer) == std::vector<std::string>{"http://x/ca.der"});
    BOOST_TEST(signedBy(pki.signer, pki.ca));
    // Same name and key identifier (X509_check_issued agrees), another key.
    BOOST_TEST(X509_check_issued(pki.impostor.get(), pki.signer.get()) == X509_V_OK);
    BOOST_TEST(!signedBy(pki.signer, pki.impostor));
    BOOST_TEST(!signedBy(pki.signer, pki.root));
}

BOOST_AUTO_TEST_CASE(the_issuer_is_fetched_once_per_url_and_checked) {
    Pki pki;
    FakeNet net;
    net.answers["http://x/ca.der"] = pki.ca.der();
    AiaFetcher fetcher({}, net.get());
    std::vector<std::string> warnings;
    auto issuer = fetcher.issuerOf(pki.signer, warnings);
    BOOST_REQUIRE(issuer);
    BOOST_TEST(issuer->der() == pki.ca.der());
    BOOST_TEST(warnings.empty());
    BOOST_TEST(fetcher.issuerOf(pki.signer, warnings).has_value());
    BOOST_TEST(net.asked["http://x/ca.der"] == 1);
    BOOST_TEST(fetcher.fetches() == 1);

    FakeNet wrong;
    wrong.answers["http://x/ca.der"] = pki.impostor.der();
    AiaFetcher bad({}, wrong.get());
    BOOST_TEST(!bad.issuerOf(pki.signer, warnings).has_value());
    BOOST_TEST(mentions(warnings, "http://x/ca.der"), warnings.size());
    BOOST_TEST(mentions(warnings, "did not issue"));

    warnings.clear();
    FakeNet garbage;
    garbage.answers["http://x/ca.der"] = Bytes(100, 0x41);
    AiaFetcher g({}, garbage.get());
    BOOST_TEST(!g.issuerOf(pki.signer, warnings).has_value());
    BOOST_TEST(mentions(warnings, "http://x/ca.der"));

    warnings.clear();
    FakeNet down;  // every request throws
    AiaFetcher d({}, down.get());
    BOOST_TEST(!d.issuerOf(pki.signer, warnings).has_value());
    BOOST_TEST(mentions(warnings, "http://x/ca.der"));
}

BOOST_AUTO_TEST_CASE(https_urls_are_not_fetched_and_say_so) {
    Pki pki;
    const Certificate s =
        make("S", pki.signerKey.get(), pki.ca.get(), pki.caKey.get(), false, "https://x/ca.der");
    FakeNet net;
    net.answers["https://x/ca.der"] = pki.ca.der();
    AiaFetcher fetcher({}, net.get());
    std::vector<std::string> warnings;
    BOOST_TEST(!fetcher.issuerOf(s, warnings).has_value());
    BOOST_TEST(net.asked.empty());
    BOOST_TEST(mentions(warnings, "https://x/ca.der"));
    BOOST_TEST(mentions(warnings, "https"));
}

BOOST_AUTO_TEST_CASE(the_walk_ends_before_the_root_and_after_four_levels) {
    Pki pki;
    FakeNet net;
    net.answers["http://x/ca.der"] = pki.ca.der();
    net.answers["http://x/root.der"] = pki.root.der();
    AiaFetcher fetcher({}, net.get());
    std::vector<std::string> warnings;
    const auto none = [](const Certificate&) { return std::optional<LocalIssuer>(); };
    IssuerWalk walk = walkIssuers(pki.signer, none, &fetcher, warnings);
    BOOST_REQUIRE(walk.path.size() == 1u);
    BOOST_TEST(walk.path.front().der() == pki.ca.der());
    BOOST_TEST(walk.fetched.size() == 1u);
    BOOST_TEST(walk.complete);
    BOOST_TEST(walk.firstFound);
    BOOST_TEST(net.asked["http://x/root.der"] == 1);

    // Without a fetcher nothing is found.
    IssuerWalk offline = walkIssuers(pki.signer, none, nullptr, warnings);
    BOOST_TEST(offline.path.empty());
    BOOST_TEST(!offline.firstFound);

    // root -> c1 -> ... -> c6 -> leaf, each naming its issuer's URL: four fetches.
    std::vector<ossl::EvpPkeyPtr> keys;
    keys.push_back(newKey());
    Certificate parent = make("Deep root", keys.back().get(), nullptr, nullptr, true);
    FakeNet deep;
    deep.answers["http://d/0"] = parent.der();
    for (int i = 1; i <= 6; ++i) {
        EVP_PKEY* parentKey = keys.back().get();
        keys.push_back(newKey());
        Certificate c = make("Deep " + std::to_string(i), keys.back().get(), parent.get(), parentKey, true,
                             "http://d/" + std::to_string(i - 1));
        deep.answers["http://d/" + std::to_string(i)] = c.der();
        parent = c;
    }
    ossl::EvpPkeyPtr leafKey = newKey();
    const Certificate leaf =
        make("Leaf", leafKey.get(), parent.get(), keys.back().get(), false, "http://d/6");
    AiaFetcher limited({}, deep.get());
    warnings.clear();
    IssuerWalk bounded = walkIssuers(leaf, none, &limited, warnings);
    BOOST_TEST(bounded.path.size() == 4u);
    BOOST_TEST(!bounded.complete);
    BOOST_TEST(limited.fetches() == 4);
    BOOST_TEST(mentions(warnings, "at most 4"));
}

// CMS signing and verification against the declared test PKI, cross-checked
// with the OpenSSL command line (an independent CMS implementation).
#define BOOST_TEST_MODULE crypto
#include <openssl/cms.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <random>
#include <string>

#include "core/base/error.hpp"
#include "core/base/time.hpp"
#include "core/crypto/cms_sign.hpp"
#include "core/crypto/cms_verify.hpp"
#include "core/crypto/der.hpp"
#include "core/crypto/digest.hpp"
#include "core/crypto/trust.hpp"
#include "core/token/pkcs12_key.hpp"

// Readable failure messages for the report enums.
namespace eseal {
std::ostream& operator<<(std::ostream& o, Indication i) { return o << toString(i); }
std::ostream& operator<<(std::ostream& o, SubIndication s) {
    return o << (*toString(s) ? toString(s) : "NONE");
}
std::ostream& operator<<(std::ostream& o, ChainStatus s) { return o << toString(s); }
}  // namespace eseal

namespace fs = std::filesystem;
using namespace eseal;

namespace {

const std::string kPki = ESEAL_TEST_PKI;

std::string pki(const std::string& name) { return kPki + "/" + name; }

std::unique_ptr<Key> loadKey(const std::string& name) {
    FixedPin pin("test");
    return openPkcs12Key(pki(name + ".p12"), pin);
}

struct Run {
    int rc = -1;
    std::string output;
};

// Runs a shell command, stdout and stderr together.
Run run(const std::string& command) {
    Run r;
    FILE* p = ::popen((command + " 2>&1").c_str(), "r");
    BOOST_REQUIRE(p);
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
    const int status = ::pclose(p);
    r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

void writeFile(const fs::path& path, ByteView data) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    BOOST_REQUIRE(out.good());
}

struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "eseal-crypto-XXXXXX").string();
        BOOST_REQUIRE(::mkdtemp(tmpl.data()));
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::string operator/(const std::string& name) const { return (path / name).string(); }
};

const std::string kContent = [] {
    std::string s;
    for (int i = 0; i < 200; ++i) s += "eseal test content line " + std::to_string(i) + "\n";
    return s;
}();

TrustPolicy testTrust() {
    TrustPolicy p;
    p.useSystemStore = false;
    p.trustFiles = {pki("trust.pem")};
    return p;
}

SignatureReport verifyOurs(ByteView cms, const std::string& content, const TrustPolicy& policy = testTrust(),
                           std::optional<std::time_t> claimed = std::nullopt,
                           std::optional<std::time_t> validationTime = std::nullopt) {
    const TrustStore trust(policy);
    const ParsedCms parsed = parseCms(cms);
    Bytes contentDigest;
    if (const auto alg = parsed.digestAlgorithm()) contentDigest = digest(*alg, asBytes(content));
    CmsVerifyOptions options;
    options.claimedSigningTime = claimed;
    options.validationTime = validationTime;
    SignatureReport r;
    verifyCms(parsed, contentDigest, trust, options).recordIn(r);
    return r;
}

std::string describe(const SignatureReport& r) {
    std::string s = std::string(toString(r.verdict.indication())) + "/" +
                    toString(r.verdict.subIndication()) + " chain=" + toString(r.chain.status) + " (" +
                    r.chain.message + ")";
    for (const auto& e : r.errors) s += " | error: " + e;
    for (const auto& w : r.warnings) s += " | warning: " + w;
    return s;
}

Bytes sign(const std::string& keyName, const CmsSignOptions& options = {},
           const std::string& content = kContent) {
    auto key = loadKey(keyName);
    const DigestAlgorithm d = options.algorithm ? options.algorithm->digest : options.digest;
    return buildDetachedCms(digest(d, asBytes(content)), *key, options);
}

// Independent checks of one CMS with the OpenSSL CLI. Returns `openssl cms -cmsout -print`.
std::string checkWithOpenssl(const Bytes& cms, const std::string& content) {
    TempDir dir;
    writeFile(dir / "sig.der", cms);
    writeFile(dir / "content.bin", asBytes(content));
    const Run verify =
        run("openssl cms -verify -binary -inform DER -in " + (dir / "sig.der") + " -content " +
            (dir / "content.bin") + " -CAfile " + pki("trust.pem") + " -purpose any -out /dev/null");
    BOOST_TEST(verify.rc == 0, "openssl cms -verify: " << verify.output);
    BOOST_TEST(verify.output.find("Verification successful") != std::string::npos, verify.output);
    const Run asn1 = run("openssl asn1parse -inform DER -in " + (dir / "sig.der"));
    BOOST_TEST(asn1.rc == 0, asn1.output);
    BOOST_TEST(asn1.output.find(":pkcs7-signedData") != std::string::npos);
    BOOST_TEST(asn1.output.find(":id-smime-aa-signingCertificateV2") != std::string::npos);
    // Strict DER: OpenSSL's own DER re-encoding (which sorts every SET OF) gives back the same bytes.
    const Run reencode = run("openssl cms -cmsout -inform DER -in " + (dir / "sig.der") +
                             " -outform DER -out " + (dir / "re.der"));
    BOOST_TEST(reencode.rc == 0, reencode.output);
    BOOST_TEST(readFile(dir / "re.der") == cms, "the CMS is not in canonical DER");
    const Run print = run("openssl cms -cmsout -print -inform DER -in " + (dir / "sig.der"));
    BOOST_TEST(print.rc == 0, print.output);
    return print.output;
}

std::size_t count(const std::string& haystack, const std::string& needle) {
    std::size_t n = 0;
    for (auto pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + 1))
        ++n;
    return n;
}

void checkSignedAttributes(const std::string& fullPrint, bool signingTime) {
    const auto from = fullPrint.find("signedAttrs:"), to = fullPrint.find("signatureAlgorithm:", from);
    BOOST_REQUIRE(from != std::string::npos);
    BOOST_REQUIRE(to != std::string::npos);
    const std::string print = fullPrint.substr(from, to - from);
    BOOST_TEST(count(print, "object: contentType") == 1u, print);
    BOOST_TEST(count(print, "object: messageDigest") == 1u);
    BOOST_TEST(count(print, "object: id-smime-aa-signingCertificateV2") == 1u);
    BOOST_TEST(count(print, "object: signingTime") == (signingTime ? 1u : 0u));
    // Exactly those attributes, no S/MIME capabilities or others.
    BOOST_TEST(count(print, "object: ") == (signingTime ? 4u : 3u) + 0u, print);
    // Detached: no eContent.
    BOOST_TEST(fullPrint.find("eContent: <ABSENT>") != std::string::npos);
}

void checkPassed(const SignatureReport& r) {
    BOOST_TEST(r.verdict.indication() == Indication::Passed, describe(r));
    BOOST_TEST(r.verdict.subIndication() == SubIndication::None);
    BOOST_TEST(r.digestMatches);
    BOOST_TEST(r.signatureValid);
    BOOST_TEST(r.signingCertificateBound);
    BOOST_TEST(r.chain.status == ChainStatus::Trusted);
    BOOST_TEST(r.errors.empty());
    BOOST_REQUIRE(r.signer);
    BOOST_TEST(r.chain.path.size() == 3u);  // signer, intermediate, root
    if (r.chain.path.size() == 3u) {
        BOOST_TEST(r.chain.path.front().sha256 == r.signer->sha256);
        BOOST_TEST(r.chain.path.back().commonName == "eseal Test Root CA");
    }
}

// A key whose chain is only the signer certificate (the CMS then lacks the intermediate).
class SignerOnlyKey final : public Key {
public:
    explicit SignerOnlyKey(std::unique_ptr<Key> inner)
        : inner_(std::move(inner)), chain_{inner_->certificateChain().front()} {}
    std::string description() const override { return inner_->description(); }
    const std::vector<Bytes>& certificateChain() const override { return chain_; }
    std::vector<SignatureAlgorithm> algorithms() const override { return inner_->algorithms(); }
    Bytes sign(ByteView d, const SignatureAlgorithm& a) override { return inner_->sign(d, a); }

private:
    std::unique_ptr<Key> inner_;
    std::vector<Bytes> chain_;
};

int embeddedCertificateCount(const Bytes& cms) {
    const unsigned char* p = cms.data();
    std::unique_ptr<CMS_ContentInfo, void (*)(CMS_ContentInfo*)> ci(
        d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(cms.size())), CMS_ContentInfo_free);
    BOOST_REQUIRE(ci);
    STACK_OF(X509)* certs = CMS_get1_certs(ci.get());
    const int n = certs ? sk_X509_num(certs) : 0;
    sk_X509_pop_free(certs, X509_free);
    return n;
}

// The DER SET OF signed attributes (tag 0x31) and the signature value of the
// only SignerInfo, read with the DER reader.
std::pair<Bytes, Bytes> signedAttributesAndSignature(const Bytes& cms) {
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
    der::Reader sd(inner(explicit0->content));  // the SignedData fields
    std::optional<der::Tlv> last;
    while (auto t = sd.next()) last = t;
    BOOST_REQUIRE(last);
    der::Reader si(inner(last->content));
    si.next();  // version
    si.next();  // sid
    si.next();  // digestAlgorithm
    auto attrs = si.next();
    BOOST_REQUIRE(attrs);
    BOOST_REQUIRE(attrs->tag == 0xA0);
    si.next();  // signatureAlgorithm
    auto sig = si.next();
    BOOST_REQUIRE(sig);
    Bytes set(attrs->whole.begin(), attrs->whole.end());
    set[0] = 0x31;
    return {set, Bytes(sig->content.begin(), sig->content.end())};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sign_and_verify)

BOOST_AUTO_TEST_CASE(rsa_pkcs1v15) {
    const Bytes cms = sign("signer-rsa");
    const std::string print = checkWithOpenssl(cms, kContent);
    checkSignedAttributes(print, false);
    BOOST_TEST(print.find("algorithm: rsaEncryption") != std::string::npos);
    BOOST_TEST(print.find("version: 1") != std::string::npos);
    const auto r = verifyOurs(cms, kContent);
    checkPassed(r);
    BOOST_TEST(r.signatureAlgorithm == "RSA-PKCS1-v1_5 with SHA-256");
    BOOST_TEST(r.digestAlgorithm == "SHA-256");
    BOOST_TEST(r.signer->commonName == "测试单位 RSA 签章人");
    BOOST_TEST(!r.signingTime);
    BOOST_TEST(embeddedCertificateCount(cms) == 3);
}

BOOST_AUTO_TEST_CASE(rsa_pss) {
    CmsSignOptions o;
    o.algorithm = SignatureAlgorithm{SignatureScheme::RsaPss, DigestAlgorithm::Sha256};
    const Bytes cms = sign("signer-rsa", o);
    const std::string print = checkWithOpenssl(cms, kContent);
    checkSignedAttributes(print, false);
    BOOST_TEST(print.find("algorithm: rsassaPss") != std::string::npos);
    // RSASSA-PSS-params: [0] sha256 (NULL), [1] mgf1 with sha256, [2] salt 32.
    const auto params = print.substr(print.find("algorithm: rsassaPss"));
    BOOST_TEST(count(params.substr(0, params.find("signature:")), ":sha256") == 2u, params);
    BOOST_TEST(params.find(":mgf1") != std::string::npos);
    BOOST_TEST(params.find("INTEGER           :20") != std::string::npos);
    const auto r = verifyOurs(cms, kContent);
    checkPassed(r);
    BOOST_TEST(r.signatureAlgorithm == "RSA-PSS with SHA-256");
}

BOOST_AUTO_TEST_CASE(rsa_pss_sha512) {
    CmsSignOptions o;
    o.algorithm = SignatureAlgorithm{SignatureScheme::RsaPss, DigestAlgorithm::Sha512};
    const Bytes cms = sign("signer-rsa", o);
    checkWithOpenssl(cms, kContent);
    const auto r = verifyOurs(cms, kContent);
    checkPassed(r);
    BOOST_TEST(r.signatureAlgorithm == "RSA-PSS with SHA-512");
    BOOST_TEST(r.digestAlgorithm == "SHA-512");
}

BOOST_AUTO_TEST_CASE(ecdsa) {
    const Bytes cms = sign("signer-ec");
    const std::string print = checkWithOpenssl(cms, kContent);
    checkSignedAttributes(print, false);
    BOOST_TEST(print.find("algorithm: ecdsa-with-SHA256") != std::string::npos);
    const auto r = verifyOurs(cms, kContent);
    checkPassed(r);
    BOOST_TEST(r.signatureAlgorithm == "ECDSA with SHA-256");
}

BOOST_AUTO_TEST_CASE(ecdsa_sha384_by_digest_option) {
    CmsSignOptions o;
    o.digest = DigestAlgorithm::Sha384;
    const Bytes cms = sign("signer-ec", o);
    const std::string print = checkWithOpenssl(cms, kContent);
    BOOST_TEST(print.find("algorithm: ecdsa-with-SHA384") != std::string::npos);
    const auto r = verifyOurs(cms, kContent);
    checkPassed(r);
    BOOST_TEST(r.signatureAlgorithm == "ECDSA with SHA-384");
}

BOOST_AUTO_TEST_CASE(signing_time_attribute_on_request) {
    CmsSignOptions o;
    o.signingTimeAttribute = std::time_t{1795000000};
    const Bytes cms = sign("signer-rsa", o);
    checkSignedAttributes(checkWithOpenssl(cms, kContent), true);
    const auto r = verifyOurs(cms, kContent, testTrust(), std::time_t{1700000000});
    checkPassed(r);
    BOOST_REQUIRE(r.signingTime);
    BOOST_TEST(*r.signingTime == isoUtc(1795000000));
    BOOST_TEST(r.signingTimeSource == "signing-time attribute");
    // No timestamp: checked at the current time, and the report says so.
    BOOST_TEST(r.chain.message.find("not proven") != std::string::npos, r.chain.message);
}

BOOST_AUTO_TEST_CASE(claimed_time_used_when_no_attribute) {
    const auto r = verifyOurs(sign("signer-ec"), kContent, testTrust(), std::time_t{1700000000});
    BOOST_REQUIRE(r.signingTime);
    BOOST_TEST(*r.signingTime == "2023-11-14T22:13:20Z");
    BOOST_TEST(r.signingTimeSource == "claimed (PDF /M)");
}

BOOST_AUTO_TEST_CASE(extra_certificates_not_duplicated) {
    CmsSignOptions o;
    o.extraCertificates = {readFile(pki("intermediate-ca.der")), readFile(pki("root-ca.der")),
                           readFile(pki("untrusted-root.der"))};
    const Bytes cms = sign("signer-rsa", o);
    BOOST_TEST(embeddedCertificateCount(cms) == 4);
    checkPassed(verifyOurs(cms, kContent));
    o.extraCertificates = {Bytes{1, 2, 3}};
    BOOST_CHECK_THROW(sign("signer-rsa", o), Error);
}

BOOST_AUTO_TEST_CASE(algorithm_choice) {
    CmsSignOptions o;
    o.algorithm = SignatureAlgorithm{SignatureScheme::Ecdsa, DigestAlgorithm::Sha256};
    BOOST_CHECK_THROW(sign("signer-rsa", o), Error);  // not one of the key's algorithms
    o = {};
    o.digest = DigestAlgorithm::Sm3;
    BOOST_CHECK_THROW(sign("signer-rsa", o), Error);  // no algorithm with that digest
    o.digest = DigestAlgorithm::Sha384;
    const auto r = verifyOurs(sign("signer-rsa", o), kContent);
    checkPassed(r);
    BOOST_TEST(r.signatureAlgorithm == "RSA-PKCS1-v1_5 with SHA-384");
    // A digest of the wrong length is refused before the key is used.
    auto key = loadKey("signer-rsa");
    BOOST_CHECK_THROW(buildDetachedCms(Bytes(20, 0), *key, {}), Error);
}

BOOST_AUTO_TEST_CASE(estimate_is_an_upper_bound) {
    for (const char* name : {"signer-rsa", "signer-ec"}) {
        auto key = loadKey(name);
        for (bool withTime : {false, true}) {
            CmsSignOptions o;
            if (withTime) o.signingTimeAttribute = std::time_t{1795000000};
            const std::size_t estimate = estimateCmsSize(*key, o);
            for (int i = 0; i < 5; ++i) {
                const Bytes cms =
                    buildDetachedCms(digest(DigestAlgorithm::Sha256, asBytes(kContent)), *key, o);
                BOOST_TEST(cms.size() <= estimate, name << ": " << cms.size() << " > " << estimate);
                BOOST_TEST(estimate - cms.size() < 1024u);
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(verify_negative)

BOOST_AUTO_TEST_CASE(wrong_content_is_hash_failure) {
    const auto r = verifyOurs(sign("signer-rsa"), kContent + "x");
    BOOST_TEST(r.verdict.indication() == Indication::Failed, describe(r));
    BOOST_TEST(r.verdict.subIndication() == SubIndication::HashFailure);
    BOOST_TEST(!r.digestMatches);
    BOOST_TEST(r.signatureValid);  // the signed attributes themselves are intact
    BOOST_TEST(!r.errors.empty());
}

BOOST_AUTO_TEST_CASE(flipped_signature_byte_is_sig_crypto_failure) {
    for (const char* name : {"signer-rsa", "signer-ec"}) {
        Bytes cms = sign(name);
        // The signature value is the last field of the only SignerInfo, so the last bytes of the CMS.
        cms[cms.size() - 3] ^= 0x01;
        const auto r = verifyOurs(cms, kContent);
        BOOST_TEST(r.verdict.indication() == Indication::Failed, describe(r));
        BOOST_TEST(r.verdict.subIndication() == SubIndication::SigCryptoFailure, describe(r));
        BOOST_TEST(r.digestMatches);
        BOOST_TEST(!r.signatureValid);
    }
}

BOOST_AUTO_TEST_CASE(expired_signer) {
    const Bytes cms = sign("signer-expired");
    const auto r = verifyOurs(cms, kContent);
    BOOST_TEST(r.verdict.indication() == Indication::Indeterminate, describe(r));
    BOOST_TEST(r.verdict.subIndication() == SubIndication::OutOfBoundsNoPoe);
    BOOST_TEST(r.chain.status == ChainStatus::Expired);
    BOOST_TEST(r.digestMatches);
    BOOST_TEST(r.signatureValid);
    // At a validation time inside the signer's validity the CAs are not valid yet.
    const auto p =
        verifyOurs(cms, kContent, testTrust(), std::nullopt, std::time_t{1590969600});  // 2020-06-01
    BOOST_TEST(p.chain.status == ChainStatus::NotYetValid, describe(p));
    BOOST_TEST(p.verdict.subIndication() == SubIndication::NotYetValid);
    BOOST_TEST(p.chain.validationTime == "2020-06-01T00:00:00Z");
}

BOOST_AUTO_TEST_CASE(untrusted_signer) {
    const auto r = verifyOurs(sign("signer-untrusted"), kContent);
    BOOST_TEST(r.verdict.indication() == Indication::Indeterminate, describe(r));
    BOOST_TEST(r.verdict.subIndication() == SubIndication::NoCertificateChainFound);
    BOOST_TEST(r.chain.status == ChainStatus::Untrusted);
    BOOST_TEST(r.signatureValid);
    // Its root given as an anchor, the same signature passes.
    TrustPolicy p = testTrust();
    p.trustFiles.push_back(pki("untrusted-root.crt"));
    const auto q = verifyOurs(sign("signer-untrusted"), kContent, p);
    BOOST_TEST(q.verdict.indication() == Indication::Passed, describe(q));
    BOOST_TEST(q.chain.status == ChainStatus::Trusted);
    BOOST_TEST(q.chain.path.size() == 2u);
}

BOOST_AUTO_TEST_CASE(incomplete_chain) {
    SignerOnlyKey key(loadKey("signer-rsa"));
    const Bytes cms = buildDetachedCms(digest(DigestAlgorithm::Sha256, asBytes(kContent)), key, {});
    BOOST_TEST(embeddedCertificateCount(cms) == 1);
    const auto r = verifyOurs(cms, kContent);
    BOOST_TEST(r.verdict.indication() == Indication::Indeterminate, describe(r));
    BOOST_TEST(r.verdict.subIndication() == SubIndication::NoCertificateChainFound);
    BOOST_TEST(r.chain.status == ChainStatus::Incomplete);
    // With the intermediate as a trust anchor (a partial chain) it passes.
    TrustPolicy p = testTrust();
    p.trustFiles = {pki("intermediate-ca.crt")};
    const auto q = verifyOurs(cms, kContent, p);
    BOOST_TEST(q.verdict.indication() == Indication::Passed, describe(q));
}

BOOST_AUTO_TEST_CASE(bad_key_usage) {
    const auto r = verifyOurs(sign("signer-badku"), kContent);
    BOOST_TEST(r.verdict.indication() == Indication::Indeterminate, describe(r));
    BOOST_TEST(r.verdict.subIndication() == SubIndication::ChainConstraintsFailure);
    BOOST_TEST(r.chain.status == ChainStatus::KeyUsageInvalid);
    BOOST_REQUIRE(r.signer);
    BOOST_TEST(r.signer->keyUsage == std::vector<std::string>{"keyEncipherment"});
}

BOOST_AUTO_TEST_CASE(broken_ca_signature_is_chain_general_failure) {
    Bytes cms = sign("signer-rsa");
    const Bytes intermediate = readFile(pki("intermediate-ca.der"));
    const auto at = std::search(cms.begin(), cms.end(), intermediate.begin(), intermediate.end());
    BOOST_REQUIRE(at != cms.end());
    // The last byte of a certificate is in its signature value.
    *(at + static_cast<long>(intermediate.size()) - 1) ^= 0x01;
    const auto r = verifyOurs(cms, kContent);
    BOOST_TEST(r.verdict.indication() == Indication::Indeterminate, describe(r));
    BOOST_TEST(r.verdict.subIndication() == SubIndication::CertificateChainGeneralFailure);
    BOOST_TEST(r.chain.status == ChainStatus::Invalid);
    BOOST_TEST(r.signatureValid);
}

BOOST_AUTO_TEST_CASE(weak_rsa_key_is_crypto_constraints_failure) {
    TempDir dir;
    const std::string cnf = dir / "ext.cnf";
    {
        std::ofstream c(cnf);
        c << "[ext]\nbasicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\n";
    }
    writeFile(dir / "content.bin", asBytes(kContent));
    const Run r =
        run("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out " + (dir / "weak.key") +
            " && openssl req -new -key " + (dir / "weak.key") + " -subj '/CN=Weak Signer' -out " +
            (dir / "weak.csr") + " && openssl x509 -req -in " + (dir / "weak.csr") + " -CA " +
            pki("intermediate-ca.crt") + " -CAkey " + pki("intermediate-ca.key") +
            " -set_serial 77 -days 30 -sha256 -extfile " + cnf + " -extensions ext -out " +
            (dir / "weak.crt") + " && openssl cms -sign -binary -cades -md sha256 -in " +
            (dir / "content.bin") + " -signer " + (dir / "weak.crt") + " -inkey " + (dir / "weak.key") +
            " -certfile " + pki("ca-chain.pem") + " -outform DER -out " + (dir / "sig.der"));
    BOOST_REQUIRE_MESSAGE(r.rc == 0, r.output);
    const auto v = verifyOurs(readFile(dir / "sig.der"), kContent);
    BOOST_TEST(v.verdict.indication() == Indication::Indeterminate, describe(v));
    BOOST_TEST(v.verdict.subIndication() == SubIndication::CryptoConstraintsFailure);
    BOOST_TEST(v.digestMatches);
    BOOST_TEST(v.signatureValid);
    BOOST_TEST(v.chain.status == ChainStatus::Trusted);
    BOOST_TEST(!v.warnings.empty());
    // Something worse wins over the weak key.
    BOOST_TEST(verifyOurs(readFile(dir / "sig.der"), kContent + "?").verdict.subIndication() ==
               SubIndication::HashFailure);
}

BOOST_AUTO_TEST_CASE(no_trust_anchor_at_all) {
    TrustPolicy none;
    none.useSystemStore = false;
    const auto r = verifyOurs(sign("signer-rsa"), kContent, none);
    BOOST_TEST(r.verdict.indication() == Indication::Indeterminate, describe(r));
    BOOST_TEST(r.verdict.subIndication() == SubIndication::NoCertificateChainFound);
    // The system store does not hold the test root either.
    TrustPolicy system;
    const auto s = verifyOurs(sign("signer-rsa"), kContent, system);
    BOOST_TEST(s.verdict.subIndication() == SubIndication::NoCertificateChainFound, describe(s));
}

BOOST_AUTO_TEST_CASE(garbage_and_truncation) {
    const Bytes cms = sign("signer-rsa");
    auto expectFormatFailure = [](const SignatureReport& r) {
        BOOST_TEST(r.verdict.indication() == Indication::Failed, describe(r));
        BOOST_TEST(r.verdict.subIndication() == SubIndication::FormatFailure, describe(r));
        BOOST_TEST(!r.errors.empty());
    };
    expectFormatFailure(verifyOurs(Bytes{}, kContent));
    expectFormatFailure(verifyOurs(asBytes("this is not a signature"), kContent));
    expectFormatFailure(
        verifyOurs(Bytes(cms.begin(), cms.begin() + static_cast<long>(cms.size() / 2)), kContent));
    expectFormatFailure(verifyOurs(Bytes(cms.begin(), cms.end() - 1), kContent));
    // Every truncation and random damage: never a crash, never PASSED.
    for (std::size_t n = 0; n < cms.size(); n += 7) {
        const auto r = verifyOurs(Bytes(cms.begin(), cms.begin() + static_cast<long>(n)), kContent);
        BOOST_TEST(r.verdict.indication() != Indication::Passed);
    }
    // Random bit flips in what the signature depends on: the SignerInfo after
    // its version, and the signer certificate. (The embedded root copy and the
    // SignedData digestAlgorithms list are not relied on, so flips there may pass.)
    der::Reader top(cms);
    auto ci = top.next();
    BOOST_REQUIRE(ci);
    der::Reader ciFields(ci->content);
    ciFields.next();
    auto explicit0 = ciFields.next();
    BOOST_REQUIRE(explicit0);
    der::Reader sdOuter(explicit0->content);
    auto sd = sdOuter.next();
    BOOST_REQUIRE(sd);
    der::Reader sdFields(sd->content);
    std::optional<der::Tlv> last;
    while (auto t = sdFields.next()) last = t;
    BOOST_REQUIRE(last);  // the SignerInfos SET
    der::Reader sis(last->content);
    auto si = sis.next();
    BOOST_REQUIRE(si);
    der::Reader siFields(si->content);
    auto version = siFields.next();
    BOOST_REQUIRE(version);
    std::vector<std::pair<std::size_t, std::size_t>> regions;  // [begin, end) offsets into cms
    const auto offset = [&](ByteView v) { return static_cast<std::size_t>(v.data() - cms.data()); };
    regions.emplace_back(offset(version->whole) + version->whole.size(),
                         offset(si->whole) + si->whole.size());
    const Bytes signerDer = readFile(pki("signer-rsa.der"));
    const auto at = std::search(cms.begin(), cms.end(), signerDer.begin(), signerDer.end());
    BOOST_REQUIRE(at != cms.end());
    regions.emplace_back(static_cast<std::size_t>(at - cms.begin()),
                         static_cast<std::size_t>(at - cms.begin()) + signerDer.size());
    std::mt19937 rng(42);
    for (int i = 0; i < 400; ++i) {
        const auto& [begin, end] = regions[static_cast<std::size_t>(i) % regions.size()];
        std::uniform_int_distribution<std::size_t> pos(begin, end - 1);
        Bytes damaged = cms;
        const std::size_t p = pos(rng);
        damaged[p] ^= static_cast<std::uint8_t>(1u << (i % 8));
        const auto r = verifyOurs(damaged, kContent);
        BOOST_TEST(r.verdict.indication() != Indication::Passed,
                   "damaged CMS passed: flip at " << p << " of " << cms.size());
    }
}

BOOST_AUTO_TEST_CASE(trailing_bytes) {
    Bytes cms = sign("signer-ec");
    Bytes padded = cms;
    padded.resize(cms.size() + 8192, 0);
    checkPassed(verifyOurs(padded, kContent));
    padded[cms.size() + 100] = 0x42;
    const auto r = verifyOurs(padded, kContent);
    BOOST_TEST(r.verdict.indication() == Indication::Failed, describe(r));
    BOOST_TEST(r.verdict.subIndication() == SubIndication::FormatFailure);
}

BOOST_AUTO_TEST_CASE(format_finding_is_not_upgraded) {
    const Bytes cms = sign("signer-rsa");
    SignatureReport r;
    r.verdict.worsenTo(Indication::Failed, SubIndication::FormatFailure);  // e.g. a broken /ByteRange
    const TrustStore trust(testTrust());
    const ParsedCms parsed = parseCms(cms);
    verifyCms(parsed, digest(DigestAlgorithm::Sha256, asBytes(kContent)), trust, {}).recordIn(r);
    BOOST_TEST(r.verdict.indication() == Indication::Failed);
    BOOST_TEST(r.verdict.subIndication() == SubIndication::FormatFailure);
    BOOST_TEST(r.signatureValid);  // the CMS facts are still filled
    // A format's INDETERMINATE is kept over the CMS's PASSED too.
    SignatureReport q;
    q.verdict.worsenTo(Indication::Indeterminate, SubIndication::SigConstraintsFailure);
    verifyCms(parsed, digest(DigestAlgorithm::Sha256, asBytes(kContent)), trust, {}).recordIn(q);
    BOOST_TEST(q.verdict.indication() == Indication::Indeterminate);
    BOOST_TEST(q.verdict.subIndication() == SubIndication::SigConstraintsFailure);
    // The CMS's worse than the format's: the CMS's wins.
    SignatureReport w;
    w.verdict.worsenTo(Indication::Indeterminate, SubIndication::SigConstraintsFailure);
    verifyCms(parsed, digest(DigestAlgorithm::Sha256, asBytes("other")), trust, {}).recordIn(w);
    BOOST_TEST(w.verdict.indication() == Indication::Failed);
    BOOST_TEST(w.verdict.subIndication() == SubIndication::HashFailure);
}

BOOST_AUTO_TEST_CASE(unreadable_content) {
    const Bytes cms = sign("signer-rsa");
    const ParsedCms parsed = parseCms(cms);
    BOOST_REQUIRE(parsed.ok());
    const CmsVerification r = contentUnreadable(parsed, {}, "read failed");
    BOOST_TEST(r.verdict.indication() == Indication::Indeterminate);
    BOOST_TEST(r.verdict.subIndication() == SubIndication::SignedDataNotFound);
    BOOST_REQUIRE(r.signer);  // what the CMS tells about itself is still there
    BOOST_TEST(r.signer->commonName == "测试单位 RSA 签章人");
    BOOST_TEST(r.digestAlgorithm == "SHA-256");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(openssl_made)

// A CMS from `openssl cms -sign` (detached: no -nodetach), verified by eseal.
Bytes opensslSign(const TempDir& dir, const std::string& signer, const std::string& extra) {
    writeFile(dir / "content.bin", asBytes(kContent));
    const Run r = run("openssl cms -sign -binary -md sha256 -in " + (dir / "content.bin") + " -signer " +
                      pki(signer + ".crt") + " -inkey " + pki(signer + ".key") + " -certfile " +
                      pki("ca-chain.pem") + " -outform DER -out " + (dir / "sig.der") + " " + extra);
    BOOST_REQUIRE_MESSAGE(r.rc == 0, r.output);
    return readFile(dir / "sig.der");
}

BOOST_AUTO_TEST_CASE(openssl_default_with_signing_time) {
    TempDir dir;
    const Bytes cms = opensslSign(dir, "signer-rsa", "");
    const auto r = verifyOurs(cms, kContent);
    BOOST_TEST(r.verdict.indication() == Indication::Passed, describe(r));
    BOOST_TEST(r.signatureValid);
    BOOST_TEST(r.digestMatches);
    BOOST_TEST(!r.signingCertificateBound);  // OpenSSL adds no signing-certificate attribute by default
    BOOST_TEST(!r.warnings.empty());
    BOOST_TEST(r.signingTimeSource == "signing-time attribute");
    BOOST_TEST(r.signingTime.has_value());
    BOOST_TEST(verifyOurs(cms, kContent + " ").verdict.subIndication() == SubIndication::HashFailure);
}

BOOST_AUTO_TEST_CASE(openssl_cades_ec_keyid) {
    TempDir dir;
    // -cades adds signing-certificate-v2; -keyid names the signer by subjectKeyIdentifier.
    const Bytes cms = opensslSign(dir, "signer-ec", "-cades -keyid");
    const auto r = verifyOurs(cms, kContent);
    BOOST_TEST(r.verdict.indication() == Indication::Passed, describe(r));
    BOOST_TEST(r.signingCertificateBound);
    BOOST_TEST(r.signatureAlgorithm == "ECDSA with SHA-256");
}

BOOST_AUTO_TEST_CASE(openssl_without_signed_attributes) {
    TempDir dir;
    const Bytes cms = opensslSign(dir, "signer-rsa", "-noattr");
    const auto r = verifyOurs(cms, kContent);
    BOOST_TEST(r.verdict.indication() == Indication::Passed, describe(r));
    BOOST_TEST(r.signatureValid);
    BOOST_TEST(!r.signingCertificateBound);
    const auto bad = verifyOurs(cms, kContent + "!");
    BOOST_TEST(bad.verdict.indication() == Indication::Failed, describe(bad));
    BOOST_TEST(bad.verdict.subIndication() == SubIndication::SigCryptoFailure);
}

BOOST_AUTO_TEST_CASE(ber_indefinite_length) {
    // The same signature re-wrapped in BER (outer SEQUENCE with indefinite
    // length, as streaming encoders write it): the signed attributes are then
    // taken from the parsed structure instead of the raw bytes.
    TempDir dir;
    const Bytes der = opensslSign(dir, "signer-rsa", "-cades");
    der::Reader top(der);
    auto ci = top.next();
    BOOST_REQUIRE(ci);
    Bytes ber{0x30, 0x80};
    ber.insert(ber.end(), ci->content.begin(), ci->content.end());
    ber.insert(ber.end(), {0x00, 0x00});  // end-of-contents
    const Run parse = [&] {
        writeFile(dir / "ber.der", ber);
        return run("openssl asn1parse -inform DER -in " + (dir / "ber.der"));
    }();
    BOOST_TEST(parse.output.find("l=inf") != std::string::npos, parse.output);
    Bytes padded = ber;
    padded.resize(ber.size() + 100, 0);
    const auto r = verifyOurs(padded, kContent);
    BOOST_TEST(r.verdict.indication() == Indication::Passed, describe(r));
    BOOST_TEST(r.signingCertificateBound);
    BOOST_TEST(verifyOurs(ber, kContent + ".").verdict.subIndication() == SubIndication::HashFailure);
}

BOOST_AUTO_TEST_CASE(openssl_pss) {
    TempDir dir;
    const Bytes cms =
        opensslSign(dir, "signer-rsa", "-keyopt rsa_padding_mode:pss -keyopt rsa_pss_saltlen:32");
    const auto r = verifyOurs(cms, kContent);
    BOOST_TEST(r.verdict.indication() == Indication::Passed, describe(r));
    BOOST_TEST(r.signatureAlgorithm == "RSA-PSS with SHA-256");
}

BOOST_AUTO_TEST_CASE(openssl_sha1_is_not_accepted) {
    TempDir dir;
    writeFile(dir / "content.bin", asBytes(kContent));
    const Run s = run("openssl cms -sign -binary -md sha1 -in " + (dir / "content.bin") + " -signer " +
                      pki("signer-rsa.crt") + " -inkey " + pki("signer-rsa.key") + " -certfile " +
                      pki("ca-chain.pem") + " -outform DER -out " + (dir / "sig.der"));
    BOOST_REQUIRE_MESSAGE(s.rc == 0, s.output);
    const auto r = verifyOurs(readFile(dir / "sig.der"), kContent);
    BOOST_TEST(r.verdict.indication() == Indication::Indeterminate, describe(r));
    BOOST_TEST(r.verdict.subIndication() == SubIndication::CryptoConstraintsFailure);
    BOOST_TEST(r.digestAlgorithm == "SHA-1");
}

BOOST_AUTO_TEST_CASE(signing_certificate_mismatch) {
    // A second certificate for signer-rsa's key (same subjectKeyIdentifier), embedded
    // instead of the one signing-certificate-v2 names: the sid (by key id) finds it,
    // the signed attribute does not name it.
    TempDir dir;
    const std::string cnf = dir / "ext.cnf";
    {
        std::ofstream c(cnf);
        c << "[ext]\nbasicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\n"
             "subjectKeyIdentifier=hash\n";
    }
    writeFile(dir / "content.bin", asBytes(kContent));
    const Run r =
        run("openssl req -new -key " + pki("signer-rsa.key") + " -subj '/CN=Twin' -out " +
            (dir / "twin.csr") + " && openssl x509 -req -in " + (dir / "twin.csr") + " -CA " +
            pki("intermediate-ca.crt") + " -CAkey " + pki("intermediate-ca.key") +
            " -set_serial 99 -days 30 -sha256 -extfile " + cnf + " -extensions ext -out " +
            (dir / "twin.crt") + " && cat " + (dir / "twin.crt") + " " + pki("ca-chain.pem") + " > " +
            (dir / "certs.pem") + " && openssl cms -sign -binary -cades -keyid -nocerts -md sha256 -in " +
            (dir / "content.bin") + " -signer " + pki("signer-rsa.crt") + " -inkey " + pki("signer-rsa.key") +
            " -certfile " + (dir / "certs.pem") + " -outform DER -out " + (dir / "sig.der"));
    BOOST_REQUIRE_MESSAGE(r.rc == 0, r.output);
    const auto v = verifyOurs(readFile(dir / "sig.der"), kContent);
    BOOST_TEST(v.verdict.indication() == Indication::Failed, describe(v));
    BOOST_TEST(v.verdict.subIndication() == SubIndication::FormatFailure);
    BOOST_TEST(!v.signingCertificateBound);
    BOOST_REQUIRE(v.signer);
    BOOST_TEST(v.signer->commonName == "Twin");
    BOOST_TEST(v.signatureValid);  // same key: only the binding tells the certificates apart
}

BOOST_AUTO_TEST_CASE(two_signers_rejected) {
    TempDir dir;
    writeFile(dir / "content.bin", asBytes(kContent));
    const Run s =
        run("openssl cms -sign -binary -md sha256 -in " + (dir / "content.bin") + " -signer " +
            pki("signer-rsa.crt") + " -inkey " + pki("signer-rsa.key") + " -signer " + pki("signer-ec.crt") +
            " -inkey " + pki("signer-ec.key") + " -outform DER -out " + (dir / "sig.der"));
    BOOST_REQUIRE_MESSAGE(s.rc == 0, s.output);
    const auto r = verifyOurs(readFile(dir / "sig.der"), kContent);
    BOOST_TEST(r.verdict.indication() == Indication::Failed, describe(r));
    BOOST_TEST(r.verdict.subIndication() == SubIndication::FormatFailure);
}

BOOST_AUTO_TEST_CASE(signer_certificate_missing) {
    TempDir dir;
    writeFile(dir / "content.bin", asBytes(kContent));
    const Run s = run("openssl cms -sign -binary -md sha256 -nocerts -in " + (dir / "content.bin") +
                      " -signer " + pki("signer-rsa.crt") + " -inkey " + pki("signer-rsa.key") +
                      " -outform DER -out " + (dir / "sig.der"));
    BOOST_REQUIRE_MESSAGE(s.rc == 0, s.output);
    const auto r = verifyOurs(readFile(dir / "sig.der"), kContent);
    BOOST_TEST(r.verdict.indication() == Indication::Indeterminate, describe(r));
    BOOST_TEST(r.verdict.subIndication() == SubIndication::NoSigningCertificateFound);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(sm2)

// An SM2 signer made on the fly (the declared PKI has none): key, certificate
// from the test intermediate, PKCS#12.
BOOST_AUTO_TEST_CASE(sm2_sign_and_verify) {
    TempDir dir;
    const std::string cnf = dir / "ext.cnf";
    {
        std::ofstream c(cnf);
        c << "[ext]\nbasicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature,nonRepudiation\n";
    }
    const Run gen = run(
        "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out " + (dir / "sm2.key") +
        " && openssl req -new -key " + (dir / "sm2.key") + " -subj '/CN=SM2 Signer' -out " +
        (dir / "sm2.csr") + " && openssl x509 -req -in " + (dir / "sm2.csr") + " -CA " +
        pki("intermediate-ca.crt") + " -CAkey " + pki("intermediate-ca.key") +
        " -set_serial 4242 -days 30 -sha256 -extfile " + cnf + " -extensions ext -out " + (dir / "sm2.crt") +
        " && cat " + pki("intermediate-ca.crt") + " " + pki("root-ca.crt") + " > " + (dir / "ca.pem") +
        " && openssl pkcs12 -export -inkey " + (dir / "sm2.key") + " -in " + (dir / "sm2.crt") +
        " -certfile " + (dir / "ca.pem") + " -passout pass:test -out " + (dir / "sm2.p12"));
    BOOST_REQUIRE_MESSAGE(gen.rc == 0, gen.output);
    FixedPin pin("test");
    auto key = openPkcs12Key(dir / "sm2.p12", pin);
    CmsSignOptions o;
    o.digest = DigestAlgorithm::Sm3;
    const Bytes cms = buildDetachedCms(digest(DigestAlgorithm::Sm3, asBytes(kContent)), *key, o);
    BOOST_TEST(cms.size() <= estimateCmsSize(*key, o));
    const auto r = verifyOurs(cms, kContent);
    BOOST_TEST(r.verdict.indication() == Indication::Passed, describe(r));
    BOOST_TEST(r.signatureAlgorithm == "SM2 with SM3");
    BOOST_TEST(r.digestAlgorithm == "SM3");
    Bytes bad = cms;
    bad[bad.size() - 3] ^= 0x01;
    BOOST_TEST(verifyOurs(bad, kContent).verdict.indication() == Indication::Failed);
    writeFile(dir / "sig.der", cms);
    const Run print = run("openssl cms -cmsout -print -inform DER -in " + (dir / "sig.der"));
    BOOST_TEST(print.output.find("algorithm: SM2-with-SM3") != std::string::npos, print.output);
    BOOST_TEST(print.output.find("algorithm: sm3") != std::string::npos);
    // Independent check: OpenSSL's SM2 verifier with the GM/T 0009 default ID
    // over the signed attributes. (`openssl cms -verify` of OpenSSL 3.0 uses an
    // empty ID for SM2 and so cannot check standard SM2 CMS.)
    const auto [attrs, sig] = signedAttributesAndSignature(cms);
    writeFile(dir / "attrs.der", attrs);
    writeFile(dir / "sm2.sig", sig);
    const Run check = run("openssl x509 -in " + (dir / "sm2.crt") + " -noout -pubkey > " + (dir / "pub.pem") +
                          " && openssl dgst -sm3 -verify " + (dir / "pub.pem") + " -signature " +
                          (dir / "sm2.sig") + " -sigopt distid:1234567812345678 " + (dir / "attrs.der"));
    BOOST_TEST(check.rc == 0, check.output);
    BOOST_TEST(check.output.find("Verified OK") != std::string::npos, check.output);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(trust)

BOOST_AUTO_TEST_CASE(trust_dir_pem_and_der) {
    TempDir dir;
    fs::copy_file(pki("root-ca.der"), dir.path / "root.cer");  // DER under .cer
    fs::copy_file(pki("untrusted-root.crt"), dir.path / "other.pem");
    writeFile(dir.path / "notes.txt", asBytes("ignored"));
    writeFile(dir.path / "broken.crt", asBytes("not a certificate"));
    TrustPolicy p;
    p.useSystemStore = false;
    p.trustDirs = {dir.path.string()};
    const auto r = verifyOurs(sign("signer-rsa"), kContent, p);
    BOOST_TEST(r.verdict.indication() == Indication::Passed, describe(r));
    BOOST_TEST(r.warnings.size() == 1u);  // broken.crt, named
    if (!r.warnings.empty()) BOOST_TEST(r.warnings.front().find("broken.crt") != std::string::npos);
    BOOST_TEST(verifyOurs(sign("signer-untrusted"), kContent, p).verdict.indication() == Indication::Passed);
}

BOOST_AUTO_TEST_CASE(missing_trust_file_is_a_warning) {
    TrustPolicy p = testTrust();
    p.trustFiles.push_back("/nonexistent/eseal-trust.pem");
    const auto r = verifyOurs(sign("signer-rsa"), kContent, p);
    BOOST_TEST(r.verdict.indication() == Indication::Passed, describe(r));
    BOOST_TEST(r.warnings.size() == 1u);
}

BOOST_AUTO_TEST_CASE(default_policy) {
    TempDir dir;
    const char* old = std::getenv("XDG_CONFIG_HOME");
    const std::string saved = old ? old : "";
    ::setenv("XDG_CONFIG_HOME", dir.path.c_str(), 1);
    auto p = defaultTrustPolicy();
    BOOST_TEST(p.useSystemStore);
    BOOST_TEST(p.trustDirs.empty());  // the folder does not exist yet
    fs::create_directories(dir.path / "eseal" / "trust");
    p = defaultTrustPolicy();
    BOOST_REQUIRE(p.trustDirs.size() == 1u);
    BOOST_TEST(p.trustDirs.front() == (dir.path / "eseal" / "trust").string());
    if (old)
        ::setenv("XDG_CONFIG_HOME", saved.c_str(), 1);
    else
        ::unsetenv("XDG_CONFIG_HOME");
}

BOOST_AUTO_TEST_CASE(describe_certificate) {
    const auto info = describeCertificate(readFile(pki("signer-rsa.der")));
    BOOST_TEST(info.commonName == "测试单位 RSA 签章人");
    BOOST_TEST(info.subject.find("CN=测试单位 RSA 签章人") != std::string::npos, info.subject);
    BOOST_TEST(info.issuer.find("CN=eseal Test Intermediate CA") != std::string::npos);
    BOOST_TEST(info.notBefore == "2025-01-01T00:00:00Z");
    BOOST_TEST(info.notAfter == "2045-12-31T23:59:59Z");
    BOOST_TEST((info.keyUsage == std::vector<std::string>{"digitalSignature", "nonRepudiation"}));
    const Run fp = run("openssl x509 -in " + pki("signer-rsa.crt") + " -noout -fingerprint -sha256");
    std::string expected;
    for (char c : fp.output.substr(fp.output.find('=') + 1))
        if (std::isxdigit(static_cast<unsigned char>(c))) expected += static_cast<char>(std::tolower(c));
    BOOST_TEST(info.sha256 == expected);
    const Run serial = run("openssl x509 -in " + pki("signer-rsa.crt") + " -noout -serial");
    std::string s = serial.output.substr(serial.output.find('=') + 1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    BOOST_TEST(info.serialHex == s);
    BOOST_CHECK_THROW(describeCertificate(asBytes("junk")), Error);
}

BOOST_AUTO_TEST_CASE(parse_cms_garbage_and_truncated) {
    for (const std::string& junk :
         {std::string(), std::string("junk"), std::string(64, '\0'), std::string("\x30\x82\xff\xff")}) {
        const ParsedCms p = parseCms(asBytes(junk));
        BOOST_TEST(!p.ok());
        BOOST_TEST(!p.error().empty());
        BOOST_TEST(!p.digestAlgorithm());
        BOOST_TEST(!p.signer());
        const CmsVerification r = verifyCms(p, {}, TrustStore(testTrust()), {});
        BOOST_TEST(r.verdict.indication() == Indication::Failed);
        BOOST_TEST(r.verdict.subIndication() == SubIndication::FormatFailure);
    }
    const Bytes cms = sign("signer-rsa");
    for (std::size_t cut : {std::size_t{1}, cms.size() / 2, cms.size() - 1}) {
        const ParsedCms p = parseCms(ByteView(cms).first(cut));
        BOOST_TEST(!p.ok(), "cut at " << cut);
    }
    // Trailing zeros are padding; anything else is not.
    Bytes padded = cms;
    padded.resize(cms.size() + 100, 0);
    BOOST_TEST(parseCms(padded).ok());
    padded.back() = 1;
    const ParsedCms tail = parseCms(padded);
    BOOST_TEST(!tail.ok());
    BOOST_TEST(tail.error().find("zero padding") != std::string::npos, tail.error());
}

BOOST_AUTO_TEST_CASE(parse_cms_facts) {
    const ParsedCms p = parseCms(sign("signer-ec"));
    BOOST_REQUIRE(p.ok());
    BOOST_TEST((p.digestAlgorithm() == DigestAlgorithm::Sha256));
    BOOST_TEST(p.digestAlgorithmName() == "SHA-256");
    BOOST_TEST(p.signatureAlgorithmName() == "ECDSA with SHA-256");
    BOOST_REQUIRE(p.signer());
    BOOST_TEST(p.signer()->describe().commonName == "测试单位 ECDSA 签章人");
    BOOST_TEST(p.certificates().size() >= 2u);
    BOOST_TEST(p.hasSignedAttributes());
    BOOST_TEST(p.signedAttributes().size() > 0u);
    BOOST_TEST(p.signedAttributes()[0] == der::kSet);
}

BOOST_AUTO_TEST_CASE(verify_cms_wrong_digest_is_hash_failure) {
    const ParsedCms p = parseCms(sign("signer-rsa"));
    BOOST_REQUIRE(p.ok());
    const TrustStore trust(testTrust());
    const Bytes right = digest(DigestAlgorithm::Sha256, asBytes(kContent));
    BOOST_TEST(verifyCms(p, right, trust, {}).verdict.passed());
    Bytes wrong = right;
    wrong[0] ^= 0x01;
    for (const Bytes& d : {wrong, Bytes{}, Bytes(right.begin(), right.end() - 1)}) {
        const CmsVerification r = verifyCms(p, d, trust, {});
        BOOST_TEST(r.verdict.indication() == Indication::Failed);
        BOOST_TEST(r.verdict.subIndication() == SubIndication::HashFailure);
        BOOST_TEST(!r.digestMatches);
        BOOST_TEST(r.signatureValid);  // the signed attributes themselves are intact
    }
}

BOOST_AUTO_TEST_CASE(validate_chain_at_a_time) {
    const TrustStore trust(testTrust());
    const Certificate signer = Certificate::fromDer(readFile(pki("signer-rsa.der")));
    const std::vector<Certificate> extra{Certificate::fromDer(readFile(pki("intermediate-ca.der")))};
    const std::time_t inside = 1893456000;  // 2030-01-01
    const ChainReport ok = validateChain(signer, extra, trust, inside, KeyUsagePurpose::DocumentSigning);
    BOOST_TEST(ok.status == ChainStatus::Trusted, ok.message);
    BOOST_TEST(ok.path.size() == 3u);
    BOOST_TEST(ok.validationTime == "2030-01-01T00:00:00Z");
    // The signer's notBefore is 2025-01-01T00:00:00Z, its notAfter 2045-12-31T23:59:59Z.
    const ChainReport early =
        validateChain(signer, extra, trust, 1735689600 - 1, KeyUsagePurpose::DocumentSigning);
    BOOST_TEST(early.status == ChainStatus::NotYetValid, early.message);
    BOOST_TEST(early.message.find("not yet valid") != std::string::npos, early.message);
    const ChainReport late =
        validateChain(signer, extra, trust, 2398377599 + 1, KeyUsagePurpose::DocumentSigning);
    BOOST_TEST(late.status == ChainStatus::Expired, late.message);
    BOOST_TEST(late.message.find("expired") != std::string::npos, late.message);
    BOOST_TEST(chainSubIndication(late.status) == SubIndication::OutOfBoundsNoPoe);
    // Without the intermediate the path is incomplete.
    BOOST_TEST(validateChain(signer, {}, trust, inside, KeyUsagePurpose::DocumentSigning).status ==
               ChainStatus::Incomplete);
    // Key usage is checked only for the purpose that needs it.
    const Certificate badku = Certificate::fromDer(readFile(pki("signer-badku.der")));
    BOOST_TEST(validateChain(badku, extra, trust, inside, KeyUsagePurpose::DocumentSigning).status ==
               ChainStatus::KeyUsageInvalid);
    BOOST_TEST(validateChain(badku, extra, trust, inside, KeyUsagePurpose::Any).status ==
               ChainStatus::Trusted);
}

BOOST_AUTO_TEST_CASE(trust_store_is_read_once) {
    TempDir dir;
    const fs::path anchor = dir.path / "trust.pem";
    fs::copy_file(pki("trust.pem"), anchor);
    TrustPolicy policy;
    policy.useSystemStore = false;
    policy.trustFiles = {anchor.string()};
    const TrustStore trust(policy);
    BOOST_TEST(trust.filesRead() == 1);
    fs::remove(anchor);  // gone after the store is built: nothing reads it again
    for (const char* signer : {"signer-rsa", "signer-ec"}) {
        const ParsedCms p = parseCms(sign(signer));
        BOOST_REQUIRE(p.ok());
        const CmsVerification r = verifyCms(p, digest(*p.digestAlgorithm(), asBytes(kContent)), trust, {});
        BOOST_TEST(r.verdict.passed(), signer << ": " << (r.errors.empty() ? "" : r.errors.front()));
        BOOST_TEST(r.chain.status == ChainStatus::Trusted);
        BOOST_TEST(r.warnings.empty());
    }
    BOOST_TEST(trust.filesRead() == 1);
}

BOOST_AUTO_TEST_SUITE_END()

// Hasher::copy continues a common prefix two ways (the PDF verifier digests
// the byte ranges of n signatures from one running digest of the file).
BOOST_AUTO_TEST_CASE(hasher_copy_continues_a_prefix_two_ways) {
    for (DigestAlgorithm alg : {DigestAlgorithm::Sha256, DigestAlgorithm::Sm3, DigestAlgorithm::Sha512}) {
        const std::string prefix(100000, 'p');
        Hasher running(alg);
        running.update(prefix.data(), prefix.size());
        Hasher branch = running.copy();
        branch.update("tail-1", 6);
        running.update("tail-22", 7);
        const std::string one = prefix + "tail-1", two = prefix + "tail-22";
        BOOST_TEST(toHex(branch.finish()) == toHex(digest(alg, asBytes(one))));
        BOOST_TEST(toHex(running.finish()) == toHex(digest(alg, asBytes(two))));
    }
}

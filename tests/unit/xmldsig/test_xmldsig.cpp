// core/xmldsig: a signature made through the Key interface verifies, and the
// attacks of the LibreOffice CVEs and of signature wrapping do not.
#define BOOST_TEST_MODULE xmldsig
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <boost/test/unit_test.hpp>

#include "core/base/error.hpp"
#include "core/crypto/digest.hpp"
#include "core/package/zip.hpp"
#include "core/xmldsig/xmldsig.hpp"

using namespace eseal;

namespace {

// An ECDSA P-256 key with a self-signed certificate, held in memory.
class MemoryKey final : public Key {
public:
    MemoryKey() {
        pkey_ = EVP_EC_gen("P-256");
        X509* x = X509_new();
        ASN1_INTEGER_set(X509_get_serialNumber(x), 42);
        X509_gmtime_adj(X509_getm_notBefore(x), -3600);
        X509_gmtime_adj(X509_getm_notAfter(x), 3600);
        X509_NAME* n = X509_get_subject_name(x);
        X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("测试"), -1,
                                   -1, 0);
        X509_set_issuer_name(x, n);
        X509_set_pubkey(x, pkey_);
        X509_sign(x, pkey_, EVP_sha256());
        unsigned char* der = nullptr;
        const int len = i2d_X509(x, &der);
        chain_.push_back(Bytes(der, der + len));
        OPENSSL_free(der);
        X509_free(x);
    }
    ~MemoryKey() override { EVP_PKEY_free(pkey_); }
    std::string description() const override { return "memory key"; }
    const std::vector<Bytes>& certificateChain() const override { return chain_; }
    std::vector<SignatureAlgorithm> algorithms() const override {
        return {{SignatureScheme::Ecdsa, DigestAlgorithm::Sha256}};
    }
    Bytes sign(ByteView d, const SignatureAlgorithm&) override {
        EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(pkey_, nullptr);
        std::size_t len = 0;
        EVP_PKEY_sign_init(ctx);
        EVP_PKEY_sign(ctx, nullptr, &len, d.data(), d.size());
        Bytes out(len);
        EVP_PKEY_sign(ctx, out.data(), &len, d.data(), d.size());
        EVP_PKEY_CTX_free(ctx);
        out.resize(len);
        return out;
    }

private:
    EVP_PKEY* pkey_ = nullptr;
    std::vector<Bytes> chain_;
};

const std::string kPart = "<a xmlns=\"urn:x\">  <b c=\"1\">文字</b><!-- note --></a>";

std::string signedDocument(MemoryKey& key) {
    xmldsig::SignInput in;
    in.documentPrefix = "<?xml version=\"1.0\"?>\n<wrap xmlns=\"urn:wrap\">";
    in.documentSuffix = "</wrap>";
    in.signingTime = 1764000000;
    in.dcDateProperty = true;
    xmldsig::Reference r;
    r.uri = "part.xml";
    r.transforms = {xmldsig::kC14n};
    r.digestInput = xmldsig::canonicalize(asBytes(kPart), xmldsig::kC14n, "part.xml");
    in.references.push_back(r);
    return xmldsig::sign(in, key);
}

xmldsig::Checked check(const std::string& xml, const std::string& part = kPart) {
    const package::XmlDocument doc(asBytes(xml), "sig");
    const xmldsig::Dereference deref = [&](const std::string& uri, const std::vector<std::string>& t,
                                           std::string& why) -> std::optional<Bytes> {
        if (uri != "part.xml" || t.size() != 1) {
            why = "no " + uri;
            return std::nullopt;
        }
        return xmldsig::canonicalize(asBytes(part), t[0], uri);
    };
    TrustPolicy policy;
    policy.useSystemStore = false;
    const TrustStore trust(policy);
    return xmldsig::verify(doc, package::child(doc.root(), "Signature"), deref, trust, {});
}

std::string replaced(std::string s, const std::string& from, const std::string& to) {
    const auto at = s.find(from);
    BOOST_REQUIRE(at != std::string::npos);
    return s.replace(at, from.size(), to);
}

}  // namespace

BOOST_AUTO_TEST_CASE(canonical_form_drops_comments_and_keeps_text) {
    const Bytes c = xmldsig::canonicalize(asBytes(kPart), xmldsig::kC14n, "part");
    BOOST_TEST(std::string(c.begin(), c.end()) == "<a xmlns=\"urn:x\">  <b c=\"1\">文字</b></a>");
    BOOST_CHECK_THROW(
        xmldsig::canonicalize(asBytes("<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>"), xmldsig::kC14n, "dtd"),
        Error);
}

BOOST_AUTO_TEST_CASE(signature_through_the_key_verifies) {
    MemoryKey key;
    const auto c = check(signedDocument(key));
    BOOST_TEST(c.report.digestMatches);
    BOOST_TEST(c.report.signatureValid);
    BOOST_TEST(c.report.signingCertificateBound);
    BOOST_TEST(c.report.signingTime.value_or("") == "2025-11-24T16:00:00Z");
    BOOST_TEST(c.externalUris == std::vector<std::string>{"part.xml"});
    // Self-signed and not trusted here: INDETERMINATE for the chain only.
    BOOST_TEST(std::string(toString(c.report.verdict.indication())) == toString(Indication::Indeterminate));
    BOOST_TEST((c.report.chain.status != ChainStatus::Trusted));
}

BOOST_AUTO_TEST_CASE(changed_part_fails_with_hash_failure) {
    MemoryKey key;
    const auto c = check(signedDocument(key), replaced(kPart, "文字", "文学"));
    BOOST_TEST(std::string(toString(c.report.verdict.indication())) == toString(Indication::Failed));
    BOOST_TEST(std::string(toString(c.report.verdict.subIndication())) ==
               toString(SubIndication::HashFailure));
}

BOOST_AUTO_TEST_CASE(second_signing_time_fails) {  // CVE-2021-25634
    MemoryKey key;
    const std::string xml =
        replaced(signedDocument(key), "</xd:QualifyingProperties>",
                 "<xd:UnsignedProperties><xd:SigningTime>2001-01-01T00:00:00Z</xd:SigningTime>"
                 "</xd:UnsignedProperties></xd:QualifyingProperties>");
    BOOST_TEST(std::string(toString(check(xml).report.verdict.indication())) == "FAILED");
}

BOOST_AUTO_TEST_CASE(unknown_signature_method_is_never_valid) {  // CVE-2021-25635
    MemoryKey key;
    const std::string xml =
        replaced(signedDocument(key), "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256", "urn:unknown");
    const auto c = check(xml);
    BOOST_TEST(!c.report.signatureValid);
    BOOST_TEST(std::string(toString(c.report.verdict.indication())) != toString(Indication::Passed));
}

BOOST_AUTO_TEST_CASE(duplicate_id_is_signature_wrapping) {
    MemoryKey key;
    std::string xml = signedDocument(key);
    const auto at = xml.find("Id=\"idSignedProperties_");
    const std::string id = xml.substr(at + 4, xml.find('"', at + 4) - at - 4);
    xml = replaced(xml, "</wrap>", "<x Id=\"" + id + "\"/></wrap>");
    const auto c = check(xml);
    BOOST_TEST(std::string(toString(c.report.verdict.indication())) == toString(Indication::Failed));
    BOOST_TEST(std::string(toString(c.report.verdict.subIndication())) ==
               toString(SubIndication::FormatFailure));
}

BOOST_AUTO_TEST_CASE(write_zip_keeps_order_and_stores_when_asked) {
    const Bytes zip = package::writeZip(
        {{"mimetype", Bytes(asBytes("application/x").begin(), asBytes("application/x").end()), true},
         {"dir/", {}, false},
         {"dir/a.xml", Bytes(5000, 'a'), false}});
    // Local header of the first entry: name "mimetype", method 0 (stored).
    BOOST_TEST(std::string(zip.begin() + 30, zip.begin() + 38) == "mimetype");
    BOOST_TEST((zip[8] | (zip[9] << 8)) == 0);
    BOOST_TEST(zip.size() < 1000u);  // the 5000 bytes were deflated
}

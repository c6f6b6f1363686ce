#include "cli/demo_kit/demo_ca.hpp"

#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "core/base/error.hpp"
#include "core/ossl/error.hpp"

namespace eseal {

namespace {

using X509NamePtr = std::unique_ptr<X509_NAME, ossl::Deleter<X509_NAME, X509_NAME_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, ossl::Deleter<X509_EXTENSION, X509_EXTENSION_free>>;

X509NamePtr makeName(const CertificateProfile& profile) {
    X509NamePtr name(X509_NAME_new());
    for (const auto& [field, value] : profile.subject) {
        if (X509_NAME_add_entry_by_txt(name.get(), field.c_str(), MBSTRING_UTF8,
                                       reinterpret_cast<const unsigned char*>(value.data()),
                                       static_cast<int>(value.size()), -1, 0) != 1)
            throw CryptoError("bad name attribute " + field);
    }
    return name;
}

void addExtension(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
    if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) throw CryptoError("cannot add certificate extension");
}

ossl::X509Ptr build(const CertificateProfile& profile, EVP_PKEY* subjectKey, X509* issuerCert,
                    EVP_PKEY* issuerKey) {
    ossl::X509Ptr cert(X509_new());
    if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1) throw CryptoError("X509_new");
    // RFC 5280 4.1.2.2: positive, at most 20 octets; 16 random octets with the top bit clear.
    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof serial) != 1) throw CryptoError("RAND_bytes");
    serial[0] &= 0x7f;
    serial[0] |= 0x01;
    std::unique_ptr<BIGNUM, ossl::Deleter<BIGNUM, BN_free>> bn(BN_bin2bn(serial, sizeof serial, nullptr));
    if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get()))) throw CryptoError("serial");
    X509NamePtr name = makeName(profile);
    if (X509_set_subject_name(cert.get(), name.get()) != 1) throw CryptoError("subject");
    if (X509_set_issuer_name(cert.get(), issuerCert ? X509_get_subject_name(issuerCert) : name.get()) != 1)
        throw CryptoError("issuer");
    if (!ASN1_TIME_set(X509_getm_notBefore(cert.get()), profile.notBefore) ||
        !ASN1_TIME_set(X509_getm_notAfter(cert.get()), profile.notAfter))
        throw CryptoError("validity");
    if (X509_set_pubkey(cert.get(), subjectKey) != 1) throw CryptoError("public key");
    X509* issuerForExt = issuerCert ? issuerCert : cert.get();
    if (profile.ca) {
        addExtension(cert.get(), issuerForExt, NID_basic_constraints, "critical,CA:TRUE");
        addExtension(cert.get(), issuerForExt, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        addExtension(cert.get(), issuerForExt, NID_basic_constraints, "critical,CA:FALSE");
        addExtension(cert.get(), issuerForExt, NID_key_usage, "critical,digitalSignature,nonRepudiation");
    }
    addExtension(cert.get(), issuerForExt, NID_subject_key_identifier, "hash");
    addExtension(cert.get(), issuerForExt, NID_authority_key_identifier, "keyid:always");
    if (X509_sign(cert.get(), issuerKey, EVP_sha256()) <= 0) throw CryptoError("cannot sign certificate");
    return cert;
}

}  // namespace

ossl::EvpPkeyPtr generateEcKey() {
    ossl::EvpPkeyPtr key(EVP_EC_gen("P-256"));
    if (!key) throw CryptoError("cannot generate an EC key");
    return key;
}

ossl::X509Ptr issueSelfSigned(const CertificateProfile& profile, EVP_PKEY* key) {
    return build(profile, key, nullptr, key);
}

ossl::X509Ptr issueCertificate(const CertificateProfile& profile, ByteView subjectPublicKeyInfo,
                               X509* issuerCert, EVP_PKEY* issuerKey) {
    const unsigned char* p = subjectPublicKeyInfo.data();
    ossl::EvpPkeyPtr subjectKey(d2i_PUBKEY(nullptr, &p, static_cast<long>(subjectPublicKeyInfo.size())));
    if (!subjectKey) throw CryptoError("not a SubjectPublicKeyInfo");
    return build(profile, subjectKey.get(), issuerCert, issuerKey);
}

std::string toPem(const X509* cert) {
    ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) throw CryptoError("PEM");
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

std::string toPem(EVP_PKEY* privateKey) {
    ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), privateKey, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        throw CryptoError("PEM");
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

ossl::X509Ptr certificateFromPem(const std::string& pem) {
    ossl::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    ossl::X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) throw CryptoError("not a PEM certificate");
    return cert;
}

ossl::EvpPkeyPtr privateKeyFromPem(const std::string& pem) {
    ossl::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    ossl::EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!key) throw CryptoError("not a PEM private key");
    return key;
}

}  // namespace eseal

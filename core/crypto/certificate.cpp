#include "core/crypto/certificate.hpp"

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <utility>

#include "core/base/error.hpp"
#include "core/base/time.hpp"
#include "core/crypto/digest.hpp"
#include "core/ossl/ossl.hpp"

namespace eseal {

namespace {

std::string commonNameOf(const X509_NAME* name) {
    const int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (idx < 0) return {};
    unsigned char* utf8 = nullptr;
    const int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx)));
    if (n < 0) return {};
    std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(n));
    OPENSSL_free(utf8);
    return out;
}

CertificateInfo describe(X509* cert, ByteView der) {
    CertificateInfo info;
    info.subject = nameText(X509_get_subject_name(cert));
    info.commonName = commonNameOf(X509_get_subject_name(cert));
    info.issuer = nameText(X509_get_issuer_name(cert));
    const ASN1_INTEGER* serial = X509_get0_serialNumber(cert);
    info.serialHex =
        toHex(ByteView(ASN1_STRING_get0_data(serial), static_cast<std::size_t>(ASN1_STRING_length(serial))));
    if (info.serialHex.empty()) info.serialHex = "00";
    info.notBefore = isoUtc(toTimeT(X509_get0_notBefore(cert)));
    info.notAfter = isoUtc(toTimeT(X509_get0_notAfter(cert)));
    info.sha256 = toHex(digest(DigestAlgorithm::Sha256, der));
    // RFC 5280 4.2.1.3, in KeyUsage bit order.
    if (X509_get_extension_flags(cert) & EXFLAG_KUSAGE) {
        const std::uint32_t ku = X509_get_key_usage(cert);
        const std::pair<std::uint32_t, const char*> names[] = {{KU_DIGITAL_SIGNATURE, "digitalSignature"},
                                                               {KU_NON_REPUDIATION, "nonRepudiation"},
                                                               {KU_KEY_ENCIPHERMENT, "keyEncipherment"},
                                                               {KU_DATA_ENCIPHERMENT, "dataEncipherment"},
                                                               {KU_KEY_AGREEMENT, "keyAgreement"},
                                                               {KU_KEY_CERT_SIGN, "keyCertSign"},
                                                               {KU_CRL_SIGN, "cRLSign"},
                                                               {KU_ENCIPHER_ONLY, "encipherOnly"},
                                                               {KU_DECIPHER_ONLY, "decipherOnly"}};
        for (const auto& [bit, name] : names)
            if (ku & bit) info.keyUsage.push_back(name);
    }
    return info;
}

}  // namespace

std::string nameText(const X509_NAME* name) {
    ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio) return {};
    X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

std::time_t toTimeT(const ASN1_TIME* t) {
    std::tm tm{};
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
    return timegm(&tm);
}

Certificate Certificate::fromDer(ByteView der) {
    ossl::X509Ptr cert = ossl::parseCertificate(der);
    return Certificate(cert.get());
}

Certificate::Certificate(X509* cert) {
    X509_up_ref(cert);
    x509_.reset(cert, X509_free);
    try {
        der_ = ossl::toDer(cert);
    } catch (const Error&) {
        ERR_clear_error();
    }
}

CertificateInfo Certificate::describe() const {
    if (der_.empty()) return {};
    return eseal::describe(x509_.get(), der_);
}

CertificateInfo describeCertificate(ByteView der) { return Certificate::fromDer(der).describe(); }

}  // namespace eseal

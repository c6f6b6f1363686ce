// An X.509 certificate shared by value, and its description for people
// (verification reports and the token listing use the same one).
#pragma once

#include <openssl/types.h>

#include <ctime>
#include <memory>
#include <string>

#include "core/base/bytes.hpp"
#include "core/report/report.hpp"

namespace eseal {

class Certificate {
public:
    // Throws CryptoError when der is not a certificate.
    static Certificate fromDer(ByteView der);
    // Takes a new reference to cert (which must not be null).
    explicit Certificate(X509* cert);

    X509* get() const noexcept { return x509_.get(); }
    // The DER encoding; empty when OpenSSL cannot encode the certificate.
    const Bytes& der() const noexcept { return der_; }
    // Subject, issuer, validity, fingerprint and key usage; empty when der() is.
    CertificateInfo describe() const;

private:
    std::shared_ptr<X509> x509_;
    Bytes der_;
};

// Subject, issuer, validity, fingerprint and key usage of a DER certificate.
// Throws CryptoError when der is not a certificate.
CertificateInfo describeCertificate(ByteView der);

// RFC 2253 form with UTF-8 kept as characters, so Chinese names stay readable.
std::string nameText(const X509_NAME* name);
// 0 when t is null or malformed.
std::time_t toTimeT(const ASN1_TIME* t);

}  // namespace eseal

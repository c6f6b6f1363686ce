// Issues X.509 certificates from a file CA. Used by `eseal demo` to certify a
// key generated on the demo token (the private key of the subject is never
// seen: only its SubjectPublicKeyInfo).
#pragma once

#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include "core/base/bytes.hpp"
#include "core/ossl/ossl.hpp"

namespace eseal {

struct CertificateProfile {
    // Distinguished name as (attribute, UTF-8 value) pairs, e.g. {"C","CN"},{"O","..."},{"CN","..."}.
    std::vector<std::pair<std::string, std::string>> subject;
    std::time_t notBefore = 0;
    std::time_t notAfter = 0;
    bool ca =
        false;  // CA: basicConstraints CA:true, keyCertSign|cRLSign; else digitalSignature|nonRepudiation
};

// A new EC P-256 key (for a file CA).
ossl::EvpPkeyPtr generateEcKey();

// Self-signed CA certificate for key.
ossl::X509Ptr issueSelfSigned(const CertificateProfile& profile, EVP_PKEY* key);

// Certificate for the public key in subjectPublicKeyInfo (DER), signed by the issuer.
ossl::X509Ptr issueCertificate(const CertificateProfile& profile, ByteView subjectPublicKeyInfo,
                               X509* issuerCert, EVP_PKEY* issuerKey);

std::string toPem(const X509* cert);
std::string toPem(EVP_PKEY* privateKey);  // PKCS#8, unencrypted
ossl::X509Ptr certificateFromPem(const std::string& pem);
ossl::EvpPkeyPtr privateKeyFromPem(const std::string& pem);

}  // namespace eseal

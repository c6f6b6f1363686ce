// Certificate path validation (RFC 5280 6) as a service of the core: every
// format (CMS in PDF, XAdES, GB/T 38540 seals) calls the same function.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "core/crypto/certificate.hpp"
#include "core/crypto/trust.hpp"
#include "core/report/report.hpp"

namespace eseal {

// What the end-entity certificate must be allowed to do.
enum class KeyUsagePurpose {
    // RFC 5280 4.2.1.3: a key usage extension, if present, allows
    // digitalSignature or nonRepudiation.
    DocumentSigning,
    // RFC 3161 2.3: a TSA certificate has the extended key usage timeStamping,
    // and only it, marked critical.
    TimeStamping,
    // RFC 6960 4.2.2.2: a delegated OCSP responder has id-kp-OCSPSigning.
    OcspSigning,
    Any,  // no key usage check
};

// Builds a path from signer through extraCertificates (e.g. those embedded in
// a CMS) to an anchor of trust, valid at atTime. Never throws: problems are
// the report's status and message.
// pathOut, when given, receives the certificates of the path built (signer
// first, anchor last), for revocation checking.
ChainReport validateChain(const Certificate& signer, const std::vector<Certificate>& extraCertificates,
                          const TrustStore& trust, std::time_t atTime, KeyUsagePurpose usage,
                          std::vector<Certificate>* pathOut = nullptr);

// EU DSS / ETSI EN 319 102-1 5.2.6 mapping of a chain status to the
// sub-indication of an INDETERMINATE signature; None for Trusted.
SubIndication chainSubIndication(ChainStatus s);

// Why the chain is not trusted, for people; signer names whose chain it is.
std::string chainProblem(const ChainReport& chain, const std::optional<CertificateInfo>& signer);

}  // namespace eseal

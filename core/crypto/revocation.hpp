// Whether a certificate path was revoked (RFC 5280 6.3 CRLs, RFC 6960 OCSP),
// from revocation data found with the signature (a PDF's DSS, the CMS) and,
// when asked for, fetched from the URLs the certificates name (CRL
// distribution points, AIA OCSP).
#pragma once

#include <ctime>
#include <string>
#include <vector>

#include "core/base/bytes.hpp"
#include "core/crypto/certificate.hpp"
#include "core/crypto/trust.hpp"
#include "core/report/report.hpp"

namespace eseal {

struct RevocationData {
    std::vector<Bytes> crls;   // DER CertificateList
    std::vector<Bytes> ocsps;  // DER OCSPResponse
    // Where each item came from, for the report ("DSS", "signature", "online").
    std::string origin = "file";
};

struct RevocationRequest {
    std::vector<RevocationData> data;
    bool online = false;  // fetch what data lacks from the certificates' URLs
    // Revoked at or before this time makes the signature FAILED; later
    // revocations are reported only.
    std::time_t at = 0;
};

struct RevocationOutcome {
    RevocationInfo info;
    // What was fetched online (for a PAdES B-LT DSS): DER CRLs and OCSP responses.
    RevocationData fetched;
};

// Checks every certificate of path (signer first, each one's issuer next;
// the last, the trust anchor, is not checked). Certificates that name no CRL
// or OCSP service and have no data are skipped. Never throws.
RevocationOutcome checkRevocation(const std::vector<Certificate>& path, const RevocationRequest& request,
                                  const TrustStore& trust);

// The revocation data of a path fetched online, for embedding (B-LT).
// Throws Error(Crypto) naming the URL when a service named by a certificate
// cannot be reached.
RevocationData fetchRevocationData(const std::vector<Certificate>& path);

}  // namespace eseal

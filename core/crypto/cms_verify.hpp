#pragma once

#include <ctime>
#include <functional>
#include <optional>
#include <string>

#include "core/base/bytes.hpp"
#include "core/key/algorithms.hpp"
#include "core/crypto/trust.hpp"
#include "core/report/report.hpp"

namespace eseal {

// Gives the digest of the signed content with the algorithm the CMS names, so
// the caller can stream the content (PDF byte ranges) without loading it.
using ContentDigester = std::function<Bytes(DigestAlgorithm)>;

struct CmsVerifyInput {
    ByteView cms;                         // DER ContentInfo (trailing zero padding allowed)
    ContentDigester digestContent;
    // A claimed signing time from the container (PDF /M), used when the CMS
    // carries none.
    std::optional<std::time_t> claimedSigningTime;
    // How the report names where claimedSigningTime came from.
    std::string claimedSigningTimeSource = "claimed (PDF /M)";
};

// Subject, issuer, validity, fingerprint and key usage of a DER certificate.
// Throws CryptoError when der is not a certificate.
CertificateInfo describeCertificate(ByteView der);

// Checks the CMS signature and the signer's chain and fills the
// format-independent parts of `out`: signer, certificates, algorithms, signing
// time, integrity, chain, indication / sub-indication. Never throws for a bad
// signature: the verdict is a value. A CMS that cannot be parsed gives FAILED /
// FORMAT_FAILURE.
// A verdict the caller set before the call (FAILED, or INDETERMINATE with a
// sub-indication) is merged, worst wins: FAILED > INDETERMINATE > PASSED, the
// caller's on a tie. The default INDETERMINATE without sub-indication is no verdict.
void verifyDetachedCms(const CmsVerifyInput& input, const TrustPolicy& policy, SignatureReport& out);

}  // namespace eseal

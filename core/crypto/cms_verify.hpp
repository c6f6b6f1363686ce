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

// The chain of a signer certificate carried outside CMS (GB/T 38540
// signatures), with `extra` as untrusted intermediates, at the policy's time
// (else now). Fills out.chain and out.warnings; when the chain is not trusted
// adds the error and lowers out's verdict to INDETERMINATE with the
// sub-indication verifyDetachedCms would give (worst wins). Never throws for a
// bad certificate (Invalid). Returns the chain status.
ChainStatus validateSignerChain(ByteView signerDer, const std::vector<Bytes>& extra, const TrustPolicy& policy,
                                SignatureReport& out);

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

// Verification of a parsed detached CMS signature against a digest the format
// computed of its own bytes. Nothing calls back into the format.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "core/base/bytes.hpp"
#include "core/crypto/aia.hpp"
#include "core/crypto/chain.hpp"
#include "core/crypto/cms_parse.hpp"
#include "core/crypto/revocation.hpp"
#include "core/crypto/trust.hpp"
#include "core/report/report.hpp"

namespace eseal {

struct CmsVerifyOptions {
    // Certificates must be valid at this time; nullopt = now.
    std::optional<std::time_t> validationTime;
    // A claimed signing time from the container (PDF /M), reported when the
    // CMS carries none.
    std::optional<std::time_t> claimedSigningTime;
    // How the report names where claimedSigningTime came from.
    std::string claimedSigningTimeSource = "claimed (PDF /M)";
    // Certificates found beside the signature (a PDF's DSS) that help build
    // the signer's and the TSA's paths.
    std::vector<Certificate> extraCertificates;
    // CRLs and OCSP responses found beside the signature (a PDF's DSS); the
    // CMS's own (SignedData crls) are added by verifyCms.
    std::vector<RevocationData> revocation;
    bool online = false;  // fetch missing revocation data (--online)
    // Fetches the issuers the path lacks from caIssuers URLs (--online); null: none.
    AiaFetcher* aia = nullptr;
};

// The format-independent facts and verdict of one CMS signature.
struct CmsVerification {
    Verdict verdict;
    std::vector<std::string> errors;  // why it is not PASSED, for people
    std::vector<std::string> warnings;
    std::optional<CertificateInfo> signer;
    std::string digestAlgorithm;             // "SHA-256"
    std::string signatureAlgorithm;          // "ECDSA with SHA-256"
    std::optional<std::string> signingTime;  // ISO 8601 UTC
    std::string signingTimeSource;
    bool digestMatches = false;            // message-digest attribute equals the content digest
    bool signatureValid = false;           // the signature value verifies with the signer's key
    bool signingCertificateBound = false;  // signing-certificate-v2 names the signer certificate
    ChainReport chain;
    // The signature timestamp (unsigned attribute id-aa-signatureTimeStampToken).
    std::optional<TimestampInfo> timestamp;
    bool timestamped = false;  // a valid timestamp from a trusted TSA proves the time
    RevocationInfo revocation;

    // Copies the facts into a signature report and worsens its verdict with
    // this one (a finding the format made earlier keeps its sub-indication).
    void recordIn(SignatureReport& report) const;
};

// Checks the CMS signature over contentDigest (the digest of the signed
// content with parsed.digestAlgorithm(); ignored when that is nullopt) and the
// signer's chain. Never throws: an unparsable CMS is FAILED / FORMAT_FAILURE.
CmsVerification verifyCms(const ParsedCms& parsed, ByteView contentDigest, const TrustStore& trust,
                          const CmsVerifyOptions& options);

// When the format could not read the signed content: what the CMS tells about
// itself (signer, algorithms, signing time), INDETERMINATE / SIGNED_DATA_NOT_FOUND.
CmsVerification contentUnreadable(const ParsedCms& parsed, const CmsVerifyOptions& options,
                                  const std::string& why);

}  // namespace eseal

// The verification report: one model for every format. Indications follow
// ETSI EN 319 102-1 5.1.3 (PASSED / INDETERMINATE / FAILED); sub-indications
// are named as the EU DSS library names them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/base/bytes.hpp"

namespace eseal {

enum class Indication { Passed, Indeterminate, Failed };

enum class SubIndication {
    None,
    FormatFailure,                   // FORMAT_FAILURE
    HashFailure,                     // HASH_FAILURE
    SigCryptoFailure,                // SIG_CRYPTO_FAILURE
    Revoked,                         // REVOKED
    Expired,                         // EXPIRED
    NotYetValid,                     // NOT_YET_VALID
    SigConstraintsFailure,           // SIG_CONSTRAINTS_FAILURE
    ChainConstraintsFailure,         // CHAIN_CONSTRAINTS_FAILURE
    CertificateChainGeneralFailure,  // CERTIFICATE_CHAIN_GENERAL_FAILURE
    CryptoConstraintsFailure,        // CRYPTO_CONSTRAINTS_FAILURE
    NoSigningCertificateFound,       // NO_SIGNING_CERTIFICATE_FOUND
    NoCertificateChainFound,         // NO_CERTIFICATE_CHAIN_FOUND
    OutOfBoundsNoPoe,                // OUT_OF_BOUNDS_NO_POE
    OutOfBoundsNotRevoked,           // OUT_OF_BOUNDS_NOT_REVOKED
    TryLater,                        // TRY_LATER
    SignedDataNotFound,              // SIGNED_DATA_NOT_FOUND
};

const char* toString(Indication i) noexcept;     // "PASSED"
const char* toString(SubIndication s) noexcept;  // "HASH_FAILURE", "" for None

struct CertificateInfo {
    std::string subject;      // RFC 2253 form
    std::string commonName;
    std::string issuer;
    std::string serialHex;
    std::string notBefore;    // ISO 8601 UTC
    std::string notAfter;
    std::string sha256;       // fingerprint, hex
    std::vector<std::string> keyUsage;  // "digitalSignature", "nonRepudiation", ...
};

enum class ChainStatus {
    Trusted,        // a path to a trust anchor, every certificate valid at the validation time
    Untrusted,      // a complete path, but its root is not a trust anchor
    Incomplete,     // an issuer is missing
    Expired,        // a certificate expired before the validation time
    NotYetValid,
    KeyUsageInvalid,  // the signer may not sign (key usage / extended key usage)
    Invalid,        // a signature in the chain does not verify, or another error
    NotChecked,
};
const char* toString(ChainStatus s) noexcept;  // "trusted"

struct ChainReport {
    ChainStatus status = ChainStatus::NotChecked;
    std::string message;                  // e.g. OpenSSL's verify error text
    std::vector<CertificateInfo> path;    // signer first, anchor last
    std::string validationTime;           // ISO 8601 UTC
};

enum class Coverage {
    EntireFile,       // the signature covers every byte but its own /Contents
    EarlierRevision,  // it covers a complete earlier revision; later updates follow
    BrokenRange,      // the signed range is malformed, overlapping or not at a revision boundary
    Unknown,
};
const char* toString(Coverage c) noexcept;  // "entire-file"

// Something that changed after the signature, in a later revision.
struct Modification {
    int revision = 0;          // 1 = the original file, each incremental update adds one
    std::string kind;          // "signature-added", "annotation-added", "page-content", "form-field", "catalog", "other"
    std::string object;        // "12 0 R", or "" when not about one object
    std::string description;
    bool allowed = false;      // allowed by the signature's permissions (ISO 32000-1 12.8.2.2)
};

// Where a seal is shown in the document.
struct SealAppearance {
    int page = 0;              // 1-based
    double x = 0, y = 0, width = 0, height = 0;  // PDF user space, points, lower-left origin
    std::string fieldName;
    // The units `eseal sign` takes: the centre in mm from the top-left of the
    // page as displayed (crop box, rotation applied) and the displayed size.
    bool hasMm = false;
    double centreXMm = 0, centreYMm = 0, widthMm = 0, heightMm = 0;
};

struct SignatureReport {
    std::string id;                       // field name or signature id
    Indication indication = Indication::Indeterminate;
    SubIndication subIndication = SubIndication::None;
    std::vector<std::string> errors;      // why it is not PASSED, for people
    std::vector<std::string> warnings;

    std::optional<CertificateInfo> signer;
    std::string digestAlgorithm;          // "SHA-256"
    std::string signatureAlgorithm;       // "ECDSA with SHA-256"
    std::string format;                   // "ETSI.CAdES.detached", "adbe.pkcs7.detached"
    std::optional<std::string> signingTime;  // ISO 8601 UTC
    std::string signingTimeSource;        // "claimed (PDF /M)", "signing-time attribute", "timestamp"
    bool timestamped = false;
    std::string reason, location, contactInfo;

    bool digestMatches = false;           // message-digest attribute equals the content digest
    bool signatureValid = false;          // the signature value verifies with the signer's key
    bool signingCertificateBound = false; // signing-certificate-v2 names the signer certificate

    Coverage coverage = Coverage::Unknown;
    std::string coverageDetail;           // "bytes 0-1234 and 5678-9999 of 9999"
    int revision = 0;                     // which revision this signature closes
    std::vector<int> laterRevisions;      // revisions appended after it
    std::vector<Modification> modifications;

    ChainReport chain;
    std::vector<SealAppearance> appearances;
};

struct Report {
    std::string file;
    std::string format;                   // "PDF"
    std::uint64_t fileSize = 0;
    int revisions = 0;
    std::vector<SignatureReport> signatures;
    std::vector<std::string> errors;      // file-level problems (unreadable, encrypted, ...)
    bool readable = true;
};

// CLI exit codes for verify: 0 every signature PASSED, 1 any FAILED, 2 otherwise
// INDETERMINATE, 3 no signature, 4 input unreadable.
int verifyExitCode(const Report& report) noexcept;

std::string toJson(const Report& report, bool pretty = true);
// The one sentence a clerk acts on, e.g. "Valid: sealed by Unit on
// 2026-11-29 17:34; the file has not been changed since." (translated).
std::string verdictLine(const Report& report);

struct TextOptions {
    bool verbose = false;  // also PDF object numbers and byte ranges
};

// For people, in the messages' language: one sentence to act on first, then
// the details; times in the local time zone with the offset (JSON stays UTC).
std::string toText(const Report& report, const TextOptions& options = {});

}  // namespace eseal

// The verification report: one model for every format. Indications follow
// ETSI EN 319 102-1 5.1.3 (PASSED / INDETERMINATE / FAILED); sub-indications
// are named as the EU DSS library names them.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/base/bytes.hpp"
#include "core/report/verdict.hpp"

namespace eseal {

struct CertificateInfo {
    std::string subject;  // RFC 2253 form
    std::string commonName;
    std::string issuer;
    std::string serialHex;
    std::string notBefore;  // ISO 8601 UTC
    std::string notAfter;
    std::string sha256;                 // fingerprint, hex
    std::vector<std::string> keyUsage;  // "digitalSignature", "nonRepudiation", ...
};

enum class ChainStatus {
    Trusted,     // a path to a trust anchor, every certificate valid at the validation time
    Untrusted,   // a complete path, but its root is not a trust anchor
    Incomplete,  // an issuer is missing
    Expired,     // a certificate expired before the validation time
    NotYetValid,
    KeyUsageInvalid,  // the signer may not sign (key usage / extended key usage)
    Invalid,          // a signature in the chain does not verify, or another error
    NotChecked,
};
const char* toString(ChainStatus s) noexcept;  // "trusted"

struct ChainReport {
    ChainStatus status = ChainStatus::NotChecked;
    std::string message;                // e.g. OpenSSL's verify error text
    std::vector<CertificateInfo> path;  // signer first, anchor last
    std::string validationTime;         // ISO 8601 UTC
};

// An RFC 3161 timestamp a signature carries (PAdES B-T signature timestamp)
// or that a document timestamp is (B-LTA).
struct TimestampInfo {
    std::string kind;                 // "signature" (signatureTimeStampToken) or "document" (/DocTimeStamp)
    std::optional<std::string> time;  // genTime, ISO 8601 UTC
    std::optional<CertificateInfo> tsa;
    std::string digestAlgorithm;  // of the message imprint
    bool signatureValid = false;  // the token's own CMS signature verifies
    bool imprintMatches = false;  // its message imprint is the digest of what it stamps
    ChainReport chain;            // the TSA's chain (EKU timeStamping)
    std::string problem;          // why it does not prove the time, for people ("" when it does)
};

// Whether the signer's certificates were revoked, from CRLs and OCSP responses
// found in the file (DSS, CMS) or fetched with --online.
enum class RevocationStatus {
    Good,        // every certificate checked was not revoked at the validation time
    Revoked,     // a certificate of the path was revoked before the validation time
    Unknown,     // a responder does not know the certificate, or no data could be had
    NotChecked,  // no revocation data in the file and no --online
};
const char* toString(RevocationStatus s) noexcept;  // "good", "revoked", "unknown", "not-checked"

struct RevocationInfo {
    RevocationStatus status = RevocationStatus::NotChecked;
    std::string message;
    std::vector<std::string> sources;  // "OCSP (DSS)", "CRL (online http://...)", ...
};

enum class Coverage {
    EntireFile,       // the signature covers every byte but its own /Contents
    EarlierRevision,  // it covers a complete earlier revision; later updates follow
    BrokenRange,      // the signed range is malformed, overlapping or not at a revision boundary
    Unknown,
};
const char* toString(Coverage c) noexcept;  // "entire-file"

// What a later revision changed; the JSON names are in toString (docs/CLI.md).
enum class ModificationKind {
    SignatureAdded,   // "signature-added"
    AnnotationAdded,  // "annotation-added"
    PageContent,      // "page-content"
    Page,             // "page"
    Annotation,       // "annotation"
    FormField,        // "form-field"
    FormResources,    // "form-resources"
    Catalog,          // "catalog"
    Signature,        // "signature": an existing signature dictionary changed
    Dss,              // "dss"
    Metadata,         // "metadata"
    Unused,           // "unused"
    Other,            // "other"
};
const char* toString(ModificationKind k) noexcept;  // "signature-added"

// Something that changed after the signature, in a later revision.
struct Modification {
    int revision = 0;  // 1 = the original file, each incremental update adds one
    ModificationKind kind = ModificationKind::Other;
    std::string object;  // "12 0 R", or "" when not about one object
    std::string description;
    bool allowed = false;  // allowed by the signature's permissions (ISO 32000-1 12.8.2.2)
};

// Where a seal is shown in the document.
struct SealAppearance {
    int page = 0;                                // 1-based
    double x = 0, y = 0, width = 0, height = 0;  // PDF user space, points, lower-left origin
    std::string fieldName;
    // The units `eseal sign` takes: the centre in mm from the top-left of the
    // page as displayed (crop box, rotation applied) and the displayed size.
    bool hasMm = false;
    double centreXMm = 0, centreYMm = 0, widthMm = 0, heightMm = 0;
};

// The electronic seal (GB/T 38540 SES_Seal) a signature carries.
struct ElectronicSealInfo {
    std::string standard;  // "GB/T 38540-2020", "GM/T 0031-2014"
    long version = 0;      // header version
    std::string name;
    std::string esId;
    std::string vendorId;
    long type = 0;
    std::string validStart, validEnd;  // ISO 8601 UTC
    std::string pictureType;
    long widthMm = 0, heightMm = 0;
    std::string maker;  // the maker certificate's subject
    bool makerSignatureValid = false;
    std::string makerSignatureDetail;  // why not valid, or what was checked
    bool signerListed = false;         // the signer certificate is one the seal binds
    // Whether the picture shown on the page is the seal's own picture:
    // "matches", "differs", "not-compared" (with the reason in the warnings),
    // "" when the format has no visible seal to compare (OFD).
    std::string pictureOnPage;
    std::string carriedIn;  // where the signature carries the seal ("SES_Signature", "CMS signed attribute")
};

// The GB/T 38540 electronic signature (SES_Signature) a signature carries
// beside its CMS (PDF: `sign --profile gbt38540`, docs/DESIGN.md).
struct SesSignatureInfo {
    std::string standard;  // "GB/T 38540-2020"
    long version = 0;      // TBS_Sign version
    std::string carriedIn;
    std::string signatureAlgorithm;  // "SM2-with-SM3", "sha256WithRSAEncryption"
    std::string dataHashAlgorithm;   // "SM3", "SHA-256"
    std::string timeInfo;            // ISO 8601 UTC
    std::string propertyInfo;
    std::string sealName;          // of the seal inside it
    bool signatureValid = false;   // the signature over TBS_Sign verifies with its cert
    bool dataHashMatches = false;  // dataHash is the hash of what the signature signs (the byte range)
    bool sameSeal = false;         // its seal is the seal the CMS carries, byte for byte
    bool sameSigner = false;       // its cert is the CMS signer certificate
};

struct SignatureReport {
    std::string id;  // field name or signature id
    // Starts PASSED; a format worsens it with every finding (and must worsen it
    // to INDETERMINATE when it checks nothing).
    Verdict verdict;
    std::vector<std::string> errors;  // why it is not PASSED, for people
    std::vector<std::string> warnings;

    std::optional<CertificateInfo> signer;
    std::string digestAlgorithm;             // "SHA-256"
    std::string signatureAlgorithm;          // "ECDSA with SHA-256"
    std::string format;                      // "ETSI.CAdES.detached", "adbe.pkcs7.detached"
    std::optional<std::string> signingTime;  // ISO 8601 UTC
    std::string signingTimeSource;           // "claimed (PDF /M)", "signing-time attribute", "timestamp"
    bool timestamped = false;
    std::string reason, location, contactInfo;

    bool digestMatches = false;            // message-digest attribute equals the content digest
    bool signatureValid = false;           // the signature value verifies with the signer's key
    bool signingCertificateBound = false;  // signing-certificate-v2 names the signer certificate

    Coverage coverage = Coverage::Unknown;
    std::string coverageDetail;       // "bytes 0-1234 and 5678-9999 of 9999"
    int revision = 0;                 // which revision this signature closes
    std::vector<int> laterRevisions;  // revisions appended after it
    std::vector<Modification> modifications;
    // Whether every revision after this signature was analysed (its
    // modifications are complete); false when the analysis stopped short.
    bool laterChangesChecked = true;

    ChainReport chain;
    std::optional<TimestampInfo> timestamp;  // the signature timestamp, or what a document timestamp is
    RevocationInfo revocation;
    std::vector<SealAppearance> appearances;
    std::optional<ElectronicSealInfo> electronicSeal;  // GB/T 38540 signatures only
    std::optional<SesSignatureInfo> sesSignature;      // PDF with --profile gbt38540
};

// A signature field that holds no signature (ISO 32000-1 12.7.4.5): an empty
// field (no /V) prepared for signing, or a placeholder (a signature dictionary
// whose /Contents was never filled). Neither is a signature: it is not counted,
// has no verdict and leaves the file's verdict as it is.
struct UnsignedField {
    std::string name;      // fully qualified field name
    std::string state;     // "empty" or "placeholder"
    int page = 0;          // 1-based page of its widget, 0 when on no page
    bool visible = false;  // its widget has an area and an appearance stream
};

struct Report {
    std::string file;
    std::string format;  // "PDF"
    std::uint64_t fileSize = 0;
    int revisions = 0;
    std::vector<SignatureReport> signatures;
    std::vector<UnsignedField> unsignedFields;
    std::vector<std::string> errors;  // file-level problems (unreadable, encrypted, ...)
    bool readable = true;
};

// CLI exit codes for verify: 0 every signature PASSED, 1 any FAILED, 2 otherwise
// INDETERMINATE, 3 no signature, 4 input unreadable.
int verifyExitCode(const Report& report) noexcept;

std::string toJson(const Report& report, bool pretty = true);
// One seal appearance as the report's "appearances" list has it (also `sign --json`).
nlohmann::ordered_json appearanceJson(const SealAppearance& a);
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

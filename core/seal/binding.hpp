// A GB/T 38540 electronic seal used to sign: whether it names the signer, is
// within its validity and was signed by its maker (GB/T 38540-2020 8.1 b-d:
// the checks a verifier makes of the seal in an electronic signature), and
// the signed CMS attribute that carries it inside PDF signatures.
#pragma once

#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/base/bytes.hpp"
#include "core/base/error.hpp"
#include "core/key/algorithms.hpp"
#include "core/report/report.hpp"
#include "core/seal/image.hpp"
#include "core/seal/ses_seal.hpp"

namespace eseal::seal {

// The signed CMS attribute (RFC 5652 5.3) whose single value is the DER
// SES_Seal a signature carries. No standard defines one for PDF, so eseal uses
// a private OID under the UUID arc 2.25 (ITU-T X.667 / RFC 4122 sec. 1,
// UUID 9fcf2c95-8af4-4ec6-ae4f-ad6b4b092641), see docs/DESIGN.md.
inline constexpr const char* kSealAttributeOid = "2.25.212422961053541389674629118433386112577";

// The unsigned CMS attribute (RFC 5652 5.3) whose single value is the DER
// GB/T 38540 electronic signature (SES_Signature V4) made with
// `sign --profile gbt38540`. It cannot be signed by the CMS: its dataHash is
// the hash of the same byte range, and it signs itself. A private OID under
// 2.25 as above (UUID c2061732-bbc4-40c7-b5c9-02c833ed5f95), see docs/DESIGN.md.
inline constexpr const char* kSesSignatureAttributeOid = "2.25.257901855478364850223438356681681887125";

// True when the seal names the certificate: one of its certificates is it, or
// one of its certificate digests (sm3, sha256) is its digest (GB/T 38540 7.1 certListType).
bool listsCertificate(const SesSeal& seal, ByteView certificateDer);

// Why the seal may not be used now, independent of the signer: outside its
// validity period, or a maker signature that does not verify. Empty when usable.
std::vector<std::string> sealUseProblems(const SesSeal& seal, std::time_t now);
// Why the signer may not seal with it: the certificate is not one the seal lists.
std::optional<std::string> signerProblem(const SesSeal& seal, ByteView signerCertificate);
// A seal that may not be used to sign (below): Error(BadInput) as any bad
// input, with what is wrong, so that a clerk's headline can say it.
class SealUnusable final : public Error {
public:
    enum class Why {
        NotNow,           // outside its validity period, or its maker signature does not verify
        SignerNotListed,  // the seal does not list the signer certificate
    };
    SealUnusable(Why why, const std::string& message, const std::string& path)
        : Error(ErrorCategory::BadInput, message, path), why_(why) {}
    Why why() const noexcept { return why_; }

private:
    Why why_;
};

// Throw SealUnusable naming `path` with the first of the problems above.
void requireUsableSeal(const SesSeal& seal, std::time_t now, const std::string& path);
void requireSignerListed(const SesSeal& seal, ByteView signerCertificate, const std::string& path);

// The seal's picture decoded, for the visible seal. Throws Error(Unsupported)
// for a picture type other than PNG, Error(BadInput) for a broken PNG.
RgbaImage pictureImage(const SesSeal& seal, const std::string& path);

// Equal pictures: same size, same alpha everywhere, same colour where not
// fully transparent (a fully transparent pixel's colour is never seen).
bool samePicture(const RgbaImage& a, const RgbaImage& b) noexcept;

// The seal as a verification report shows it, with its binding to the signer
// certificate (empty: not known) and the maker signature checked.
ElectronicSealInfo describeSeal(const SesSeal& seal, ByteView signerCertificate);

// Puts the seal into the signature's report and judges its binding, as for
// every format: a maker signature that does not verify or a signer the seal
// does not list is FAILED / SIG_CONSTRAINTS_FAILURE; a signing time outside
// the seal's validity is a warning (the claimed time proves nothing). Returns
// the report's seal entry for the format to complete (picture on the page).
ElectronicSealInfo& recordSeal(const SesSeal& seal, ByteView signerCertificate,
                               std::optional<std::time_t> signingTime, SignatureReport& report);

// The value of the seal attribute in DER signed attributes (a SET OF
// Attribute); nullopt when there is none. Throws Error(BadInput) when the
// attribute is present but not one single value.
std::optional<Bytes> sealAttributeValue(ByteView signedAttributes);

// The value of the SES_Signature attribute in DER unsigned attributes (a SET
// OF Attribute); nullopt when there is none. Throws Error(BadInput) when it
// is present more than once or not one single value.
std::optional<Bytes> sesSignatureAttributeValue(ByteView unsignedAttributes);

// What an electronic signature carried beside a CMS signature is checked against.
struct SesSignatureContext {
    // The hash of the data the container signs (PDF: the byte range) with an
    // algorithm; nullopt when it cannot be read.
    std::function<std::optional<Bytes>(DigestAlgorithm)> dataHash;
    Bytes signerCertificate;             // the CMS signer's, DER; empty when not found
    std::optional<Bytes> cmsSeal;        // the DER SES_Seal the CMS carries in its signed attributes
    std::string propertyInfo;            // what propertyInfo must be; empty = not checked
    std::optional<std::time_t> claimed;  // the container's signing time (PDF /M)
    std::string carriedIn;
};

// Reads and judges the SES_Signature (GB/T 38540-2020 8.2 verification: the
// signature over TBS_Sign, dataHash against the signed data, the seal) into
// report.sesSignature. Unreadable: FAILED / FORMAT_FAILURE; a signature that
// does not verify: FAILED / SIG_CRYPTO_FAILURE; a dataHash that is not the
// data's hash, a seal or signer other than the CMS's, or another
// propertyInfo: FAILED / SIG_CONSTRAINTS_FAILURE (the document itself is
// judged by the CMS: HASH_FAILURE would tell the reader it was changed). When the CMS
// carries no seal, the SES_Signature's seal is recorded with recordSeal.
// Never throws.
void recordSesSignature(ByteView der, const SesSignatureContext& context, SignatureReport& report);

}  // namespace eseal::seal

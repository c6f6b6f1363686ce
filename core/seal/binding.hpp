// A GB/T 38540 electronic seal used to sign: whether it names the signer, is
// within its validity and was signed by its maker (GB/T 38540-2020 8.1 b-d:
// the checks a verifier makes of the seal in an electronic signature), and
// the signed CMS attribute that carries it inside PDF signatures.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "core/base/bytes.hpp"
#include "core/report/report.hpp"
#include "core/seal/image.hpp"
#include "core/seal/ses_seal.hpp"

namespace eseal::seal {

// The signed CMS attribute (RFC 5652 5.3) whose single value is the DER
// SES_Seal a signature carries. No standard defines one for PDF, so eseal uses
// a private OID under the UUID arc 2.25 (ITU-T X.667 / RFC 4122 sec. 1,
// UUID 9fcf2c95-8af4-4ec6-ae4f-ad6b4b092641), see docs/DESIGN.md.
inline constexpr const char* kSealAttributeOid = "2.25.212422961053541389674629118433386112577";

// True when the seal names the certificate: one of its certificates is it, or
// one of its certificate digests (sm3, sha256) is its digest (GB/T 38540 7.1 certListType).
bool listsCertificate(const SesSeal& seal, ByteView certificateDer);

// Why the seal may not be used now, independent of the signer: outside its
// validity period, or a maker signature that does not verify. Empty when usable.
std::vector<std::string> sealUseProblems(const SesSeal& seal, std::time_t now);
// Why the signer may not seal with it: the certificate is not one the seal lists.
std::optional<std::string> signerProblem(const SesSeal& seal, ByteView signerCertificate);
// Throws Error(BadInput) naming `path` with the first of the problems above.
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

}  // namespace eseal::seal

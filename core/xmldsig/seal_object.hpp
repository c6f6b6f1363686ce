// The electronic seal (GB/T 38540 SES_Seal) inside an XML signature, for the
// package formats (ODF, OOXML): a ds:Object of its own that SignedInfo
// references (XML-DSig 4.5, so the seal is signed like the XAdES properties),
// holding one element of eseal's namespace:
//
//   <Object Id="idElectronicSeal..."><es:ElectronicSeal xmlns:es="urn:uuid:9fcf...">
//     <es:SES_Seal>base64 DER</es:SES_Seal><es:Picture>package part showing it</es:Picture>
//   </es:ElectronicSeal></Object>
//
// Verifiers that do not know it (LibreOffice, xmlsec1, Apache POI) check its
// reference like any other and ignore its content (docs/DESIGN.md).
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "core/base/bytes.hpp"
#include "core/report/report.hpp"
#include "core/seal/image.hpp"

typedef struct _xmlNode xmlNode;

namespace eseal::xmldsig {

// The same UUID as the PDF seal attribute's OID (core/seal/binding.hpp), as a URN.
inline constexpr const char* kSealNs = "urn:uuid:9fcf2c95-8af4-4ec6-ae4f-ad6b4b092641";

// The ds:Object (as SignInput::objects takes it: {xml, id}) carrying the DER
// seal; picturePart names the package part showing its picture ("" = none).
std::pair<std::string, std::string> sealObject(ByteView sealDer, const std::string& id,
                                               const std::string& picturePart);

// True when png is an image with the picture's pixels (core/seal's
// samePicture); a PNG of another size is never decoded. Never throws.
bool showsPicture(ByteView png, const RgbaImage& picture) noexcept;

// Reads the picture part a seal names; nullopt with why set when it is not a
// signed part the document shows.
using PictureReader = std::function<std::optional<Bytes>(const std::string& part, std::string& why)>;

// Finds the seal in the verified signature (signedIds: the Ids SignedInfo
// references, xmldsig::Checked::sameDocumentIds) and puts it into the report
// (core/seal's recordSeal: name, maker, validity, binding to signerDer), then
// compares the picture the signature names with the seal's own. Does nothing
// when there is no seal. A seal outside a signed Object, two seals, or one
// that cannot be read is FAILED / FORMAT_FAILURE; a picture that is not the
// seal's is FAILED / SIG_CONSTRAINTS_FAILURE; one not compared is a warning.
// Never throws.
void checkCarriedSeal(const xmlNode* signature, const std::set<std::string>& signedIds, ByteView signerDer,
                      const PictureReader& readPicture, SignatureReport& report);

}  // namespace eseal::xmldsig

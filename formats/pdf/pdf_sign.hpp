#pragma once

#include "formats/format.hpp"

namespace eseal::pdf {

// The signature dictionary's /Prop_Build of every eseal seal.
inline constexpr const char* kSealBuildProperties = "<< /App << /Name /eseal >> >>";

// PAdES sealing as an incremental update (ISO 32000-1 7.5.6, 12.8; ETSI EN 319 142-1),
// run as the stages of formats/pdf/pdf_sign_stages.hpp.
SealResult sealPdf(const SealRequest& request, Key& key);

// Everything sealPdf would refuse that needs no key: the request's options,
// the document (readable, not encrypted, the page exists, the whole seal on
// the page, the field name free, certification allowed), the seal picture
// and the output (not the input, its folder present and writable). Throws
// eseal::Error naming the file; writes nothing.
void checkPdfRequest(const SealRequest& request);

}  // namespace eseal::pdf

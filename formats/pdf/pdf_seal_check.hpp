// The electronic seal (GB/T 38540 SES_Seal) a PDF signature carries in its
// signed CMS attributes (core/seal/binding.hpp): its data and binding into the
// report, and whether each widget shows the seal's own picture.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <qpdf/QPDFObjectHandle.hh>
#include <string>
#include <vector>

#include "core/base/bytes.hpp"
#include "core/crypto/cms_parse.hpp"
#include "core/key/algorithms.hpp"
#include "core/report/report.hpp"

namespace eseal::pdf {

// Does nothing when the CMS carries no seal. Never throws: a seal that cannot
// be read makes the signature FAILED / FORMAT_FAILURE (it is signed, so it is
// the signer's), a picture on the page that is not the seal's picture FAILED /
// SIG_CONSTRAINTS_FAILURE, a picture eseal cannot decode a warning.
void checkCarriedSeal(const ParsedCms& cms, const std::vector<QPDFObjectHandle>& widgets,
                      SignatureReport& report);

// The propertyInfo of the GB/T 38540 electronic signature eseal puts into a
// PDF signature: the signature's byte range as the PDF writes it,
// "/ByteRange [0 a b c]" (IA5String: ASCII only).
inline std::string byteRangeProperty(std::uint64_t a, std::uint64_t b, std::uint64_t c) {
    return "/ByteRange [0 " + std::to_string(a) + " " + std::to_string(b) + " " + std::to_string(c) + "]";
}

// The GB/T 38540 electronic signature (SES_Signature) in the CMS's unsigned
// attributes (`sign --profile gbt38540`), judged by seal::recordSesSignature
// against `rangeDigest` (the byte range hashed with an algorithm) and the
// CMS's signer and seal. Does nothing when there is none; never throws.
void checkCarriedSesSignature(const ParsedCms& cms,
                              const std::function<std::optional<Bytes>(DigestAlgorithm)>& rangeDigest,
                              const std::string& property, std::optional<std::time_t> claimed,
                              SignatureReport& report);

}  // namespace eseal::pdf

// Small pieces of PDF syntax the signer writes itself (ISO 32000-1 7.3):
// numbers, text strings, Flate data. Reading is always qpdf's job.
#pragma once

#include <string>
#include <string_view>

#include "core/base/bytes.hpp"

namespace eseal::pdf {

// A real number in PDF syntax: fixed notation (7.3.3 allows no exponent),
// at most 4 decimals, trailing zeros dropped, locale independent.
std::string formatNumber(double value);

// A PDF text string (7.9.2.2) from UTF-8: a literal string when the text is
// printable ASCII, otherwise a hex string of UTF-16BE with a byte order mark.
// Throws Error(BadInput) when `utf8` is not valid UTF-8.
std::string encodeTextString(std::string_view utf8);

// "12 0 R": an indirect reference (7.3.10).
std::string objectRef(int num, int gen = 0);

// zlib (RFC 1950) data for /FlateDecode (7.4.4).
Bytes flate(ByteView data);

}  // namespace eseal::pdf

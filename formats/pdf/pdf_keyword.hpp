// Finding text on the pages as a viewer shows them, for keyword seals
// (关键字盖章). Poppler's text extraction gives each glyph's box; only this
// file uses Poppler, and only formats/pdf uses this file.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/seal/placement.hpp"

namespace eseal::pdf {

// One occurrence of the text: its page (1-based) and the union of its glyph
// boxes in mm from the top-left of the displayed page (crop box, /Rotate).
struct TextHit {
    int page = 0;
    MmRect box;
};

// Every occurrence of `text` in reading order, page by page. White space is
// ignored on both sides (a line break inside a unit name still matches).
// Throws Error(BadInput) naming the file when Poppler cannot read it.
// `password`: an encrypted file's user or owner password ("" = none).
std::vector<TextHit> findText(const std::string& path, const std::string& text, int* pagesSearched = nullptr,
                              const std::string& password = "");

// The occurrences the placement asks for (placement.occurrence: N, last or
// all). Throws Error(BadInput) naming the text and the pages searched when
// there is no such occurrence.
std::vector<TextHit> chooseOccurrences(const std::vector<TextHit>& hits, const Placement& placement,
                                       int pagesSearched, const std::string& file);

// The signature block of an official letter (GB/T 9704-2012 7.3.5.1): the
// last date written "2026年12月3日" (or 二〇二六年十二月三日) on the page and
// the signing unit's name on the line right above it, in mm from the
// top-left of the displayed page. nullopt when the page shows no date.
struct SignatureBlock {
    int page = 0;
    MmRect date;
    std::optional<MmRect> unit;
};
// nullopt also when Poppler cannot read the file: the default spot then
// falls back to the lower right.
std::optional<SignatureBlock> findSignatureBlock(const std::string& path, int pageNumber,
                                                 const std::string& password = "");

}  // namespace eseal::pdf

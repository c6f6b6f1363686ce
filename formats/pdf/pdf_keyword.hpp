// Finding text on the pages as a viewer shows them, for keyword seals
// (关键字盖章). Poppler's text extraction gives each glyph's box; only this
// file uses Poppler, and only formats/pdf uses this file.
#pragma once

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
std::vector<TextHit> findText(const std::string& path, const std::string& text, int* pagesSearched = nullptr);

// The occurrences the placement asks for (placement.occurrence: N, last or
// all). Throws Error(BadInput) naming the text and the pages searched when
// there is no such occurrence.
std::vector<TextHit> chooseOccurrences(const std::vector<TextHit>& hits, const Placement& placement,
                                       int pagesSearched, const std::string& file);

}  // namespace eseal::pdf

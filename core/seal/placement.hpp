// Where the seal goes, in the units a person measures paper in. Every format
// and every front end (CLI, LibreOffice extension) take the same Placement, and
// the default spot is decided here so that they agree.
#pragma once

#include <string>

namespace eseal {

// 42 mm: the usual round official seal of a unit.
inline constexpr double kDefaultSealSizeMm = 42;

// Where the seal goes. Positions are in millimetres from the top-left corner of
// the page as a person sees it (CropBox and /Rotate applied): users measure
// paper, not PDF points.
struct Placement {
    enum class Mode {
        Position,   // page + (xMm, yMm) centre
        Keyword,    // centred on the occurrence-th match of keyword (later issue)
        CrossPage,  // 骑缝章: slices of the seal on each page's edge (later issue)
        Cell,       // a spreadsheet cell (later issue)
    };
    Mode mode = Mode::Position;
    int page = 1;  // 1-based; -1 = last page
    // The person named the page (--page): the default spot stays on it.
    // Otherwise a PDF's default spot is on its last page, where a letter is signed.
    bool pageGiven = false;
    double xMm = 0;  // centre of the seal
    double yMm = 0;
    // When true, xMm / yMm are measured from the right and bottom edges of the
    // displayed page instead (the default spot: a signature block, lower right).
    bool fromBottomRight = false;
    // Set by withDefaultSpot: the person named no spot, so on a page too small
    // for the default margins the seal may move inwards until it fits.
    bool defaultSpot = false;
    double sizeMm = kDefaultSealSizeMm;  // width of the seal
    // Keyword placement: the seal centred on the text's box, moved by the offset
    // (mm, right and down as displayed).
    std::string keyword;
    int occurrence = 1;  // 1-based; kLastOccurrence or kAllOccurrences
    static constexpr int kLastOccurrence = -1;
    static constexpr int kAllOccurrences = 0;  // one signature, one widget per occurrence
    double offsetXMm = 0, offsetYMm = 0;
    // Cross-page seal: pages firstPage..lastPage (-1 = the last page), the
    // seal's centre crossYMm from the top of the displayed page (< 0: the middle).
    int firstPage = 1, lastPage = -1;
    enum class Edge { Right, Left, Top, Bottom } edge = Edge::Right;
    double crossYMm = -1;
    // Spreadsheet cell
    std::string cell;  // "Sheet1!D20"
};

// The spot used when the person names none: the seal's edge 30 mm from the
// right and 50 mm from the bottom of the displayed page, where a signature
// block sits. Page and size are kept from `base`. A PDF looks further: on its
// last page (unless pageGiven) the seal goes over the unit's name and the
// date that end an official letter (GB/T 9704-2012 7.3.5.1), when Poppler
// finds them; this spot is the fallback.
Placement withDefaultSpot(Placement base);

// For a format that finds a keyword (a paragraph, cell or slide holding it):
// Error(BadInput) naming path when `count` matches do not reach the
// placement's occurrence (notFound: the message for none, with {text}).
void checkOccurrences(int count, const Placement& placement, const std::string& notFound,
                      const std::string& path);

// The seal's rectangle as displayed, in mm from the displayed top-left corner.
struct MmRect {
    double left = 0, top = 0, width = 0, height = 0;
};
// Where `placement` (Position mode) puts a seal sizeMm wide and aspect * sizeMm
// high on a displayed page pageWidthMm x pageHeightMm.
MmRect displayedRect(const Placement& placement, double aspect, double pageWidthMm, double pageHeightMm);

}  // namespace eseal

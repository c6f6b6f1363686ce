// Where the seal goes on a page: from millimetres on the page as a person sees
// it to a /Rect in default user space (ISO 32000-1 8.3.2.3, 14.11.2).
#pragma once

#include <qpdf/QPDFObjectHandle.hh>
#include <string>
#include <utility>

#include "core/seal/request.hpp"

namespace eseal::pdf {

// The visible area of a page and how it is shown.
struct PageGeometry {
    double llx = 0, lly = 0, urx = 0, ury = 0;  // CropBox ∩ MediaBox, default user space
    int rotate = 0;                             // 0, 90, 180 or 270 (clockwise when displayed)
    double userUnit = 1;                        // size of a user space unit in 1/72 inch (Table 30)
};

// Reads /MediaBox, /CropBox and /Rotate (inherited through /Parent, 7.7.3.4)
// and /UserUnit. Throws Error(BadInput) naming `file` when they are unusable.
PageGeometry readPageGeometry(QPDFObjectHandle page, const std::string& file);

// Width and height of the page as displayed, in mm.
std::pair<double, double> displayedSizeMm(const PageGeometry& page);

struct SealBox {
    double x = 0, y = 0, width = 0, height = 0;  // the widget /Rect, default user space, lower-left origin
    double sealWidth = 0, sealHeight = 0;        // the seal upright as displayed, user space units
    int rotate = 0;                              // page rotation the appearance must undo
};

// Centre at (xMm, yMm) from the top-left of the displayed page (from the
// bottom-right when placement.fromBottomRight), sizeMm wide,
// `aspect` = image height / width. Throws Error(BadInput) when the centre is
// off the page or the size is not positive.
SealBox placeSeal(const PageGeometry& page, const Placement& placement, double aspect, int pageNumber,
                  const std::string& file);

}  // namespace eseal::pdf

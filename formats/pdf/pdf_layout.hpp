// Where the widgets of one seal go: one for a page + position, one per chosen
// keyword occurrence, one per page for a cross-page seal (骑缝章), each with
// the part of the seal picture it shows.
#pragma once

#include <qpdf/QPDFObjectHandle.hh>
#include <string>
#include <vector>

#include "core/seal/request.hpp"
#include "formats/pdf/pdf_placement.hpp"

namespace eseal::pdf {

struct WidgetPlan {
    int pageNumber = 0;  // 1-based
    QPDFObjectHandle page;
    SealBox box;
    // The vertical strip of the seal picture this widget shows, as fractions
    // of the picture's width: 0..1 is the whole seal.
    double sliceFrom = 0, sliceTo = 1;
};

// The widgets request.placement asks for on `pages` (the document's pages in
// order); aspect = picture height / width. Every widget lies wholly on its
// page. Throws Error(BadInput) naming the file (keyword not found, too few
// pages for a cross-page seal, a seal off the page), Error(Unsupported) for a
// mode PDF does not do.
// `findBlock` false: the default spot is the lower right without looking for
// the letter's signature block (a check: where the block spot is on the page,
// so is the fallback, both being moved inwards to fit).
std::vector<WidgetPlan> layoutSeal(const SealRequest& request, const std::vector<QPDFObjectHandle>& pages,
                                   double aspect, bool findBlock = true);

// "1 page", "3 pages" in the messages' language.
std::string pagesText(int n);

}  // namespace eseal::pdf

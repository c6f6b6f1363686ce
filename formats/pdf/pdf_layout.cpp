#include "formats/pdf/pdf_layout.hpp"

#include <optional>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "formats/pdf/pdf_keyword.hpp"

namespace eseal::pdf {

namespace {

std::string documentPassword(const SealRequest& request) {
    return request.documentPassword ? std::string(request.documentPassword->view()) : std::string();
}

WidgetPlan widgetAt(const std::vector<QPDFObjectHandle>& pages, int pageNumber, const Placement& placement,
                    double aspect, const std::string& file) {
    WidgetPlan w;
    w.pageNumber = pageNumber;
    w.page = pages.at(static_cast<std::size_t>(pageNumber - 1));
    w.box = placeSeal(readPageGeometry(w.page, file), placement, aspect, pageNumber, file);
    return w;
}

// Keyword seal: centred on the text's box, moved by the offset.
std::vector<WidgetPlan> keywordWidgets(const SealRequest& request, const std::vector<QPDFObjectHandle>& pages,
                                       double aspect) {
    const Placement& asked = request.placement;
    int searched = 0;
    const std::vector<TextHit> all =
        findText(request.input, asked.keyword, &searched, documentPassword(request));
    std::vector<WidgetPlan> widgets;
    for (const TextHit& hit : chooseOccurrences(all, asked, searched, request.input)) {
        if (hit.page < 1 || static_cast<std::size_t>(hit.page) > pages.size())
            throw Error(ErrorCategory::BadInput, tr("Poppler and qpdf disagree on the number of pages"),
                        request.input);
        Placement at = asked;
        at.mode = Placement::Mode::Position;
        at.fromBottomRight = false;
        at.defaultSpot = false;
        at.page = hit.page;
        at.xMm = hit.box.left + hit.box.width / 2 + asked.offsetXMm;
        at.yMm = hit.box.top + hit.box.height / 2 + asked.offsetYMm;
        widgets.push_back(widgetAt(pages, hit.page, at, aspect, request.input));
    }
    return widgets;
}

// Cross-page seal (骑缝章): the picture cut into one vertical strip per page,
// each page showing its strip flush with the edge. Right edge: the first page
// shows the leftmost strip (pages fanned out to the right rebuild the seal);
// left edge: the first page shows the rightmost strip.
std::vector<WidgetPlan> crossPageWidgets(const SealRequest& request,
                                         const std::vector<QPDFObjectHandle>& pages, double aspect) {
    const Placement& asked = request.placement;
    const std::string& file = request.input;
    const int count = static_cast<int>(pages.size());
    const int first = asked.firstPage, last = asked.lastPage == -1 ? count : asked.lastPage;
    if (asked.edge != Placement::Edge::Right && asked.edge != Placement::Edge::Left)
        throw Error(ErrorCategory::Unsupported, tr("a cross-page seal goes on the right or the left edge"),
                    file);
    if (count < 2)
        throw Error(ErrorCategory::BadInput,
                    fill(tr("a cross-page seal needs at least two pages; the document has {pages}"),
                         {{"{pages}", pagesText(count)}}),
                    file);
    if (first < 1 || last > count || first >= last)
        throw Error(ErrorCategory::BadInput,
                    fill(tr("a cross-page seal needs a range of at least two pages within 1-{count}, got "
                            "{from}-{to}"),
                         {{"{count}", std::to_string(count)},
                          {"{from}", std::to_string(first)},
                          {"{to}", std::to_string(last)}}),
                    file);
    const int n = last - first + 1;
    const double stripMm = asked.sizeMm / n, heightMm = asked.sizeMm * aspect;
    std::vector<WidgetPlan> widgets;
    for (int k = 0; k < n; ++k) {
        const int pageNumber = first + k;
        const PageGeometry geometry = readPageGeometry(pages[static_cast<std::size_t>(pageNumber - 1)], file);
        const auto [widthMm, pageHeightMm] = displayedSizeMm(geometry);
        const bool right = asked.edge == Placement::Edge::Right;
        const int strip = right ? k : n - 1 - k;
        Placement at = asked;
        at.mode = Placement::Mode::Position;
        at.fromBottomRight = false;
        at.defaultSpot = false;
        at.page = pageNumber;
        at.sizeMm = stripMm;
        at.xMm = right ? widthMm - stripMm / 2 : stripMm / 2;
        at.yMm = asked.crossYMm < 0 ? pageHeightMm / 2 : asked.crossYMm;
        WidgetPlan w = widgetAt(pages, pageNumber, at, heightMm / stripMm, file);
        w.sliceFrom = static_cast<double>(strip) / n;
        w.sliceTo = static_cast<double>(strip + 1) / n;
        widgets.push_back(w);
    }
    return widgets;
}

// The default spot of a PDF: the last page (or the one named), over the
// signature block when the page ends with one. GB/T 9704-2012 7.3.5.1: the
// seal is centred on the unit's name and the date ("居中下压"), with them
// below its middle ("居印章中心偏下"): the seal's centre at the top of the
// unit's name, its width centred on the date, so the date's year and month
// lie under the seal ("骑年盖月"). Without a date: the lower right.
Placement defaultSpotOn(const SealRequest& request, int pageNumber) {
    Placement at = request.placement;
    at.page = pageNumber;
    const std::optional<SignatureBlock> block =
        findSignatureBlock(request.input, pageNumber, documentPassword(request));
    if (!block) return at;
    const MmRect& date = block->date;
    at.fromBottomRight = false;
    at.xMm = date.left + date.width / 2;
    at.yMm = block->unit ? block->unit->top : date.top;
    return at;  // still defaultSpot: placeSeal moves it inwards when it would cross the page edge
}

}  // namespace

std::vector<WidgetPlan> layoutSeal(const SealRequest& request, const std::vector<QPDFObjectHandle>& pages,
                                   double aspect, bool findBlock) {
    const Placement& placement = request.placement;
    switch (placement.mode) {
        case Placement::Mode::Position: {
            const int count = static_cast<int>(pages.size());
            const bool lastPage = placement.page == -1 || (placement.defaultSpot && !placement.pageGiven);
            const int pageNumber = lastPage ? count : placement.page;
            if (pageNumber < 1 || pageNumber > count)
                throw Error(ErrorCategory::BadInput,
                            fill(tr("page {page} does not exist; the document has {pages}"),
                                 {{"{page}", std::to_string(placement.page)}, {"{pages}", pagesText(count)}}),
                            request.input);
            if (placement.defaultSpot && findBlock)
                return {
                    widgetAt(pages, pageNumber, defaultSpotOn(request, pageNumber), aspect, request.input)};
            return {widgetAt(pages, pageNumber, placement, aspect, request.input)};
        }
        case Placement::Mode::Keyword:
            return keywordWidgets(request, pages, aspect);
        case Placement::Mode::CrossPage:
            return crossPageWidgets(request, pages, aspect);
        case Placement::Mode::Cell:
            break;
    }
    throw Error(ErrorCategory::Unsupported, tr("a cell placement is for spreadsheets, not PDF"),
                request.input);
}

std::string pagesText(int n) {
    return n == 1 ? std::string(tr("1 page")) : fill(tr("{n} pages"), {{"{n}", std::to_string(n)}});
}

}  // namespace eseal::pdf

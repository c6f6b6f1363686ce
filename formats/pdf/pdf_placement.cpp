#include "formats/pdf/pdf_placement.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <set>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "formats/pdf/pdf_object_io.hpp"

namespace eseal::pdf {

namespace {

constexpr double kPointsPerMm = 72.0 / 25.4;
constexpr int kMaxTreeDepth = 64;

// An attribute of the page or, for inheritable ones, of its nearest ancestor
// that has it (7.7.3.4). Cycles and very deep trees end the search.
QPDFObjectHandle attribute(QPDFObjectHandle page, const std::string& key, bool inheritable) {
    std::set<QPDFObjGen> seen;
    QPDFObjectHandle node = page;
    for (int depth = 0; depth < kMaxTreeDepth && node.isDictionary(); ++depth) {
        if (node.isIndirect() && !seen.insert(node.getObjGen()).second) break;
        QPDFObjectHandle value = node.getKey(key);
        if (!value.isNull()) return value;
        if (!inheritable) break;
        node = node.getKey("/Parent");
    }
    return QPDFObjectHandle::newNull();
}

std::optional<std::array<double, 4>> rectangle(QPDFObjectHandle value) {
    if (!value.isArray() || value.getArrayNItems() != 4) return std::nullopt;
    std::array<double, 4> r{};
    for (int i = 0; i < 4; ++i) {
        double v = 0;
        if (!value.getArrayItem(i).getValueAsNumber(v) || !std::isfinite(v)) return std::nullopt;
        r[static_cast<std::size_t>(i)] = v;
    }
    // 7.9.5: any two diagonally opposite corners.
    return std::array<double, 4>{std::min(r[0], r[2]), std::min(r[1], r[3]), std::max(r[0], r[2]),
                                 std::max(r[1], r[3])};
}

}  // namespace

PageGeometry readPageGeometry(QPDFObjectHandle page, const std::string& file) {
    auto media = rectangle(attribute(page, "/MediaBox", true));
    if (!media) throw Error(ErrorCategory::BadInput, tr("damaged PDF: a page has no usable /MediaBox"), file);
    auto box = *media;
    if (auto crop = rectangle(attribute(page, "/CropBox", true))) {
        // 14.11.2: the crop box is intersected with the media box.
        box = {std::max(box[0], (*crop)[0]), std::max(box[1], (*crop)[1]), std::min(box[2], (*crop)[2]),
               std::min(box[3], (*crop)[3])};
    }
    if (!(box[2] - box[0] > 0) || !(box[3] - box[1] > 0)) {
        throw Error(ErrorCategory::BadInput,
                    tr("damaged PDF: a page has an empty visible area (CropBox/MediaBox)"), file);
    }
    PageGeometry g;
    g.llx = box[0];
    g.lly = box[1];
    g.urx = box[2];
    g.ury = box[3];
    QPDFObjectHandle rotate = attribute(page, "/Rotate", true);
    if (rotate.isInteger()) {
        long long r = rotate.getIntValue();
        // Table 30: a multiple of 90, clockwise; normalise negative and large values.
        if (r % 90 != 0) {
            throw Error(ErrorCategory::BadInput,
                        fill(tr("damaged PDF: page /Rotate {rotate} is not a multiple of 90"),
                             {{"{rotate}", std::to_string(r)}}),
                        file);
        }
        g.rotate = static_cast<int>(((r % 360) + 360) % 360);
    }
    QPDFObjectHandle unit = attribute(page, "/UserUnit", false);
    double u = 1;
    if (unit.getValueAsNumber(u)) {
        if (!(u > 0) || !std::isfinite(u)) {
            throw Error(ErrorCategory::BadInput, tr("damaged PDF: page /UserUnit must be positive"), file);
        }
        g.userUnit = u;
    }
    return g;
}

std::pair<double, double> displayedSizeMm(const PageGeometry& page) {
    const double perMm = kPointsPerMm / page.userUnit;
    const double w = (page.urx - page.llx) / perMm, h = (page.ury - page.lly) / perMm;
    return page.rotate == 90 || page.rotate == 270 ? std::make_pair(h, w) : std::make_pair(w, h);
}

SealBox placeSeal(const PageGeometry& page, const Placement& requested, double aspect, int pageNumber,
                  const std::string& file) {
    Placement placement = requested;
    if (!(placement.sizeMm > 0) || !std::isfinite(placement.sizeMm) || placement.sizeMm > 5000) {
        throw Error(ErrorCategory::BadInput,
                    fill(tr("seal size must be between 0 and 5000 mm, got {size}"),
                         {{"{size}", formatNumber(placement.sizeMm)}}),
                    file);
    }
    if (!std::isfinite(placement.xMm) || !std::isfinite(placement.yMm)) {
        throw Error(ErrorCategory::BadInput, tr("seal position is not a number"), file);
    }
    const double perMm = kPointsPerMm / page.userUnit;  // user space units per millimetre
    const bool sideways = page.rotate == 90 || page.rotate == 270;
    const double boxW = page.urx - page.llx, boxH = page.ury - page.lly;
    const double shownW = sideways ? boxH : boxW, shownH = sideways ? boxW : boxH;
    if (placement.defaultSpot && std::isfinite(aspect) && aspect > 0) {
        // The default margins do not fit a small page (a label, a receipt):
        // the nearest spot where the whole seal is on the page.
        const double pageWmm = shownW / perMm, pageHmm = shownH / perMm;
        const double halfW = placement.sizeMm / 2, halfH = placement.sizeMm * aspect / 2;
        placement.xMm = std::clamp(placement.xMm, halfW, std::max(halfW, pageWmm - halfW));
        placement.yMm = std::clamp(placement.yMm, halfH, std::max(halfH, pageHmm - halfH));
    }
    // Distances from the displayed top-left corner.
    double dx = placement.xMm * perMm, dy = placement.yMm * perMm;
    if (placement.fromBottomRight) {
        dx = shownW - dx;
        dy = shownH - dy;
    }
    if (placement.xMm < 0 || placement.yMm < 0 || dx < 0 || dy < 0 || dx > shownW || dy > shownH) {
        throw Error(
            ErrorCategory::BadInput,
            fill(placement.fromBottomRight
                     ? tr("seal centre ({x} mm, {y} mm from the bottom-right) is outside page {page}, "
                          "which is {w} x {h} mm")
                     : tr("seal centre ({x} mm, {y} mm) is outside page {page}, which is {w} x {h} mm"),
                 {{"{x}", formatNumber(placement.xMm)},
                  {"{y}", formatNumber(placement.yMm)},
                  {"{page}", std::to_string(pageNumber)},
                  {"{w}", formatNumber(shownW / perMm)},
                  {"{h}", formatNumber(shownH / perMm)}}),
            file);
    }
    // The whole seal must be on the page: a seal cut by the page edge is not
    // what the person meant, and viewers would clip it. Checked on the page as
    // displayed, in mm, with the picture's own aspect.
    const double pageWmm = shownW / perMm, pageHmm = shownH / perMm;
    const MmRect r = displayedRect(placement, aspect, pageWmm, pageHmm);
    constexpr double kToleranceMm = 0.01;  // rounding of mm given with two decimals
    if (r.left < -kToleranceMm || r.top < -kToleranceMm || r.left + r.width > pageWmm + kToleranceMm ||
        r.top + r.height > pageHmm + kToleranceMm) {
        throw Error(
            ErrorCategory::BadInput,
            fill(tr("the seal ({sw} x {sh} mm) centred at {x},{y} mm from the top-left reaches past the "
                    "edge of page {page}, which is {w} x {h} mm; move it inwards or make it smaller "
                    "(--size)"),
                 {{"{sw}", formatNumber(r.width)},
                  {"{sh}", formatNumber(r.height)},
                  {"{x}", formatNumber(r.left + r.width / 2)},
                  {"{y}", formatNumber(r.top + r.height / 2)},
                  {"{page}", std::to_string(pageNumber)},
                  {"{w}", formatNumber(pageWmm)},
                  {"{h}", formatNumber(pageHmm)}}),
            file);
    }
    // The displayed top-left corner and the displayed axes in user space, per rotation.
    double cx = 0, cy = 0;
    switch (page.rotate) {
        case 0:
            cx = page.llx + dx;
            cy = page.ury - dy;
            break;
        case 90:
            cx = page.llx + dy;
            cy = page.lly + dx;
            break;
        case 180:
            cx = page.urx - dx;
            cy = page.lly + dy;
            break;
        default:
            cx = page.urx - dy;
            cy = page.ury - dx;
            break;
    }
    SealBox s;
    s.rotate = page.rotate;
    s.sealWidth = placement.sizeMm * perMm;
    s.sealHeight = s.sealWidth * aspect;
    s.width = sideways ? s.sealHeight : s.sealWidth;
    s.height = sideways ? s.sealWidth : s.sealHeight;
    s.x = cx - s.width / 2;
    s.y = cy - s.height / 2;
    return s;
}

}  // namespace eseal::pdf

#include "core/seal/placement.hpp"

namespace eseal {

namespace {
constexpr double kDefaultRightMarginMm = 30;
constexpr double kDefaultBottomMarginMm = 50;
}  // namespace

Placement withDefaultSpot(Placement base) {
    base.mode = Placement::Mode::Position;
    base.fromBottomRight = true;
    base.defaultSpot = true;
    base.xMm = kDefaultRightMarginMm + base.sizeMm / 2;
    base.yMm = kDefaultBottomMarginMm + base.sizeMm / 2;
    return base;
}

MmRect displayedRect(const Placement& placement, double aspect, double pageWidthMm, double pageHeightMm) {
    const double cx = placement.fromBottomRight ? pageWidthMm - placement.xMm : placement.xMm;
    const double cy = placement.fromBottomRight ? pageHeightMm - placement.yMm : placement.yMm;
    const double w = placement.sizeMm, h = placement.sizeMm * aspect;
    return MmRect{cx - w / 2, cy - h / 2, w, h};
}

}  // namespace eseal

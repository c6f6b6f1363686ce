#include "core/seal/placement.hpp"

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"

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

void checkOccurrences(int count, const Placement& placement, const std::string& notFound,
                      const std::string& path) {
    if (count == 0)
        throw Error(ErrorCategory::BadInput, fill(notFound, {{"{text}", placement.keyword}}), path);
    if (placement.occurrence > count)
        throw Error(ErrorCategory::BadInput,
                    fill(tr("the keyword \"{text}\" occurs {count} times, not {n}"),
                         {{"{text}", placement.keyword},
                          {"{count}", std::to_string(count)},
                          {"{n}", std::to_string(placement.occurrence)}}),
                    path);
}

}  // namespace eseal

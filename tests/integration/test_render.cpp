// The seal shows where it was asked for: render the sealed page with Poppler
// (pdftoppm, 50 dpi, crop box) and find the seal's red pixels, counting only
// pixels that were not red before sealing (the letter has a red header).
#define BOOST_TEST_MODULE integ_render
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <optional>

#include "tests/integration/support.hpp"

using namespace integ;
namespace bdata = boost::unit_test::data;

namespace {

constexpr int kDpi = 50;
constexpr double kPxPerMm = kDpi / 25.4;

struct Case {
    std::string name;
    std::string file;
    std::optional<std::pair<double, double>> at;  // mm from top-left; nullopt = the default spot
    double size = 42;
    int page = 1;          // --page argument
    int renderedPage = 1;  // the page it lands on
    std::string key = "signer-ec";
};
std::ostream& operator<<(std::ostream& os, const Case& c) { return os << c.name; }

const std::vector<Case> kCases{
    // Over "测试单位（盖章）" (measured on the 50 dpi render of letter.pdf).
    {"letter_unit_name", "letter.pdf", std::make_pair(151.0, 212.0), 42, 1, 1, "signer-ec"},
    // Landscape visible page: /Rotate 90 and a CropBox inside the MediaBox.
    {"rotated_cropped", "rotated.pdf", std::make_pair(60.0, 50.0), 42, 1, 1, "signer-rsa"},
    {"rotated_default_spot", "rotated.pdf", std::nullopt, 42, 1, 1, "signer-ec"},
    // The default spot's place, named (letter.pdf's date would draw the default spot over it;
    // that spot is checked in test_placement.cpp).
    {"objstm_lower_right", "objstm.pdf", std::make_pair(159.312, 226.18), 42, 1, 1, "signer-rsa"},
    {"linearized_small", "linearized.pdf", std::make_pair(40.0, 40.0), 30, 1, 1, "signer-ec"},
    {"twopage_last_page", "twopage.pdf", std::make_pair(105.0, 150.0), 42, -1, 2, "signer-ec"},
};

struct RedStats {
    long inside = 0, outside = 0, all = 0;
    double sumX = 0, sumY = 0, maxR = 0, allX = 0, allY = 0;
    long firstOutsideX = -1, firstOutsideY = -1;
};

// New red pixels relative to the circle at (cx, cy) px with radius r px.
RedStats compare(const Raster& before, const Raster& after, double cx, double cy, double r) {
    RedStats s;
    const double inner = r + 1.0 * kPxPerMm, margin = r + 3.0 * kPxPerMm;
    for (int y = 0; y < after.height; ++y) {
        for (int x = 0; x < after.width; ++x) {
            if (!after.isRed(x, y) || before.isRed(x, y)) continue;
            ++s.all;
            s.allX += x + 0.5;
            s.allY += y + 0.5;
            const double d = std::hypot(x + 0.5 - cx, y + 0.5 - cy);
            if (d <= inner) {
                ++s.inside;
                s.sumX += x + 0.5;
                s.sumY += y + 0.5;
                s.maxR = std::max(s.maxR, d);
            } else if (d > margin) {
                if (s.outside++ == 0) {
                    s.firstOutsideX = x;
                    s.firstOutsideY = y;
                }
            }
        }
    }
    return s;
}

}  // namespace

BOOST_DATA_TEST_CASE(seal_is_drawn_at_the_requested_spot, bdata::make(kCases), c) {
    TempDir dir("render");
    const fs::path in = inputsDir() / c.file;
    const fs::path out = dir / ("sealed-" + c.file);
    std::vector<std::string> extra{"--size", std::to_string(c.size), "--page", std::to_string(c.page)};
    if (c.at) {
        char at[64];
        std::snprintf(at, sizeof at, "%g,%g", c.at->first, c.at->second);
        extra.insert(extra.end(), {"--at", at});
    }
    RunResult r = sign({in}, {"-o", out.string()}, c.key, extra);
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    auto lines = parseSealedLines(r.out);
    BOOST_REQUIRE_EQUAL(lines.size(), 1u);
    BOOST_CHECK_EQUAL(lines[0].page, c.renderedPage);
    checkSealed(out, lines[0].field, c.key, 1);

    const Raster before = render(in, c.renderedPage, kDpi);
    const Raster after = render(out, c.renderedPage, kDpi);
    BOOST_REQUIRE_EQUAL(before.width, after.width);
    BOOST_REQUIRE_EQUAL(before.height, after.height);

    const double wMm = before.width / kPxPerMm, hMm = before.height / kPxPerMm;
    // Default spot (docs/CLI.md, core/seal/placement): lower right, the seal's edge 30 mm from the right edge
    // and 50 mm from the bottom edge, i.e. centre at (width-30-size/2, height-50-size/2).
    const double xMm = c.at ? c.at->first : wMm - 30 - c.size / 2,
                 yMm = c.at ? c.at->second : hMm - 50 - c.size / 2;
    const double cx = xMm * kPxPerMm, cy = yMm * kPxPerMm, radius = c.size / 2 * kPxPerMm;
    const RedStats s = compare(before, after, cx, cy, radius);

    // The seal's ring alone is 2 pi r w with w = 6.5 % of the seal's width.
    const double ring = 2 * M_PI * radius * (0.065 * c.size * kPxPerMm);
    BOOST_TEST_MESSAGE(c.name << ": page " << wMm << " x " << hMm << " mm, " << s.inside
                              << " new red px inside, " << s.outside << " outside, ring ~" << ring);
    const auto inside = static_cast<double>(s.inside);
    BOOST_CHECK_MESSAGE(inside >= 0.4 * ring, "too few red pixels in the seal's circle: " << s.inside);
    const double all = std::max(1.0, static_cast<double>(s.all));
    BOOST_CHECK_MESSAGE(s.outside == 0,
                        s.outside << " new red pixels outside the seal's circle (all new red has its"
                                  << " centroid at (" << s.allX / all / kPxPerMm << ", "
                                  << s.allY / all / kPxPerMm << ") mm), first at ("
                                  << static_cast<double>(s.firstOutsideX) / kPxPerMm << ", "
                                  << static_cast<double>(s.firstOutsideY) / kPxPerMm << ") mm");
    if (s.inside > 0) {
        const double mx = s.sumX / inside / kPxPerMm, my = s.sumY / inside / kPxPerMm;
        BOOST_CHECK_MESSAGE(
            std::hypot(mx - xMm, my - yMm) < 2.5,
            "red centroid at (" << mx << ", " << my << ") mm, asked for (" << xMm << ", " << yMm << ")");
        // True physical size: the ring reaches the requested diameter.
        BOOST_CHECK_MESSAGE(s.maxR / kPxPerMm > c.size / 2 - 2.0,
                            "seal radius " << s.maxR / kPxPerMm << " mm, expected ~" << c.size / 2);
    }

    // Other pages are untouched.
    if (c.renderedPage != 1) {
        const Raster p1Before = render(in, 1, kDpi), p1After = render(out, 1, kDpi);
        BOOST_CHECK(p1Before.rgb == p1After.rgb);
    }
}

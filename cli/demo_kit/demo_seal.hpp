// Drawing of demo seals, for `eseal demo` and the tests. Not part of the
// core: a real seal image comes from the seal authority.
#pragma once

#include <cstdint>
#include <string>

#include "core/seal/image.hpp"

namespace eseal {

// Text on a demo seal. Demo seals say they are demo seals: they are not legal seals.
struct DemoSealText {
    std::string unitName;    // around the upper arc, e.g. "ESEAL 演示单位"
    std::string centreLine;  // below the star, e.g. "演示专用章"
    std::string bottomLine;  // small text at the bottom, e.g. "DEMO · 非法定印章"
};

// Draws a round red official-seal style image (ring, five-pointed star, unit
// name on the arc, a horizontal line below) with a transparent background,
// `pixels` across. Uses FreeType with a CJK font found through fontconfig's
// usual locations; throws Error(Unsupported) when no usable font exists.
RgbaImage drawDemoSeal(const DemoSealText& text, std::uint32_t pixels = 600);

}  // namespace eseal

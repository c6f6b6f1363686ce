// The seal's look on the page: an image XObject (colour) with an /SMask
// (alpha, ISO 32000-1 11.6.5.3) and the widget's normal appearance, a form
// XObject (8.10) that draws the image upright however the page is rotated.
#pragma once

#include <optional>

#include "core/seal/image.hpp"
#include "formats/pdf/pdf_placement.hpp"
#include "formats/pdf/pdf_writer.hpp"

namespace eseal::pdf {

struct AppearanceNumbers {
    int image = 0;
    std::optional<int> smask;  // set when the image has transparency
    int form = 0;
};

// Writes the image, its soft mask and the appearance form into the update.
void writeSealAppearance(UpdateWriter& out, const RgbaImage& image, const SealBox& box,
                         const AppearanceNumbers& numbers);

// The appearance content stream: the image's unit square mapped onto the
// widget box [0 0 box.width box.height], turned against the page's /Rotate.
std::string appearanceContent(const SealBox& box);

}  // namespace eseal::pdf

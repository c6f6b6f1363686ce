// The seal's look on the page: an image XObject (colour) with an /SMask
// (alpha, ISO 32000-1 11.6.5.3) and the widget's normal appearance, a form
// XObject (8.10) that draws the image upright however the page is rotated.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/seal/image.hpp"
#include "formats/pdf/pdf_placement.hpp"
#include "formats/pdf/pdf_writer.hpp"

namespace eseal::pdf {

struct AppearanceNumbers {
    int image = 0;
    std::optional<int> smask;  // set when the image has transparency
    std::vector<int> forms;    // one appearance form per widget
};

// What one widget shows: the seal placed in `box`, or (cross-page seal) the
// vertical strip sliceFrom..sliceTo of it (fractions of the picture's width).
struct WidgetAppearance {
    SealBox box;
    double sliceFrom = 0, sliceTo = 1;
};

// The seal picture as the streams of its image XObject: colour and (when
// the picture has transparency) alpha, each Flate-compressed.
struct EncodedSealImage {
    std::uint32_t width = 0, height = 0;
    Bytes colour;                // DeviceRGB, 8 bits
    std::optional<Bytes> alpha;  // DeviceGray soft mask
};
// Throws Error(BadInput) for an empty or inconsistent image.
EncodedSealImage encodeSealImage(const RgbaImage& image);
// The same, encoded once for as long as the picture lives: a batch deflates
// its picture once, not once per file (that took ~80% of a batch's time).
std::shared_ptr<const EncodedSealImage> encodedSealImage(const std::shared_ptr<const RgbaImage>& image);

// Writes the image and its soft mask once and one appearance form per widget
// (numbers.forms[i] for widgets[i]) into the update.
void writeSealAppearance(UpdateWriter& out, const EncodedSealImage& image,
                         const std::vector<WidgetAppearance>& widgets, const AppearanceNumbers& numbers);

// The appearance content stream: the image (or its strip) mapped onto the
// widget box [0 0 box.width box.height], turned against the page's /Rotate,
// drawn with the multiply blend mode so that text under the seal stays
// readable, as under ink (ISO 32000-1 11.3.5.2).
std::string appearanceContent(const SealBox& box, double sliceFrom = 0, double sliceTo = 1);

}  // namespace eseal::pdf

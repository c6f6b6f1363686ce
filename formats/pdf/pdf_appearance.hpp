// The seal's look on the page: an image XObject (colour) with an /SMask
// (alpha, ISO 32000-1 11.6.5.3) and the widget's normal appearance, a form
// XObject (8.10) that draws the image upright however the page is rotated.
#pragma once

#include <cstdint>
#include <memory>
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

// Writes the image, its soft mask and the appearance form into the update.
void writeSealAppearance(UpdateWriter& out, const EncodedSealImage& image, const SealBox& box,
                         const AppearanceNumbers& numbers);

// The appearance content stream: the image's unit square mapped onto the
// widget box [0 0 box.width box.height], turned against the page's /Rotate.
std::string appearanceContent(const SealBox& box);

}  // namespace eseal::pdf

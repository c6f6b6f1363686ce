// Seal images. A seal is drawn from an RGBA raster: the colour goes to the PDF
// image XObject, the alpha to its /SMask (ISO 32000-1 11.6.5.3), so the paper
// and text under a seal show through as they do under real red ink.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/base/bytes.hpp"

namespace eseal {

struct RgbaImage {
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    Bytes pixels;  // width * height * 4, row-major, top row first, RGBA 8 bits, not premultiplied

    bool hasTransparency() const noexcept;
};

// Decodes any PNG (palette, grey, 16-bit, tRNS, interlaced) to RGBA 8-bit.
// Hostile input is bounded: at most 8192 x 8192 pixels. Throws Error(BadInput)
// naming the file.
RgbaImage loadPng(const std::string& path);
RgbaImage decodePng(ByteView png, const std::string& nameForErrors = "seal image");
Bytes encodePng(const RgbaImage& image);

// What a PNG says about itself: its physical resolution (pHYs, pixels per
// metre; 0 = none) and tEXt entries (Latin-1 keyword and text).
struct PngMetadata {
    std::uint32_t pixelsPerMetre = 0;
    std::vector<std::pair<std::string, std::string>> text;
};
Bytes encodePng(const RgbaImage& image, const PngMetadata& metadata);

}  // namespace eseal

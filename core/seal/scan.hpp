// Seal pictures from scanned imprint sheets (印模): red ink on white or grey
// paper, photographed or scanned. The ink is kept, the paper made transparent,
// the picture cropped to the ink; the scan's resolution gives the size in mm.
#pragma once

#include <string>

#include "core/base/bytes.hpp"
#include "core/seal/image.hpp"

namespace eseal {

struct Scan {
    RgbaImage image;
    double dpi = 0;  // from the file (JFIF density, PNG pHYs); 0 when it does not say
};

// Decodes a baseline or progressive JPEG (libjpeg) to RGBA, at most 8192 x
// 8192 pixels. Throws Error(BadInput) naming nameForErrors.
Scan decodeJpeg(ByteView jpeg, const std::string& nameForErrors);
// A JPEG or PNG file, told apart by its first bytes.
Scan loadScan(const std::string& path);

// Ink is what is clearly redder than grey (red above green and blue by more
// than the paper's noise); its opacity grows with that redness, its colour is
// the mean colour of the fully inked pixels. The result is cropped to the ink
// with a 2-pixel margin. Throws Error(BadInput) when the scan holds no red ink.
RgbaImage sealFromScan(const RgbaImage& scan, const std::string& nameForErrors);

}  // namespace eseal

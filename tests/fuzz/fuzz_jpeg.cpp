// Fuzzes eseal::decodeJpeg (core/seal/scan.hpp): a JPEG seal picture or a
// scanned imprint sheet given to sign --image/--seal or seal image --from-scan
// is untrusted input; then sealFromScan on what decodes. Error is the expected
// outcome for bad data; any other exception, a raster that does not match its
// size, a crash or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "core/base/error.hpp"
#include "core/seal/scan.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > (1u << 20)) return 0;
    try {
        const eseal::Scan scan = eseal::decodeJpeg(eseal::ByteView(data, size), "fuzz.jpg");
        const auto& img = scan.image;
        if (img.width == 0 || img.height == 0 ||
            img.pixels.size() != static_cast<std::size_t>(img.width) * img.height * 4)
            std::abort();
        if (scan.dpi < 0) std::abort();
        // Keep single runs fast: the ink finder on small rasters only.
        if (static_cast<std::size_t>(img.width) * img.height <= 512 * 512) {
            try {
                const eseal::RgbaImage ink = eseal::sealFromScan(img, "fuzz.jpg");
                if (ink.width > img.width || ink.height > img.height ||
                    ink.pixels.size() != static_cast<std::size_t>(ink.width) * ink.height * 4)
                    std::abort();
            } catch (const eseal::Error&) {
            }
        }
    } catch (const eseal::Error&) {
    } catch (...) {
        std::abort();
    }
    return 0;
}

// Fuzzes eseal::decodePng: a seal image is untrusted input (anyone can hand
// over a PNG). Error is the expected outcome for bad data; any other exception,
// a crash or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "core/base/error.hpp"
#include "core/seal/image.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > (1u << 20)) return 0;  // keep each run short
    try {
        const eseal::RgbaImage image = eseal::decodePng(eseal::ByteView(data, size), "fuzz input");
        // The decoder promises a full RGBA raster; check it so a short buffer is caught here.
        if (image.pixels.size() != std::size_t{image.width} * image.height * 4) std::abort();
        (void)image.hasTransparency();
    } catch (const eseal::Error&) {
        // rejected input: expected
    }
    return 0;
}

// Fuzzes eseal::decodePng: a seal image is untrusted input (anyone can hand
// over a PNG). Error is the expected outcome for bad data; any other exception,
// a crash or a sanitizer report is a bug.
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "core/base/error.hpp"
#include "core/seal/image.hpp"

#ifdef ESEAL_LIBFUZZER
extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size, std::size_t maxSize);

// libpng rejects a chunk whose CRC does not match (PNG spec 5.3) long before the
// decoding code, and libFuzzer cannot learn CRC-32 from uninstrumented libpng.
// So after each mutation the CRC of every whole chunk is recomputed.
extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size, std::size_t maxSize,
                                               unsigned int /*seed*/) {
    size = LLVMFuzzerMutate(data, size, maxSize);
    std::size_t pos = 8;  // after the signature
    while (pos + 12 <= size) {
        const std::uint32_t length = (std::uint32_t{data[pos]} << 24) | (std::uint32_t{data[pos + 1]} << 16) |
                                     (std::uint32_t{data[pos + 2]} << 8) | std::uint32_t{data[pos + 3]};
        if (length > size - pos - 12) break;
        const uLong crc = crc32(0L, data + pos + 4, static_cast<uInt>(length) + 4);  // type + data
        std::uint8_t* out = data + pos + 8 + length;
        out[0] = static_cast<std::uint8_t>(crc >> 24);
        out[1] = static_cast<std::uint8_t>(crc >> 16);
        out[2] = static_cast<std::uint8_t>(crc >> 8);
        out[3] = static_cast<std::uint8_t>(crc);
        pos += std::size_t{length} + 12;
    }
    return size;
}
#endif

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

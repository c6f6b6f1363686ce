// Seal images: PNG decoding of every colour type against PNGs assembled here
// byte by byte with zlib (not with libpng or eseal's encoder), the encoder's
// output checked by an independent inflate + unfilter, hostile inputs, and the
// demo seal's geometry.
#define BOOST_TEST_MODULE seal
#include <zlib.h>

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "cli/demo_kit/demo_seal.hpp"
#include "core/base/error.hpp"

namespace eseal {
// For Boost.Test messages.
inline std::ostream& operator<<(std::ostream& os, ErrorCategory c) { return os << toString(c); }
}  // namespace eseal

using eseal::Bytes;
using eseal::ErrorCategory;
using eseal::RgbaImage;

namespace {

// ------------------------------------------------------------ PNG assembly

void put32(Bytes& out, std::uint32_t v) {
    out.push_back(static_cast<std::uint8_t>(v >> 24));
    out.push_back(static_cast<std::uint8_t>(v >> 16));
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v));
}

std::uint32_t get32(const Bytes& in, std::size_t at) {
    return std::uint32_t{in[at]} << 24 | std::uint32_t{in[at + 1]} << 16 | std::uint32_t{in[at + 2]} << 8 |
           in[at + 3];
}

void putChunk(Bytes& out, const char* type, const Bytes& data) {
    put32(out, static_cast<std::uint32_t>(data.size()));
    const std::size_t start = out.size();
    out.insert(out.end(), type, type + 4);
    out.insert(out.end(), data.begin(), data.end());
    const uLong crc = crc32(0L, out.data() + start, static_cast<uInt>(out.size() - start));
    put32(out, static_cast<std::uint32_t>(crc));
}

Bytes deflateAll(const Bytes& raw) {
    uLongf size = compressBound(static_cast<uLong>(raw.size()));
    Bytes out(size);
    BOOST_REQUIRE(compress2(out.data(), &size, raw.data(), static_cast<uLong>(raw.size()), 6) == Z_OK);
    out.resize(size);
    return out;
}

const Bytes kSignature = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

int channelsOf(int colorType) {
    switch (colorType) {
        case 0:
            return 1;
        case 2:
            return 3;
        case 3:
            return 1;
        case 4:
            return 2;
        case 6:
            return 4;
    }
    return 0;
}

struct PngSpec {
    std::uint32_t width = 1, height = 1;
    int depth = 8;
    int colorType = 6;
    bool interlace = false;
    Bytes plte, trns;
    std::function<unsigned(std::uint32_t x, std::uint32_t y, int channel)> sample;
};

// Packs one row of samples: filter type 0 (None), then samples MSB first
// (PNG spec 7.2 scanlines; 16-bit samples big-endian).
void packRow(Bytes& raw, const PngSpec& s, std::uint32_t y, const std::vector<std::uint32_t>& xs) {
    raw.push_back(0);
    const int channels = channelsOf(s.colorType);
    unsigned acc = 0;
    int bits = 0;
    for (std::uint32_t x : xs) {
        for (int c = 0; c < channels; ++c) {
            const unsigned v = s.sample(x, y, c);
            if (s.depth == 16) {
                raw.push_back(static_cast<std::uint8_t>(v >> 8));
                raw.push_back(static_cast<std::uint8_t>(v));
            } else if (s.depth == 8) {
                raw.push_back(static_cast<std::uint8_t>(v));
            } else {
                acc = (acc << s.depth) | v;
                bits += s.depth;
                if (bits == 8) raw.push_back(static_cast<std::uint8_t>(acc)), acc = 0, bits = 0;
            }
        }
    }
    if (bits > 0) raw.push_back(static_cast<std::uint8_t>(acc << (8 - bits)));
}

Bytes assemblePng(const PngSpec& s, const std::vector<std::pair<const char*, Bytes>>& extraChunks = {}) {
    Bytes raw;
    if (!s.interlace) {
        std::vector<std::uint32_t> xs;
        for (std::uint32_t x = 0; x < s.width; ++x) xs.push_back(x);
        for (std::uint32_t y = 0; y < s.height; ++y) packRow(raw, s, y, xs);
    } else {
        // Adam7 (PNG spec 8.2): seven passes of sub-images, empty ones omitted.
        const std::uint32_t x0[] = {0, 4, 0, 2, 0, 1, 0}, dx[] = {8, 8, 4, 4, 2, 2, 1};
        const std::uint32_t y0[] = {0, 0, 4, 0, 2, 0, 1}, dy[] = {8, 8, 8, 4, 4, 2, 2};
        for (int p = 0; p < 7; ++p) {
            std::vector<std::uint32_t> xs;
            for (std::uint32_t x = x0[p]; x < s.width; x += dx[p]) xs.push_back(x);
            if (xs.empty()) continue;
            for (std::uint32_t y = y0[p]; y < s.height; y += dy[p]) packRow(raw, s, y, xs);
        }
    }
    Bytes png = kSignature;
    Bytes ihdr;
    put32(ihdr, s.width);
    put32(ihdr, s.height);
    ihdr.push_back(static_cast<std::uint8_t>(s.depth));
    ihdr.push_back(static_cast<std::uint8_t>(s.colorType));
    ihdr.push_back(0);
    ihdr.push_back(0);
    ihdr.push_back(s.interlace ? 1 : 0);
    putChunk(png, "IHDR", ihdr);
    for (const auto& [type, data] : extraChunks) putChunk(png, type, data);
    if (!s.plte.empty()) putChunk(png, "PLTE", s.plte);
    if (!s.trns.empty()) putChunk(png, "tRNS", s.trns);
    const Bytes idat = deflateAll(raw);
    // Two IDAT chunks: decoders must join them (PNG spec 5.6).
    const std::size_t half = idat.size() / 2;
    putChunk(png, "IDAT", Bytes(idat.begin(), idat.begin() + static_cast<std::ptrdiff_t>(half)));
    putChunk(png, "IDAT", Bytes(idat.begin() + static_cast<std::ptrdiff_t>(half), idat.end()));
    putChunk(png, "IEND", {});
    return png;
}

unsigned hashSample(std::uint32_t x, std::uint32_t y, int c, unsigned modulo) {
    const unsigned h = (x * 73856093u) ^ (y * 19349663u) ^ (static_cast<unsigned>(c) * 83492791u);
    return (h ^ (h >> 13)) % modulo;
}

std::array<std::uint8_t, 4> pixelAt(const RgbaImage& img, std::uint32_t x, std::uint32_t y) {
    const std::size_t i = (static_cast<std::size_t>(y) * img.width + x) * 4;
    return {img.pixels[i], img.pixels[i + 1], img.pixels[i + 2], img.pixels[i + 3]};
}

// Checks every pixel of `img` against `expected(x, y)`.
void checkPixels(const RgbaImage& img, std::uint32_t w, std::uint32_t h,
                 const std::function<std::array<unsigned, 4>(std::uint32_t, std::uint32_t)>& expected) {
    BOOST_REQUIRE_EQUAL(img.width, w);
    BOOST_REQUIRE_EQUAL(img.height, h);
    BOOST_REQUIRE_EQUAL(img.pixels.size(), std::size_t{w} * h * 4);
    int mismatches = 0;
    for (std::uint32_t y = 0; y < h; ++y) {
        for (std::uint32_t x = 0; x < w; ++x) {
            const auto got = pixelAt(img, x, y);
            const auto want = expected(x, y);
            for (int c = 0; c < 4; ++c) {
                if (got[static_cast<std::size_t>(c)] != want[static_cast<std::size_t>(c)] &&
                    ++mismatches <= 5) {
                    BOOST_ERROR("pixel (" << x << "," << y << ") channel " << c << ": got "
                                          << unsigned{got[static_cast<std::size_t>(c)]} << ", want "
                                          << want[static_cast<std::size_t>(c)]);
                }
            }
        }
    }
    BOOST_TEST(mismatches == 0);
}

// ------------------------------------------------------------ independent PNG reading (for the encoder)

std::uint8_t paeth(int a, int b, int c) {
    const int p = a + b - c;
    const int pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
    if (pa <= pb && pa <= pc) return static_cast<std::uint8_t>(a);
    if (pb <= pc) return static_cast<std::uint8_t>(b);
    return static_cast<std::uint8_t>(c);
}

// Minimal reader for 8-bit RGBA non-interlaced PNGs: checks every CRC, returns
// the chunk types seen and the unfiltered pixels (PNG spec 9.2 filter types).
RgbaImage independentDecodeRgba8(const Bytes& png, std::vector<std::string>& chunkTypes) {
    BOOST_REQUIRE(png.size() > 8);
    BOOST_REQUIRE(std::equal(kSignature.begin(), kSignature.end(), png.begin()));
    std::size_t pos = 8;
    RgbaImage img;
    Bytes idat;
    while (pos + 12 <= png.size()) {
        const std::uint32_t len = get32(png, pos);
        BOOST_REQUIRE(pos + 12 + len <= png.size());
        const std::string type(png.begin() + static_cast<std::ptrdiff_t>(pos + 4),
                               png.begin() + static_cast<std::ptrdiff_t>(pos + 8));
        const uLong crc = crc32(0L, png.data() + pos + 4, len + 4);
        BOOST_REQUIRE_EQUAL(crc, uLong{get32(png, pos + 8 + len)});
        chunkTypes.push_back(type);
        const std::uint8_t* data = png.data() + pos + 8;
        if (type == "IHDR") {
            BOOST_REQUIRE_EQUAL(len, 13u);
            img.width = get32(png, pos + 8);
            img.height = get32(png, pos + 12);
            BOOST_REQUIRE_EQUAL(data[8], 8);   // bit depth
            BOOST_REQUIRE_EQUAL(data[9], 6);   // RGBA
            BOOST_REQUIRE_EQUAL(data[12], 0);  // not interlaced
        } else if (type == "IDAT") {
            idat.insert(idat.end(), data, data + len);
        }
        pos += 12 + len;
    }
    BOOST_REQUIRE_EQUAL(pos, png.size());
    const std::size_t stride = std::size_t{img.width} * 4;
    Bytes raw((stride + 1) * img.height);
    uLongf rawSize = static_cast<uLongf>(raw.size());
    BOOST_REQUIRE(uncompress(raw.data(), &rawSize, idat.data(), static_cast<uLong>(idat.size())) == Z_OK);
    BOOST_REQUIRE_EQUAL(rawSize, raw.size());
    img.pixels.resize(stride * img.height);
    for (std::uint32_t y = 0; y < img.height; ++y) {
        const std::uint8_t filter = raw[y * (stride + 1)];
        const std::uint8_t* in = &raw[y * (stride + 1) + 1];
        std::uint8_t* out = &img.pixels[y * stride];
        const std::uint8_t* up = y > 0 ? &img.pixels[(y - 1) * stride] : nullptr;
        for (std::size_t i = 0; i < stride; ++i) {
            const int a = i >= 4 ? out[i - 4] : 0, b = up ? up[i] : 0, c = (up && i >= 4) ? up[i - 4] : 0;
            int v = 0;
            switch (filter) {
                case 0:
                    v = 0;
                    break;
                case 1:
                    v = a;
                    break;
                case 2:
                    v = b;
                    break;
                case 3:
                    v = (a + b) / 2;
                    break;
                case 4:
                    v = paeth(a, b, c);
                    break;
                default:
                    BOOST_FAIL("bad filter type " << int{filter});
            }
            out[i] = static_cast<std::uint8_t>(in[i] + v);
        }
    }
    return img;
}

RgbaImage patternImage(std::uint32_t w, std::uint32_t h, bool opaque) {
    RgbaImage img;
    img.width = w;
    img.height = h;
    std::mt19937 rng(1234);
    for (std::size_t i = 0; i < std::size_t{w} * h * 4; ++i)
        img.pixels.push_back(static_cast<std::uint8_t>(rng()));
    if (opaque) {
        for (std::size_t i = 3; i < img.pixels.size(); i += 4) img.pixels[i] = 0xff;
    }
    return img;
}

void requireBadInput(const Bytes& png, const std::string& what) {
    try {
        eseal::decodePng(png, "hostile.png");
        BOOST_ERROR(what << ": decoded without error");
    } catch (const eseal::Error& e) {
        BOOST_TEST(e.category() == ErrorCategory::BadInput,
                   what << ": category " << eseal::toString(e.category()));
        BOOST_TEST(std::string(e.what()).find("hostile.png") != std::string::npos, what << ": " << e.what());
    }
}

Bytes validSmallPng() {
    PngSpec s;
    s.width = 16;
    s.height = 9;
    s.colorType = 6;
    s.sample = [](std::uint32_t x, std::uint32_t y, int c) { return hashSample(x, y, c, 256); };
    return assemblePng(s);
}

}  // namespace

// ============================================================ encoder

BOOST_AUTO_TEST_CASE(encode_decode_round_trip) {
    for (const auto& [w, h] : {std::pair<std::uint32_t, std::uint32_t>{1, 1}, {37, 23}, {300, 7}}) {
        const RgbaImage img = patternImage(w, h, false);
        const Bytes png = eseal::encodePng(img);
        const RgbaImage back = eseal::decodePng(png);
        BOOST_TEST(back.width == w);
        BOOST_TEST(back.height == h);
        BOOST_TEST(back.pixels == img.pixels);
    }
}

BOOST_AUTO_TEST_CASE(encoder_output_read_independently_and_deterministic) {
    const RgbaImage img = patternImage(41, 17, false);
    const Bytes png = eseal::encodePng(img);
    std::vector<std::string> types;
    const RgbaImage back = independentDecodeRgba8(png, types);
    BOOST_TEST(back.width == 41u);
    BOOST_TEST(back.height == 17u);
    BOOST_TEST(back.pixels == img.pixels);
    BOOST_TEST(types.front() == "IHDR");
    BOOST_TEST(types.back() == "IEND");
    for (const std::string& t : types) BOOST_TEST((t == "IHDR" || t == "IDAT" || t == "IEND"), "chunk " << t);
    BOOST_TEST(eseal::encodePng(img) == png);  // same input, same bytes
}

BOOST_AUTO_TEST_CASE(encoder_rejects_inconsistent_images) {
    RgbaImage empty;
    BOOST_CHECK_THROW(eseal::encodePng(empty), eseal::Error);
    RgbaImage shortPixels = patternImage(4, 4, true);
    shortPixels.pixels.pop_back();
    BOOST_CHECK_THROW(eseal::encodePng(shortPixels), eseal::Error);
}

BOOST_AUTO_TEST_CASE(has_transparency) {
    RgbaImage img = patternImage(5, 5, true);
    BOOST_TEST(!img.hasTransparency());
    img.pixels[4 * 12 + 3] = 254;
    BOOST_TEST(img.hasTransparency());
    BOOST_TEST(!RgbaImage{}.hasTransparency());
}

// ============================================================ decoding PNG variants built with zlib

BOOST_AUTO_TEST_CASE(grey_1_2_4_8_bit, *boost::unit_test::tolerance(0)) {
    for (int depth : {1, 2, 4, 8}) {
        for (bool interlace : {false, true}) {
            BOOST_TEST_CONTEXT("grey depth " << depth << (interlace ? " interlaced" : "")) {
                PngSpec s;
                s.width = 13;
                s.height = 11;
                s.depth = depth;
                s.colorType = 0;
                s.interlace = interlace;
                const unsigned levels = 1u << depth;
                s.sample = [levels](std::uint32_t x, std::uint32_t y, int c) {
                    return hashSample(x, y, c, levels);
                };
                const RgbaImage img = eseal::decodePng(assemblePng(s));
                checkPixels(img, 13, 11, [&](std::uint32_t x, std::uint32_t y) {
                    const unsigned g =
                        hashSample(x, y, 0, levels) * 255 / (levels - 1);  // exact bit replication
                    return std::array<unsigned, 4>{g, g, g, 255};
                });
                BOOST_TEST(!img.hasTransparency());
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(grey_with_trns_key) {
    PngSpec s;
    s.width = 9;
    s.height = 9;
    s.colorType = 0;
    s.sample = [](std::uint32_t x, std::uint32_t y, int) { return (x + y) % 3 == 0 ? 7u : 100u + x; };
    s.trns = {0, 7};  // grey sample 7 is fully transparent (PNG spec 11.3.2.1)
    const RgbaImage img = eseal::decodePng(assemblePng(s));
    checkPixels(img, 9, 9, [](std::uint32_t x, std::uint32_t y) {
        if ((x + y) % 3 == 0) return std::array<unsigned, 4>{7, 7, 7, 0};
        return std::array<unsigned, 4>{100 + x, 100 + x, 100 + x, 255};
    });
    BOOST_TEST(img.hasTransparency());
}

BOOST_AUTO_TEST_CASE(grey_alpha_8_and_16_bit) {
    for (int depth : {8, 16}) {
        BOOST_TEST_CONTEXT("grey+alpha depth " << depth) {
            PngSpec s;
            s.width = 10;
            s.height = 6;
            s.depth = depth;
            s.colorType = 4;
            s.interlace = depth == 16;
            const unsigned scale = depth == 16 ? 257 : 1;  // v * 257 is exactly v after 16 -> 8
            s.sample = [scale](std::uint32_t x, std::uint32_t y, int c) {
                return hashSample(x, y, c, 256) * scale;
            };
            const RgbaImage img = eseal::decodePng(assemblePng(s));
            checkPixels(img, 10, 6, [](std::uint32_t x, std::uint32_t y) {
                const unsigned g = hashSample(x, y, 0, 256);
                return std::array<unsigned, 4>{g, g, g, hashSample(x, y, 1, 256)};
            });
        }
    }
}

BOOST_AUTO_TEST_CASE(rgb_8_with_trns_and_rgb_16) {
    {
        PngSpec s;
        s.width = 8;
        s.height = 8;
        s.colorType = 2;
        s.sample = [](std::uint32_t x, std::uint32_t y, int c) {
            return x == y ? std::array<unsigned, 3>{10, 20, 30}[static_cast<std::size_t>(c)]
                          : hashSample(x, y, c, 200) + 40;
        };
        s.trns = {0, 10, 0, 20, 0, 30};
        const RgbaImage img = eseal::decodePng(assemblePng(s));
        checkPixels(img, 8, 8, [](std::uint32_t x, std::uint32_t y) {
            if (x == y) return std::array<unsigned, 4>{10, 20, 30, 0};
            return std::array<unsigned, 4>{hashSample(x, y, 0, 200) + 40, hashSample(x, y, 1, 200) + 40,
                                           hashSample(x, y, 2, 200) + 40, 255};
        });
    }
    {
        PngSpec s;
        s.width = 7;
        s.height = 5;
        s.depth = 16;
        s.colorType = 2;
        s.sample = [](std::uint32_t x, std::uint32_t y, int c) { return hashSample(x, y, c, 256) * 257; };
        const RgbaImage img = eseal::decodePng(assemblePng(s));
        checkPixels(img, 7, 5, [](std::uint32_t x, std::uint32_t y) {
            return std::array<unsigned, 4>{hashSample(x, y, 0, 256), hashSample(x, y, 1, 256),
                                           hashSample(x, y, 2, 256), 255};
        });
    }
    {
        // 16-bit tRNS key: compared at 16 bits, before the reduction to 8.
        PngSpec s;
        s.width = 4;
        s.height = 1;
        s.depth = 16;
        s.colorType = 2;
        const unsigned values[] = {0x1200, 0x3400, 0x5600, 0x1201, 0x3400, 0x5600,
                                   0x1200, 0x3400, 0x5600, 0,      0,      0};
        s.sample = [&values](std::uint32_t x, std::uint32_t, int c) {
            return values[x * 3 + static_cast<unsigned>(c)];
        };
        s.trns = {0x12, 0x00, 0x34, 0x00, 0x56, 0x00};
        const RgbaImage img = eseal::decodePng(assemblePng(s));
        BOOST_TEST(pixelAt(img, 0, 0)[3] == 0);
        BOOST_TEST(pixelAt(img, 1, 0)[3] == 255);  // differs in the low byte only
        BOOST_TEST(pixelAt(img, 2, 0)[3] == 0);
        BOOST_TEST(pixelAt(img, 3, 0)[3] == 255);
    }
    {
        // 16-bit values that are not multiples of 257 round to the nearest 8-bit value.
        PngSpec s;
        s.width = 3;
        s.height = 1;
        s.depth = 16;
        s.colorType = 2;
        const unsigned values[] = {0x0000, 0x8000, 0xffff, 0x1234, 0x7f80, 0xff00, 0x00ff, 0x0080, 0x4000};
        s.sample = [&values](std::uint32_t x, std::uint32_t, int c) {
            return values[x * 3 + static_cast<unsigned>(c)];
        };
        const RgbaImage img = eseal::decodePng(assemblePng(s));
        for (std::uint32_t x = 0; x < 3; ++x) {
            for (int c = 0; c < 3; ++c) {
                const double exact = values[x * 3 + static_cast<unsigned>(c)] / 257.0;
                BOOST_TEST(std::abs(pixelAt(img, x, 0)[static_cast<std::size_t>(c)] - exact) <= 0.5 + 1e-9);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(rgba_8_and_16_interlaced) {
    for (int depth : {8, 16}) {
        BOOST_TEST_CONTEXT("rgba depth " << depth) {
            PngSpec s;
            s.width = 17;
            s.height = 19;
            s.depth = depth;
            s.colorType = 6;
            s.interlace = true;
            const unsigned scale = depth == 16 ? 257 : 1;
            s.sample = [scale](std::uint32_t x, std::uint32_t y, int c) {
                return hashSample(x, y, c, 256) * scale;
            };
            const RgbaImage img = eseal::decodePng(assemblePng(s));
            checkPixels(img, 17, 19, [](std::uint32_t x, std::uint32_t y) {
                return std::array<unsigned, 4>{hashSample(x, y, 0, 256), hashSample(x, y, 1, 256),
                                               hashSample(x, y, 2, 256), hashSample(x, y, 3, 256)};
            });
        }
    }
}

BOOST_AUTO_TEST_CASE(palette_with_trns_all_depths) {
    for (int depth : {1, 2, 4, 8}) {
        for (bool interlace : {false, true}) {
            BOOST_TEST_CONTEXT("palette depth " << depth << (interlace ? " interlaced" : "")) {
                const unsigned entries = depth == 8 ? 200u : (1u << depth);
                PngSpec s;
                s.width = 11;
                s.height = 10;
                s.depth = depth;
                s.colorType = 3;
                s.interlace = interlace;
                for (unsigned i = 0; i < entries; ++i) {
                    s.plte.push_back(static_cast<std::uint8_t>(i * 7));
                    s.plte.push_back(static_cast<std::uint8_t>(255 - i));
                    s.plte.push_back(static_cast<std::uint8_t>(i * 13 + 1));
                }
                // tRNS shorter than the palette: later entries are opaque (PNG spec 11.3.2.1).
                const unsigned withAlpha = std::max(1u, entries / 2);
                for (unsigned i = 0; i < withAlpha; ++i)
                    s.trns.push_back(static_cast<std::uint8_t>(i * 50 % 256));
                s.sample = [entries](std::uint32_t x, std::uint32_t y, int c) {
                    return hashSample(x, y, c, entries);
                };
                const RgbaImage img = eseal::decodePng(assemblePng(s));
                checkPixels(img, 11, 10, [&](std::uint32_t x, std::uint32_t y) {
                    const unsigned i = hashSample(x, y, 0, entries);
                    const unsigned a = i < withAlpha ? i * 50 % 256 : 255;
                    return std::array<unsigned, 4>{i * 7 % 256, 255 - i, (i * 13 + 1) % 256, a};
                });
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(ancillary_chunks_ignored_even_with_bad_crc) {
    PngSpec s;
    s.width = 4;
    s.height = 4;
    s.colorType = 6;
    s.sample = [](std::uint32_t x, std::uint32_t y, int c) { return hashSample(x, y, c, 256); };
    const std::string text = "Comment\0hello";
    Bytes png = assemblePng(s, {{"tEXt", Bytes(text.begin(), text.end())}, {"prVt", Bytes{1, 2, 3}}});
    // Break the CRC of the tEXt chunk (right after IHDR at offset 33).
    png[33 + 8 + text.size()] ^= 0xff;
    const RgbaImage img = eseal::decodePng(png);
    checkPixels(img, 4, 4, [](std::uint32_t x, std::uint32_t y) {
        return std::array<unsigned, 4>{hashSample(x, y, 0, 256), hashSample(x, y, 1, 256),
                                       hashSample(x, y, 2, 256), hashSample(x, y, 3, 256)};
    });
}

// ============================================================ hostile input

BOOST_AUTO_TEST_CASE(not_png) {
    requireBadInput({}, "empty");
    requireBadInput({0x89, 'P', 'N'}, "short signature");
    const std::string gif = "GIF89a\x01\x00\x01\x00\x00\x00\x00;";
    requireBadInput(Bytes(gif.begin(), gif.end()), "GIF");
    std::mt19937 rng(7);
    Bytes garbage(4096);
    for (auto& b : garbage) b = static_cast<std::uint8_t>(rng());
    requireBadInput(garbage, "garbage");
    try {
        eseal::decodePng(garbage, "x.png");
    } catch (const eseal::Error& e) {
        BOOST_TEST(std::string(e.what()) == "x.png: not a PNG image");
    }
}

BOOST_AUTO_TEST_CASE(truncated) {
    const Bytes png = validSmallPng();
    BOOST_REQUIRE_NO_THROW(eseal::decodePng(png));
    for (std::size_t cut :
         {std::size_t{8}, std::size_t{12}, std::size_t{20}, std::size_t{32}, std::size_t{33}, std::size_t{40},
          png.size() / 2, png.size() - 13, png.size() - 12, png.size() - 4, png.size() - 1}) {
        requireBadInput(Bytes(png.begin(), png.begin() + static_cast<std::ptrdiff_t>(cut)),
                        "cut at " + std::to_string(cut));
    }
    // Signature followed by garbage, and signature only.
    Bytes sigGarbage = kSignature;
    for (int i = 0; i < 64; ++i) sigGarbage.push_back(static_cast<std::uint8_t>(i * 37));
    requireBadInput(sigGarbage, "signature + garbage");
}

BOOST_AUTO_TEST_CASE(bad_crc_in_critical_chunks) {
    const Bytes png = validSmallPng();
    Bytes badIhdr = png;
    badIhdr[29] ^= 0x01;  // IHDR CRC
    requireBadInput(badIhdr, "IHDR CRC");
    try {
        eseal::decodePng(badIhdr, "seal.png");
    } catch (const eseal::Error& e) {
        BOOST_TEST(std::string(e.what()).rfind("seal.png: damaged PNG: IHDR: CRC error", 0) == 0, e.what());
    }
    Bytes badIhdrData = png;
    badIhdrData[17] ^= 0x01;  // IHDR height, CRC now wrong
    requireBadInput(badIhdrData, "IHDR data");
    Bytes badIdat = png;
    badIdat[33 + 8 + 2] ^= 0x40;  // inside the first IDAT's data
    requireBadInput(badIdat, "IDAT data");
}

BOOST_AUTO_TEST_CASE(declared_dimensions) {
    struct Case {
        std::uint32_t w, h;
        const char* expect;
    };
    for (const Case& c :
         {Case{100000, 100000, "too large"}, Case{8193, 1, "too large"}, Case{1, 8193, "too large"},
          Case{0x7fffffff, 0x7fffffff, "too large"}, Case{0, 5, ""}, Case{5, 0, ""}}) {
        // Valid CRCs: the decoder must refuse on the dimensions themselves,
        // before it allocates anything for them.
        Bytes png = kSignature;
        Bytes ihdr;
        put32(ihdr, c.w);
        put32(ihdr, c.h);
        ihdr.insert(ihdr.end(), {8, 6, 0, 0, 0});
        putChunk(png, "IHDR", ihdr);
        putChunk(png, "IDAT", deflateAll(Bytes(64, 0)));
        putChunk(png, "IEND", {});
        BOOST_TEST_CONTEXT(c.w << " x " << c.h) {
            requireBadInput(png, std::to_string(c.w) + "x" + std::to_string(c.h));
            try {
                eseal::decodePng(png);
            } catch (const eseal::Error& e) {
                BOOST_TEST(std::string(e.what()).find(c.expect) != std::string::npos, e.what());
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(structurally_broken) {
    PngSpec s;
    s.width = 6;
    s.height = 6;
    s.colorType = 3;
    s.depth = 8;
    s.plte = {1, 2, 3, 4, 5, 6};  // two entries
    s.sample = [](std::uint32_t x, std::uint32_t, int) {
        return x % 2 == 0 ? 0u : 5u;
    };  // index 5: out of range
    // libpng maps out-of-range indices to black; it must not read past the palette.
    BOOST_CHECK_NO_THROW(eseal::decodePng(assemblePng(s)));
    s.plte.clear();  // palette image without PLTE
    requireBadInput(assemblePng(s), "no PLTE");

    // Too little image data, and zlib garbage in IDAT.
    Bytes png = kSignature;
    Bytes ihdr;
    put32(ihdr, 50);
    put32(ihdr, 50);
    ihdr.insert(ihdr.end(), {8, 6, 0, 0, 0});
    putChunk(png, "IHDR", ihdr);
    Bytes shortImage = png;
    putChunk(shortImage, "IDAT", deflateAll(Bytes(100, 0)));
    putChunk(shortImage, "IEND", {});
    requireBadInput(shortImage, "not enough image data");
    Bytes zlibGarbage = png;
    putChunk(zlibGarbage, "IDAT", Bytes{0x78, 0x9c, 0xff, 0xfe, 0xfd, 0x00, 0x11});
    putChunk(zlibGarbage, "IEND", {});
    requireBadInput(zlibGarbage, "zlib garbage");
    Bytes noIdat = png;
    putChunk(noIdat, "IEND", {});
    requireBadInput(noIdat, "no IDAT");
    Bytes hugeLength = png;
    put32(hugeLength, 0x7ffffff0);
    hugeLength.insert(hugeLength.end(), {'I', 'D', 'A', 'T', 0, 0, 0, 0});
    requireBadInput(hugeLength, "huge chunk length");
    // Invalid bit depth for the colour type (PNG spec 11.2.2 table 11.1).
    Bytes badDepth = kSignature;
    Bytes ihdr2;
    put32(ihdr2, 4);
    put32(ihdr2, 4);
    ihdr2.insert(ihdr2.end(), {4, 6, 0, 0, 0});
    putChunk(badDepth, "IHDR", ihdr2);
    putChunk(badDepth, "IDAT", deflateAll(Bytes(40, 0)));
    putChunk(badDepth, "IEND", {});
    requireBadInput(badDepth, "RGBA depth 4");
}

BOOST_AUTO_TEST_CASE(random_mutations_never_crash) {
    // Each mutation either decodes to a consistent image or fails with BadInput.
    const Bytes png = validSmallPng();
    std::mt19937 rng(20261125);
    int failures = 0;
    for (int round = 0; round < 3000; ++round) {
        Bytes m = png;
        const int edits = 1 + static_cast<int>(rng() % 4);
        for (int e = 0; e < edits; ++e) m[rng() % m.size()] = static_cast<std::uint8_t>(rng());
        if (rng() % 5 == 0) m.resize(rng() % m.size());
        try {
            const RgbaImage img = eseal::decodePng(m);
            BOOST_REQUIRE_EQUAL(img.pixels.size(), std::size_t{img.width} * img.height * 4);
        } catch (const eseal::Error& e) {
            BOOST_REQUIRE_MESSAGE(e.category() == ErrorCategory::BadInput, e.what());
            ++failures;
        }
    }
    BOOST_TEST(failures > 1000);  // most mutations hit a CRC
}

// ============================================================ files

BOOST_AUTO_TEST_CASE(load_png_files) {
    const std::filesystem::path dir = std::filesystem::path(ESEAL_TEST_DATA) / "seal";
    std::filesystem::create_directories(dir);
    const std::string missing = (dir / "does-not-exist.png").string();
    try {
        eseal::loadPng(missing);
        BOOST_ERROR("missing file loaded");
    } catch (const eseal::Error& e) {
        BOOST_TEST(e.category() == ErrorCategory::InputUnreadable);
        BOOST_TEST(e.file() == missing);
        BOOST_TEST(std::string(e.what()).find(missing) != std::string::npos);
    }
    const std::string text = (dir / "not-a-png.png").string();
    std::ofstream(text) << "hello, I am text";
    try {
        eseal::loadPng(text);
        BOOST_ERROR("text file loaded");
    } catch (const eseal::Error& e) {
        BOOST_TEST(e.category() == ErrorCategory::BadInput);
        BOOST_TEST(std::string(e.what()) == text + ": not a PNG image");
    }
    const std::string good = (dir / "pattern.png").string();
    const RgbaImage img = patternImage(20, 30, false);
    const Bytes png = eseal::encodePng(img);
    std::ofstream(good, std::ios::binary)
        .write(reinterpret_cast<const char*>(png.data()), static_cast<std::streamsize>(png.size()));
    const RgbaImage back = eseal::loadPng(good);
    BOOST_TEST(back.pixels == img.pixels);
    BOOST_CHECK_THROW(eseal::loadPng(dir.string()), eseal::Error);  // a directory
}

// ============================================================ demo seal

namespace {

const eseal::DemoSealText kDemoText{"ESEAL 演示单位", "演示专用章", "DEMO 非法定印章"};

struct Polar {
    double cx, cy;
    // Angle in degrees clockwise from the top.
    std::array<std::uint8_t, 4> at(const RgbaImage& img, double radius, double degrees) const {
        const double a = degrees * M_PI / 180.0;
        const auto x = static_cast<std::uint32_t>(std::floor(cx + radius * std::sin(a)));
        const auto y = static_cast<std::uint32_t>(std::floor(cy - radius * std::cos(a)));
        return pixelAt(img, x, y);
    }
};

}  // namespace

BOOST_AUTO_TEST_CASE(demo_seal_geometry) {
    const RgbaImage img = eseal::drawDemoSeal(kDemoText, 600);
    BOOST_REQUIRE_EQUAL(img.width, 600u);
    BOOST_REQUIRE_EQUAL(img.height, 600u);
    BOOST_REQUIRE_EQUAL(img.pixels.size(), 600u * 600u * 4u);
    BOOST_TEST(img.hasTransparency());

    // One colour everywhere; coverage is in alpha only.
    for (std::size_t i = 0; i < img.pixels.size(); i += 4) {
        BOOST_REQUIRE(img.pixels[i] == 215);
        BOOST_REQUIRE(img.pixels[i + 1] == 0);
        BOOST_REQUIRE(img.pixels[i + 2] == 15);
    }

    for (auto [x, y] : {std::pair<std::uint32_t, std::uint32_t>{0, 0},
                        {599, 0},
                        {0, 599},
                        {599, 599},
                        {40, 40},
                        {560, 560}}) {
        BOOST_TEST(pixelAt(img, x, y)[3] == 0, "corner (" << x << "," << y << ")");
    }
    const Polar p{300.0, 300.0};
    int outside = 0;
    for (std::uint32_t y = 0; y < 600; ++y) {
        for (std::uint32_t x = 0; x < 600; ++x) {
            if (std::hypot(x + 0.5 - 300, y + 0.5 - 300) > 299 && pixelAt(img, x, y)[3] != 0) ++outside;
        }
    }
    BOOST_TEST(outside == 0);
    // The ring: opaque red at 0.93-0.97 of the half-width, all the way round.
    for (int deg = 0; deg < 360; deg += 3) {
        for (double r : {279.0, 284.0, 290.0})
            BOOST_TEST(p.at(img, r, deg)[3] == 255, "ring at r " << r << " deg " << deg);
        // The band just inside the ring stays clear: text does not touch the ring.
        BOOST_TEST(p.at(img, 268.0, deg)[3] == 0, "clear band inside ring at deg " << deg);
    }
    // The star: centre and a point towards each of its five tips.
    BOOST_TEST(pixelAt(img, 300, 300)[3] == 255);
    for (int k = 0; k < 5; ++k) BOOST_TEST(p.at(img, 60.0, k * 72)[3] == 255, "star arm " << k);
    BOOST_TEST(p.at(img, 60.0, 36)[3] == 0);  // between two arms, beyond the inner vertices

    // The unit name: ink on the upper arc, spread over a wide angle.
    int inkedBins = 0;
    for (int bin = -11; bin < 11; ++bin) {
        int ink = 0;
        for (double deg = bin * 10.0; deg < bin * 10.0 + 10.0; deg += 0.5) {
            for (double r = 175; r <= 255; r += 2) ink += p.at(img, r, deg)[3] > 128 ? 1 : 0;
        }
        if (ink > 5) ++inkedBins;
    }
    BOOST_TEST(inkedBins >= 17, "10-degree sectors of the upper arc with ink: " << inkedBins);
    // The arc ends before the lower sides: clear between the arc's ends and the bottom line.
    for (double r = 200; r <= 255; r += 2) {
        BOOST_TEST(p.at(img, r, 125)[3] == 0, "r " << r);
        BOOST_TEST(p.at(img, r, 235)[3] == 0, "r " << r);
    }
    // The centre line under the star and the bottom line have ink.
    int centreInk = 0, bottomInk = 0;
    for (std::uint32_t y = 405; y < 465; ++y) {
        for (std::uint32_t x = 150; x < 450; ++x) centreInk += pixelAt(img, x, y)[3] > 128 ? 1 : 0;
    }
    for (std::uint32_t y = 490; y < 535; ++y) {
        for (std::uint32_t x = 150; x < 450; ++x) bottomInk += pixelAt(img, x, y)[3] > 128 ? 1 : 0;
    }
    BOOST_TEST(centreInk > 1500);
    BOOST_TEST(bottomInk > 500);

    // Anti-aliased: partial coverage exists.
    int partial = 0;
    for (std::size_t i = 3; i < img.pixels.size(); i += 4)
        partial += (img.pixels[i] > 0 && img.pixels[i] < 255) ? 1 : 0;
    BOOST_TEST(partial > 1000);

    // Kept as a look-at artefact.
    const std::filesystem::path dir = std::filesystem::path(ESEAL_TEST_DATA) / "seal";
    std::filesystem::create_directories(dir);
    const Bytes png = eseal::encodePng(img);
    std::ofstream((dir / "seal-demo.png").string(), std::ios::binary)
        .write(reinterpret_cast<const char*>(png.data()), static_cast<std::streamsize>(png.size()));
    BOOST_TEST(eseal::decodePng(png).pixels == img.pixels);
}

BOOST_AUTO_TEST_CASE(demo_seal_long_name_still_fits) {
    // Sixteen characters: set narrower, still clear of the ring and inside 225 degrees.
    const RgbaImage img =
        eseal::drawDemoSeal({"北京市海淀区某某科技发展有限公司", "合同专用章", "1101080012345"}, 600);
    const Polar p{300.0, 300.0};
    int inked = 0;
    for (int deg = 0; deg < 360; deg += 2) {
        BOOST_TEST(p.at(img, 284.0, deg)[3] == 255, "ring at deg " << deg);
        BOOST_TEST(p.at(img, 268.0, deg)[3] == 0, "clear band inside ring at deg " << deg);
    }
    for (double r = 200; r <= 255; r += 2) {
        BOOST_TEST(p.at(img, r, 125)[3] == 0, "r " << r);
        BOOST_TEST(p.at(img, r, 235)[3] == 0, "r " << r);
    }
    for (double deg = -110; deg <= 110; deg += 0.5) {
        for (double r = 175; r <= 255; r += 2) inked += p.at(img, r, deg)[3] > 128 ? 1 : 0;
    }
    BOOST_TEST(inked > 1500);
}

BOOST_AUTO_TEST_CASE(demo_seal_deterministic_and_text_dependent) {
    const RgbaImage a = eseal::drawDemoSeal(kDemoText, 400);
    const RgbaImage b = eseal::drawDemoSeal(kDemoText, 400);
    BOOST_TEST(a.pixels == b.pixels);
    BOOST_TEST(eseal::encodePng(a) == eseal::encodePng(b));
    eseal::DemoSealText other = kDemoText;
    other.unitName = "ESEAL 测试单位";
    const RgbaImage c = eseal::drawDemoSeal(other, 400);
    BOOST_TEST(a.pixels != c.pixels);
    const RgbaImage empty = eseal::drawDemoSeal({}, 400);  // ring and star only
    BOOST_TEST(pixelAt(empty, 200, 200)[3] == 255);
    BOOST_TEST(pixelAt(empty, 200, 200 - 150)[3] == 0);
}

BOOST_AUTO_TEST_CASE(demo_seal_rejects_bad_text_and_sizes) {
    for (const std::string& bad :
         {std::string("\xff"), std::string("\xe6\xbc"), std::string("\xc0\xaf"), std::string("\xed\xa0\x80"),
          std::string("\xf4\x90\x80\x80"), std::string("a\nb")}) {
        eseal::DemoSealText t = kDemoText;
        t.unitName = bad;
        try {
            eseal::drawDemoSeal(t, 200);
            BOOST_ERROR("accepted bad text");
        } catch (const eseal::Error& e) {
            BOOST_TEST(e.category() == ErrorCategory::BadInput, e.what());
        }
    }
    eseal::DemoSealText tooLong = kDemoText;
    tooLong.unitName = std::string(300, 'W');
    BOOST_CHECK_THROW(eseal::drawDemoSeal(tooLong, 300), eseal::Error);
    BOOST_CHECK_THROW(eseal::drawDemoSeal(kDemoText, 10), eseal::Error);
    BOOST_CHECK_THROW(eseal::drawDemoSeal(kDemoText, 100000), eseal::Error);
}

BOOST_AUTO_TEST_CASE(demo_seal_font_override) {
    ::setenv("ESEAL_FONT", "/nonexistent/font.ttc", 1);
    try {
        eseal::drawDemoSeal(kDemoText, 200);
        BOOST_ERROR("drew without a font");
    } catch (const eseal::Error& e) {
        BOOST_TEST(e.category() == ErrorCategory::Unsupported, e.what());
        BOOST_TEST(std::string(e.what()).find("/nonexistent/font.ttc") != std::string::npos);
    }
    // A serif font file given explicitly; its SC face is chosen.
    ::setenv("ESEAL_FONT", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 1);
    const RgbaImage sans = eseal::drawDemoSeal(kDemoText, 300);
    ::unsetenv("ESEAL_FONT");
    const RgbaImage serif = eseal::drawDemoSeal(kDemoText, 300);
    BOOST_TEST(sans.pixels != serif.pixels);

    // A font without Chinese glyphs: refused, naming the first missing character.
    const char* latinOnly = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf";
    if (std::filesystem::exists(latinOnly)) {
        ::setenv("ESEAL_FONT", latinOnly, 1);
        try {
            eseal::drawDemoSeal(kDemoText, 200);
            BOOST_ERROR("drew Chinese with a Latin font");
        } catch (const eseal::Error& e) {
            BOOST_TEST(e.category() == ErrorCategory::Unsupported, e.what());
            BOOST_TEST(std::string(e.what()).find("U+6F14") != std::string::npos, e.what());  // 演
        }
        ::unsetenv("ESEAL_FONT");
    }
}

BOOST_AUTO_TEST_CASE(demo_seal_header_example_text) {
    // The example in image.hpp uses U+00B7 MIDDLE DOT.
    const RgbaImage img =
        eseal::drawDemoSeal({"ESEAL 演示单位", "演示专用章", "DEMO \u00b7 非法定印章"}, 300);
    BOOST_TEST(img.hasTransparency());
}

// libjpeg reports errors through a longjmp from its error_exit. As in
// image.cpp (libpng), the frames that call setjmp (readHeader, readPixels)
// and the callbacks hold only trivially destructible objects; the owners of
// memory live one frame further out, so a longjmp never skips a destructor.
#include "core/seal/scan.hpp"

#include <jpeglib.h>

#include <algorithm>
#include <cmath>
#include <csetjmp>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"

namespace eseal {

namespace {

constexpr std::uint32_t kMaxSide = 8192;
constexpr std::uintmax_t kMaxScanBytes = 64 * 1024 * 1024;

struct JpegError {
    jpeg_error_mgr mgr;
    std::jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

void onJpegError(j_common_ptr c) {
    auto* e = reinterpret_cast<JpegError*>(c->err);
    (*c->err->format_message)(c, e->message);
    std::longjmp(e->jump, 1);
}

// Warnings (a truncated file, corrupt data) are counted by libjpeg in
// num_warnings; nothing is printed.
void onJpegMessage(j_common_ptr, int) {}

struct Header {
    JDIMENSION width = 0, height = 0;
    int densityUnit = 0;  // JFIF: 0 none, 1 dots per inch, 2 dots per cm
    unsigned xDensity = 0;
};

bool readHeader(jpeg_decompress_struct* d, JpegError* e, const unsigned char* data, unsigned long size,
                Header* h) {
    if (setjmp(e->jump) != 0) return false;
    jpeg_mem_src(d, data, size);
    jpeg_read_header(d, TRUE);
    h->width = d->image_width;
    h->height = d->image_height;
    h->densityUnit = d->saw_JFIF_marker ? d->density_unit : 0;
    h->xDensity = d->X_density;
    return true;
}

bool readPixels(jpeg_decompress_struct* d, JpegError* e, unsigned char* out, JDIMENSION width) {
    if (setjmp(e->jump) != 0) return false;
    d->out_color_space = JCS_EXT_RGBA;  // libjpeg-turbo: RGBA, alpha 255
    jpeg_start_decompress(d);
    while (d->output_scanline < d->output_height) {
        JSAMPROW row = out + static_cast<std::size_t>(d->output_scanline) * width * 4;
        jpeg_read_scanlines(d, &row, 1);
    }
    jpeg_finish_decompress(d);
    return true;
}

struct Decompressor {
    jpeg_decompress_struct d{};
    JpegError e{};
    Decompressor() {
        d.err = jpeg_std_error(&e.mgr);
        e.mgr.error_exit = onJpegError;
        e.mgr.emit_message = onJpegMessage;
        e.message[0] = 0;
        jpeg_create_decompress(&d);
    }
    ~Decompressor() { jpeg_destroy_decompress(&d); }
    Decompressor(const Decompressor&) = delete;
    Decompressor& operator=(const Decompressor&) = delete;
};

}  // namespace

Scan decodeJpeg(ByteView jpeg, const std::string& name) {
    auto bad = [&](const std::string& why) {
        return Error(ErrorCategory::BadInput, fill(tr("not a readable JPEG: {why}"), {{"{why}", why}}), name);
    };
    if (jpeg.size() < 4 || jpeg[0] != 0xff || jpeg[1] != 0xd8) throw bad(tr("no JPEG start marker"));
    Decompressor j;
    Header h;
    if (!readHeader(&j.d, &j.e, jpeg.data(), static_cast<unsigned long>(jpeg.size()), &h))
        throw bad(j.e.message);
    if (h.width == 0 || h.height == 0 || h.width > kMaxSide || h.height > kMaxSide)
        throw bad(fill(tr("{width} x {height} pixels (at most {max} a side)"),
                       {{"{width}", std::to_string(h.width)},
                        {"{height}", std::to_string(h.height)},
                        {"{max}", std::to_string(kMaxSide)}}));
    Scan scan;
    scan.image.width = h.width;
    scan.image.height = h.height;
    scan.image.pixels.resize(static_cast<std::size_t>(h.width) * h.height * 4);
    if (!readPixels(&j.d, &j.e, scan.image.pixels.data(), h.width)) throw bad(j.e.message);
    if (h.densityUnit == 1 && h.xDensity > 1) scan.dpi = h.xDensity;
    if (h.densityUnit == 2 && h.xDensity > 1) scan.dpi = h.xDensity * 2.54;
    return scan;
}

Scan loadScan(const std::string& path) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec)
        throw Error(ErrorCategory::InputUnreadable,
                    fill(tr("cannot read the scan: {why}"), {{"{why}", ec.message()}}), path);
    if (size > kMaxScanBytes)
        throw Error(ErrorCategory::BadInput, tr("the scan is larger than 64 MiB"), path);
    const Bytes data = readFile(path);
    if (data.size() >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
        return decodeJpeg(data, path);
    if (data.size() >= 8 && data[0] == 0x89 && data[1] == 'P' && data[2] == 'N' && data[3] == 'G')
        return Scan{decodePng(data, path), 0};
    throw Error(ErrorCategory::BadInput, tr("the scan is neither a JPEG nor a PNG file"), path);
}

RgbaImage sealFromScan(const RgbaImage& scan, const std::string& name) {
    const std::size_t w = scan.width, h = scan.height, n = w * h;
    if (n == 0 || scan.pixels.size() != n * 4)
        throw Error(ErrorCategory::BadInput, tr("the scan is empty"), name);
    // Redness: how far red stands above the larger of green and blue. Grey
    // and white paper (and its noise) stay near 0; seal paste is far above.
    constexpr int kPaper = 45, kInk = 110;
    std::vector<float> alpha(n);
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint8_t* p = &scan.pixels[i * 4];
        const int redness = int{p[0]} - std::max(int{p[1]}, int{p[2]});
        alpha[i] = std::clamp(static_cast<float>(redness - kPaper) / (kInk - kPaper), 0.0f, 1.0f) *
                   (static_cast<float>(p[3]) / 255.0f);
    }
    // A red speck of noise has no inked neighbours: fewer than 3 of its 8 are dropped.
    std::vector<float> kept(alpha);
    for (std::size_t y = 0; y < h; ++y)
        for (std::size_t x = 0; x < w; ++x) {
            if (alpha[y * w + x] == 0) continue;
            int neighbours = 0;
            for (std::size_t yy = y == 0 ? 0 : y - 1; yy <= std::min(h - 1, y + 1); ++yy)
                for (std::size_t xx = x == 0 ? 0 : x - 1; xx <= std::min(w - 1, x + 1); ++xx)
                    if ((yy != y || xx != x) && alpha[yy * w + xx] > 0) ++neighbours;
            if (neighbours < 3) kept[y * w + x] = 0;
        }
    // The ink's colour: the mean of the fully inked pixels; the box: where ink is solid.
    double sum[3] = {0, 0, 0};
    std::size_t solid = 0, x0 = w, y0 = h, x1 = 0, y1 = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (kept[i] < 0.5f) continue;
        const std::size_t x = i % w, y = i / w;
        x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
        if (kept[i] < 1.0f) continue;
        for (int c = 0; c < 3; ++c) sum[c] += scan.pixels[i * 4 + static_cast<std::size_t>(c)];
        ++solid;
    }
    if (solid == 0) throw Error(ErrorCategory::BadInput, tr("no red seal ink found in the scan"), name);
    constexpr std::size_t kMargin = 2;
    x0 = x0 >= kMargin ? x0 - kMargin : 0, y0 = y0 >= kMargin ? y0 - kMargin : 0;
    x1 = std::min(w - 1, x1 + kMargin), y1 = std::min(h - 1, y1 + kMargin);
    RgbaImage out;
    out.width = static_cast<std::uint32_t>(x1 - x0 + 1);
    out.height = static_cast<std::uint32_t>(y1 - y0 + 1);
    out.pixels.resize(static_cast<std::size_t>(out.width) * out.height * 4);
    std::uint8_t ink[3];
    for (int c = 0; c < 3; ++c)
        ink[c] = static_cast<std::uint8_t>(std::lround(sum[c] / static_cast<double>(solid)));
    for (std::size_t y = y0; y <= y1; ++y)
        for (std::size_t x = x0; x <= x1; ++x) {
            std::uint8_t* q = &out.pixels[((y - y0) * out.width + (x - x0)) * 4];
            q[0] = ink[0], q[1] = ink[1], q[2] = ink[2];
            q[3] = static_cast<std::uint8_t>(std::lround(kept[y * w + x] * 255.0f));
        }
    return out;
}

}  // namespace eseal

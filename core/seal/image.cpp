// PNG decoding and encoding through libpng.
//
// libpng reports errors by longjmp. Every function that calls setjmp here
// (readHeader, readPixels, writeImage) and every callback that can longjmp
// (onError, onRead, onWrite) holds only trivially destructible objects, so a
// longjmp never skips a C++ destructor. Owners of memory (the pixel vector,
// the row pointers, the png_struct) live one frame further out.
#include "core/seal/image.hpp"

#include <png.h>

#include <algorithm>
#include <csetjmp>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <new>
#include <system_error>
#include <type_traits>
#include <vector>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"

namespace eseal {

bool RgbaImage::hasTransparency() const noexcept {
    for (std::size_t i = 3; i < pixels.size(); i += 4) {
        if (pixels[i] != 0xff) return true;
    }
    return false;
}

namespace {

constexpr std::uint32_t kMaxSide = 8192;
// Bounds on ancillary chunks a hostile file could use to exhaust memory:
// chunk count (sPLT, unknown chunks) and the size of any one (decompressed) chunk.
constexpr png_uint_32 kChunkCacheMax = 256;
constexpr png_alloc_size_t kChunkMallocMax = 8u * 1024u * 1024u;
// A seal image file is small; refuse to read anything bigger than this.
constexpr std::uintmax_t kMaxFileBytes = 64u * 1024u * 1024u;

// Shared by the C callbacks; trivially destructible on purpose (see top).
struct PngContext {
    png_structp png = nullptr;
    png_infop info = nullptr;
    const std::uint8_t* data = nullptr;  // decode: input
    std::size_t size = 0;
    std::size_t pos = 0;
    Bytes* out = nullptr;  // encode: output
    char message[256] = {};
    char warning[256] = {};  // the last warning; libpng warns first, then fails, on a bad IHDR
};

static_assert(std::is_trivially_destructible_v<PngContext>);

PngContext* contextOf(png_structp png) { return static_cast<PngContext*>(png_get_error_ptr(png)); }

void onError(png_structp png, png_const_charp message) {
    PngContext* ctx = contextOf(png);
    if (ctx != nullptr) {
        std::strncpy(ctx->message, message != nullptr ? message : "unknown error", sizeof ctx->message - 1);
        ctx->message[sizeof ctx->message - 1] = '\0';
    }
    png_longjmp(png, 1);
}

// Warnings (bad CRC in an ancillary chunk, unknown sRGB profile...) are not
// errors: libpng has already discarded what it could not use. The last one is
// kept because it explains a following error.
void onWarning(png_structp png, png_const_charp message) {
    PngContext* ctx = contextOf(png);
    if (ctx != nullptr && message != nullptr) {
        std::strncpy(ctx->warning, message, sizeof ctx->warning - 1);
        ctx->warning[sizeof ctx->warning - 1] = '\0';
    }
}

void onRead(png_structp png, png_bytep buffer, png_size_t length) {
    PngContext* ctx = static_cast<PngContext*>(png_get_io_ptr(png));
    if (length > ctx->size - ctx->pos) png_error(png, "file is truncated");
    std::memcpy(buffer, ctx->data + ctx->pos, length);
    ctx->pos += length;
}

void onWrite(png_structp png, png_bytep buffer, png_size_t length) {
    PngContext* ctx = static_cast<PngContext*>(png_get_io_ptr(png));
    bool ok = true;
    try {
        ctx->out->insert(ctx->out->end(), buffer, buffer + length);
    } catch (...) {
        ok = false;
    }
    // Outside the handler: no exception object is live when libpng longjmps.
    if (!ok) png_error(png, "out of memory");
}

void onFlush(png_structp) {}

// Reads up to the first IDAT and sets up the conversion to 8-bit RGBA.
// Returns false after a libpng error (message in ctx).
bool readHeader(PngContext* ctx, png_uint_32* width, png_uint_32* height) {
    if (setjmp(png_jmpbuf(ctx->png)) != 0) return false;
    png_structp png = ctx->png;
    png_infop info = ctx->info;

    png_set_user_limits(png, kMaxSide, kMaxSide);
    png_set_chunk_cache_max(png, kChunkCacheMax);
    png_set_chunk_malloc_max(png, kChunkMallocMax);
    // Nothing here needs text, ICC profiles, suggested palettes or unknown
    // chunks; not parsing them is less attack surface.
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, nullptr, 0);
    static const png_byte ignored[] = {'t', 'E', 'X', 't', 0, 'z', 'T', 'X', 't', 0, 'i', 'T', 'X', 't', 0,
                                       'i', 'C', 'C', 'P', 0, 's', 'P', 'L', 'T', 0, 'e', 'X', 'I', 'f', 0};
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, ignored, 6);
    png_set_read_fn(png, ctx, onRead);

    png_read_info(png, info);
    *width = png_get_image_width(png, info);
    *height = png_get_image_height(png, info);
    if (*width == 0 || *height == 0 || *width > kMaxSide || *height > kMaxSide)
        return true;  // caller rejects

    // Samples are kept as stored: gAMA, cHRM, sRGB and iCCP are not applied
    // (a seal image is flat colour meant to print as it is).
    const png_byte colorType = png_get_color_type(png, info);
    const png_byte bitDepth = png_get_bit_depth(png, info);
    // Any colour type and depth -> 8-bit RGBA (PNG spec 11.2.2: IHDR).
    if (colorType == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (colorType == PNG_COLOR_TYPE_GRAY && bitDepth < 8) png_set_expand_gray_1_2_4_to_8(png);
    const bool hasTrns = png_get_valid(png, info, PNG_INFO_tRNS) != 0;
    if (hasTrns) png_set_tRNS_to_alpha(png);
    if (bitDepth == 16) png_set_scale_16(png);
    if (colorType == PNG_COLOR_TYPE_GRAY || colorType == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    if ((colorType & PNG_COLOR_MASK_ALPHA) == 0 && !hasTrns) png_set_add_alpha(png, 0xff, PNG_FILLER_AFTER);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);

    if (png_get_bit_depth(png, info) != 8 || png_get_channels(png, info) != 4 ||
        png_get_rowbytes(png, info) != static_cast<png_size_t>(*width) * 4) {
        png_error(png, "unexpected pixel layout after conversion to RGBA");
    }
    return true;
}

// Reads all rows into the caller's buffers, then the chunks up to IEND, so a
// file cut after its image data is still reported as damaged.
bool readPixels(PngContext* ctx, png_bytepp rows) {
    if (setjmp(png_jmpbuf(ctx->png)) != 0) return false;
    png_read_image(ctx->png, rows);
    png_read_end(ctx->png, nullptr);
    return true;
}

bool writeImage(PngContext* ctx, png_uint_32 width, png_uint_32 height, png_bytepp rows, png_uint_32 ppm,
                png_textp texts, int textCount) {
    if (setjmp(png_jmpbuf(ctx->png)) != 0) return false;
    png_set_write_fn(ctx->png, ctx, onWrite, onFlush);
    png_set_IHDR(ctx->png, ctx->info, width, height, 8, PNG_COLOR_TYPE_RGB_ALPHA, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    // ISO/IEC 15948 11.3.5.3 pHYs: the physical size, in pixels per metre.
    if (ppm != 0) png_set_pHYs(ctx->png, ctx->info, ppm, ppm, PNG_RESOLUTION_METER);
    if (textCount > 0) png_set_text(ctx->png, ctx->info, texts, textCount);
    // No tIME: the same image always gives the same bytes.
    png_set_compression_level(ctx->png, 9);
    png_write_info(ctx->png, ctx->info);
    png_write_image(ctx->png, rows);
    png_write_end(ctx->png, nullptr);
    return true;
}

struct ReadStruct {
    png_structp png = nullptr;
    png_infop info = nullptr;
    ReadStruct() = default;
    ReadStruct(const ReadStruct&) = delete;
    ReadStruct& operator=(const ReadStruct&) = delete;
    ~ReadStruct() { png_destroy_read_struct(&png, &info, nullptr); }
};

struct WriteStruct {
    png_structp png = nullptr;
    png_infop info = nullptr;
    WriteStruct() = default;
    WriteStruct(const WriteStruct&) = delete;
    WriteStruct& operator=(const WriteStruct&) = delete;
    ~WriteStruct() { png_destroy_write_struct(&png, &info); }
};

std::vector<png_bytep> rowPointers(std::uint8_t* base, std::uint32_t width, std::uint32_t height) {
    std::vector<png_bytep> rows(height);
    const std::size_t stride = static_cast<std::size_t>(width) * 4;
    for (std::uint32_t y = 0; y < height; ++y) rows[y] = base + stride * y;
    return rows;
}

Error damaged(const PngContext& ctx, const std::string& name) {
    std::string message = fill(tr("damaged PNG: {why}"), {{"{why}", ctx.message}});
    if (ctx.warning[0] != '\0')
        message += fill(tr(" (libpng warned: {warning})"), {{"{warning}", ctx.warning}});
    return Error(ErrorCategory::BadInput, message, name);
}

}  // namespace

RgbaImage decodePng(ByteView png, const std::string& nameForErrors) {
    constexpr std::size_t kSignature = 8;
    if (png.size() < kSignature || png_sig_cmp(png.data(), 0, kSignature) != 0) {
        throw Error(ErrorCategory::BadInput, tr("not a PNG image"), nameForErrors);
    }

    PngContext ctx;
    ctx.data = png.data();
    ctx.size = png.size();
    ReadStruct rs;
    rs.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &ctx, onError, onWarning);
    if (rs.png == nullptr) throw Error(ErrorCategory::Internal, "libpng: cannot create read struct");
    rs.info = png_create_info_struct(rs.png);
    if (rs.info == nullptr) throw Error(ErrorCategory::Internal, "libpng: cannot create info struct");
    ctx.png = rs.png;
    ctx.info = rs.info;

    png_uint_32 width = 0;
    png_uint_32 height = 0;
    if (!readHeader(&ctx, &width, &height)) {
        if (std::strstr(ctx.warning, "exceeds user limit") != nullptr) {
            throw Error(ErrorCategory::BadInput,
                        fill(tr("image too large: at most {max} x {max} pixels are accepted ({warning})"),
                             {{"{max}", std::to_string(kMaxSide)}, {"{warning}", ctx.warning}}),
                        nameForErrors);
        }
        throw damaged(ctx, nameForErrors);
    }
    if (width == 0 || height == 0 || width > kMaxSide || height > kMaxSide) {
        throw Error(ErrorCategory::BadInput,
                    fill(tr("image is {width} x {height} pixels; 1 to {max} pixels per side are accepted"),
                         {{"{width}", std::to_string(width)},
                          {"{height}", std::to_string(height)},
                          {"{max}", std::to_string(kMaxSide)}}),
                    nameForErrors);
    }

    RgbaImage image;
    image.width = width;
    image.height = height;
    image.pixels.assign(static_cast<std::size_t>(width) * height * 4, 0);
    std::vector<png_bytep> rows = rowPointers(image.pixels.data(), width, height);
    if (!readPixels(&ctx, rows.data())) throw damaged(ctx, nameForErrors);
    return image;
}

RgbaImage loadPng(const std::string& path) {
    std::error_code ec;
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    if (ec)
        throw Error(ErrorCategory::InputUnreadable,
                    fill(tr("cannot read the seal image: {why}"), {{"{why}", ec.message()}}), path);
    if (size > kMaxFileBytes) {
        throw Error(ErrorCategory::BadInput,
                    fill(tr("file is {size} bytes; a seal image may be at most {max} bytes"),
                         {{"{size}", std::to_string(size)}, {"{max}", std::to_string(kMaxFileBytes)}}),
                    path);
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ErrorCategory::InputUnreadable, tr("cannot open the seal image"), path);
    Bytes data(static_cast<std::size_t>(size));
    in.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(data.size()));
    if (in.gcount() != static_cast<std::streamsize>(data.size())) {
        throw Error(ErrorCategory::InputUnreadable, tr("read failed (file changed while reading?)"), path);
    }
    return decodePng(data, path);
}

Bytes encodePng(const RgbaImage& image) { return encodePng(image, PngMetadata{}); }

Bytes encodePng(const RgbaImage& image, const PngMetadata& metadata) {
    if (image.width == 0 || image.height == 0 || image.width > PNG_USER_WIDTH_MAX ||
        image.height > PNG_USER_HEIGHT_MAX) {
        throw Error(ErrorCategory::BadInput, fill(tr("cannot encode an image of {width} x {height} pixels"),
                                                  {{"{width}", std::to_string(image.width)},
                                                   {"{height}", std::to_string(image.height)}}));
    }
    if (image.pixels.size() != static_cast<std::size_t>(image.width) * image.height * 4) {
        throw Error(ErrorCategory::Internal, "RGBA image has " + std::to_string(image.pixels.size()) +
                                                 " bytes of pixels, expected width * height * 4");
    }

    Bytes out;
    PngContext ctx;
    ctx.out = &out;
    WriteStruct ws;
    ws.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &ctx, onError, onWarning);
    if (ws.png == nullptr) throw Error(ErrorCategory::Internal, "libpng: cannot create write struct");
    ws.info = png_create_info_struct(ws.png);
    if (ws.info == nullptr) throw Error(ErrorCategory::Internal, "libpng: cannot create info struct");
    ctx.png = ws.png;
    ctx.info = ws.info;

    // libpng takes non-const row pointers but only reads them when writing.
    std::vector<png_bytep> rows =
        rowPointers(const_cast<std::uint8_t*>(image.pixels.data()), image.width, image.height);
    // tEXt (ISO/IEC 15948 11.3.4.3): Latin-1 keyword and text; libpng reads the strings while writing.
    std::vector<png_text> texts;
    for (const auto& [keyword, text] : metadata.text) {
        png_text t{};
        t.compression = PNG_TEXT_COMPRESSION_NONE;
        t.key = const_cast<char*>(keyword.c_str());
        t.text = const_cast<char*>(text.c_str());
        t.text_length = text.size();
        texts.push_back(t);
    }
    if (!writeImage(&ctx, image.width, image.height, rows.data(), metadata.pixelsPerMetre, texts.data(),
                    static_cast<int>(texts.size()))) {
        throw Error(ErrorCategory::Internal, std::string("PNG encoding failed: ") + ctx.message);
    }
    return out;
}

}  // namespace eseal

// A demo seal in the style of a Chinese unit's round official seal: red ring,
// five-pointed star, unit name along the upper arc, a horizontal line under the
// star and a small line at the bottom. Coverage goes to alpha; the colour is
// the same everywhere, so scaling the image later never darkens its edges.
#include "cli/demo_kit/demo_seal.hpp"

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_ADVANCES_H
#include FT_OUTLINE_H
#include FT_TRUETYPE_TABLES_H

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <numbers>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"

namespace eseal {

namespace {

constexpr std::uint8_t kInkR = 215, kInkG = 0, kInkB = 15;  // close to seal-paste red
constexpr double kPi = std::numbers::pi;

// ---------------------------------------------------------------- UTF-8

std::u32string decodeUtf8(std::string_view s, const char* field) {
    auto bad = [field](const char* why) {
        // field is one of the msgids "unit name", "centre line", "bottom line".
        return Error(ErrorCategory::BadInput,
                     fill(tr("seal text ({field}): {why}"), {{"{field}", tr(field)}, {"{why}", tr(why)}}));
    };
    std::u32string out;
    std::size_t i = 0;
    while (i < s.size()) {
        const auto b0 = static_cast<unsigned char>(s[i]);
        std::size_t len = 0;
        char32_t cp = 0;
        char32_t min = 0;
        if (b0 < 0x80) {
            len = 1, cp = b0;
        } else if ((b0 & 0xe0) == 0xc0) {
            len = 2, cp = b0 & 0x1fu, min = 0x80;
        } else if ((b0 & 0xf0) == 0xe0) {
            len = 3, cp = b0 & 0x0fu, min = 0x800;
        } else if ((b0 & 0xf8) == 0xf0) {
            len = 4, cp = b0 & 0x07u, min = 0x10000;
        } else {
            throw bad(N_("invalid UTF-8 (bad lead byte)"));
        }
        if (s.size() - i < len) throw bad(N_("invalid UTF-8 (truncated sequence)"));
        for (std::size_t k = 1; k < len; ++k) {
            const auto b = static_cast<unsigned char>(s[i + k]);
            if ((b & 0xc0) != 0x80) throw bad(N_("invalid UTF-8 (bad continuation byte)"));
            cp = (cp << 6) | (b & 0x3fu);
        }
        // RFC 3629 section 3: no overlong forms, no surrogates, nothing above U+10FFFF.
        if (cp < min) throw bad(N_("invalid UTF-8 (overlong encoding)"));
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            throw bad(N_("invalid UTF-8 (not a Unicode scalar value)"));
        if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
            throw bad(N_("control characters cannot be printed on a seal"));
        out.push_back(cp);
        i += len;
    }
    return out;
}

std::string codepointName(char32_t cp) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "U+%04X", static_cast<unsigned>(cp));
    return buffer;
}

// ---------------------------------------------------------------- FreeType

struct LibraryDeleter {
    void operator()(FT_Library lib) const noexcept { FT_Done_FreeType(lib); }
};
struct FaceDeleter {
    void operator()(FT_Face face) const noexcept { FT_Done_Face(face); }
};
using LibraryPtr = std::unique_ptr<std::remove_pointer_t<FT_Library>, LibraryDeleter>;
using FacePtr = std::unique_ptr<std::remove_pointer_t<FT_Face>, FaceDeleter>;

void checkFt(FT_Error err, const std::string& what) {
    if (err != 0) {
        throw Error(ErrorCategory::Internal,
                    "FreeType: " + what + " failed (error " + std::to_string(err) + ")");
    }
}

LibraryPtr initFreeType() {
    FT_Library lib = nullptr;
    checkFt(FT_Init_FreeType(&lib), "initialisation");
    return LibraryPtr(lib);
}

FacePtr openFace(FT_Library lib, const std::string& path, FT_Long index) {
    FT_Face face = nullptr;
    if (FT_New_Face(lib, path.c_str(), index, &face) != 0) return nullptr;
    return FacePtr(face);
}

bool isSimplifiedChinese(FT_Face face) {
    const std::string_view family = face->family_name != nullptr ? face->family_name : "";
    return family.find("SC") != std::string_view::npos && family.find("Mono") == std::string_view::npos;
}

// Opens the face of a font file or collection meant for Simplified Chinese
// (the .ttc of Noto CJK holds JP, KR, SC, TC and HK faces whose glyphs for the
// same code point differ). Falls back to face 0 only when allowed.
FacePtr openSimplifiedChinese(FT_Library lib, const std::string& path, bool allowOtherFace) {
    FacePtr first = openFace(lib, path, 0);
    if (!first) return nullptr;
    if (isSimplifiedChinese(first.get())) return first;
    for (FT_Long i = 1; i < first->num_faces; ++i) {
        FacePtr face = openFace(lib, path, i);
        if (face && isSimplifiedChinese(face.get())) return face;
    }
    return allowOtherFace ? std::move(first) : nullptr;
}

struct Font {
    FacePtr face;
    std::string path;
};

Font findCjkFont(FT_Library lib) {
    if (const char* env = std::getenv("ESEAL_FONT"); env != nullptr && *env != '\0') {
        FacePtr face = openSimplifiedChinese(lib, env, true);
        if (!face) {
            throw Error(
                ErrorCategory::Unsupported,
                tr("ESEAL_FONT does not name a font file FreeType can open (a .ttc, .otf or .ttf with "
                   "Chinese glyphs is needed)"),
                env);
        }
        return {std::move(face), env};
    }
    static const char* const candidates[] = {
        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    };
    for (const char* path : candidates) {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(path, ec)) continue;
        if (FacePtr face = openSimplifiedChinese(lib, path, false)) return {std::move(face), path};
    }
    throw Error(
        ErrorCategory::Unsupported,
        tr("no Chinese font found for the demo seal: install the Debian package fonts-noto-cjk "
           "(apt install fonts-noto-cjk) or set ESEAL_FONT to a .ttc/.otf/.ttf file with Chinese glyphs"));
}

// ---------------------------------------------------------------- Canvas

struct Canvas {
    int size;
    std::vector<float> coverage;

    explicit Canvas(int n)
        : size(n), coverage(static_cast<std::size_t>(n) * static_cast<std::size_t>(n), 0.0f) {}

    void add(int x, int y, float c) {
        if (x < 0 || y < 0 || x >= size || y >= size) return;
        float& dst = coverage[static_cast<std::size_t>(y) * static_cast<std::size_t>(size) +
                              static_cast<std::size_t>(x)];
        dst = std::max(dst, c);
    }

    // An 8-bit grey coverage bitmap whose top-left pixel lands on (left, top).
    void blit(const FT_Bitmap& bitmap, int left, int top) {
        for (unsigned row = 0; row < bitmap.rows; ++row) {
            const unsigned char* line = bitmap.buffer + static_cast<std::ptrdiff_t>(row) * bitmap.pitch;
            for (unsigned col = 0; col < bitmap.width; ++col) {
                if (line[col] != 0) {
                    add(left + static_cast<int>(col), top + static_cast<int>(row),
                        static_cast<float>(line[col]) / 255.0f);
                }
            }
        }
    }
};

double clamp01(double v) { return std::clamp(v, 0.0, 1.0); }

void drawRing(Canvas& canvas, double cx, double cy, double outer, double inner) {
    for (int y = 0; y < canvas.size; ++y) {
        for (int x = 0; x < canvas.size; ++x) {
            const double d = std::hypot(x + 0.5 - cx, y + 0.5 - cy);
            // Signed distance to each edge gives the pixel's coverage to within
            // a fraction of a pixel for a circle this large.
            const double c = clamp01(outer - d + 0.5) * clamp01(d - inner + 0.5);
            if (c > 0) canvas.add(x, y, static_cast<float>(c));
        }
    }
}

// A point-up five-pointed star, rasterised by FreeType's anti-aliasing
// rasteriser so its edges match the glyphs'.
void drawStar(FT_Library lib, Canvas& canvas, double cx, double cy, double radius) {
    const int left = static_cast<int>(std::floor(cx - radius)) - 2;
    const int top = static_cast<int>(std::floor(cy - radius)) - 2;
    const int side = static_cast<int>(std::ceil(2 * radius)) + 5;

    FT_Outline outline{};
    checkFt(FT_Outline_New(lib, 10, 1, &outline), "outline allocation");
    struct OutlineGuard {
        FT_Library lib;
        FT_Outline* outline;
        ~OutlineGuard() { FT_Outline_Done(lib, outline); }
    } guard{lib, &outline};

    // Inner/outer radius of a regular pentagram: sin 18 deg / sin 126 deg.
    const double innerRatio = std::sin(kPi / 10) / std::sin(7 * kPi / 10);
    for (int k = 0; k < 10; ++k) {
        const double a = k * kPi / 5;
        const double r = (k % 2 == 0) ? radius : radius * innerRatio;
        const double x = cx + r * std::sin(a) - left;
        const double y = (top + side) - (cy - r * std::cos(a));  // y up from the bitmap's bottom
        outline.points[k].x = std::lround(x * 64);
        outline.points[k].y = std::lround(y * 64);
        outline.tags[k] = FT_CURVE_TAG_ON;
    }
    outline.contours[0] = 9;

    std::vector<unsigned char> buffer(static_cast<std::size_t>(side) * static_cast<std::size_t>(side), 0);
    FT_Bitmap bitmap{};
    bitmap.rows = static_cast<unsigned>(side);
    bitmap.width = static_cast<unsigned>(side);
    bitmap.pitch = side;
    bitmap.buffer = buffer.data();
    bitmap.num_grays = 256;
    bitmap.pixel_mode = FT_PIXEL_MODE_GRAY;
    checkFt(FT_Outline_Get_Bitmap(lib, &outline, &bitmap), "star rasterisation");
    canvas.blit(bitmap, left, top);
}

// ---------------------------------------------------------------- Text

struct Glyph {
    FT_UInt index;
    double advance;  // in ems
};

struct Typesetter {
    FT_Face face;
    std::string fontPath;
    double centreY;  // vertical centre of the ideographic em box, in ems above the baseline

    explicit Typesetter(const Font& font) : face(font.face.get()), fontPath(font.path) {
        // OS/2 typo ascender/descender bound the ideographic em box in CJK
        // fonts (OpenType OS/2 spec, sTypoAscender); 0.38 em is Noto CJK's value.
        centreY = 0.38;
        const auto* os2 = static_cast<const TT_OS2*>(FT_Get_Sfnt_Table(face, FT_SFNT_OS2));
        if (os2 != nullptr && face->units_per_EM != 0 && os2->sTypoAscender > os2->sTypoDescender) {
            centreY = (os2->sTypoAscender + os2->sTypoDescender) / 2.0 / face->units_per_EM;
        }
    }

    std::vector<Glyph> shape(const std::u32string& text) const {
        std::vector<Glyph> glyphs;
        for (char32_t cp : text) {
            const FT_UInt index = FT_Get_Char_Index(face, cp);
            if (index == 0) {
                throw Error(
                    ErrorCategory::Unsupported,
                    fill(tr("the font has no glyph for {char} in the seal text; set ESEAL_FONT to a font "
                            "that has it"),
                         {{"{char}", codepointName(cp)}}),
                    fontPath);
            }
            FT_Fixed advance = 0;
            checkFt(FT_Get_Advance(face, index, FT_LOAD_NO_SCALE, &advance), "glyph advance");
            glyphs.push_back({index, static_cast<double>(advance) / face->units_per_EM});
        }
        return glyphs;
    }

    static double width(const std::vector<Glyph>& glyphs) {
        double w = 0;
        for (const Glyph& g : glyphs) w += g.advance;
        return w;
    }

    // Draws one glyph of `em` pixels, narrowed to `condense` of its width, so
    // that the centre of its advance box (horizontally) and of the em box
    // (vertically) lands on (px, py), turned clockwise by `angle` radians.
    void draw(Canvas& canvas, const Glyph& glyph, double em, double condense, double px, double py,
              double angle) const {
        checkFt(FT_Set_Char_Size(face, 0, std::lround(em * 64), 72, 72), "setting the font size");
        const double phi = -angle;  // FreeType turns counter-clockwise, y up
        const double c = std::cos(phi), s = std::sin(phi);
        FT_Matrix matrix;
        // Rotation times horizontal scaling.
        matrix.xx = std::lround(c * condense * 65536.0);
        matrix.xy = std::lround(-s * 65536.0);
        matrix.yx = std::lround(s * condense * 65536.0);
        matrix.yy = std::lround(c * 65536.0);

        const double lx = glyph.advance * condense * em / 2, ly = centreY * em;
        const double rx = c * lx - s * ly, ry = s * lx + c * ly;
        const double originX = px - rx, originY = py + ry;  // pen origin in image coordinates
        const double ox = std::floor(originX), oy = std::ceil(originY);
        FT_Vector delta;
        delta.x = std::lround((originX - ox) * 64);
        delta.y = std::lround((oy - originY) * 64);
        FT_Set_Transform(face, &matrix, &delta);
        const FT_Error err =
            FT_Load_Glyph(face, glyph.index, FT_LOAD_NO_HINTING | FT_LOAD_NO_BITMAP | FT_LOAD_RENDER);
        FT_Set_Transform(face, nullptr, nullptr);
        checkFt(err, "glyph rendering");
        const FT_GlyphSlot slot = face->glyph;
        if (slot->bitmap.pixel_mode != FT_PIXEL_MODE_GRAY) checkFt(-1, "grey glyph bitmap");
        canvas.blit(slot->bitmap, static_cast<int>(ox) + slot->bitmap_left,
                    static_cast<int>(oy) - slot->bitmap_top);
    }

    // A horizontal line centred on (cx, cy), at most maxWidth pixels wide.
    void drawLine(Canvas& canvas, const std::u32string& text, double em, double maxWidth, double cx,
                  double cy, double minEm, const char* field) const {
        const std::vector<Glyph> glyphs = shape(text);
        const double w = width(glyphs);
        if (w <= 0) return;
        // Long lines are first set narrower, as seal engravers do, then smaller.
        const double condense = std::clamp(maxWidth / (w * em), 0.7, 1.0);
        em = std::min(em, maxWidth / (w * condense));
        if (em < minEm)
            throw Error(ErrorCategory::BadInput,
                        fill(tr("seal text ({field}) is too long to fit"), {{"{field}", tr(field)}}));
        double x = cx - w * condense * em / 2;
        for (const Glyph& g : glyphs) {
            const double advance = g.advance * condense * em;
            draw(canvas, g, em, condense, x + advance / 2, cy, 0.0);
            x += advance;
        }
    }
};

}  // namespace

RgbaImage drawDemoSeal(const DemoSealText& text, std::uint32_t pixels) {
    if (pixels < 64 || pixels > 8192) {
        throw Error(ErrorCategory::BadInput, fill(tr("demo seal size must be 64 to 8192 pixels, not {n}"),
                                                  {{"{n}", std::to_string(pixels)}}));
    }
    const std::u32string unitName = decodeUtf8(text.unitName, N_("unit name"));
    const std::u32string centreLine = decodeUtf8(text.centreLine, N_("centre line"));
    const std::u32string bottomLine = decodeUtf8(text.bottomLine, N_("bottom line"));

    LibraryPtr lib = initFreeType();
    const Font font = findCjkFont(lib.get());
    const Typesetter typesetter(font);

    const int n = static_cast<int>(pixels);
    Canvas canvas(n);
    const double cx = n / 2.0, cy = n / 2.0;
    // Proportions of a 42 mm unit seal: ring about 1.5 mm, star about 14 mm across.
    const double R = n / 2.0 - std::max(1.0, n * 0.008);
    const double ringWidth = 0.075 * R;
    const double inner = R - ringWidth;
    drawRing(canvas, cx, cy, R, inner);
    drawStar(lib.get(), canvas, cx, cy, 0.35 * R);

    // Unit name: upright glyphs along the upper arc, centred on the top, the
    // space left over spread evenly between glyphs.
    if (const std::vector<Glyph> glyphs = typesetter.shape(unitName); !glyphs.empty()) {
        const double maxSpan = 225.0 * kPi / 180.0;
        const double gapToRing = 0.045 * R;
        double em = 0.25 * R;
        auto radiusFor = [&](double e) { return inner - gapToRing - 0.5 * e; };
        const double w = Typesetter::width(glyphs);
        double condense = 1.0;
        auto inkAngleFor = [&](double e, double k) { return w * k * e / radiusFor(e); };
        // Glyphs take at most 82 % of the span, the rest is spacing. Long
        // names are first set narrower (down to 0.6), then smaller.
        constexpr double kInkShare = 0.82;
        while (inkAngleFor(em, condense) > kInkShare * maxSpan && condense > 0.6) condense *= 0.98;
        while (inkAngleFor(em, condense) > kInkShare * maxSpan && em > 0.12 * R) em *= 0.98;
        if (inkAngleFor(em, condense) > kInkShare * maxSpan) {
            throw Error(ErrorCategory::BadInput, tr("seal text (unit name) is too long to fit the arc"));
        }
        const double radius = radiusFor(em);
        const double inkAngle = inkAngleFor(em, condense);
        const std::size_t count = glyphs.size();
        // Short names are not stretched to the full span: at most 1.5 em between glyphs.
        const double gap =
            count > 1 ? std::min((maxSpan - inkAngle) / static_cast<double>(count - 1), 1.5 * em / radius)
                      : 0.0;
        const double span = inkAngle + gap * static_cast<double>(count - 1);
        double angle = -span / 2;  // clockwise from the top
        for (const Glyph& g : glyphs) {
            const double half = g.advance * condense * em / radius / 2;
            const double a = angle + half;
            typesetter.draw(canvas, g, em, condense, cx + radius * std::sin(a), cy - radius * std::cos(a), a);
            angle += 2 * half + gap;
        }
    }

    typesetter.drawLine(canvas, centreLine, 0.19 * R, 1.05 * R, cx, cy + 0.49 * R, 0.06 * R,
                        N_("centre line"));
    typesetter.drawLine(canvas, bottomLine, 0.12 * R, 0.95 * R, cx, cy + 0.73 * R, 0.05 * R,
                        N_("bottom line"));

    RgbaImage image;
    image.width = pixels;
    image.height = pixels;
    image.pixels.resize(canvas.coverage.size() * 4);
    for (std::size_t i = 0; i < canvas.coverage.size(); ++i) {
        image.pixels[4 * i + 0] = kInkR;
        image.pixels[4 * i + 1] = kInkG;
        image.pixels[4 * i + 2] = kInkB;
        image.pixels[4 * i + 3] =
            static_cast<std::uint8_t>(std::lround(std::clamp(canvas.coverage[i], 0.0f, 1.0f) * 255.0f));
    }
    return image;
}

}  // namespace eseal

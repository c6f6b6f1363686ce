#include "formats/pdf/pdf_object_io.hpp"

#include <zlib.h>

#include <charconv>
#include <cmath>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"

namespace eseal::pdf {

// Internal errors (eseal wrote a number or stream it cannot, a bug) stay English.
std::string formatNumber(double value) {
    if (!std::isfinite(value)) throw Error(ErrorCategory::Internal, "non-finite number in PDF output");
    if (std::fabs(value) < 0.00005) return "0";
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, 4);
    if (ec != std::errc()) throw Error(ErrorCategory::Internal, "number too large for PDF output");
    std::string s(buf, end);
    if (s.find('.') != std::string::npos) {
        while (s.back() == '0') s.pop_back();
        if (s.back() == '.') s.pop_back();
    }
    if (s == "-0") s = "0";
    return s;
}

namespace {

// Decodes UTF-8 to code points; rejects overlong forms, surrogates and values past U+10FFFF.
std::u32string decodeUtf8(std::string_view s) {
    std::u32string out;
    std::size_t i = 0;
    auto bad = [&] {
        return Error(ErrorCategory::BadInput,
                     fill(tr("text is not valid UTF-8: {text}"), {{"{text}", std::string(s)}}));
    };
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        char32_t cp = 0;
        std::size_t n = 0;
        if (c < 0x80) {
            cp = c;
        } else if ((c & 0xE0) == 0xC0) {
            cp = c & 0x1Fu;
            n = 1;
        } else if ((c & 0xF0) == 0xE0) {
            cp = c & 0x0Fu;
            n = 2;
        } else if ((c & 0xF8) == 0xF0) {
            cp = c & 0x07u;
            n = 3;
        } else {
            throw bad();
        }
        if (i + n >= s.size() && n > 0) throw bad();
        for (std::size_t k = 1; k <= n; ++k) {
            auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) throw bad();
            cp = (cp << 6) | (cc & 0x3Fu);
        }
        static constexpr char32_t minimum[] = {0, 0x80, 0x800, 0x10000};
        if (cp < minimum[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) throw bad();
        out.push_back(cp);
        i += n + 1;
    }
    return out;
}

}  // namespace

std::string objectRef(int num, int gen) { return std::to_string(num) + " " + std::to_string(gen) + " R"; }

std::string encodeTextString(std::string_view utf8) {
    std::u32string cps = decodeUtf8(utf8);
    bool ascii = true;
    for (char32_t cp : cps) {
        if (cp < 0x20 || cp > 0x7E) ascii = false;
    }
    if (ascii) {
        std::string out = "(";
        for (char ch : utf8) {
            // 7.3.4.2: unbalanced parentheses and backslashes are escaped.
            if (ch == '(' || ch == ')' || ch == '\\') out.push_back('\\');
            out.push_back(ch);
        }
        out.push_back(')');
        return out;
    }
    // 7.9.2.2: UTF-16BE text strings start with the byte order mark FE FF.
    Bytes be = {0xFE, 0xFF};
    auto unit = [&](char32_t u) {
        be.push_back(static_cast<std::uint8_t>(u >> 8));
        be.push_back(static_cast<std::uint8_t>(u & 0xFF));
    };
    for (char32_t cp : cps) {
        if (cp >= 0x10000) {
            char32_t v = cp - 0x10000;
            unit(0xD800 + (v >> 10));
            unit(0xDC00 + (v & 0x3FF));
        } else {
            unit(cp);
        }
    }
    return "<" + toHex(be, true) + ">";
}

Bytes flate(ByteView data) {
    uLongf size = compressBound(static_cast<uLong>(data.size()));
    Bytes out(size);
    int rc = compress2(out.data(), &size, data.data(), static_cast<uLong>(data.size()), Z_BEST_COMPRESSION);
    if (rc != Z_OK)
        throw Error(ErrorCategory::Internal, "zlib compress2 failed (" + std::to_string(rc) + ")");
    out.resize(size);
    return out;
}

}  // namespace eseal::pdf

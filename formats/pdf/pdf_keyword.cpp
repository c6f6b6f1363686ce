#include "formats/pdf/pdf_keyword.hpp"

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "core/base/error.hpp"

namespace eseal::pdf {

namespace {

constexpr double kMmPerPoint = 25.4 / 72.0;
// Poppler's text pass touches every glyph; a hostile file with millions of
// them is cut off rather than searched for minutes.
constexpr std::size_t kMaxGlyphs = 20'000'000;

bool isSpace(char32_t c) {
    return c == U' ' || c == U'\t' || c == U'\n' || c == U'\r' || c == U'\f' || c == 0x3000 || c == 0xA0;
}

std::u32string fromUtf8(const std::string& s) {
    std::u32string out;
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (len == 0 || i + static_cast<std::size_t>(len) > s.size())
            throw Error(ErrorCategory::Usage, "the keyword is not valid UTF-8");
        char32_t cp = len == 1 ? c : c & (0x7F >> len);
        for (int k = 1; k < len; ++k) {
            const unsigned char cc = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
            if ((cc >> 6) != 2) throw Error(ErrorCategory::Usage, "the keyword is not valid UTF-8");
            cp = (cp << 6) | (cc & 0x3F);
        }
        out.push_back(cp);
        i += static_cast<std::size_t>(len);
    }
    return out;
}

// Poppler's ustring is UTF-16.
std::u32string fromUtf16(const poppler::ustring& s) {
    std::u32string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char32_t c = s[i];
        if (c >= 0xD800 && c < 0xDC00 && i + 1 < s.size() && s[i + 1] >= 0xDC00 && s[i + 1] < 0xE000) {
            c = 0x10000 + ((c - 0xD800) << 10) + (s[i + 1] - 0xDC00);
            ++i;
        }
        out.push_back(c);
    }
    return out;
}

struct Glyph {
    char32_t c;
    poppler::rectf box;  // points from the displayed top-left
};

void quietPoppler() {
    static std::once_flag once;
    std::call_once(once,
                   [] { poppler::set_debug_error_function([](const std::string&, void*) {}, nullptr); });
}

}  // namespace

std::vector<TextHit> findText(const std::string& path, const std::string& text, int* pagesSearched) {
    std::u32string wanted;
    for (char32_t c : fromUtf8(text))
        if (!isSpace(c)) wanted.push_back(c);
    if (wanted.empty()) throw Error(ErrorCategory::Usage, "--keyword needs some text");
    quietPoppler();
    std::unique_ptr<poppler::document> doc(poppler::document::load_from_file(path));
    if (!doc || doc->is_locked())
        throw Error(ErrorCategory::BadInput, "Poppler cannot read the PDF to find the keyword", path);
    std::vector<TextHit> hits;
    const int pages = doc->pages();
    if (pagesSearched) *pagesSearched = pages;
    std::size_t glyphsSeen = 0;
    for (int index = 0; index < pages; ++index) {
        std::unique_ptr<poppler::page> page(doc->create_page(index));
        if (!page) continue;
        // text_list: the page as displayed (crop box, /Rotate), 72 dpi, y downwards.
        std::vector<Glyph> glyphs;
        for (const poppler::text_box& word : page->text_list()) {
            const std::u32string chars = fromUtf16(word.text());
            for (std::size_t i = 0; i < chars.size(); ++i) {
                if (isSpace(chars[i])) continue;
                poppler::rectf r = word.char_bbox(i);
                // Poppler gives (0,0,0,0) when glyphs and code points differ.
                if (r.width() <= 0 && r.height() <= 0) r = word.bbox();
                glyphs.push_back({chars[i], r});
            }
            glyphsSeen += chars.size();
            if (glyphsSeen > kMaxGlyphs)
                throw Error(ErrorCategory::BadInput,
                            "too much text to search for the keyword (more than 20 million glyphs)", path);
        }
        if (glyphs.size() < wanted.size()) continue;
        for (std::size_t at = 0; at + wanted.size() <= glyphs.size(); ++at) {
            bool match = true;
            for (std::size_t k = 0; k < wanted.size() && match; ++k) match = glyphs[at + k].c == wanted[k];
            if (!match) continue;
            double l = glyphs[at].box.left(), t = glyphs[at].box.top();
            double r = glyphs[at].box.right(), b = glyphs[at].box.bottom();
            for (std::size_t k = 1; k < wanted.size(); ++k) {
                const poppler::rectf& g = glyphs[at + k].box;
                l = std::min(l, g.left());
                t = std::min(t, g.top());
                r = std::max(r, g.right());
                b = std::max(b, g.bottom());
            }
            hits.push_back({index + 1, MmRect{l * kMmPerPoint, t * kMmPerPoint, (r - l) * kMmPerPoint,
                                              (b - t) * kMmPerPoint}});
            at += wanted.size() - 1;  // occurrences do not overlap
        }
    }
    return hits;
}

std::vector<TextHit> chooseOccurrences(const std::vector<TextHit>& hits, const Placement& placement,
                                       int pagesSearched, const std::string& file) {
    const std::string searched =
        pagesSearched == 1 ? "page 1" : "pages 1-" + std::to_string(std::max(pagesSearched, 0));
    const int n = placement.occurrence;
    if (hits.empty())
        throw Error(ErrorCategory::BadInput,
                    "the text \"" + placement.keyword + "\" is not on " + searched +
                        " (searched as the pages display it; a scanned page has no text)",
                    file);
    if (n == Placement::kAllOccurrences) return hits;
    if (n == Placement::kLastOccurrence) return {hits.back()};
    if (n < 1 || static_cast<std::size_t>(n) > hits.size())
        throw Error(ErrorCategory::BadInput,
                    "the text \"" + placement.keyword + "\" occurs " + std::to_string(hits.size()) +
                        (hits.size() == 1 ? " time" : " times") + " on " + searched + ", not " +
                        std::to_string(n),
                    file);
    return {hits[static_cast<std::size_t>(n - 1)]};
}

}  // namespace eseal::pdf

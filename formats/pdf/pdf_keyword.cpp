#include "formats/pdf/pdf_keyword.hpp"

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <optional>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"

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
            throw Error(ErrorCategory::Usage, tr("the keyword is not valid UTF-8"));
        char32_t cp = len == 1 ? c : c & (0x7F >> len);
        for (int k = 1; k < len; ++k) {
            const unsigned char cc = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
            if ((cc >> 6) != 2) throw Error(ErrorCategory::Usage, tr("the keyword is not valid UTF-8"));
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

// Poppler makes its GlobalParams when a document opens and drops them when the
// last open document closes (GlobalParamsIniter, counted under Poppler's own
// lock). One empty one-page document kept open for the process makes them
// once, not once per file of a batch, before any worker thread searches.
constexpr char kKeepAlivePdf[] =
    "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] "
    "/Count 1 >>\nendobj\n3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 1 1] >>\nendobj\nxref\n0 "
    "4\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n0000000115 00000 n \ntrailer\n<< "
    "/Size 4 /Root 1 0 R >>\nstartxref\n182\n%%EOF\n";

void quietPoppler() {
    static std::once_flag once;
    std::call_once(once, [] {
        poppler::set_debug_error_function([](const std::string&, void*) {}, nullptr);
        static const std::unique_ptr<poppler::document> keepAlive(
            poppler::document::load_from_raw_data(kKeepAlivePdf, static_cast<int>(sizeof kKeepAlivePdf - 1)));
    });
}

std::unique_ptr<poppler::document> openForText(const std::string& path, const char* why,
                                               const std::string& password) {
    quietPoppler();
    // Poppler tries the password as the owner's and as the user's.
    std::unique_ptr<poppler::document> doc(poppler::document::load_from_file(path, password, password));
    if (!doc || doc->is_locked()) throw Error(ErrorCategory::BadInput, why, path);
    return doc;
}

// The page's glyphs as displayed, white space left out; `seen` counts every
// glyph of the document against kMaxGlyphs.
std::vector<Glyph> pageGlyphs(poppler::page& page, std::size_t& seen, const std::string& path) {
    // text_list: the page as displayed (crop box, /Rotate), 72 dpi, y downwards.
    std::vector<Glyph> glyphs;
    for (const poppler::text_box& word : page.text_list()) {
        const std::u32string chars = fromUtf16(word.text());
        for (std::size_t i = 0; i < chars.size(); ++i) {
            if (isSpace(chars[i])) continue;
            poppler::rectf r = word.char_bbox(i);
            // Poppler gives (0,0,0,0) when glyphs and code points differ.
            if (r.width() <= 0 && r.height() <= 0) r = word.bbox();
            glyphs.push_back({chars[i], r});
        }
        seen += chars.size();
        if (seen > kMaxGlyphs)
            throw Error(ErrorCategory::BadInput, tr("too much text to search (more than 20 million glyphs)"),
                        path);
    }
    return glyphs;
}

MmRect toMm(double l, double t, double r, double b) {
    return MmRect{l * kMmPerPoint, t * kMmPerPoint, (r - l) * kMmPerPoint, (b - t) * kMmPerPoint};
}

// One line of text: glyphs whose vertical middles fall within the line's
// height, left to right; its box in points.
struct Line {
    std::vector<Glyph> glyphs;
    double l = 0, t = 0, r = 0, b = 0;
};

std::vector<Line> intoLines(std::vector<Glyph> glyphs) {
    std::stable_sort(glyphs.begin(), glyphs.end(),
                     [](const Glyph& a, const Glyph& b) { return a.box.top() < b.box.top(); });
    std::vector<Line> lines;
    for (const Glyph& g : glyphs) {
        const double mid = (g.box.top() + g.box.bottom()) / 2;
        Line* line = nullptr;
        for (auto it = lines.rbegin(); it != lines.rend() && !line; ++it)
            if (mid >= it->t && mid <= it->b) line = &*it;
        if (!line) {
            lines.push_back({{}, g.box.left(), g.box.top(), g.box.right(), g.box.bottom()});
            line = &lines.back();
        }
        line->glyphs.push_back(g);
        line->l = std::min(line->l, g.box.left());
        line->t = std::min(line->t, g.box.top());
        line->r = std::max(line->r, g.box.right());
        line->b = std::max(line->b, g.box.bottom());
    }
    for (Line& line : lines)
        std::stable_sort(line.glyphs.begin(), line.glyphs.end(),
                         [](const Glyph& a, const Glyph& b) { return a.box.left() < b.box.left(); });
    std::sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) { return a.t < b.t; });
    return lines;
}

// Digits of a date as letters write them: 0-9, full-width ０-９, or the
// Chinese numerals of 二〇二六年十二月三日.
bool isDateDigit(char32_t c) {
    static const std::u32string kChinese = U"〇零一二三四五六七八九十";
    return (c >= U'0' && c <= U'9') || (c >= 0xFF10 && c <= 0xFF19) ||
           kChinese.find(c) != std::u32string::npos;
}

// Where the last date "YYYY年M月D日" starts and ends in `g` (end exclusive);
// {0, 0} when there is none.
std::pair<std::size_t, std::size_t> lastDate(const std::vector<Glyph>& g) {
    std::pair<std::size_t, std::size_t> found{0, 0};
    auto digits = [&](std::size_t at, std::size_t min, std::size_t max) {
        std::size_t n = 0;
        while (at + n < g.size() && isDateDigit(g[at + n].c)) ++n;
        return n >= min && n <= max ? n : std::size_t{0};
    };
    for (std::size_t at = 0; at < g.size(); ++at) {
        std::size_t i = at;
        const std::size_t y = digits(i, 2, 4);
        if (y == 0 || (at > 0 && isDateDigit(g[at - 1].c))) continue;
        i += y;
        if (i >= g.size() || g[i].c != U'年') continue;
        const std::size_t m = digits(++i, 1, 3);
        if (m == 0) continue;
        i += m;
        if (i >= g.size() || g[i].c != U'月') continue;
        const std::size_t d = digits(++i, 1, 3);
        if (d == 0) continue;
        i += d;
        if (i >= g.size() || g[i].c != U'日') continue;
        found = {at, i + 1};
    }
    return found;
}

}  // namespace

std::optional<SignatureBlock> findSignatureBlock(const std::string& path, int pageNumber,
                                                 const std::string& password) {
    std::unique_ptr<poppler::document> doc;
    try {
        // Never shown: a failure here only means no signature block is found.
        doc = openForText(path, "Poppler cannot read the PDF to find its date", password);
    } catch (const Error&) {
        return std::nullopt;
    }
    if (pageNumber < 1 || pageNumber > doc->pages()) return std::nullopt;
    std::unique_ptr<poppler::page> page(doc->create_page(pageNumber - 1));
    if (!page) return std::nullopt;
    std::size_t seen = 0;
    const std::vector<Line> lines = intoLines(pageGlyphs(*page, seen, path));
    const double pageWidth = page->page_rect(poppler::crop_box).width();
    for (std::size_t k = lines.size(); k-- > 0;) {
        const auto [from, to] = lastDate(lines[k].glyphs);
        if (from == to) continue;
        const std::vector<Glyph>& g = lines[k].glyphs;
        double l = g[from].box.left(), t = g[from].box.top(), r = g[from].box.right(),
               b = g[from].box.bottom();
        for (std::size_t i = from + 1; i < to; ++i) {
            l = std::min(l, g[i].box.left());
            t = std::min(t, g[i].box.top());
            r = std::max(r, g[i].box.right());
            b = std::max(b, g[i].box.bottom());
        }
        SignatureBlock block;
        block.page = pageNumber;
        block.date = toMm(l, t, r, b);
        // The unit's name is the line right above the date: within two and a
        // half line heights, and not a line of the text running across the
        // page (a signature is set to the right, GB/T 9704-2012 7.3.5).
        if (k > 0) {
            const Line& above = lines[k - 1];
            const double height = b - t;
            if (t - above.b < 2.5 * height && above.r - above.l < 0.6 * pageWidth && above.r > l)
                block.unit = toMm(above.l, above.t, above.r, above.b);
        }
        return block;
    }
    return std::nullopt;
}

std::vector<TextHit> findText(const std::string& path, const std::string& text, int* pagesSearched,
                              const std::string& password) {
    std::u32string wanted;
    for (char32_t c : fromUtf8(text))
        if (!isSpace(c)) wanted.push_back(c);
    if (wanted.empty()) throw Error(ErrorCategory::Usage, tr("--keyword needs some text"));
    std::unique_ptr<poppler::document> doc =
        openForText(path, tr("Poppler cannot read the PDF to find the keyword"), password);
    std::vector<TextHit> hits;
    const int pages = doc->pages();
    if (pagesSearched) *pagesSearched = pages;
    std::size_t glyphsSeen = 0;
    for (int index = 0; index < pages; ++index) {
        std::unique_ptr<poppler::page> page(doc->create_page(index));
        if (!page) continue;
        const std::vector<Glyph> glyphs = pageGlyphs(*page, glyphsSeen, path);
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
            hits.push_back({index + 1, toMm(l, t, r, b)});
            at += wanted.size() - 1;  // occurrences do not overlap
        }
    }
    return hits;
}

std::vector<TextHit> chooseOccurrences(const std::vector<TextHit>& hits, const Placement& placement,
                                       int pagesSearched, const std::string& file) {
    const std::string searched =
        pagesSearched == 1 ? fill(tr("page {page}"), {{"{page}", "1"}})
                           : fill(tr("pages {from}-{to}"),
                                  {{"{from}", "1"}, {"{to}", std::to_string(std::max(pagesSearched, 0))}});
    const int n = placement.occurrence;
    if (hits.empty())
        throw Error(ErrorCategory::BadInput,
                    fill(tr("the text \"{text}\" is not on {pages} (searched as the pages display it; a "
                            "scanned page has no text)"),
                         {{"{text}", placement.keyword}, {"{pages}", searched}}),
                    file);
    if (n == Placement::kAllOccurrences) return hits;
    if (n == Placement::kLastOccurrence) return {hits.back()};
    if (n < 1 || static_cast<std::size_t>(n) > hits.size())
        throw Error(ErrorCategory::BadInput,
                    fill(hits.size() == 1 ? tr("the text \"{text}\" occurs 1 time on {pages}, not {want}")
                                          : tr("the text \"{text}\" occurs {n} times on {pages}, not {want}"),
                         {{"{text}", placement.keyword},
                          {"{n}", std::to_string(hits.size())},
                          {"{pages}", searched},
                          {"{want}", std::to_string(n)}}),
                    file);
    return {hits[static_cast<std::size_t>(n - 1)]};
}

}  // namespace eseal::pdf

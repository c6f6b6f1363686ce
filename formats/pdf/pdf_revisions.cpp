#include "formats/pdf/pdf_revisions.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <set>

#include "core/base/error.hpp"
#include "formats/pdf/pdf_input.hpp"

namespace eseal {

namespace {

using pdf::Cursor;
using pdf::FileReader;

// ISO 32000-1 7.2.2, table 1 (white-space) and table 2 (delimiters).
bool isWhite(int c) { return c == 0 || c == 9 || c == 10 || c == 12 || c == 13 || c == 32; }
bool isDelimiter(int c) {
    return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' || c == '}' ||
           c == '/' || c == '%';
}
bool isDigit(int c) { return c >= '0' && c <= '9'; }

// A lexer for the few structures read here (xref tables, trailers, the
// dictionary of a cross-reference stream). Objects are not built: values are
// only skipped or, at the top level of one dictionary, remembered as a token.
struct Token {
    enum Kind {
        Eof,
        Int,
        Real,
        Name,
        Keyword,
        String,
        HexString,
        DictOpen,
        DictClose,
        ArrayOpen,
        ArrayClose,
        Bad
    };
    Kind kind = Eof;
    std::string text;  // names without '/', keywords; bounded
    long long value = 0;
};

constexpr std::size_t kMaxTokenText = 256;

void skipWhiteAndComments(Cursor& c) {
    while (true) {
        int ch = c.peek();
        if (ch < 0) return;
        if (isWhite(ch)) {
            c.get();
        } else if (ch == '%') {
            while (ch >= 0 && ch != '\r' && ch != '\n') ch = c.get();
        } else {
            return;
        }
    }
}

Token nextToken(Cursor& c) {
    skipWhiteAndComments(c);
    Token t;
    int ch = c.get();
    if (ch < 0) return t;
    switch (ch) {
        case '<':
            if (c.peek() == '<') {
                c.get();
                t.kind = Token::DictOpen;
                return t;
            }
            t.kind = Token::HexString;
            while ((ch = c.get()) >= 0 && ch != '>') {
            }
            if (ch < 0) t.kind = Token::Bad;
            return t;
        case '>':
            if (c.get() == '>') {
                t.kind = Token::DictClose;
                return t;
            }
            t.kind = Token::Bad;
            return t;
        case '[':
            t.kind = Token::ArrayOpen;
            return t;
        case ']':
            t.kind = Token::ArrayClose;
            return t;
        case '(': {
            // Literal string: balanced parentheses, backslash escapes (7.3.4.2).
            int depth = 1;
            while (depth > 0) {
                ch = c.get();
                if (ch < 0) {
                    t.kind = Token::Bad;
                    return t;
                }
                if (ch == '\\') {
                    c.get();
                } else if (ch == '(') {
                    ++depth;
                } else if (ch == ')') {
                    --depth;
                }
            }
            t.kind = Token::String;
            return t;
        }
        case '/':
            t.kind = Token::Name;
            while ((ch = c.peek()) >= 0 && !isWhite(ch) && !isDelimiter(ch)) {
                if (t.text.size() < kMaxTokenText) t.text.push_back(static_cast<char>(ch));
                c.get();
            }
            return t;
        case ')':
        case '{':
        case '}':
            t.kind = Token::Bad;
            return t;
        default:
            break;
    }
    // A number or a keyword: a run of regular characters.
    t.text.push_back(static_cast<char>(ch));
    while ((ch = c.peek()) >= 0 && !isWhite(ch) && !isDelimiter(ch)) {
        if (t.text.size() < kMaxTokenText) t.text.push_back(static_cast<char>(ch));
        c.get();
    }
    bool digits = !t.text.empty() && t.text.size() <= 18;
    for (std::size_t i = 0; i < t.text.size() && digits; ++i) {
        char d = t.text[i];
        if (!isDigit(d) && !(i == 0 && (d == '+' || d == '-') && t.text.size() > 1)) digits = false;
    }
    if (digits) {
        t.kind = Token::Int;
        t.value = std::stoll(t.text);
    } else if (t.text.find_first_not_of("+-.0123456789") == std::string::npos) {
        t.kind = Token::Real;
    } else {
        t.kind = Token::Keyword;
    }
    return t;
}

constexpr int kMaxNesting = 64;

// Skips the rest of a dictionary or array whose opening token was just read.
bool skipContainer(Cursor& c, Token::Kind close, int depth) {
    if (depth > kMaxNesting) return false;
    while (true) {
        Token t = nextToken(c);
        if (t.kind == Token::Eof || t.kind == Token::Bad) return false;
        if (t.kind == close) return true;
        if (t.kind == Token::DictOpen && !skipContainer(c, Token::DictClose, depth + 1)) return false;
        if (t.kind == Token::ArrayOpen && !skipContainer(c, Token::ArrayClose, depth + 1)) return false;
        if (t.kind == Token::DictClose || t.kind == Token::ArrayClose) return false;
    }
}

// The top-level entries of a dictionary whose "<<" was just read: each key's
// first value token (an indirect reference "n g R" gives its object number).
std::optional<std::map<std::string, Token>> readDictionary(Cursor& c) {
    std::map<std::string, Token> out;
    std::optional<std::string> key;
    while (true) {
        Token t = nextToken(c);
        switch (t.kind) {
            case Token::Eof:
            case Token::Bad:
            case Token::ArrayClose:
                return std::nullopt;
            case Token::DictClose:
                return out;
            case Token::DictOpen:
                if (!skipContainer(c, Token::DictClose, 1)) return std::nullopt;
                if (key) out.emplace(*key, t);
                key.reset();
                break;
            case Token::ArrayOpen:
                if (!skipContainer(c, Token::ArrayClose, 1)) return std::nullopt;
                if (key) out.emplace(*key, t);
                key.reset();
                break;
            case Token::Name:
                if (key) {
                    out.emplace(*key, t);
                    key.reset();
                } else {
                    key = t.text;
                }
                break;
            default:
                // The generation and "R" of a reference follow its value: skipped.
                if (key) out.emplace(*key, t);
                key.reset();
                break;
        }
    }
}

struct Section {
    bool stream = false;
    std::optional<std::uint64_t> prev;
};

std::optional<std::uint64_t> intEntry(const std::map<std::string, Token>& dict, const char* key) {
    auto it = dict.find(key);
    if (it == dict.end() || it->second.kind != Token::Int || it->second.value < 0) return std::nullopt;
    return static_cast<std::uint64_t>(it->second.value);
}

// Reads the cross-reference section a startxref points at: a table (7.5.4)
// followed by its trailer (7.5.5), or a cross-reference stream object (7.5.8).
std::optional<Section> readSection(const FileReader& file, std::uint64_t offset, std::uint64_t limit) {
    if (offset >= limit) return std::nullopt;
    Cursor c(file, offset, limit);
    Token first = nextToken(c);
    if (c.tell() != offset + first.text.size()) return std::nullopt;  // must start exactly at the offset
    if (first.kind == Token::Keyword && first.text == "xref") {
        while (true) {
            Token t = nextToken(c);
            if (t.kind == Token::Keyword && t.text == "trailer") break;
            if (t.kind != Token::Int) return std::nullopt;
            Token count = nextToken(c);
            if (count.kind != Token::Int || count.value < 0) return std::nullopt;
            // Each entry "nnnnnnnnnn ggggg n" is 20 bytes (7.5.4); check, do not trust, them.
            if (static_cast<std::uint64_t>(count.value) > (limit - c.tell()) / 6) return std::nullopt;
            for (long long i = 0; i < count.value; ++i) {
                Token off = nextToken(c);
                Token gen = nextToken(c);
                Token type = nextToken(c);
                if (off.kind != Token::Int || gen.kind != Token::Int || type.kind != Token::Keyword ||
                    (type.text != "n" && type.text != "f"))
                    return std::nullopt;
            }
        }
        if (nextToken(c).kind != Token::DictOpen) return std::nullopt;
        auto dict = readDictionary(c);
        if (!dict) return std::nullopt;
        // A hybrid-reference file's /XRefStm (7.5.8.4) does not make it a stream revision.
        return Section{false, intEntry(*dict, "Prev")};
    }
    if (first.kind != Token::Int) return std::nullopt;
    Token gen = nextToken(c);
    Token obj = nextToken(c);
    if (gen.kind != Token::Int || obj.kind != Token::Keyword || obj.text != "obj") return std::nullopt;
    if (nextToken(c).kind != Token::DictOpen) return std::nullopt;
    auto dict = readDictionary(c);
    if (!dict) return std::nullopt;
    auto type = dict->find("Type");
    if (type == dict->end() || type->second.kind != Token::Name || type->second.text != "XRef")
        return std::nullopt;
    return Section{true, intEntry(*dict, "Prev")};
}

// "startxref <n> %%EOF" at the end of a revision (7.5.5).
struct Marker {
    std::uint64_t pos = 0;     // of "startxref"
    std::uint64_t offset = 0;  // the <n>
    std::uint64_t end = 0;     // past %%EOF and its EOL
};

std::optional<Marker> readMarker(const FileReader& file, std::uint64_t pos) {
    Cursor c(file, pos + 9, file.size());
    auto skipWhite = [&] {
        while (c.peek() >= 0 && isWhite(c.peek())) c.get();
    };
    skipWhite();
    std::string digits;
    while (isDigit(c.peek()) && digits.size() < 19) digits.push_back(static_cast<char>(c.get()));
    if (digits.empty() || isDigit(c.peek())) return std::nullopt;
    skipWhite();
    for (const char* p = "%%EOF"; *p; ++p)
        if (c.get() != *p) return std::nullopt;
    // The EOL after %%EOF belongs to this revision; CR, LF or CR LF. Spaces or
    // tabs before it are tolerated.
    std::uint64_t afterEof = c.tell();
    while (c.peek() == ' ' || c.peek() == '\t') c.get();
    if (c.peek() == '\r') {
        c.get();
        if (c.peek() == '\n') c.get();
    } else if (c.peek() == '\n') {
        c.get();
    } else {
        c.seek(afterEof);
    }
    return Marker{pos, std::stoull(digits), c.tell()};
}

// Every "startxref" keyword in the file, read in bounded chunks.
std::vector<std::uint64_t> findStartxrefKeywords(const FileReader& file) {
    static constexpr char kWord[] = "startxref";
    constexpr std::size_t kLen = sizeof kWord - 1;
    constexpr std::size_t kChunk = 1 << 20;
    std::vector<std::uint64_t> hits;
    std::string buf;
    for (std::uint64_t off = 0; off < file.size(); off += kChunk) {
        buf = file.readString(off, kChunk + kLen - 1);
        std::size_t from = 0;
        while ((from = buf.find(kWord, from)) != std::string::npos) {
            if (from < kChunk) hits.push_back(off + from);
            from += kLen;
        }
    }
    return hits;
}

}  // namespace

std::vector<PdfRevision> scanRevisions(const std::string& path) {
    FileReader file(path);
    if (file.size() == 0) throw Error(ErrorCategory::BadInput, "the file is empty", path);

    // Markers whose startxref points at a real cross-reference section.
    std::vector<Marker> markers;
    std::map<std::pair<std::uint64_t, std::uint64_t>, std::optional<Section>> sections;
    auto section = [&](std::uint64_t offset, std::uint64_t limit) {
        auto key = std::make_pair(offset, limit);
        auto it = sections.find(key);
        if (it == sections.end()) it = sections.emplace(key, readSection(file, offset, limit)).first;
        return it->second;
    };
    for (std::uint64_t pos : findStartxrefKeywords(file)) {
        auto m = readMarker(file, pos);
        if (!m || m->offset >= m->pos) continue;  // a "%%EOF" in a stream, or a linearized 0 placeholder
        if (section(m->offset, m->pos)) markers.push_back(*m);
    }
    if (markers.empty())
        throw Error(ErrorCategory::BadInput,
                    "no valid startxref / %%EOF found: not a PDF, or truncated or damaged", path);

    // Follow /Prev back from the last revision (7.5.6). A /Prev that points
    // forward is a linearized file's first-page section pointing at its main
    // section (Annex F.3.4): both belong to one revision.
    struct Link {
        std::uint64_t offset;
        std::uint64_t regionStart;  // where this revision's final section starts
    };
    std::vector<Link> chain;
    std::set<std::uint64_t> visited;
    std::uint64_t offset = markers.back().offset;
    while (visited.insert(offset).second) {
        auto s = section(offset, file.size());
        if (!s) break;
        Link link{offset, offset};
        std::optional<std::uint64_t> prev = s->prev;
        if (prev && *prev > offset && !visited.count(*prev)) {
            visited.insert(*prev);
            if (auto main = section(*prev, file.size())) {
                link.regionStart = *prev;
                prev = main->prev;
            }
        }
        chain.push_back(link);
        if (!prev || *prev >= offset) break;
        offset = *prev;
    }

    // Each section's revision ends at the first marker after it naming it;
    // failing that (a writer whose /Prev names a linearized main section),
    // at the first valid marker after it.
    std::vector<PdfRevision> revisions;
    std::set<std::uint64_t> ends;
    for (const Link& link : chain) {
        const Marker* found = nullptr;
        for (const Marker& m : markers)
            if (m.pos > link.regionStart && m.offset == link.offset) {
                found = &m;
                break;
            }
        if (!found)
            for (const Marker& m : markers)
                if (m.pos > link.regionStart) {
                    found = &m;
                    break;
                }
        if (!found || !ends.insert(found->end).second) continue;
        PdfRevision r;
        r.startxref = found->offset;
        r.xrefStream = section(found->offset, file.size())->stream;
        r.end = found->end;
        revisions.push_back(r);
    }
    std::sort(revisions.begin(), revisions.end(),
              [](const PdfRevision& a, const PdfRevision& b) { return a.end < b.end; });
    for (std::size_t i = 0; i < revisions.size(); ++i) revisions[i].index = static_cast<int>(i + 1);
    return revisions;
}

}  // namespace eseal

#include "formats/pdf/pdf_revisions.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
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
    // A value that is an array or a dictionary, read at the top level of a
    // dictionary: an array's integers and names; a dictionary's integer entries.
    std::vector<long long> ints;
    std::vector<std::string> names;
    std::map<std::string, long long> entries;
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

constexpr std::size_t kMaxArrayItems = 4096;

// The rest of an array whose "[" was just read: its integers and names (at
// most kMaxArrayItems; nested values skipped).
bool readFlatArray(Cursor& c, Token& into) {
    while (true) {
        Token t = nextToken(c);
        switch (t.kind) {
            case Token::ArrayClose:
                return true;
            case Token::Eof:
            case Token::Bad:
            case Token::DictClose:
                return false;
            case Token::ArrayOpen:
                if (!skipContainer(c, Token::ArrayClose, 1)) return false;
                break;
            case Token::DictOpen:
                if (!skipContainer(c, Token::DictClose, 1)) return false;
                break;
            case Token::Int:
                if (into.ints.size() < kMaxArrayItems) into.ints.push_back(t.value);
                break;
            case Token::Name:
                if (into.names.size() < kMaxArrayItems) into.names.push_back(t.text);
                break;
            default:
                break;
        }
    }
}

// The top-level entries of a dictionary whose "<<" was just read: each key's
// first value token (an indirect reference "n g R" gives its object number;
// an array its integers and names, a dictionary its integer entries).
std::optional<std::map<std::string, Token>> readDictionary(Cursor& c, int depth = 0) {
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
                if (depth < 1) {
                    auto sub = readDictionary(c, depth + 1);
                    if (!sub) return std::nullopt;
                    for (const auto& [k, v] : *sub)
                        if (v.kind == Token::Int) t.entries.emplace(k, v.value);
                } else if (!skipContainer(c, Token::DictClose, depth + 1)) {
                    return std::nullopt;
                }
                if (key) out.emplace(*key, t);
                key.reset();
                break;
            case Token::ArrayOpen:
                if (!readFlatArray(c, t)) return std::nullopt;
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

// The keywords the scan looks for, read once over the file in bounded chunks:
// every "startxref", and the places where a cross-reference section may start
// (a "xref" keyword, a "/XRef" type), for when a startxref or /Prev misses.
struct Landmarks {
    std::vector<std::uint64_t> startxrefs;
    std::vector<std::uint64_t> xrefKeywords;  // "xref" not part of "startxref"
    std::vector<std::uint64_t> xrefTypes;     // "/XRef" (a stream dictionary's /Type)
};

Landmarks findLandmarks(const FileReader& file) {
    constexpr std::size_t kChunk = 1 << 20;
    constexpr std::size_t kOverlap = 16;
    Landmarks out;
    std::string buf;
    for (std::uint64_t off = 0; off < file.size(); off += kChunk) {
        buf = file.readString(off, kChunk + kOverlap);
        auto each = [&](const char* word, auto&& take) {
            const std::size_t len = std::strlen(word);
            std::size_t from = 0;
            while ((from = buf.find(word, from)) != std::string::npos) {
                if (from < kChunk) take(from);
                from += len;
            }
        };
        each("startxref", [&](std::size_t at) { out.startxrefs.push_back(off + at); });
        each("xref", [&](std::size_t at) {
            const bool inStartxref = (at >= 5 && buf.compare(at - 5, 5, "start") == 0) ||
                                     (at < 5 && off >= 5 && file.readString(off + at - 5, 5) == "start");
            const int next = at + 4 < buf.size() ? static_cast<unsigned char>(buf[at + 4]) : -1;
            if (!inStartxref && next >= 0 && isWhite(next)) out.xrefKeywords.push_back(off + at);
        });
        each("/XRef", [&](std::size_t at) {
            const int next = at + 5 < buf.size() ? static_cast<unsigned char>(buf[at + 5]) : -1;
            if (next < 0 || isWhite(next) || isDelimiter(next)) out.xrefTypes.push_back(off + at);
        });
    }
    return out;
}

// How far from a startxref or /Prev a section is looked for. Writers that
// miss count a line end or a few header bytes wrong; farther is a scan.
constexpr std::uint64_t kWindow = 1024;
// How far before its "/XRef" type a stream section's "n g obj" may be.
constexpr std::uint64_t kMaxXrefStreamHeader = 4096;

std::string offsetText(std::uint64_t v) { return std::to_string(v); }

class Scanner {
public:
    explicit Scanner(const FileReader& file) : file_(file), marks_(findLandmarks(file)) {}

    const Landmarks& landmarks() const { return marks_; }

    std::optional<Section> section(std::uint64_t offset, std::uint64_t limit) {
        auto key = std::make_pair(offset, limit);
        auto it = cache_.find(key);
        if (it == cache_.end()) it = cache_.emplace(key, readSection(file_, offset, limit)).first;
        return it->second;
    }

    // The section nearest `offset` starting within kWindow of it (and before
    // `limit`): a table's "xref" or a stream's "n g obj" header.
    std::optional<std::uint64_t> near(std::uint64_t offset, std::uint64_t limit) {
        if (offset < limit && section(offset, limit)) return offset;
        std::optional<std::uint64_t> best;
        auto consider = [&](std::uint64_t at) {
            if (at >= limit) return;
            const std::uint64_t d = at > offset ? at - offset : offset - at;
            if (d > kWindow) return;
            if (best && (at > offset ? at - offset : offset - at) >=
                            (*best > offset ? *best - offset : offset - *best))
                return;
            if (section(at, limit)) best = at;
        };
        for (std::uint64_t at : candidates()) consider(at);
        return best;
    }

    // Every place in the file where a valid section starts, ascending.
    const std::vector<std::uint64_t>& candidates() {
        if (candidates_) return *candidates_;
        std::set<std::uint64_t> found;
        for (std::uint64_t at : marks_.xrefKeywords)
            if (section(at, file_.size())) found.insert(at);
        for (std::uint64_t type : marks_.xrefTypes)
            if (auto header = streamHeaderBefore(type)) found.insert(*header);
        candidates_ = std::vector<std::uint64_t>(found.begin(), found.end());
        return *candidates_;
    }

private:
    // The "n g obj" that begins the object whose dictionary holds the /XRef at `type`.
    std::optional<std::uint64_t> streamHeaderBefore(std::uint64_t type) {
        const std::uint64_t from = type > kMaxXrefStreamHeader ? type - kMaxXrefStreamHeader : 0;
        const std::string text = file_.readString(from, static_cast<std::size_t>(type - from));
        std::size_t obj = text.rfind("obj");
        while (obj != std::string::npos) {
            // Back over white space, the generation, white space, the number.
            std::size_t i = obj;
            auto backWhite = [&] {
                std::size_t n = 0;
                while (i > 0 && isWhite(static_cast<unsigned char>(text[i - 1]))) --i, ++n;
                return n;
            };
            auto backDigits = [&] {
                std::size_t n = 0;
                while (i > 0 && isDigit(static_cast<unsigned char>(text[i - 1]))) --i, ++n;
                return n;
            };
            if (backWhite() > 0 && backDigits() > 0 && backWhite() > 0 && backDigits() > 0) {
                const std::uint64_t at = from + i;
                auto s = section(at, file_.size());
                if (s && s->stream) return at;
            }
            if (obj == 0) break;
            obj = text.rfind("obj", obj - 1);
        }
        return std::nullopt;
    }

    const FileReader& file_;
    Landmarks marks_;
    std::map<std::pair<std::uint64_t, std::uint64_t>, std::optional<Section>> cache_;
    std::optional<std::vector<std::uint64_t>> candidates_;
};

struct FoundMarker {
    Marker m;
    std::uint64_t declared = 0;
    std::string repair;  // "" when startxref names the section exactly
};

}  // namespace

std::vector<PdfRevision> scanRevisions(const std::string& path) {
    FileReader file(path);
    if (file.size() == 0) throw Error(ErrorCategory::BadInput, "the file is empty", path);
    Scanner scan(file);

    // Markers whose startxref points at a real cross-reference section. One
    // that misses is corrected: to a section near it, else to the last section
    // between the previous %%EOF and this one; never to a section before the
    // previous %%EOF (a marker inside a stream then names nothing new).
    std::vector<Marker> raw;
    for (std::uint64_t pos : scan.landmarks().startxrefs)
        if (auto m = readMarker(file, pos)) raw.push_back(*m);
    std::vector<FoundMarker> markers;
    std::uint64_t previousEnd = 0;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        Marker m = raw[i];
        FoundMarker f{m, m.offset, ""};
        if (m.offset < m.pos && scan.section(m.offset, m.pos)) {
            markers.push_back(f);
        } else if (m.offset != 0) {  // 0: a linearized file's first-page placeholder
            // (An optional here trips GCC 12's -Wmaybe-uninitialized.)
            std::uint64_t at = 0;
            bool have = false;
            if (auto near = scan.near(m.offset, m.pos); near && *near >= previousEnd) {
                at = *near;  // an earlier revision's section is no new revision
                have = true;
            }
            if (!have)
                for (std::uint64_t c : scan.candidates())
                    if (c >= previousEnd && c < m.pos) {
                        at = c;
                        have = true;
                    }
            if (have) {
                f.m.offset = at;
                f.repair =
                    fill(tr("the startxref at byte {pos} names byte {declared}, but the cross-reference "
                            "section is at byte {found}; it was read from there"),
                         {{"{pos}", offsetText(m.pos)},
                          {"{declared}", offsetText(m.offset)},
                          {"{found}", offsetText(at)}});
                markers.push_back(f);
            }
        }
        previousEnd = m.end;
    }
    if (markers.empty())
        throw Error(ErrorCategory::BadInput,
                    "no valid startxref / %%EOF found: not a PDF, or truncated or damaged", path);

    // Follow /Prev back from the last revision (7.5.6). A /Prev that points
    // forward is a linearized file's first-page section pointing at its main
    // section (Annex F.3.4): both belong to one revision. A /Prev that misses
    // is corrected: to a section near it, else (backwards) to the section the
    // previous %%EOF's startxref names or (forwards) the last section before
    // the %%EOF that names this one.
    struct Link {
        std::uint64_t offset;
        std::uint64_t regionStart;  // where this revision's final section starts
        std::vector<std::uint64_t> sections;
        std::vector<std::string> repairs;
    };
    std::vector<Link> chain;
    std::set<std::uint64_t> visited;
    auto resolvePrev = [&](std::uint64_t from, std::uint64_t prev,
                           std::vector<std::string>& repairs) -> std::optional<std::uint64_t> {
        if (scan.section(prev, file.size())) return prev;
        std::optional<std::uint64_t> at;
        if (prev < from) {
            // Backwards: the previous revision is the one whose %%EOF comes last
            // before this section; a section merely near the offset may be older.
            for (const FoundMarker& m : markers)
                if (m.m.pos < from && m.m.offset < from && !visited.count(m.m.offset)) at = m.m.offset;
            if (!at) at = scan.near(prev, from);
        } else {
            at = scan.near(prev, file.size());
            if (at && (visited.count(*at) || *at <= from)) at.reset();
            std::uint64_t namer = file.size();
            for (const FoundMarker& m : markers)
                if (m.m.offset == from && m.m.pos > from) {
                    namer = m.m.pos;
                    break;
                }
            if (!at)
                for (std::uint64_t c : scan.candidates())
                    if (c > from && c < namer && !visited.count(c)) at = c;
        }
        if (at && visited.count(*at)) at.reset();
        if (at)
            repairs.push_back(fill(tr("the /Prev of the cross-reference section at byte {from} names byte "
                                      "{declared}, but the previous section is at byte {found}; it was read "
                                      "from there"),
                                   {{"{from}", offsetText(from)},
                                    {"{declared}", offsetText(prev)},
                                    {"{found}", offsetText(*at)}}));
        return at;
    };
    std::uint64_t offset = markers.back().m.offset;
    while (visited.insert(offset).second) {
        auto s = scan.section(offset, file.size());
        if (!s) break;
        Link link{offset, offset, {offset}, {}};
        std::optional<std::uint64_t> prev = s->prev;
        if (prev && *prev > offset && !visited.count(*prev)) {
            if (auto main = resolvePrev(offset, *prev, link.repairs)) {
                if (*main > offset) {
                    visited.insert(*main);
                    link.regionStart = *main;
                    link.sections.push_back(*main);
                    prev = scan.section(*main, file.size())->prev;
                } else {
                    prev = main;
                }
            }
        }
        if (prev && *prev < offset && !scan.section(*prev, file.size()))
            prev = resolvePrev(link.regionStart, *prev, link.repairs);
        chain.push_back(std::move(link));
        if (!prev || *prev >= offset) break;
        offset = *prev;
    }

    // Each section's revision ends at the first marker after it naming it;
    // failing that (a writer whose /Prev names a linearized main section),
    // at the first valid marker after it.
    std::vector<PdfRevision> revisions;
    std::set<std::uint64_t> ends;
    for (Link& link : chain) {
        const FoundMarker* found = nullptr;
        for (const FoundMarker& m : markers)
            if (m.m.pos > link.regionStart && m.m.offset == link.offset) {
                found = &m;
                break;
            }
        if (!found)
            for (const FoundMarker& m : markers)
                if (m.m.pos > link.regionStart) {
                    found = &m;
                    break;
                }
        if (!found || !ends.insert(found->m.end).second) continue;
        PdfRevision r;
        r.startxref = found->m.offset;
        r.declaredStartxref = found->declared;
        r.xrefStream = scan.section(found->m.offset, file.size())->stream;
        r.end = found->m.end;
        r.sections = std::move(link.sections);
        if (r.sections.empty() || r.sections.front() != r.startxref)
            r.sections.insert(r.sections.begin(), r.startxref);
        if (!found->repair.empty()) r.repairs.push_back(found->repair);
        for (auto& rep : link.repairs) r.repairs.push_back(std::move(rep));
        revisions.push_back(std::move(r));
    }
    std::sort(revisions.begin(), revisions.end(),
              [](const PdfRevision& a, const PdfRevision& b) { return a.end < b.end; });
    for (std::size_t i = 0; i < revisions.size(); ++i) revisions[i].index = static_cast<int>(i + 1);
    return revisions;
}

namespace pdf {

namespace {

constexpr std::uint64_t kMaxXrefStreamBytes = 8u << 20;  // raw; a stream of 1M objects is ~3 MiB deflated
constexpr std::uint64_t kMaxXrefEntries = 10'000'000;

// Later definitions of `from` are added to `into` where `into` has none (the
// sections are read newest first; 7.5.6).
void addMissing(std::map<int, XrefEntry>& into, const std::map<int, XrefEntry>& from) {
    for (const auto& [num, e] : from) into.emplace(num, e);
}

// FlateDecode (7.4.4) into at most `max` bytes; nullopt when the data is not
// zlib or inflates to more.
std::optional<std::string> inflateBounded(const std::string& in, std::size_t max) {
    z_stream z{};
    if (inflateInit(&z) != Z_OK) return std::nullopt;
    std::string out;
    char buf[1 << 14];
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    int rc = Z_OK;
    while (rc == Z_OK) {
        z.next_out = reinterpret_cast<Bytef*>(buf);
        z.avail_out = sizeof buf;
        rc = inflate(&z, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) break;
        out.append(buf, sizeof buf - z.avail_out);
        if (out.size() > max) {
            inflateEnd(&z);
            return std::nullopt;
        }
        if (rc == Z_BUF_ERROR) break;  // input ended without the stream end: keep what came
    }
    inflateEnd(&z);
    if (rc != Z_STREAM_END && rc != Z_BUF_ERROR && rc != Z_OK) return std::nullopt;
    return out;
}

// PNG predictors (7.4.4.4, Table 10 /Predictor >= 10): each row starts with
// its filter type byte. nullopt for a bad filter type.
std::optional<std::string> unpredictPng(const std::string& in, std::size_t columns) {
    if (columns == 0) return std::nullopt;
    const std::size_t stride = columns + 1;
    std::string out;
    out.reserve(in.size() / stride * columns);
    std::string prior(columns, '\0');
    for (std::size_t at = 0; at + stride <= in.size(); at += stride) {
        const int type = static_cast<unsigned char>(in[at]);
        std::string row = in.substr(at + 1, columns);
        for (std::size_t i = 0; i < columns; ++i) {
            const int left = i > 0 ? static_cast<unsigned char>(row[i - 1]) : 0;  // bpp 1: entries are bytes
            const int up = static_cast<unsigned char>(prior[i]);
            const int upLeft = i > 0 ? static_cast<unsigned char>(prior[i - 1]) : 0;
            int add = 0;
            switch (type) {
                case 0:
                    break;
                case 1:
                    add = left;
                    break;
                case 2:
                    add = up;
                    break;
                case 3:
                    add = (left + up) / 2;
                    break;
                case 4: {
                    const int p = left + up - upLeft;
                    const int pa = std::abs(p - left), pb = std::abs(p - up), pc = std::abs(p - upLeft);
                    add = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
                    break;
                }
                default:
                    return std::nullopt;
            }
            row[i] = static_cast<char>((static_cast<unsigned char>(row[i]) + add) & 0xff);
        }
        out += row;
        prior = row;
    }
    return out;
}

bool readStreamEntries(const FileReader& file, std::uint64_t offset, std::map<int, XrefEntry>& out,
                       std::string& problem) {
    const std::string where = "the cross-reference stream at byte " + std::to_string(offset);
    Cursor c(file, offset, file.size());
    for (int i = 0; i < 3; ++i) nextToken(c);  // n g obj (checked by the scan)
    std::optional<std::map<std::string, Token>> dict;
    if (nextToken(c).kind == Token::DictOpen) dict = readDictionary(c);
    if (!dict) {
        problem = where + " has no dictionary";
        return false;
    }
    auto length = intEntry(*dict, "Length");
    auto size = intEntry(*dict, "Size");
    auto w = dict->find("W");
    if (!length || *length > kMaxXrefStreamBytes || !size || w == dict->end() ||
        w->second.kind != Token::ArrayOpen || w->second.ints.size() != 3) {
        problem = where + " lacks a direct /Length, /W or /Size (7.5.8.2)";
        return false;
    }
    Token kw = nextToken(c);
    if (kw.kind != Token::Keyword || kw.text != "stream") {
        problem = where + " has no stream data";
        return false;
    }
    if (c.peek() == '\r') c.get();
    if (c.peek() == '\n') c.get();
    std::string data = file.readString(c.tell(), static_cast<std::size_t>(*length));

    std::size_t row = 0;
    int widths[3];
    for (int i = 0; i < 3; ++i) {
        const long long v = w->second.ints[static_cast<std::size_t>(i)];
        if (v < 0 || v > 8) {
            problem = where + " has a bad /W";
            return false;
        }
        widths[i] = static_cast<int>(v);
        row += static_cast<std::size_t>(v);
    }
    std::vector<std::pair<long long, long long>> index;
    auto idx = dict->find("Index");
    if (idx != dict->end() && idx->second.kind == Token::ArrayOpen) {
        for (std::size_t i = 0; i + 1 < idx->second.ints.size(); i += 2)
            index.emplace_back(idx->second.ints[i], idx->second.ints[i + 1]);
    } else {
        index.emplace_back(0, static_cast<long long>(*size));
    }
    std::uint64_t total = 0;
    for (const auto& [first, count] : index) {
        total += static_cast<std::uint64_t>(count < 0 ? 0 : count);
        if (first < 0 || count < 0 || total > kMaxXrefEntries ||
            first + count > std::numeric_limits<int>::max()) {
            problem = where + " has a bad /Index";
            return false;
        }
    }
    // 7.4: only FlateDecode (with a PNG predictor) or no filter is seen in xref streams.
    auto filter = dict->find("Filter");
    if (filter != dict->end()) {
        const Token& f = filter->second;
        const bool flate = (f.kind == Token::Name && f.text == "FlateDecode") ||
                           (f.kind == Token::ArrayOpen && f.names.size() == 1 && f.names[0] == "FlateDecode");
        if (!flate) {
            problem = where + " uses a filter eseal does not decode";
            return false;
        }
        auto inflated = inflateBounded(data, static_cast<std::size_t>(total * (row + 1) + 1024));
        if (!inflated) {
            problem = where + " does not inflate";
            return false;
        }
        data = std::move(*inflated);
        auto parms = dict->find("DecodeParms");
        if (parms != dict->end() && parms->second.kind == Token::DictOpen) {
            const auto& e = parms->second.entries;
            auto predictor = e.find("Predictor");
            if (predictor != e.end() && predictor->second >= 10) {
                auto columns = e.find("Columns");
                auto plain = unpredictPng(
                    data, columns == e.end() ? 1 : static_cast<std::size_t>(std::max(0LL, columns->second)));
                if (!plain) {
                    problem = where + " has a bad PNG predictor";
                    return false;
                }
                data = std::move(*plain);
            } else if (predictor != e.end() && predictor->second == 2) {
                problem = where + " uses a TIFF predictor eseal does not decode";
                return false;
            }
        }
    }

    std::size_t at = 0;
    std::map<int, XrefEntry> mine;
    for (const auto& [first, count] : index) {
        for (long long i = 0; i < count; ++i) {
            if (at + row > data.size()) {
                problem = where + " is shorter than its /Index";
                return false;
            }
            std::uint64_t f[3] = {1, 0, 0};  // Table 17: type 1 when its width is 0
            for (int k = 0; k < 3; ++k) {
                if (widths[k] == 0) continue;
                std::uint64_t v = 0;
                for (int b = 0; b < widths[k]; ++b) v = v << 8 | static_cast<unsigned char>(data[at++]);
                f[k] = v;
            }
            XrefEntry e;
            e.type = f[0] <= 2 ? static_cast<int>(f[0]) : -1;  // other types are null references (7.5.8.3)
            e.offset = f[1];
            if (e.type == 2)
                e.streamIndex = f[2];
            else
                e.gen = static_cast<int>(f[2] & 0xffff);
            if (e.type >= 0) mine.emplace(static_cast<int>(first + i), e);
        }
    }
    addMissing(out, mine);
    return true;
}

bool readTableEntries(const FileReader& file, std::uint64_t offset, std::map<int, XrefEntry>& out,
                      std::string& problem) {
    Cursor c(file, offset, file.size());
    nextToken(c);  // xref
    std::map<int, XrefEntry> mine;
    while (true) {
        Token t = nextToken(c);
        if (t.kind == Token::Keyword && t.text == "trailer") break;
        Token count = nextToken(c);
        if (t.kind != Token::Int || t.value < 0 || count.kind != Token::Int || count.value < 0 ||
            t.value + count.value > std::numeric_limits<int>::max()) {
            problem = "the cross-reference table at byte " + std::to_string(offset) + " cannot be read";
            return false;
        }
        for (long long i = 0; i < count.value; ++i) {
            Token off = nextToken(c), gen = nextToken(c), type = nextToken(c);
            if (off.kind != Token::Int || gen.kind != Token::Int || type.kind != Token::Keyword) {
                problem = "the cross-reference table at byte " + std::to_string(offset) + " cannot be read";
                return false;
            }
            XrefEntry e;
            e.type = type.text == "n" ? 1 : 0;
            e.gen = static_cast<int>(gen.value & 0xffff);
            e.offset = static_cast<std::uint64_t>(off.value < 0 ? 0 : off.value);
            mine.emplace(static_cast<int>(t.value + i), e);  // 7.5.4: the first entry for a number counts
        }
    }
    if (nextToken(c).kind == Token::DictOpen)
        if (auto dict = readDictionary(c))
            if (auto stm = intEntry(*dict, "XRefStm")) {
                // 7.5.8.4: a hybrid file's stream gives the objects its table leaves free.
                std::map<int, XrefEntry> hidden;
                if (!readSection(file, *stm, file.size()) || !readStreamEntries(file, *stm, hidden, problem))
                    return false;
                for (const auto& [num, e] : hidden) {
                    auto it = mine.find(num);
                    if (it == mine.end() || it->second.type == 0) mine[num] = e;
                }
            }
    addMissing(out, mine);
    return true;
}

}  // namespace

std::optional<std::map<int, XrefEntry>> readXrefEntries(const std::string& path,
                                                        const std::vector<PdfRevision>& revisions,
                                                        int revision, std::string& problem) {
    FileReader file(path);
    std::map<int, XrefEntry> out;
    try {
        for (int r = revision; r >= 1; --r)
            for (std::uint64_t offset : revisions.at(static_cast<std::size_t>(r - 1)).sections) {
                auto s = readSection(file, offset, file.size());
                if (!s) {
                    problem = "no cross-reference section at byte " + std::to_string(offset);
                    return std::nullopt;
                }
                if (!(s->stream ? readStreamEntries(file, offset, out, problem)
                                : readTableEntries(file, offset, out, problem)))
                    return std::nullopt;
            }
    } catch (const std::exception& e) {
        problem = e.what();
        return std::nullopt;
    }
    return out;
}

}  // namespace pdf

}  // namespace eseal

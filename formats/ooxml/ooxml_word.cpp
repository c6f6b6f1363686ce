#include "formats/ooxml/ooxml_word.hpp"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <exception>
#include <optional>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/package/xml.hpp"
#include "core/xmldsig/xmldsig.hpp"

namespace eseal::ooxml {

namespace {

constexpr const char* kWordNs = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
constexpr const char* kCompatibilityNs = "http://schemas.openxmlformats.org/markup-compatibility/2006";
constexpr const char* kXmlNs = "http://www.w3.org/XML/1998/namespace";

const xmlChar* X(const char* s) { return reinterpret_cast<const xmlChar*>(s); }
std::string S(const xmlChar* s) { return s ? reinterpret_cast<const char*>(s) : ""; }

// White space a reader does not see as part of a word (as for a PDF keyword).
bool isSpace(char32_t c) {
    return c == U' ' || c == U'\t' || c == U'\n' || c == U'\r' || c == U'\f' || c == 0x3000 || c == 0xA0;
}

std::u32string withoutSpaces(const std::string& utf8) {
    std::u32string out;
    for (std::size_t i = 0; i < utf8.size();) {
        const auto c = static_cast<unsigned char>(utf8[i]);
        const int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
        char32_t cp = len == 1 ? c : c & (0x7f >> len);
        for (int k = 1; k < len && i + k < utf8.size(); ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3f);
        i += static_cast<std::size_t>(len);
        if (!isSpace(cp)) out.push_back(cp);
    }
    return out;
}

// The qualified name and namespace declarations of an element as SAX2 gives them.
std::string qname(const xmlChar* prefix, const xmlChar* local) {
    return prefix ? S(prefix) + ":" + S(local) : S(local);
}
std::string declarations(int count, const xmlChar** namespaces) {
    std::string out;
    for (int i = 0; i < count; ++i) {
        const xmlChar* prefix = namespaces[2 * i];
        out += prefix ? " xmlns:" + S(prefix) + "=\"" : std::string(" xmlns=\"");
        out += xmldsig::escape(S(namespaces[2 * i + 1])) + "\"";
    }
    return out;
}

// What splitting a run needs of it: the start tag again (without its
// attributes: rsids only) and its properties (the bytes from the end of its
// start tag to the end of its w:rPr, the first child when present).
struct RunInfo {
    std::string qname, declarations;
    std::uint64_t startTagEnd = 0;
    std::int64_t propertiesEnd = -1;
};

struct TextInfo {
    RunInfo run;
    std::string qname, declarations;
    std::uint64_t gt = 0;     // offset of the start tag's '>'
    bool spaceGiven = false;  // it has an xml:space attribute
    bool usable = true;       // false when elements sit inside it (not WordprocessingML)
    std::uint64_t count = 0;  // characters (code points) read so far
};

// A character of a paragraph's text: code point `index` of a w:t, or none
// (a w:noBreakHyphen).
struct At {
    std::shared_ptr<TextInfo> text;
    std::uint64_t index = 0;
};

// An element where the seal can go at the end: its start tag, last child.
struct Container {
    bool present = false;
    std::string qname;
    std::uint64_t gt = 0;
    bool selfClosing = false;
    std::int64_t lastChildEnd = -1;
};

}  // namespace

struct WordSpot {
    bool keyword = false;
    long maxId = 0;
    At anchor;                    // keyword: the middle character
    Container paragraph, body;    // no keyword: the body's last paragraph, else the body
    std::int64_t sectionAt = -1;  // where a new paragraph goes: before the body's w:sectPr
};

namespace {

struct Open {
    enum Kind : std::uint8_t { Other, Body, Paragraph, Run, RunProperties, Text, Fallback };
    Kind kind = Other;
    std::uint64_t gt = 0;
    bool selfClosing = false;
    std::int64_t lastChildEnd = -1;
    int children = 0;
    std::shared_ptr<RunInfo> run;
};

struct Scan {
    explicit Scan(const Placement& p) : placement(p), keyword(withoutSpaces(p.keyword)) {}
    const Placement& placement;
    const std::u32string keyword;
    WordSpot spot;
    std::vector<Open> open;
    std::vector<std::deque<std::pair<char32_t, At>>> paragraphs;  // the last characters of each open w:p
    int fallback = 0;  // depth inside mc:Fallback (its content repeats mc:Choice's)
    bool inBody = false;
    std::shared_ptr<TextInfo> text;  // the w:t being read
    char32_t cp = 0;                 // the code point being decoded, its index and bytes still due
    std::uint64_t cpIndex = 0;
    int due = 0;
    int found = 0;
    std::exception_ptr failure;

    void fail(void* ctx, const Error& e) {
        if (!failure) failure = std::make_exception_ptr(e);
        xmlStopParser(static_cast<xmlParserCtxtPtr>(ctx));
    }

    void feed(char32_t c, At at) {
        auto& window = paragraphs.back();
        window.emplace_back(c, std::move(at));
        if (window.size() > keyword.size()) window.pop_front();
        if (window.size() < keyword.size()) return;
        for (std::size_t i = 0; i < keyword.size(); ++i)
            if (window[i].first != keyword[i]) return;
        // The middle character (code point floor(n/2) of the keyword), else the nearest one in a w:t.
        const std::size_t mid = keyword.size() / 2;
        std::optional<At> anchor;
        for (std::size_t d = 0; d <= keyword.size() && !anchor; ++d) {
            for (const std::size_t i : {mid + d, mid - d}) {
                if (i < window.size() && window[i].second.text && !anchor) anchor = window[i].second;
            }
        }
        window.clear();
        if (!anchor) return;
        ++found;
        if (placement.occurrence == found || placement.occurrence == Placement::kLastOccurrence)
            spot.anchor = *anchor;
    }
};

Scan& scanOf(void* ctx) { return *static_cast<Scan*>(static_cast<xmlParserCtxtPtr>(ctx)->_private); }

void startElement(void* ctx, const xmlChar* local, const xmlChar* prefix, const xmlChar* uri,
                  int nbNamespaces, const xmlChar** namespaces, int nbAttributes, int,
                  const xmlChar** attributes) {
    Scan& s = scanOf(ctx);
    if (s.failure) return;
    auto* parser = static_cast<xmlParserCtxtPtr>(ctx);
    xmlParserInputPtr in = parser->input;
    // The splices are byte offsets into the part: its bytes must be the characters the parser reads.
    if (s.open.empty() && in->buf && in->buf->encoder)
        return s.fail(ctx, Error(ErrorCategory::Unsupported, tr("the Word document is not in UTF-8")));
    // SAX2 calls this with the input at the start tag's '>' or "/>" (libxml2's xmlParseStartTag2),
    // the whole tag in the buffer (the push parser waits for its '>').
    const xmlChar* gt = in->cur;
    if (gt < in->end && *gt == '/') ++gt;
    if (gt >= in->end || *gt != '>')
        return s.fail(ctx, Error(ErrorCategory::Internal, tr("cannot place the seal in the Word document")));
    Open o;
    o.gt = static_cast<std::uint64_t>(xmlByteConsumed(parser)) + static_cast<std::uint64_t>(gt - in->cur);
    o.selfClosing = gt != in->cur;
    Open* parent = s.open.empty() ? nullptr : &s.open.back();
    if (parent) ++parent->children;
    const bool word = uri && xmlStrEqual(uri, X(kWordNs));
    const char* name = reinterpret_cast<const char*>(local);
    if (xmlStrEqual(local, X("docPr")))
        s.spot.maxId = std::max(
            s.spot.maxId,
            std::strtol(package::saxAttribute(attributes, nbAttributes, nullptr, "id").value_or("").c_str(),
                        nullptr, 10));
    if (parent && parent->kind == Open::Text) s.text->usable = false;
    if (uri && xmlStrEqual(uri, X(kCompatibilityNs)) && std::strcmp(name, "Fallback") == 0) {
        o.kind = Open::Fallback;
        ++s.fallback;
    } else if (word && s.open.size() == 1 && std::strcmp(name, "body") == 0) {
        o.kind = Open::Body;
        s.inBody = true;
    } else if (word && s.inBody && s.fallback == 0) {
        const bool inRun = parent && parent->kind == Open::Run;
        if (std::strcmp(name, "p") == 0) {
            o.kind = Open::Paragraph;
            s.paragraphs.emplace_back();
        } else if (std::strcmp(name, "r") == 0) {
            o.kind = Open::Run;
            o.run = std::make_shared<RunInfo>(
                RunInfo{qname(prefix, local), declarations(nbNamespaces, namespaces), o.gt + 1, -1});
        } else if (inRun && std::strcmp(name, "rPr") == 0 && parent->children == 1) {
            o.kind = Open::RunProperties;
        } else if (inRun && std::strcmp(name, "t") == 0 && !s.paragraphs.empty()) {
            o.kind = Open::Text;
            s.text = std::make_shared<TextInfo>();
            s.text->run = *parent->run;
            s.text->qname = qname(prefix, local);
            s.text->declarations = declarations(nbNamespaces, namespaces);
            s.text->gt = o.gt;
            s.text->spaceGiven = package::saxAttribute(attributes, nbAttributes, kXmlNs, "space").has_value();
            s.due = 0;
        } else if (inRun && std::strcmp(name, "noBreakHyphen") == 0 && !s.paragraphs.empty()) {
            s.feed(U'-', At{});  // ECMA-376 part 1 17.3.3.18: a hyphen that does not break
        } else if (parent && parent->kind == Open::Body && std::strcmp(name, "sectPr") == 0 &&
                   s.spot.sectionAt < 0) {
            s.spot.sectionAt =
                parent->lastChildEnd >= 0 ? parent->lastChildEnd : static_cast<std::int64_t>(parent->gt + 1);
        }
    }
    s.open.push_back(std::move(o));
}

void endElement(void* ctx, const xmlChar* local, const xmlChar* prefix, const xmlChar*) {
    Scan& s = scanOf(ctx);
    if (s.failure || s.open.empty()) return;
    // Just after the end tag (or "/>").
    const auto end = static_cast<std::int64_t>(xmlByteConsumed(static_cast<xmlParserCtxtPtr>(ctx)));
    const Open o = std::move(s.open.back());
    s.open.pop_back();
    Open* parent = s.open.empty() ? nullptr : &s.open.back();
    if (parent) parent->lastChildEnd = end;
    auto container = [&] {
        return Container{true, qname(prefix, local), o.gt, o.selfClosing, o.lastChildEnd};
    };
    switch (o.kind) {
        case Open::Paragraph:
            s.paragraphs.pop_back();
            if (parent && parent->kind == Open::Body) s.spot.paragraph = container();
            break;
        case Open::RunProperties:
            parent->run->propertiesEnd = end;
            break;
        case Open::Text:
            s.text.reset();
            break;
        case Open::Body:
            s.spot.body = container();
            s.inBody = false;
            break;
        case Open::Fallback:
            --s.fallback;
            break;
        default:
            break;
    }
}

// The text of a w:t, one code point at a time; the index counts every code
// point (white space too), as the resolver below does over the raw bytes.
void characters(void* ctx, const xmlChar* ch, int len) {
    Scan& s = scanOf(ctx);
    if (s.failure || !s.text || s.open.back().kind != Open::Text) return;
    for (int i = 0; i < len; ++i) {
        const unsigned char c = ch[i];
        if ((c & 0xc0) == 0x80) {
            if (s.due == 0) continue;
            s.cp = (s.cp << 6) | (c & 0x3f);
            --s.due;
        } else {
            s.cpIndex = s.text->count++;
            s.due = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : 3;
            s.cp = c < 0x80 ? c : c & (0x3f >> s.due);
        }
        if (s.due == 0 && !isSpace(s.cp)) s.feed(s.cp, At{s.text, s.cpIndex});
    }
}

// Where code point `index` of an element's content starts, the content
// beginning at byte `from` of the part (XML 1.0: character data, references
// (one character each), CDATA sections (their text), comments and processing
// instructions (none); CR LF and a lone CR are one character, 2.11).
struct ContentCursor {
    std::uint64_t from = 0, index = 0;
    std::uint64_t seen = 0;
    std::optional<std::uint64_t> at;
    bool inCdata = false;  // `at` falls inside a CDATA section
    bool done = false;     // found, or the content ended before it
    enum State : std::uint8_t { Text, Reference, Markup, Bang, Comment, Instruction, CdataHead, Cdata };
    State state = Text;
    bool cr = false;                     // the previous byte was a CR
    int tail = 0;                        // "--" / "?" / "CDATA[" progress
    std::vector<std::uint64_t> closing;  // ']' in a CDATA section, maybe its end

    void character(std::uint64_t pos, bool cdata) {
        if (seen++ == index) {
            at = pos;
            inCdata = cdata;
            done = true;
        }
    }
    void text(std::uint64_t pos, std::uint8_t c, bool cdata) {
        if (cr && c == '\n') {
            cr = false;
            return;
        }
        cr = c == '\r';
        if ((c & 0xc0) != 0x80) character(pos, cdata);
    }
    void byte(std::uint64_t pos, std::uint8_t c) {
        switch (state) {
            case Text:
                if (c == '&') {
                    cr = false;
                    character(pos, false);
                    state = Reference;
                } else if (c == '<') {
                    cr = false;
                    state = Markup;
                } else {
                    text(pos, c, false);
                }
                break;
            case Reference:
                if (c == ';') state = Text;
                break;
            case Markup:  // an end tag or an element: the content ended first
                state = c == '!' ? Bang : c == '?' ? Instruction : Text;
                tail = 0;
                if (c != '!' && c != '?') done = true;
                break;
            case Bang:
                state = c == '[' ? CdataHead : Comment;
                tail = 0;
                break;
            case Comment:  // after "<!-", until "-->"
                if (c == '>' && tail >= 2) state = Text;
                tail = c == '-' ? tail + 1 : 0;
                break;
            case Instruction:
                if (c == '>' && tail == 1) state = Text;
                tail = c == '?' ? 1 : 0;
                break;
            case CdataHead:  // "CDATA["
                if (++tail == 6) state = Cdata;
                break;
            case Cdata:
                if (c == ']') {
                    closing.push_back(pos);
                    break;
                }
                if (c == '>' && closing.size() >= 2) {
                    for (std::size_t i = 0; i + 2 < closing.size() && !done; ++i) text(closing[i], ']', true);
                    closing.clear();
                    state = Text;
                    break;
                }
                for (std::size_t i = 0; i < closing.size() && !done; ++i) text(closing[i], ']', true);
                closing.clear();
                if (!done) text(pos, c, true);
                break;
        }
    }
};

}  // namespace

std::string withoutWhiteSpace(const std::string& utf8) {
    std::string out;
    for (const char32_t c : withoutSpaces(utf8)) {
        if (c < 0x80) {
            out += static_cast<char>(c);
        } else if (c < 0x800) {
            out += static_cast<char>(0xc0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3f));
        } else if (c < 0x10000) {
            out += static_cast<char>(0xe0 | (c >> 12));
            out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (c & 0x3f));
        } else {
            out += static_cast<char>(0xf0 | (c >> 18));
            out += static_cast<char>(0x80 | ((c >> 12) & 0x3f));
            out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (c & 0x3f));
        }
    }
    return out;
}

std::shared_ptr<const WordSpot> findWordSpot(const package::ZipArchive& zip, const std::string& part,
                                             const Placement& placement, const std::string& path) {
    Scan scan(placement);
    scan.spot.keyword = placement.mode == Placement::Mode::Keyword;
    xmlSAXHandler sax{};
    sax.startElementNs = startElement;
    sax.endElementNs = endElement;
    sax.characters = characters;
    sax.ignorableWhitespace = characters;
    try {
        package::parseStreamed(zip, part, sax, &scan);
    } catch (const Error&) {
        if (!scan.failure) throw;
    }
    if (scan.failure) {
        try {
            std::rethrow_exception(scan.failure);
        } catch (const Error& e) {
            throw Error(e.category(), e.message(), path);
        }
    }
    if (!scan.spot.body.present)
        throw Error(ErrorCategory::BadInput, tr("the Word document has no body"), path);
    if (scan.spot.keyword) {
        checkOccurrences(scan.keyword.empty() ? 0 : scan.found, placement,
                         tr("no paragraph holds the keyword \"{text}\""), path);
        if (!scan.spot.anchor.text->usable)
            throw Error(ErrorCategory::BadInput, tr("cannot place the seal in the Word document"), path);
    }
    return std::make_shared<const WordSpot>(std::move(scan.spot));
}

long maxDrawingId(const WordSpot& spot) { return spot.maxId; }

std::vector<package::Splice> wordSplices(const package::ZipArchive& zip, const std::string& part,
                                         const WordSpot& spot, const std::string& run) {
    std::vector<package::Splice> out;
    auto cannot = [&] {
        return Error(ErrorCategory::Internal, tr("cannot place the seal in the Word document"), part);
    };
    if (!spot.keyword) {
        // At the end of the last paragraph, else in a new paragraph before the section properties.
        const Container& c = spot.paragraph.present ? spot.paragraph : spot.body;
        const std::string insert =
            spot.paragraph.present ? run : std::string("<w:p xmlns:w=\"") + kWordNs + "\">" + run + "</w:p>";
        if (!spot.paragraph.present && spot.sectionAt >= 0)
            out.push_back({static_cast<std::uint64_t>(spot.sectionAt), "", insert, '>'});
        else if (c.lastChildEnd >= 0)
            out.push_back({static_cast<std::uint64_t>(c.lastChildEnd), "", insert, '>'});
        else if (c.selfClosing)
            out.push_back({c.gt - 1, "/>", ">" + insert + "</" + c.qname + ">", 0});
        else
            out.push_back({c.gt + 1, "", insert, '>'});
        return out;
    }
    // One pass over the bytes up to the anchor: the run's properties, the character's offset.
    const TextInfo& t = *spot.anchor.text;
    std::string properties;
    ContentCursor cursor;
    cursor.from = t.gt + 1;
    cursor.index = spot.anchor.index;
    std::uint64_t pos = 0;
    const auto from = static_cast<std::uint64_t>(t.run.startTagEnd);
    const auto to = static_cast<std::uint64_t>(t.run.propertiesEnd < 0 ? 0 : t.run.propertiesEnd);
    zip.stream(part, [&](ByteView piece) {
        const std::uint64_t end = pos + piece.size();
        if (to > from && from < end && to > pos) {
            const std::uint64_t a = std::max(from, pos), b = std::min(to, end);
            properties.append(reinterpret_cast<const char*>(piece.data() + (a - pos)),
                              static_cast<std::size_t>(b - a));
            if (properties.size() > (1u << 20)) throw cannot();  // run properties are a few elements
        }
        for (std::uint64_t p = std::max(pos, cursor.from); p < end && !cursor.done; ++p)
            cursor.byte(p, piece[static_cast<std::size_t>(p - pos)]);
        pos = end;
    });
    if (!cursor.at || properties.size() != to - std::min(to, from)) throw cannot();
    if (!t.spaceGiven) out.push_back({t.gt, ">", " xml:space=\"preserve\">", 0});
    // The first half ends before the character; the second starts with the run's properties again.
    out.push_back({*cursor.at, "",
                   (cursor.inCdata ? "]]>" : "") + ("</" + t.qname + "></" + t.run.qname + ">") + run + "<" +
                       t.run.qname + t.run.declarations + ">" + properties + "<" + t.qname + t.declarations +
                       " xml:space=\"preserve\">" + (cursor.inCdata ? "<![CDATA[" : ""),
                   0});
    return out;
}

}  // namespace eseal::ooxml

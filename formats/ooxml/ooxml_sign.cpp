#include "formats/ooxml/ooxml_sign.hpp"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <set>

#include "core/base/atomic_file.hpp"
#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/base/time.hpp"
#include "core/crypto/digest.hpp"
#include "core/package/uri.hpp"
#include "core/package/xml.hpp"
#include "core/package/zip.hpp"
#include "core/seal/image.hpp"
#include "core/xmldsig/seal_object.hpp"
#include "core/xmldsig/xmldsig.hpp"
#include "formats/ooxml/ooxml_package.hpp"
#include "formats/ooxml/ooxml_word.hpp"

namespace eseal::ooxml {

namespace {

constexpr const char* kWordNs = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
constexpr const char* kSheetNs = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
constexpr const char* kPresentationNs = "http://schemas.openxmlformats.org/presentationml/2006/main";
constexpr const char* kDrawingNs = "http://schemas.openxmlformats.org/drawingml/2006/main";
constexpr const char* kSheetDrawingNs = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing";
constexpr const char* kWordDrawingNs =
    "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing";
constexpr const char* kPictureNs = "http://schemas.openxmlformats.org/drawingml/2006/picture";
constexpr const char* kDrawingRel =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing";
constexpr const char* kSlideRel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide";
constexpr const char* kDrawingType = "application/vnd.openxmlformats-officedocument.drawing+xml";
constexpr const char* kOriginEntry = "_xmlsignatures/origin.sigs";
constexpr const char* kSignatureEntry = "_xmlsignatures/sig1.xml";
constexpr long kEmuPerMm = 36000;  // ECMA-376 part 1 20.1.2.1: 914400 EMU per inch

const xmlChar* X(const char* s) { return reinterpret_cast<const xmlChar*>(s); }

bool is(const xmlNode* n, const char* ns, const char* local) {
    return n && n->type == XML_ELEMENT_NODE && n->ns && xmlStrEqual(n->ns->href, X(ns)) &&
           xmlStrEqual(n->name, X(local));
}

xmlNode* firstChild(xmlNode* n, const char* ns, const char* local) {
    for (xmlNode* c = n ? n->children : nullptr; c; c = c->next)
        if (is(c, ns, local)) return c;
    return nullptr;
}

void collect(xmlNode* n, const char* ns, const char* local, std::vector<xmlNode*>& out) {
    for (xmlNode* c = n ? n->children : nullptr; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (is(c, ns, local)) out.push_back(c);
        collect(c, ns, local, out);
    }
}

// The largest numeric "id" attribute of elements with this local name (any namespace).
long maxId(const xmlNode* n, const char* local) {
    long best = 0;
    for (const xmlNode* c = n ? n->children : nullptr; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (xmlStrEqual(c->name, X(local)))
            best =
                std::max(best, std::strtol(package::attribute(c, "id").value_or("0").c_str(), nullptr, 10));
        best = std::max(best, maxId(c, local));
    }
    return best;
}

// Puts the fragment (one element declaring its namespaces) into doc under
// parent, before `before` when given.
void insertFragment(xmlDoc* doc, xmlNode* parent, xmlNode* before, const std::string& xml) {
    const package::XmlDocument fragment(asBytes(xml), "seal fragment");
    xmlNode* copy = xmlDocCopyNode(const_cast<xmlNode*>(fragment.root()), doc, 1);
    if (!copy) throw Error(ErrorCategory::Internal, "out of memory");
    if (before)
        xmlAddPrevSibling(before, copy);
    else
        xmlAddChild(parent, copy);
}

std::string attr(const std::string& v) { return xmldsig::escape(v); }

Bytes bytesOf(const std::string& s) { return Bytes(s.begin(), s.end()); }

// A package being edited: entries in their order; only new and edited parts
// are held (edited XML in memory, a sheet with its <drawing> spliced in as a
// stream), every other one stays in the input and is read when needed.
struct Parts {
    const package::ZipArchive* zip = nullptr;
    std::vector<std::string> order;
    std::set<std::string> source;                    // entries of the input
    std::map<std::string, xmldsig::Octets> changed;  // new or edited parts

    bool has(const std::string& name) const { return changed.count(name) || source.count(name); }
    // The bytes of a part that is parsed (XML: relationships, content types, the main part).
    Bytes get(const std::string& name) const {
        const auto c = changed.find(name);
        if (c == changed.end()) return zip->read(name);
        if (!c->second.stream) return c->second.data;
        Bytes out;
        c->second.stream([&](ByteView piece) { out.insert(out.end(), piece.begin(), piece.end()); });
        return out;
    }
    // The octets of a part for its digest, streamed when they are not in memory.
    xmldsig::Octets octets(const std::string& name) const {
        const auto c = changed.find(name);
        if (c != changed.end()) return c->second;
        xmldsig::Octets o;
        o.stream = [z = zip, name](const xmldsig::Sink& sink) { z->stream(name, sink); };
        return o;
    }
    void put(const std::string& name, xmldsig::Octets bytes) {
        if (!has(name)) order.push_back(name);
        changed[name] = std::move(bytes);
    }
};

std::string freeId(const std::vector<Relationship>& rels, const std::string& stem) {
    for (int i = 1;; ++i) {
        const std::string id = stem + std::to_string(i);
        bool used = false;
        for (const auto& r : rels) used = used || r.id == id;
        if (!used) return id;
    }
}

// Adds a relationship to source's relationships part; returns its Id.
std::string addRelationship(Parts& parts, const std::string& source, const std::string& type,
                            const std::string& target) {
    const std::string name = source.empty() ? "_rels/.rels" : relsPartOf(source);
    std::vector<Relationship> rels;
    if (parts.has(name)) rels = parseRelationships(parts.get(name), name);
    Relationship r{freeId(rels, "rIdEseal"), type, target, false};
    rels.push_back(r);
    parts.put(name, writeRelationships(rels));
    return r.id;
}

// The target of source's relationship id, as a part name.
std::string targetOf(const Parts& parts, const std::string& source, const std::string& id,
                     const std::string& path) {
    const std::string name = relsPartOf(source);
    if (parts.has(name))
        for (const auto& r : parseRelationships(parts.get(name), name))
            if (r.id == id && !r.external) return resolveTarget(source, r.target);
    throw Error(ErrorCategory::BadInput,
                fill(tr("relationship {id} of {part} names no part"), {{"{id}", id}, {"{part}", source}}),
                path);
}

// Default / Override entries added to [Content_Types].xml where missing.
void addContentTypes(Parts& parts, const Package& pkg,
                     const std::vector<std::pair<std::string, std::string>>& defaults,
                     const std::vector<std::pair<std::string, std::string>>& overrides) {
    const std::string name = pkg.find(kContentTypesEntry);
    const package::XmlDocument doc(parts.get(name), kContentTypesEntry);
    xmlNode* root = xmlDocGetRootElement(doc.get());
    xmlNs* ns = xmlSearchNsByHref(doc.get(), root, X(kContentTypesNs));
    for (const auto& [ext, type] : defaults) {
        bool present = false;
        for (const xmlNode* c = root->children; c; c = c->next)
            present = present || (is(c, kContentTypesNs, "Default") &&
                                  foldCase(package::attribute(c, "Extension").value_or("")) == foldCase(ext));
        if (present) continue;
        xmlNode* e = xmlNewDocNode(doc.get(), ns, X("Default"), nullptr);
        xmlNewProp(e, X("Extension"), X(ext.c_str()));
        xmlNewProp(e, X("ContentType"), X(type.c_str()));
        // Defaults come first in Office's files; any order is valid (ECMA-376 part 2 10.1.2.2).
        if (root->children)
            xmlAddPrevSibling(root->children, e);
        else
            xmlAddChild(root, e);
    }
    for (const auto& [part, type] : overrides) {
        xmlNode* e = xmlNewChild(root, ns, X("Override"), nullptr);
        xmlNewProp(e, X("PartName"), X(("/" + part).c_str()));
        xmlNewProp(e, X("ContentType"), X(type.c_str()));
    }
    parts.put(name, doc.serialize());
}

std::string relativeTarget(const std::string& source, const std::string& part) {
    // Both under the same top folder ("word/", "xl/", "ppt/").
    const auto slash = source.rfind('/');
    const std::string dir = slash == std::string::npos ? "" : source.substr(0, slash + 1);
    if (part.compare(0, dir.size(), dir) == 0) return part.substr(dir.size());
    return "/" + part;
}

struct Seal {
    std::string media;    // "word/media/eseal-seal-....png"
    long cx = 0, cy = 0;  // EMU
    std::string name;
};

std::string textOf(const xmlNode* n) {
    xmlChar* t = xmlNodeGetContent(n);
    std::string s = t ? reinterpret_cast<const char*>(t) : "";
    xmlFree(t);
    return s;
}

// The match --occurrence names (N from 1, or the last); Error(BadInput) naming
// the text when there are fewer (notFound: the message for none).
template <typename T>
const T& occurrenceOf(const std::vector<T>& found, const Placement& placement, const std::string& notFound,
                      const std::string& path) {
    const int n = static_cast<int>(found.size());
    checkOccurrences(n, placement, notFound, path);
    return found[static_cast<std::size_t>(
        placement.occurrence == Placement::kLastOccurrence ? n - 1 : placement.occurrence - 1)];
}

// The part streamed from the input with splices: never held whole.
xmldsig::Octets splicedPart(const package::ZipArchive& zip, const std::string& part,
                            std::vector<package::Splice> splices) {
    xmldsig::Octets o;
    o.stream = [&zip, part, splices = std::move(splices)](const xmldsig::Sink& sink) {
        package::streamSpliced(zip, part, splices, sink);
    };
    return o;
}

// Word: a floating picture in front of the text (ECMA-376 part 1 20.4.2.3
// wp:anchor, behindDoc="0", wrapNone): centred on the keyword (anchored in
// its run at its middle character; horizontally from that character,
// vertically centred on its line, moved by --offset), or at the end of the
// last paragraph. document.xml streams: one SAX pass finds the spot, the part
// is written as the input's bytes with the run spliced in (ooxml_word).
void sealWord(Parts& parts, const MainPart& main, const Seal& seal, const Placement& placement,
              const std::string& path) {
    const auto spot = findWordSpot(*parts.zip, main.part, placement, path);
    const bool keyword = placement.mode == Placement::Mode::Keyword;
    const std::string rid =
        addRelationship(parts, main.part, kImageRel, relativeTarget(main.part, seal.media));
    const long id = maxDrawingId(*spot) + 1;
    const std::string cx = std::to_string(seal.cx), cy = std::to_string(seal.cy);
    const std::string x =
        std::to_string(std::lround(placement.offsetXMm * kEmuPerMm) - (keyword ? seal.cx / 2 : 0));
    const std::string fromH = keyword ? "character" : "column";
    // At a keyword the seal is centred on the keyword's line (20.4.3.5 ST_RelFromV "line": the line
    // holding the anchor character), so a keyword on a later line of its paragraph is met too.
    // Without --offset: wp:align center, which Word and LibreOffice 7.4 both read (LibreOffice centres
    // on the line's top edge, half a line higher). A vertical --offset is a posOffset from the line's
    // top (centre half a line, about 2.5 mm, below it), as Word reads it; LibreOffice 7.4 reads a
    // line-relative offset upwards.
    std::string positionV;
    if (!keyword)
        positionV = "<wp:positionV relativeFrom=\"paragraph\"><wp:posOffset>" +
                    std::to_string(std::lround(placement.offsetYMm * kEmuPerMm)) +
                    "</wp:posOffset></wp:positionV>";
    else if (placement.offsetYMm == 0)
        positionV = "<wp:positionV relativeFrom=\"line\"><wp:align>center</wp:align></wp:positionV>";
    else
        positionV = "<wp:positionV relativeFrom=\"line\"><wp:posOffset>" +
                    std::to_string(std::lround(placement.offsetYMm * kEmuPerMm) - seal.cy / 2 +
                                   std::lround(2.5 * kEmuPerMm)) +
                    "</wp:posOffset></wp:positionV>";
    const std::string run =
        std::string("<w:r xmlns:w=\"") + kWordNs + "\" xmlns:wp=\"" + kWordDrawingNs + "\" xmlns:a=\"" +
        kDrawingNs + "\" xmlns:pic=\"" + kPictureNs + "\" xmlns:r=\"" + kDocRelNs +
        "\"><w:drawing><wp:anchor distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\" simplePos=\"0\" "
        "relativeHeight=\"251659264\" behindDoc=\"0\" locked=\"0\" layoutInCell=\"1\" allowOverlap=\"1\">"
        "<wp:simplePos x=\"0\" y=\"0\"/><wp:positionH relativeFrom=\"" +
        fromH + "\"><wp:posOffset>" + x + "</wp:posOffset></wp:positionH>" + positionV + "<wp:extent cx=\"" +
        cx + "\" cy=\"" + cy +
        "\"/><wp:effectExtent l=\"0\" t=\"0\" r=\"0\" b=\"0\"/><wp:wrapNone/><wp:docPr id=\"" +
        std::to_string(id) + "\" name=\"" + attr(seal.name) +
        "\"/><wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect=\"1\"/></wp:cNvGraphicFramePr>"
        "<a:graphic><a:graphicData uri=\"" +
        kPictureNs + "\"><pic:pic><pic:nvPicPr><pic:cNvPr id=\"" + std::to_string(id) + "\" name=\"" +
        attr(seal.name) + "\"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed=\"" + rid +
        "\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/>"
        "<a:ext cx=\"" +
        cx + "\" cy=\"" + cy +
        "\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData>"
        "</a:graphic></wp:anchor></w:drawing></w:r>";
    xmldsig::Octets o = splicedPart(*parts.zip, main.part, wordSplices(*parts.zip, main.part, *spot, run));
    // The edited part must still parse (a wrong offset would break it): checked once as it streams.
    package::checkXml(o.stream, main.part);
    parts.put(main.part, std::move(o));
}

// "F20" -> column 5, row 19 (0-based); false when malformed.
bool parseCell(const std::string& ref, long& col, long& row) {
    std::size_t i = 0;
    col = 0;
    while (i < ref.size() && std::isalpha(static_cast<unsigned char>(ref[i])))
        col = col * 26 + (std::toupper(static_cast<unsigned char>(ref[i++])) - 'A' + 1);
    if (i == 0 || i > 3 || i == ref.size()) return false;
    row = 0;
    for (; i < ref.size(); ++i) {
        if (!std::isdigit(static_cast<unsigned char>(ref[i])) || row > 1048576) return false;
        row = row * 10 + (ref[i] - '0');
    }
    if (row < 1 || col > 16384) return false;
    --col;
    --row;
    return true;
}

// SpreadsheetML elements that follow <drawing> in a worksheet (ECMA-376 part 1 18.3.1.99).
bool afterDrawing(const char* local) {
    static const char* names[] = {"legacyDrawing", "legacyDrawingHF", "drawingHF",  "picture", "oleObjects",
                                  "controls",      "webPublishItems", "tableParts", "extLst"};
    for (const char* name : names)
        if (std::strcmp(local, name) == 0) return true;
    return false;
}

// What sealing needs of a worksheet, found by one streaming (SAX) pass, no
// tree built: a 20000-row sheet costs no more memory than a small one.
struct SheetScan {
    long lastRow = 0;            // the largest r of a row with content (1-based), 0 for none
    std::string drawingRid;      // r:id of the sheet's <drawing>, "" when it has none
    std::uint64_t insertAt = 0;  // byte offset where a <drawing> element goes (after a child of the root)
    std::string prefix;          // the worksheet element's prefix, "" for none
    std::string relPrefix;       // a prefix the root binds to the relationships namespace, "" for none

    // Parser state.
    int depth = 0;
    bool inSheetData = false, inRow = false, rowContent = false, placed = false;
    long rowR = 0;
    std::int64_t rootStartEnd = -1, lastChildEnd = -1;
};

SheetScan& scanOf(void* ctx) {
    return *static_cast<SheetScan*>(static_cast<xmlParserCtxtPtr>(ctx)->_private);
}

SheetScan scanSheet(const package::ZipArchive& zip, const std::string& part) {
    SheetScan scan;
    xmlSAXHandler sax{};
    sax.startElementNs = [](void* ctx, const xmlChar* local, const xmlChar* prefix, const xmlChar* uri,
                            int nbNamespaces, const xmlChar** namespaces, int nbAttributes, int,
                            const xmlChar** attributes) {
        SheetScan& s = scanOf(ctx);
        const bool sheetNs = uri && xmlStrEqual(uri, X(kSheetNs));
        const char* name = reinterpret_cast<const char*>(local);
        if (s.depth == 0) {
            s.prefix = prefix ? reinterpret_cast<const char*>(prefix) : "";
            for (int i = 0; i < nbNamespaces; ++i)
                if (namespaces[2 * i] && xmlStrEqual(namespaces[2 * i + 1], X(kDocRelNs)))
                    s.relPrefix = reinterpret_cast<const char*>(namespaces[2 * i]);
            s.rootStartEnd = xmlByteConsumed(static_cast<xmlParserCtxtPtr>(ctx));
        } else if (s.depth == 1 && sheetNs) {
            if (!s.placed && afterDrawing(name)) {
                s.placed = true;
                s.insertAt =
                    static_cast<std::uint64_t>(s.lastChildEnd >= 0 ? s.lastChildEnd : s.rootStartEnd);
            }
            if (std::strcmp(name, "drawing") == 0)
                s.drawingRid = package::saxAttribute(attributes, nbAttributes, kDocRelNs, "id").value_or("");
            s.inSheetData = std::strcmp(name, "sheetData") == 0;
        } else if (s.depth == 2 && s.inSheetData && sheetNs && std::strcmp(name, "row") == 0) {
            s.inRow = true;
            s.rowContent = false;
            s.rowR = std::strtol(
                package::saxAttribute(attributes, nbAttributes, nullptr, "r").value_or("").c_str(), nullptr,
                10);
        } else if (s.inRow) {
            s.rowContent = true;
        }
        ++s.depth;
    };
    sax.endElementNs = [](void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) {
        SheetScan& s = scanOf(ctx);
        --s.depth;
        if (s.depth == 1) {
            // Just after the child's end tag (or "/>"): where an element can follow it.
            s.lastChildEnd = xmlByteConsumed(static_cast<xmlParserCtxtPtr>(ctx));
            s.inSheetData = false;
        } else if (s.depth == 2 && s.inRow) {
            if (s.rowContent) s.lastRow = std::max(s.lastRow, s.rowR);
            s.inRow = false;
        }
    };
    // Any node inside a row gives it content, as a child node of the tree would.
    sax.characters = [](void* ctx, const xmlChar*, int) {
        if (scanOf(ctx).inRow) scanOf(ctx).rowContent = true;
    };
    sax.ignorableWhitespace = sax.characters;
    sax.comment = [](void* ctx, const xmlChar*) {
        if (scanOf(ctx).inRow) scanOf(ctx).rowContent = true;
    };
    sax.processingInstruction = [](void* ctx, const xmlChar*, const xmlChar*) {
        if (scanOf(ctx).inRow) scanOf(ctx).rowContent = true;
    };
    package::parseStreamed(zip, part, sax, &scan);
    if (scan.lastChildEnd < 0) throw Error(ErrorCategory::BadInput, tr("the worksheet has no content"), part);
    if (!scan.placed) scan.insertAt = static_cast<std::uint64_t>(scan.lastChildEnd);
    return scan;
}

std::string sheetPartOf(const Parts& parts, const MainPart& main, const xmlNode* sheet,
                        const std::string& path) {
    xmlChar* ridValue = xmlGetNsProp(sheet, X("id"), X(kDocRelNs));
    const std::string sheetRid = ridValue ? reinterpret_cast<const char*>(ridValue) : "";
    xmlFree(ridValue);
    const std::string sheetPart = targetOf(parts, main.part, sheetRid, path);
    if (!parts.has(sheetPart))
        throw Error(ErrorCategory::BadInput, tr("the sheet part is missing: ") + sheetPart, path);
    return sheetPart;
}

// The text of a string item or inline string (ECMA-376 part 1 18.4.8 si,
// 18.3.1.53 is): its t elements, plain or in rich-text runs, without the
// phonetic guides (rPh).
std::string stringItemText(const xmlNode* n) {
    std::string out;
    for (const xmlNode* c = n ? n->children : nullptr; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || is(c, kSheetNs, "rPh")) continue;
        if (is(c, kSheetNs, "t"))
            out += textOf(c);
        else
            out += stringItemText(c);
    }
    return out;
}

// The workbook's shared strings (ECMA-376 part 1 18.4), in index order.
std::vector<std::string> sharedStrings(const Parts& parts, const MainPart& main) {
    std::vector<std::string> out;
    const std::string rels = relsPartOf(main.part);
    if (!parts.has(rels)) return out;
    for (const auto& r : parseRelationships(parts.get(rels), rels)) {
        if (r.external || r.type.size() < 14 || r.type.compare(r.type.size() - 14, 14, "/sharedStrings") != 0)
            continue;
        const std::string part = resolveTarget(main.part, r.target);
        if (!parts.has(part)) continue;
        const package::XmlDocument sst(parts.get(part), part);
        for (const xmlNode* si : package::children(sst.root(), "si")) out.push_back(stringItemText(si));
    }
    return out;
}

// "B3" from 0-based column and row.
std::string cellName(long col, long row) {
    std::string letters;
    for (long c = col + 1; c > 0; c = (c - 1) / 26)
        letters.insert(letters.begin(), static_cast<char>('A' + (c - 1) % 26));
    return letters + std::to_string(row + 1);
}

struct KeywordCell {
    xmlNode* sheet = nullptr;
    std::string ref;  // "B3"
};

// The occurrence-th cell (sheets in workbook order, rows and cells in file
// order) whose text holds the keyword: a shared string, an inline string or
// a formula's string result.
KeywordCell keywordCell(const Parts& parts, const MainPart& main, const std::vector<xmlNode*>& sheets,
                        const Placement& placement, const std::string& path) {
    const std::vector<std::string> strings = sharedStrings(parts, main);
    std::vector<KeywordCell> found;
    for (xmlNode* sheet : sheets) {
        const std::string part = sheetPartOf(parts, main, sheet, path);
        const package::XmlDocument ws(parts.get(part), part);
        std::vector<xmlNode*> rows;
        collect(firstChild(xmlDocGetRootElement(ws.get()), kSheetNs, "sheetData"), kSheetNs, "row", rows);
        long rowIndex = -1;
        for (xmlNode* row : rows) {
            // r is optional (18.3.1.73, 18.3.1.4): then the row or cell follows the previous one.
            rowIndex = package::attribute(row, "r")
                           ? std::strtol(package::attribute(row, "r")->c_str(), nullptr, 10) - 1
                           : rowIndex + 1;
            long colIndex = -1;
            for (xmlNode* c = row->children; c; c = c->next) {
                if (!is(c, kSheetNs, "c")) continue;
                long col = colIndex + 1, r = rowIndex;
                if (const auto ref = package::attribute(c, "r")) parseCell(*ref, col, r);
                colIndex = col;
                const std::string type = package::attribute(c, "t").value_or("n");
                std::string text;
                if (type == "s") {
                    const long i = std::strtol(package::text(package::child(c, "v")).c_str(), nullptr, 10);
                    if (i >= 0 && static_cast<std::size_t>(i) < strings.size())
                        text = strings[static_cast<std::size_t>(i)];
                } else if (type == "inlineStr") {
                    text = stringItemText(firstChild(c, kSheetNs, "is"));
                } else if (type == "str") {
                    text = package::text(package::child(c, "v"));
                }
                if (!placement.keyword.empty() && text.find(placement.keyword) != std::string::npos)
                    found.push_back({sheet, cellName(col, r)});
            }
        }
    }
    return occurrenceOf(found, placement, tr("no cell holds the keyword \"{text}\""), path);
}

// Excel: a picture anchored to a cell (xdr:oneCellAnchor, ECMA-376 part 1
// 20.5.2.24) in the sheet's drawing: --cell Sheet!F20, the keyword's cell,
// else column A below the used range of the first sheet.
void sealExcel(Parts& parts, const MainPart& main, const Seal& seal, const Placement& placement,
               const std::string& path) {
    const package::XmlDocument workbook(parts.get(main.part), main.part);
    xmlNode* sheets = firstChild(xmlDocGetRootElement(workbook.get()), kSheetNs, "sheets");
    std::vector<xmlNode*> list;
    collect(sheets, kSheetNs, "sheet", list);
    if (list.empty()) throw Error(ErrorCategory::BadInput, tr("the workbook has no sheet"), path);
    std::string sheetName, cellRef;
    if (placement.mode == Placement::Mode::Cell) {
        const auto bang = placement.cell.rfind('!');
        sheetName = bang == std::string::npos ? "" : placement.cell.substr(0, bang);
        if (sheetName.size() > 1 && sheetName.front() == '\'' && sheetName.back() == '\'')
            sheetName = sheetName.substr(1, sheetName.size() - 2);
        cellRef = bang == std::string::npos ? placement.cell : placement.cell.substr(bang + 1);
    }
    xmlNode* sheet = list[0];
    if (!sheetName.empty()) {
        sheet = nullptr;
        for (xmlNode* s : list)
            if (package::attribute(s, "name").value_or("") == sheetName) sheet = s;
        if (!sheet) {
            std::string names;
            for (const xmlNode* s : list)
                names += (names.empty() ? "" : ", ") + package::attribute(s, "name").value_or("");
            throw Error(ErrorCategory::BadInput,
                        fill(tr("the workbook has no sheet named {sheet} (its sheets: {sheets})"),
                             {{"{sheet}", sheetName}, {"{sheets}", names}}),
                        path);
        }
    }
    if (placement.mode == Placement::Mode::Keyword) {
        const KeywordCell found = keywordCell(parts, main, list, placement, path);
        sheet = found.sheet;
        cellRef = found.ref;
    }
    const std::string sheetPart = sheetPartOf(parts, main, sheet, path);

    if (!parts.source.count(sheetPart) || parts.changed.count(sheetPart))
        throw Error(ErrorCategory::BadInput, tr("the sheet part is missing: ") + sheetPart, path);
    const SheetScan scan = scanSheet(*parts.zip, sheetPart);
    long col = 0, row = 0;
    if (!cellRef.empty()) {
        if (!parseCell(cellRef, col, row))
            throw Error(ErrorCategory::Usage, fill(tr("--cell needs a cell such as Sheet1!F20, not {cell}"),
                                                   {{"{cell}", placement.cell}}));
    } else {
        row = scan.lastRow + 1;  // one empty row below the last one used (0-based index last+1)
    }

    // The sheet's drawing part, made when it has none.
    std::string drawingPart;
    if (!scan.drawingRid.empty()) {
        drawingPart = targetOf(parts, sheetPart, scan.drawingRid, path);
    } else {
        for (int i = 1; drawingPart.empty(); ++i) {
            const std::string candidate = "xl/drawings/drawing" + std::to_string(i) + ".xml";
            if (!parts.has(candidate)) drawingPart = candidate;
        }
        parts.put(drawingPart,
                  bytesOf(std::string("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                                      "<xdr:wsDr xmlns:xdr=\"") +
                          kSheetDrawingNs + "\" xmlns:a=\"" + kDrawingNs + "\"/>"));
        const std::string rid =
            addRelationship(parts, sheetPart, kDrawingRel, "../drawings/" + drawingPart.substr(12));
        // <drawing r:id> in its place among the worksheet's children, spliced into the sheet's bytes.
        const std::string element =
            "<" + (scan.prefix.empty() ? "" : scan.prefix + ":") + "drawing " +
            (scan.relPrefix.empty() ? std::string("xmlns:r=\"") + kDocRelNs + "\" r" : scan.relPrefix) +
            ":id=\"" + attr(rid) + "\"/>";
        parts.put(sheetPart, splicedPart(*parts.zip, sheetPart, {{scan.insertAt, "", element, '>'}}));
        parts.put("__override:" + drawingPart, {});
    }
    if (!parts.has(drawingPart))
        throw Error(ErrorCategory::BadInput, tr("the drawing part is missing: ") + drawingPart, path);
    const std::string imageRid =
        addRelationship(parts, drawingPart, kImageRel, "../media/" + seal.media.substr(9));
    const package::XmlDocument dr(parts.get(drawingPart), drawingPart);
    xmlNode* drRoot = xmlDocGetRootElement(dr.get());
    const long id = maxId(drRoot, "cNvPr") + 2;
    const std::string cx = std::to_string(seal.cx), cy = std::to_string(seal.cy);
    const std::string anchor =
        std::string("<xdr:oneCellAnchor xmlns:xdr=\"") + kSheetDrawingNs + "\" xmlns:a=\"" + kDrawingNs +
        "\" xmlns:r=\"" + kDocRelNs + "\"><xdr:from><xdr:col>" + std::to_string(col) +
        "</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>" + std::to_string(row) +
        "</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:ext cx=\"" + cx + "\" cy=\"" + cy +
        "\"/><xdr:pic><xdr:nvPicPr><xdr:cNvPr id=\"" + std::to_string(id) + "\" name=\"" + attr(seal.name) +
        "\"/><xdr:cNvPicPr><a:picLocks noChangeAspect=\"1\"/></xdr:cNvPicPr></xdr:nvPicPr><xdr:blipFill>"
        "<a:blip r:embed=\"" +
        imageRid +
        "\"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill><xdr:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/>"
        "<a:ext cx=\"" +
        cx + "\" cy=\"" + cy +
        "\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic><xdr:clientData/>"
        "</xdr:oneCellAnchor>";
    insertFragment(dr.get(), drRoot, nullptr, anchor);
    parts.put(drawingPart, dr.serialize());
}

// A shape's text holding the keyword on a slide: the slide (1-based) and, when
// the shape gives its place on the slide (a:xfrm of a shape of the shape tree
// itself, not in a group), its box in EMU.
struct KeywordShape {
    int slide = 0;
    bool placed = false;
    long x = 0, y = 0, cx = 0, cy = 0;
};

// The text paragraphs (a:p) of every text body of the slide, in document order,
// each with the top-level shape of the shape tree holding it.
void slideParagraphs(xmlNode* n, xmlNode* top, std::vector<std::pair<xmlNode*, xmlNode*>>& out) {
    for (xmlNode* c = n ? n->children : nullptr; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (is(c, kDrawingNs, "p"))
            out.emplace_back(c, top);
        else
            slideParagraphs(c, top ? top : c, out);
    }
}

// The occurrence-th text paragraph (slides in presentation order) holding the
// keyword, white space left out as for a PDF and a Word document.
KeywordShape keywordShape(const Parts& parts, const MainPart& main, const std::vector<xmlNode*>& slides,
                          const Placement& placement, const std::string& path) {
    const std::string keyword = withoutWhiteSpace(placement.keyword);
    std::vector<KeywordShape> found;
    for (std::size_t i = 0; i < slides.size() && !keyword.empty(); ++i) {
        xmlChar* v = xmlGetNsProp(slides[i], X("id"), X(kDocRelNs));
        const std::string rid = v ? reinterpret_cast<const char*>(v) : "";
        xmlFree(v);
        const std::string part = targetOf(parts, main.part, rid, path);
        if (!parts.has(part)) continue;
        const package::XmlDocument slide(parts.get(part), part);
        xmlNode* tree = firstChild(firstChild(xmlDocGetRootElement(slide.get()), kPresentationNs, "cSld"),
                                   kPresentationNs, "spTree");
        std::vector<std::pair<xmlNode*, xmlNode*>> paragraphs;
        slideParagraphs(tree, nullptr, paragraphs);
        for (const auto& [p, top] : paragraphs) {
            std::vector<xmlNode*> texts;
            collect(p, kDrawingNs, "t", texts);
            std::string all;
            for (const xmlNode* t : texts) all += textOf(t);
            all = withoutWhiteSpace(all);
            for (std::size_t at = all.find(keyword); at != std::string::npos;
                 at = all.find(keyword, at + keyword.size())) {
                KeywordShape k;
                k.slide = static_cast<int>(i) + 1;
                const xmlNode* xfrm =
                    firstChild(firstChild(top, kPresentationNs, "spPr"), kDrawingNs, "xfrm");
                if (!xfrm) xfrm = firstChild(top, kPresentationNs, "xfrm");  // a graphic frame (table)
                const xmlNode* off = firstChild(const_cast<xmlNode*>(xfrm), kDrawingNs, "off");
                const xmlNode* ext = firstChild(const_cast<xmlNode*>(xfrm), kDrawingNs, "ext");
                if (off && ext && !is(top, kPresentationNs, "grpSp")) {
                    k.placed = true;
                    k.x = std::strtol(package::attribute(off, "x").value_or("0").c_str(), nullptr, 10);
                    k.y = std::strtol(package::attribute(off, "y").value_or("0").c_str(), nullptr, 10);
                    k.cx = std::strtol(package::attribute(ext, "cx").value_or("0").c_str(), nullptr, 10);
                    k.cy = std::strtol(package::attribute(ext, "cy").value_or("0").c_str(), nullptr, 10);
                }
                found.push_back(k);
            }
        }
    }
    return occurrenceOf(found, placement, tr("no slide holds the keyword \"{text}\""), path);
}

// PowerPoint: a picture (p:pic) on the slide --page names (1 by default),
// centred at --at, else near the bottom right corner; with --keyword on the
// slide holding it, centred on the shape holding it (moved by --offset), or
// near the bottom right corner when the shape takes its place from the layout.
void sealPowerPoint(Parts& parts, const MainPart& main, const Seal& seal, const Placement& placement,
                    const std::string& path) {
    const package::XmlDocument pres(parts.get(main.part), main.part);
    xmlNode* root = xmlDocGetRootElement(pres.get());
    std::vector<xmlNode*> slides;
    collect(firstChild(root, kPresentationNs, "sldIdLst"), kPresentationNs, "sldId", slides);
    if (slides.empty()) throw Error(ErrorCategory::BadInput, tr("the presentation has no slide"), path);
    const bool keyword = placement.mode == Placement::Mode::Keyword;
    const KeywordShape shape = keyword ? keywordShape(parts, main, slides, placement, path) : KeywordShape{};
    const int page = keyword                ? shape.slide
                     : placement.page == -1 ? static_cast<int>(slides.size())
                                            : placement.page;
    if (page < 1 || page > static_cast<int>(slides.size()))
        throw Error(ErrorCategory::BadInput,
                    fill(tr("slide {n} does not exist; the presentation has {count} slides"),
                         {{"{n}", std::to_string(page)}, {"{count}", std::to_string(slides.size())}}),
                    path);
    xmlChar* v = xmlGetNsProp(slides[static_cast<std::size_t>(page - 1)], X("id"), X(kDocRelNs));
    const std::string rid = v ? reinterpret_cast<const char*>(v) : "";
    xmlFree(v);
    const std::string slidePart = targetOf(parts, main.part, rid, path);
    if (!parts.has(slidePart))
        throw Error(ErrorCategory::BadInput, tr("the slide part is missing: ") + slidePart, path);
    long slideCx = 9144000, slideCy = 6858000;
    if (const xmlNode* size = firstChild(root, kPresentationNs, "sldSz")) {
        slideCx = std::strtol(package::attribute(size, "cx").value_or("9144000").c_str(), nullptr, 10);
        slideCy = std::strtol(package::attribute(size, "cy").value_or("6858000").c_str(), nullptr, 10);
    }
    long x = 0, y = 0;
    if (keyword) {
        const long dx = std::lround(placement.offsetXMm * kEmuPerMm),
                   dy = std::lround(placement.offsetYMm * kEmuPerMm);
        x = (shape.placed ? shape.x + shape.cx / 2 - seal.cx / 2 : slideCx - seal.cx - 15 * kEmuPerMm) + dx;
        y = (shape.placed ? shape.y + shape.cy / 2 - seal.cy / 2 : slideCy - seal.cy - 15 * kEmuPerMm) + dy;
    } else if (placement.defaultSpot) {
        x = slideCx - seal.cx - 15 * kEmuPerMm;
        y = slideCy - seal.cy - 15 * kEmuPerMm;
    } else {
        x = std::lround(placement.xMm * kEmuPerMm) - seal.cx / 2;
        y = std::lround(placement.yMm * kEmuPerMm) - seal.cy / 2;
    }
    if (x < 0 || y < 0 || x + seal.cx > slideCx || y + seal.cy > slideCy)
        throw Error(ErrorCategory::BadInput, tr("the seal does not fit on slide ") + std::to_string(page),
                    path);

    const package::XmlDocument slide(parts.get(slidePart), slidePart);
    xmlNode* sroot = xmlDocGetRootElement(slide.get());
    xmlNode* tree = firstChild(firstChild(sroot, kPresentationNs, "cSld"), kPresentationNs, "spTree");
    if (!tree) throw Error(ErrorCategory::BadInput, tr("the slide has no shape tree"), path);
    const std::string imageRid =
        addRelationship(parts, slidePart, kImageRel, "../media/" + seal.media.substr(10));
    const long id = maxId(sroot, "cNvPr") + 1;
    const std::string cx = std::to_string(seal.cx), cy = std::to_string(seal.cy);
    const std::string pic =
        std::string("<p:pic xmlns:p=\"") + kPresentationNs + "\" xmlns:a=\"" + kDrawingNs + "\" xmlns:r=\"" +
        kDocRelNs + "\"><p:nvPicPr><p:cNvPr id=\"" + std::to_string(id) + "\" name=\"" + attr(seal.name) +
        "\"/><p:cNvPicPr><a:picLocks noChangeAspect=\"1\"/></p:cNvPicPr><p:nvPr/></p:nvPicPr><p:blipFill>"
        "<a:blip r:embed=\"" +
        imageRid + "\"/><a:stretch><a:fillRect/></a:stretch></p:blipFill><p:spPr><a:xfrm><a:off x=\"" +
        std::to_string(x) + "\" y=\"" + std::to_string(y) + "\"/><a:ext cx=\"" + cx + "\" cy=\"" + cy +
        "\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></p:spPr></p:pic>";
    xmlNode* ext = firstChild(tree, kPresentationNs, "extLst");
    insertFragment(slide.get(), tree, ext, pic);
    parts.put(slidePart, slide.serialize());
}

struct Prepared {
    std::unique_ptr<package::ZipArchive> zip;  // the input, read until the output is written
    Parts parts;
    MainPart main;
    std::string sealName;
    std::string contentTypes;  // the entry name of [Content_Types].xml
    std::string picture;       // the seal picture's part name, "word/media/eseal-seal-....png"
};

Prepared prepare(const SealRequest& request) {
    checkOutputTarget(request.input, request.output);
    const std::string& path = request.input;
    auto archive = std::make_unique<package::ZipArchive>(path);
    const package::ZipArchive& zip = *archive;
    const Package pkg(zip, path);
    const auto main = mainPartOf(pkg);
    if (!main)
        throw Error(ErrorCategory::BadInput,
                    tr("not a Word, Excel or PowerPoint package (no officeDocument part)"), path);
    for (const auto& r : parseRelationships(zip.read(pkg.find("_rels/.rels")), "_rels/.rels"))
        if (r.type == kOriginRel)
            throw Error(
                ErrorCategory::Unsupported,
                tr("the document is signed already; adding a seal picture would break that signature"), path);
    if (request.placement.mode == Placement::Mode::CrossPage)
        throw Error(ErrorCategory::Unsupported, tr("Office documents take no cross-page seal"), path);
    if (request.placement.mode == Placement::Mode::Keyword &&
        request.placement.occurrence == Placement::kAllOccurrences)
        throw Error(ErrorCategory::Unsupported,
                    tr("an Office document takes one seal picture: --occurrence all is for PDF"), path);
    if (request.placement.mode == Placement::Mode::Cell && main->kind != Kind::Excel)
        throw Error(ErrorCategory::Unsupported, tr("--cell is for Excel workbooks"), path);
    // In a workbook the seal sits at the top-left corner of the keyword's cell (an
    // xdr:oneCellAnchor): a move by millimetres would need the column widths and row
    // heights it crosses, so --offset is refused rather than ignored.
    if (request.placement.mode == Placement::Mode::Keyword && main->kind == Kind::Excel &&
        (request.placement.offsetXMm != 0 || request.placement.offsetYMm != 0))
        throw Error(ErrorCategory::Unsupported,
                    tr("--offset does not go with a spreadsheet: the seal goes at the top-left corner of "
                       "the cell holding the keyword"),
                    path);

    Prepared out{
        std::move(archive),           {}, *main, request.fieldName.empty() ? "eseal seal" : request.fieldName,
        pkg.find(kContentTypesEntry), {}};
    out.parts.zip = &zip;
    for (const auto& n : pkg.parts()) {
        // Every XML part must parse safely (no DOCTYPE, so no entities): checked
        // while streaming, no part held whole.
        const std::string f = foldCase(n);
        try {
            if (f.size() > 4 &&
                (f.compare(f.size() - 4, 4, ".xml") == 0 || f.compare(f.size() - 5, 5, ".rels") == 0))
                package::checkXml(zip, n);
        } catch (const Error& e) {
            throw Error(e.category(), e.what(), path);  // "part: problem", named after the document
        }
        out.parts.order.push_back(n);
        out.parts.source.insert(n);
    }
    const auto picture = sealPictureOf(request);
    const std::string folder = main->part.substr(0, main->part.find('/') + 1);
    Seal seal;
    seal.media = folder + "media/eseal-seal-" +
                 toHex(digest(DigestAlgorithm::Sha256, picture->pixels)).substr(0, 16) + ".png";
    seal.cx = std::lround(request.placement.sizeMm * kEmuPerMm);
    seal.cy = std::lround(request.placement.sizeMm * picture->height / picture->width * kEmuPerMm);
    seal.name = out.sealName;
    if (main->kind == Kind::Word) sealWord(out.parts, *main, seal, request.placement, path);
    if (main->kind == Kind::Excel) sealExcel(out.parts, *main, seal, request.placement, path);
    if (main->kind == Kind::PowerPoint) sealPowerPoint(out.parts, *main, seal, request.placement, path);
    out.parts.put(seal.media, encodePng(*picture));
    out.picture = seal.media;

    std::vector<std::pair<std::string, std::string>> overrides = {{kSignatureEntry, kSignatureType}};
    for (auto it = out.parts.order.begin(); it != out.parts.order.end();) {
        if (it->rfind("__override:", 0) == 0) {
            overrides.push_back({it->substr(11), kDrawingType});
            out.parts.changed.erase(*it);
            it = out.parts.order.erase(it);
        } else {
            ++it;
        }
    }
    addContentTypes(out.parts, pkg, {{"png", "image/png"}, {"sigs", kOriginType}}, overrides);
    return out;
}

// The signature's idPackageObject manifest (ECMA-376 part 2 13.2.4.1): a
// reference per part reached through the signed relationships, and per
// relationships part one with the relationship transform selecting them.
std::string manifestOf(const Parts& parts, const ContentTypes& ct, DigestAlgorithm alg) {
    const std::string dm = std::string("<DigestMethod Algorithm=\"") + xmldsig::digestUri(alg) + "\"/>";
    std::string refs;
    std::set<std::string> visited;
    std::vector<std::string> queue = {""};
    auto uriOf = [&](const std::string& part) {
        return "/" + package::percentEncodePath(part) + "?ContentType=" + ct.of(part);
    };
    while (!queue.empty()) {
        const std::string source = queue.front();
        queue.erase(queue.begin());
        const std::string rels = source.empty() ? "_rels/.rels" : relsPartOf(source);
        if (!parts.has(rels)) continue;
        std::set<std::string> ids;
        std::string selectors;
        for (const auto& r : parseRelationships(parts.get(rels), rels)) {
            if (unsignedRelationship(r.type)) continue;
            ids.insert(r.id);
            selectors += std::string("<mdssi:RelationshipReference xmlns:mdssi=\"") + kDigsigNs +
                         "\" SourceId=\"" + attr(r.id) + "\"/>";
            if (r.external) continue;
            const std::string target = resolveTarget(source, r.target);
            if (!parts.has(target) || !visited.insert(target).second) continue;
            refs += "<Reference URI=\"" + attr(uriOf(target)) + "\">" + dm + "<DigestValue>" +
                    xmldsig::base64(xmldsig::digestOf(alg, parts.octets(target))) +
                    "</DigestValue></Reference>";
            queue.push_back(target);
        }
        if (ids.empty()) continue;
        refs += "<Reference URI=\"" + attr(uriOf(rels)) + "\"><Transforms><Transform Algorithm=\"" +
                kRelationshipTransform + "\">" + selectors + "</Transform><Transform Algorithm=\"" +
                xmldsig::kC14n + "\"/></Transforms>" + dm + "<DigestValue>" +
                xmldsig::base64(digest(alg, relationshipTransform(parts.get(rels), ids, {}, rels))) +
                "</DigestValue></Reference>";
    }
    return refs;
}

// [MS-OFFCRYPTO] 2.5.2.5 SignatureInfoV1, as Office 2016 fills it for a
// signature without a signature line.
std::string officeObject(const SealRequest& request, DigestAlgorithm alg) {
    return std::string(
               "<Object Id=\"idOfficeObject\"><SignatureProperties><SignatureProperty "
               "Id=\"idOfficeV1Details\" "
               "Target=\"#idPackageSignature\"><SignatureInfoV1 "
               "xmlns=\"http://schemas.microsoft.com/office/2006/digsig\"><SetupID></SetupID>"
               "<SignatureText></SignatureText><SignatureImage></SignatureImage><SignatureComments>") +
           xmldsig::escape(request.reason) +
           "</SignatureComments><WindowsVersion>10.0</WindowsVersion><OfficeVersion>16.0</OfficeVersion>"
           "<ApplicationVersion>16.0</ApplicationVersion><Monitors>1</Monitors><HorizontalResolution>1920"
           "</HorizontalResolution><VerticalResolution>1080</VerticalResolution><ColorDepth>32</ColorDepth>"
           "<SignatureProviderId>{00000000-0000-0000-0000-000000000000}</SignatureProviderId>"
           "<SignatureProviderUrl></SignatureProviderUrl><SignatureProviderDetails>9</"
           "SignatureProviderDetails>"
           "<SignatureType>1</SignatureType><ManifestHashAlgorithm>" +
           xmldsig::digestUri(alg) +
           "</ManifestHashAlgorithm></SignatureInfoV1></SignatureProperty></SignatureProperties></Object>";
}

}  // namespace

void checkOoxmlRequest(const SealRequest& request) { prepare(request); }

SealResult sealOoxml(const SealRequest& request, Key& key) {
    Prepared prepared = prepare(request);
    Parts& parts = prepared.parts;

    // ECMA-376 part 2 13.2.1: the origin part (empty), reached from the
    // package, and the signature part, reached from the origin.
    addRelationship(parts, "", kOriginRel, kOriginEntry);
    parts.put(kOriginEntry, {});
    addRelationship(parts, kOriginEntry, kSignatureRel, "sig1.xml");
    // Every relationships part without white space between elements (see writeRelationships).
    for (const auto& n : parts.order)
        if (isRelsPart(n)) parts.put(n, writeRelationships(parseRelationships(parts.get(n), n)));

    // Content types as the package will have them, for the reference URIs.
    const ContentTypes types(parts.get(prepared.contentTypes), request.input);

    xmldsig::SignInput in;
    in.documentPrefix = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
    in.signatureId = "idPackageSignature";
    in.signingTime = request.signingTime ? *request.signingTime : now();
    in.digest = request.profile.digest;
    in.objectType = "http://www.w3.org/2000/09/xmldsig#Object";
    // ECMA-376 part 2 13.2.4.20 SignatureTime, in the package object.
    const std::string manifest =
        "<Object Id=\"idPackageObject\"><Manifest>" + manifestOf(parts, types, in.digest) +
        "</Manifest><SignatureProperties><SignatureProperty Id=\"idSignatureTime\" "
        "Target=\"#idPackageSignature\"><mdssi:SignatureTime xmlns:mdssi=\"" +
        kDigsigNs + "\"><mdssi:Format>YYYY-MM-DDThh:mm:ssTZD</mdssi:Format><mdssi:Value>" +
        isoUtc(in.signingTime) +
        "</mdssi:Value></mdssi:SignatureTime></SignatureProperty></SignatureProperties></Object>";
    in.objects = {{manifest, "idPackageObject"}, {officeObject(request, in.digest), "idOfficeObject"}};
    // The electronic seal in an Object of its own (one more Type=Object reference), naming the part
    // showing its picture.
    if (!request.electronicSeal.empty())
        in.objects.push_back(
            xmldsig::sealObject(request.electronicSeal, "idElectronicSeal", "/" + prepared.picture));
    const std::string signature = xmldsig::sign(in, key);
    parts.put(kSignatureEntry, bytesOf(signature));

    // [Content_Types].xml first, as Office writes it; unchanged parts keep
    // their compressed data, new and edited ones are compressed while written.
    package::ZipWriter writer(request.output);
    auto write = [&](const std::string& n) {
        const auto c = parts.changed.find(n);
        if (c == parts.changed.end())
            writer.copy(*prepared.zip, n);
        else if (c->second.stream)
            writer.addStreamed(n, c->second.stream);
        else
            writer.add(n, c->second.data);
    };
    write(prepared.contentTypes);
    for (const auto& n : parts.order)
        if (n != prepared.contentTypes) write(n);
    SealResult result;
    result.outputSize = writer.commit(request.handOff);
    result.output = request.output;
    result.fieldName = prepared.sealName;
    return result;
}

}  // namespace eseal::ooxml

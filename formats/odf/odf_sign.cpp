#include "formats/odf/odf_sign.hpp"

#include <libxml/tree.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "core/base/atomic_file.hpp"
#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/base/time.hpp"
#include "core/crypto/digest.hpp"
#include "core/package/xml.hpp"
#include "core/package/zip.hpp"
#include "core/seal/image.hpp"
#include "core/xmldsig/seal_object.hpp"
#include "core/xmldsig/xmldsig.hpp"
#include "formats/odf/odf_package.hpp"

namespace eseal::odf {

namespace {

constexpr const char* kOfficeNs = "urn:oasis:names:tc:opendocument:xmlns:office:1.0";
constexpr const char* kTextNs = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";
constexpr const char* kTableNs = "urn:oasis:names:tc:opendocument:xmlns:table:1.0";
constexpr const char* kDrawNs = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0";
constexpr const char* kSvgNs = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0";
constexpr const char* kXlinkNs = "http://www.w3.org/1999/xlink";
constexpr const char* kManifestNs = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0";
constexpr const char* kStyleNs = "urn:oasis:names:tc:opendocument:xmlns:style:1.0";
constexpr const char* kSealStyle = "esealSealFrame";

const xmlChar* X(const char* s) { return reinterpret_cast<const xmlChar*>(s); }

xmlNs* nsFor(xmlDoc* doc, const char* href, const char* prefix) {
    xmlNode* root = xmlDocGetRootElement(doc);
    if (xmlNs* ns = xmlSearchNsByHref(doc, root, X(href))) return ns;
    return xmlNewNs(root, X(href), X(prefix));
}

bool is(const xmlNode* n, const char* ns, const char* local) {
    return n && n->type == XML_ELEMENT_NODE && n->ns && xmlStrEqual(n->ns->href, X(ns)) &&
           xmlStrEqual(n->name, X(local));
}

xmlNode* firstChild(xmlNode* n, const char* ns, const char* local) {
    for (xmlNode* c = n ? n->children : nullptr; c; c = c->next)
        if (is(c, ns, local)) return c;
    return nullptr;
}

std::string mm(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2fmm", v);
    return buf;
}

struct Frame {
    std::string picture;  // Pictures/...
    double widthMm = 0, heightMm = 0;
    std::string name;
};

// draw:frame with draw:image (ODF 1.2 part 1 10.4.2, 10.4.4).
xmlNode* newFrame(xmlDoc* doc, const Frame& f, const char* anchor) {
    xmlNs* draw = nsFor(doc, kDrawNs, "draw");
    xmlNs* svg = nsFor(doc, kSvgNs, "svg");
    xmlNs* xlink = nsFor(doc, kXlinkNs, "xlink");
    xmlNode* frame = xmlNewDocNode(doc, draw, X("frame"), nullptr);
    xmlNewNsProp(frame, draw, X("name"), X(f.name.c_str()));
    if (anchor) xmlNewNsProp(frame, nsFor(doc, kTextNs, "text"), X("anchor-type"), X(anchor));
    xmlNewNsProp(frame, svg, X("width"), X(mm(f.widthMm).c_str()));
    xmlNewNsProp(frame, svg, X("height"), X(mm(f.heightMm).c_str()));
    xmlNewNsProp(frame, draw, X("z-index"), X("0"));
    xmlNode* image = xmlNewChild(frame, draw, X("image"), nullptr);
    xmlNewNsProp(image, xlink, X("href"), X(f.picture.c_str()));
    xmlNewNsProp(image, xlink, X("type"), X("simple"));
    xmlNewNsProp(image, xlink, X("show"), X("embed"));
    xmlNewNsProp(image, xlink, X("actuate"), X("onLoad"));
    return frame;
}

// An svg: length attribute in mm (ODF 1.2 part 1 18.3.18: cm, mm, in, pt, pc); nullopt for
// none or another unit.
std::optional<double> lengthMm(const xmlNode* n, const char* name) {
    xmlChar* v = xmlGetNsProp(n, X(name), X(kSvgNs));
    const std::string s = v ? reinterpret_cast<const char*>(v) : "";
    xmlFree(v);
    char* end = nullptr;
    const double value = std::strtod(s.c_str(), &end);
    if (s.empty() || end == s.c_str()) return std::nullopt;
    static const std::pair<const char*, double> units[] = {
        {"mm", 1}, {"cm", 10}, {"in", 25.4}, {"pt", 25.4 / 72}, {"pc", 25.4 / 6}};
    for (const auto& [unit, factor] : units)
        if (std::strcmp(end, unit) == 0) return value * factor;
    return std::nullopt;
}

std::string textOf(const xmlNode* n) {
    xmlChar* t = xmlNodeGetContent(n);
    std::string s = t ? reinterpret_cast<const char*>(t) : "";
    xmlFree(t);
    return s;
}

// Every element (text:p / text:h, or a table cell) whose text holds keyword, in document order.
void findKeyword(xmlNode* n, const std::string& keyword, bool cells, std::vector<xmlNode*>& found) {
    for (xmlNode* c = n ? n->children : nullptr; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        const bool candidate =
            cells ? is(c, kTableNs, "table-cell") : is(c, kTextNs, "p") || is(c, kTextNs, "h");
        if (candidate && !keyword.empty() && textOf(c).find(keyword) != std::string::npos) {
            found.push_back(c);
            continue;
        }
        findKeyword(c, keyword, cells, found);
    }
}

// The occurrence-th of them (Placement::kLastOccurrence: the last); throws
// Error(BadInput) naming the text when there are fewer.
xmlNode* keywordElement(xmlNode* n, const Placement& placement, bool cells, const std::string& path) {
    std::vector<xmlNode*> found;
    findKeyword(n, placement.keyword, cells, found);
    const int count = static_cast<int>(found.size());
    checkOccurrences(
        count, placement,
        tr(cells ? "no cell holds the keyword \"{text}\"" : "no paragraph holds the keyword \"{text}\""),
        path);
    return found[static_cast<std::size_t>(
        placement.occurrence == Placement::kLastOccurrence ? count - 1 : placement.occurrence - 1)];
}

long repeated(const xmlNode* n, const char* attr) {
    xmlChar* v = xmlGetNsProp(n, X(attr), X(kTableNs));
    const long r = v ? std::strtol(reinterpret_cast<const char*>(v), nullptr, 10) : 1;
    xmlFree(v);
    return r < 1 ? 1 : r;
}

// Makes the first of n's repetitions an element of its own and returns it.
xmlNode* splitFirst(xmlNode* n, const char* attr) {
    const long r = repeated(n, attr);
    if (r == 1) return n;
    xmlNode* first = xmlCopyNode(n, 1);
    xmlUnsetNsProp(first, xmlSearchNsByHref(n->doc, n, X(kTableNs)), X(attr));
    xmlSetNsProp(n, xmlSearchNsByHref(n->doc, n, X(kTableNs)), X(attr), X(std::to_string(r - 1).c_str()));
    xmlAddPrevSibling(n, first);
    return first;
}

bool hasContent(const xmlNode* row) {
    for (const xmlNode* c = row->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && (c->children || xmlHasNsProp(c, X("value-type"), X(kOfficeNs))))
            return true;
    return false;
}

// The seal in a spreadsheet: in the first cell of the row after the last one
// with content (a cell-anchored frame, ODF 1.2 part 1 9.2.8), or in the keyword's cell.
void placeInSpreadsheet(xmlDoc* doc, xmlNode* spreadsheet, const Frame& f, const Placement& placement,
                        const std::string& path) {
    xmlNode* cell = nullptr;
    if (placement.mode == Placement::Mode::Keyword) {
        cell = keywordElement(spreadsheet, placement, true, path);
    } else {
        xmlNode* table = firstChild(spreadsheet, kTableNs, "table");
        if (!table) throw Error(ErrorCategory::BadInput, tr("the spreadsheet has no table"), path);
        xmlNode* lastWithContent = nullptr;
        for (xmlNode* c = table->children; c; c = c->next)
            if (is(c, kTableNs, "table-row") && hasContent(c)) lastWithContent = c;
        xmlNode* next = lastWithContent ? lastWithContent->next : table->children;
        while (next && !is(next, kTableNs, "table-row")) next = next->next;
        xmlNode* row = nullptr;
        if (next) {
            row = splitFirst(next, "number-rows-repeated");
        } else {
            row = xmlNewChild(table, firstChild(table, kTableNs, "table-row") ? table->ns : table->ns,
                              X("table-row"), nullptr);
        }
        cell = firstChild(row, kTableNs, "table-cell");
        if (!cell) cell = xmlNewChild(row, row->ns, X("table-cell"), nullptr);
        cell = splitFirst(cell, "number-columns-repeated");
    }
    xmlNode* frame = newFrame(doc, f, nullptr);
    xmlNewNsProp(frame, nsFor(doc, kSvgNs, "svg"), X("x"), X("0mm"));
    xmlNewNsProp(frame, nsFor(doc, kSvgNs, "svg"), X("y"), X("0mm"));
    // A frame comes before the cell's paragraphs.
    if (cell->children)
        xmlAddPrevSibling(cell->children, frame);
    else
        xmlAddChild(cell, frame);
}

// The text nodes of a paragraph in document order, not those in frames or notes.
void paragraphText(xmlNode* n, std::vector<xmlNode*>& out) {
    for (xmlNode* c = n ? n->children : nullptr; c; c = c->next) {
        if (c->type == XML_TEXT_NODE)
            out.push_back(c);
        else if (c->type == XML_ELEMENT_NODE && !is(c, kDrawNs, "frame") && !is(c, kTextNs, "note"))
            paragraphText(c, out);
    }
}

// Puts frame into the paragraph's text before the keyword's middle character
// (the text node split there); false when the keyword lies only in nested
// content.
bool insertAtKeyword(xmlDoc* doc, xmlNode* para, const std::string& keyword, xmlNode* frame) {
    std::vector<xmlNode*> texts;
    paragraphText(para, texts);
    std::string all;
    std::vector<std::size_t> starts;
    for (xmlNode* t : texts) {
        starts.push_back(all.size());
        all += textOf(t);
    }
    const auto pos = all.find(keyword);
    if (pos == std::string::npos || texts.empty()) return false;
    std::size_t chars = 0;
    for (unsigned char c : keyword) chars += (c & 0xc0) != 0x80;
    std::size_t mid = pos;
    for (std::size_t skip = chars / 2; skip > 0; --skip) {
        ++mid;
        while (mid < all.size() && (static_cast<unsigned char>(all[mid]) & 0xc0) == 0x80) ++mid;
    }
    std::size_t i = texts.size() - 1;
    while (i > 0 && starts[i] > mid) --i;
    const std::string text = textOf(texts[i]);
    const std::size_t at = mid - starts[i];
    xmlNodeSetContentLen(texts[i], X(text.c_str()), static_cast<int>(at));
    // The frame first: libxml2 merges a text node added next to another one.
    xmlAddNextSibling(texts[i], frame);
    xmlAddNextSibling(frame, xmlNewDocTextLen(doc, X(text.c_str() + at), static_cast<int>(text.size() - at)));
    return true;
}

// An automatic graphic style (ODF 1.2 part 1 16.2, 20.386, 20.290) for a seal
// frame in front of the text (run-through), placed from its anchor character
// (20.387 vertical-rel "char": the seal follows the character to whatever line
// it is on); vertically centred on it ("middle") or, with svg:y, "from-top".
void addSealStyle(xmlDoc* doc, const char* verticalPos) {
    xmlNode* root = xmlDocGetRootElement(doc);
    xmlNode* styles = firstChild(root, kOfficeNs, "automatic-styles");
    if (!styles) {
        styles = xmlNewDocNode(doc, nsFor(doc, kOfficeNs, "office"), X("automatic-styles"), nullptr);
        if (xmlNode* body = firstChild(root, kOfficeNs, "body"))
            xmlAddPrevSibling(body, styles);
        else
            xmlAddChild(root, styles);
    }
    xmlNs* style = nsFor(doc, kStyleNs, "style");
    xmlNode* st = xmlNewChild(styles, style, X("style"), nullptr);
    xmlNewNsProp(st, style, X("name"), X(kSealStyle));
    xmlNewNsProp(st, style, X("family"), X("graphic"));
    xmlNode* gp = xmlNewChild(st, style, X("graphic-properties"), nullptr);
    static const std::pair<const char*, const char*> properties[] = {
        {"wrap", "run-through"},  {"run-through", "foreground"},   {"vertical-pos", verticalPos},
        {"vertical-rel", "char"}, {"horizontal-pos", "from-left"}, {"horizontal-rel", "char"}};
    for (const auto& [name, value] : properties) xmlNewNsProp(gp, style, X(name), X(value));
}

Bytes withSeal(const Bytes& content, const Frame& f, const Placement& placement, const std::string& path) {
    const package::XmlDocument doc(content, "content.xml");
    xmlDoc* d = doc.get();
    xmlNode* root = xmlDocGetRootElement(d);
    xmlNode* body = firstChild(root, kOfficeNs, "body");
    if (xmlNode* text = firstChild(body, kOfficeNs, "text")) {
        if (placement.mode == Placement::Mode::Keyword) {
            // Centred on the keyword: anchored at its middle character, centred on it (on
            // whatever line it is), moved by --offset; in front of the text. A vertical offset
            // is "from-top" of the character, which LibreOffice measures upwards from the
            // character's bottom: the centre DY below the character's middle (half a line,
            // about 2.5 mm, above its bottom).
            xmlNode* para = keywordElement(text, placement, false, path);
            xmlNode* frame = newFrame(d, f, "char");
            const bool dy = placement.offsetYMm != 0;
            addSealStyle(d, dy ? "from-top" : "middle");
            xmlNewNsProp(frame, nsFor(d, kDrawNs, "draw"), X("style-name"), X(kSealStyle));
            xmlNewNsProp(frame, nsFor(d, kSvgNs, "svg"), X("x"),
                         X(mm(placement.offsetXMm - f.widthMm / 2).c_str()));
            xmlNewNsProp(frame, nsFor(d, kSvgNs, "svg"), X("y"),
                         X(mm(dy ? f.heightMm / 2 + 2.5 - placement.offsetYMm : 0).c_str()));
            if (!insertAtKeyword(d, para, placement.keyword, frame)) xmlAddChild(para, frame);
        } else {
            xmlNode* p = xmlNewChild(text, nsFor(d, kTextNs, "text"), X("p"), nullptr);
            xmlAddChild(p, newFrame(d, f, "as-char"));
        }
    } else if (xmlNode* sheet = firstChild(body, kOfficeNs, "spreadsheet")) {
        // The seal sits at the top-left corner of the keyword's cell; a move by millimetres
        // would cross cells of other sizes, so --offset is refused rather than ignored.
        if (placement.mode == Placement::Mode::Keyword &&
            (placement.offsetXMm != 0 || placement.offsetYMm != 0))
            throw Error(ErrorCategory::Unsupported,
                        tr("--offset does not go with a spreadsheet: the seal goes at the top-left corner of "
                           "the cell holding the keyword"),
                        path);
        placeInSpreadsheet(d, sheet, f, placement, path);
    } else if (xmlNode* pres = firstChild(body, kOfficeNs, "presentation")) {
        xmlNode* page = firstChild(pres, kDrawNs, "page");
        if (!page) throw Error(ErrorCategory::BadInput, tr("the presentation has no slide"), path);
        double x = 20, y = 20;
        if (placement.mode == Placement::Mode::Keyword) {
            // The slide holding the keyword's paragraph; the seal centred on the shape holding it
            // when the shape gives its box, else at 20 mm, 20 mm; moved by --offset.
            xmlNode* shape = keywordElement(pres, placement, false, path);
            while (shape->parent && !is(shape->parent, kDrawNs, "page")) shape = shape->parent;
            if (!shape->parent)
                throw Error(
                    ErrorCategory::BadInput,
                    fill(tr("no slide holds the keyword \"{text}\""), {{"{text}", placement.keyword}}), path);
            page = shape->parent;
            const auto sx = lengthMm(shape, "x"), sy = lengthMm(shape, "y"), sw = lengthMm(shape, "width"),
                       sh = lengthMm(shape, "height");
            if (sx && sy && sw && sh) {
                x = *sx + *sw / 2 - f.widthMm / 2;
                y = *sy + *sh / 2 - f.heightMm / 2;
            }
            x += placement.offsetXMm;
            y += placement.offsetYMm;
        }
        xmlNode* frame = newFrame(d, f, nullptr);
        xmlNewNsProp(frame, nsFor(d, kSvgNs, "svg"), X("x"), X(mm(x).c_str()));
        xmlNewNsProp(frame, nsFor(d, kSvgNs, "svg"), X("y"), X(mm(y).c_str()));
        xmlAddChild(page, frame);
    } else {
        throw Error(ErrorCategory::Unsupported, tr("sealing this kind of OpenDocument is not supported"),
                    path);
    }
    return doc.serialize();
}

Bytes withPictureListed(const Bytes& manifest, const std::string& picture) {
    const package::XmlDocument doc(manifest, kManifestEntry);
    xmlDoc* d = doc.get();
    xmlNs* ns = nsFor(d, kManifestNs, "manifest");
    xmlNode* e = xmlNewChild(xmlDocGetRootElement(d), ns, X("file-entry"), nullptr);
    xmlNewNsProp(e, ns, X("full-path"), X(picture.c_str()));
    xmlNewNsProp(e, ns, X("media-type"), X("image/png"));
    return doc.serialize();
}

// The picture entry a front end placed that shows the seal (same pixels), or
// "" when there is none: the verifier then cannot compare it.
std::string placedPicture(const package::ZipArchive& zip, const RgbaImage& picture) {
    for (const auto& n : zip.names()) {
        if (n.rfind("Pictures/", 0) == 0 && n.back() != '/' && xmldsig::showsPicture(zip.read(n), picture))
            return n;
    }
    return {};
}

bool isXmlEntry(const std::string& n) { return n.size() > 4 && n.compare(n.size() - 4, 4, ".xml") == 0; }

Frame frameFor(const SealRequest& request, const RgbaImage& picture) {
    Frame frame;
    frame.picture = "Pictures/eseal-seal-" +
                    toHex(digest(DigestAlgorithm::Sha256, picture.pixels)).substr(0, 16) + ".png";
    frame.widthMm = request.placement.sizeMm;
    frame.heightMm = request.placement.sizeMm * picture.height / picture.width;
    frame.name = request.fieldName.empty() ? "eseal seal" : request.fieldName;
    return frame;
}

}  // namespace

void checkOdfRequest(const SealRequest& request) {
    checkOutputTarget(request.input, request.output);
    const package::ZipArchive zip(request.input);
    mimetypeOf(zip, request.input);
    for (const char* need : {"content.xml", kManifestEntry})
        if (!zip.contains(need))
            throw Error(ErrorCategory::BadInput, fill(tr("the package has no {name}"), {{"{name}", need}}),
                        request.input);
    if (zip.contains(kSignaturesEntry))
        throw Error(ErrorCategory::Unsupported,
                    tr("the document is signed already; adding a seal picture would break that signature"),
                    request.input);
    if (request.placement.mode == Placement::Mode::CrossPage ||
        request.placement.mode == Placement::Mode::Cell)
        throw Error(ErrorCategory::Unsupported, tr("OpenDocument seals go at a --keyword or at the end"),
                    request.input);
    if (request.placement.mode == Placement::Mode::Keyword &&
        request.placement.occurrence == Placement::kAllOccurrences)
        throw Error(ErrorCategory::Unsupported,
                    tr("an OpenDocument file takes one seal picture: --occurrence all is for PDF"),
                    request.input);
    // Every XML part must parse safely (no DOCTYPE, so no entities); checked
    // while streaming, one part at a time.
    for (const auto& n : zip.names())
        if (isXmlEntry(n)) package::checkXml(zip, n);
    const auto picture = sealPictureOf(request);
    // The seal placed in memory: a keyword that is not there costs no PIN.
    if (!request.picturePlaced)
        withSeal(zip.read("content.xml"), frameFor(request, *picture), request.placement, request.input);
}

SealResult sealOdf(const SealRequest& request, Key& key) {
    checkOdfRequest(request);
    const package::ZipArchive zip(request.input);
    const auto picture = sealPictureOf(request);
    const Frame frame = frameFor(request, *picture);
    const std::string& pictureName = frame.picture;

    // Only content.xml and the manifest change (and the picture is new); every
    // other entry is digested while streamed from the input and copied into the
    // output with its compressed data unchanged.
    // picturePlaced: the front end put the seal picture in; the package is signed as it is.
    const bool addPicture = !request.picturePlaced;
    std::map<std::string, Bytes> changed;
    std::vector<std::string> order = {"mimetype"};
    changed["mimetype"] = zip.read("mimetype");
    for (const auto& n : zip.names()) {
        if (n == "mimetype" || (addPicture && n == pictureName)) continue;
        order.push_back(n);
        if (addPicture && n == "content.xml")
            changed[n] = withSeal(zip.read(n), frame, request.placement, request.input);
        if (addPicture && n == kManifestEntry) changed[n] = withPictureListed(zip.read(n), pictureName);
    }
    if (addPicture) {
        order.push_back(pictureName);
        changed[pictureName] = encodePng(*picture);
    }

    // ODF 1.2 part 3 4.8: every entry but the signatures (mimetype included,
    // as LibreOffice 7.4 signs it); XML parts canonicalised, one at a time.
    xmldsig::SignInput in;
    in.documentPrefix =
        std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<document-signatures xmlns=\"") +
        kSignaturesNs + "\">";
    in.documentSuffix = "</document-signatures>";
    in.signingTime = request.signingTime ? *request.signingTime : now();
    in.digest = DigestAlgorithm::Sha256;
    in.dcDateProperty = true;
    for (const auto& n : order) {
        if (!signedEntry(n)) continue;
        xmldsig::Reference r;
        r.uri = uriOf(n);
        const auto c = changed.find(n);
        if (isXmlEntry(n)) r.transforms = {xmldsig::kC14n};
        if (c != changed.end()) {
            r.digestInput = isXmlEntry(n) ? xmldsig::canonicalize(c->second, xmldsig::kC14n, n) : c->second;
        } else if (isXmlEntry(n)) {
            r.digestInput.stream = [&zip, n](const xmldsig::Sink& sink) {
                sink(xmldsig::canonicalize(zip.read(n), xmldsig::kC14n, n));
            };
        } else {
            r.digestInput.stream = [&zip, n](const xmldsig::Sink& sink) { zip.stream(n, sink); };
        }
        in.references.push_back(std::move(r));
    }
    // The electronic seal, signed in an Object of its own, naming the picture that shows it.
    if (!request.electronicSeal.empty()) {
        const std::string shown = addPicture ? pictureName : placedPicture(zip, *picture);
        in.objects.push_back(xmldsig::sealObject(
            request.electronicSeal,
            "idElectronicSeal_" +
                toHex(digest(DigestAlgorithm::Sha256, request.electronicSeal)).substr(0, 8) +
                toHex(digest(DigestAlgorithm::Sha256, asBytes(isoUtc(in.signingTime)))).substr(0, 8),
            shown));
    }
    const std::string signatures = xmldsig::sign(in, key);

    // mimetype first and stored (ODF 1.2 part 3 3.3), then the entries in their order.
    package::ZipWriter writer(request.output);
    for (const auto& n : order) {
        const auto c = changed.find(n);
        if (c != changed.end())
            writer.add(n, c->second, n == "mimetype");
        else
            writer.copy(zip, n);
    }
    writer.add(kSignaturesEntry, asBytes(signatures));
    SealResult result;
    result.outputSize = writer.commit(request.handOff);
    result.output = request.output;
    result.fieldName = frame.name;
    return result;
}

}  // namespace eseal::odf

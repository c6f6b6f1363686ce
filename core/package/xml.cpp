#include "core/package/xml.hpp"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include <memory>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/package/zip.hpp"

namespace eseal::package {

namespace {

void quiet(void*, const char*, ...) {}

// No XML_PARSE_NOENT (entities stay unexpanded), no DTDLOAD, no network.
constexpr int kOptions = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;

std::string lastError(const xmlError* e) {
    std::string why = e && e->message ? e->message : "malformed";
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    return why;
}

bool& rootSeen(void* ctx) { return *static_cast<bool*>(static_cast<xmlParserCtxtPtr>(ctx)->_private); }

}  // namespace

void parseStreamed(const ZipArchive& zip, const std::string& name, xmlSAXHandler& sax, void* state) {
    parseStreamed([&](const std::function<void(ByteView)>& sink) { zip.stream(name, sink); }, name, sax,
                  state);
}

void parseStreamed(const Producer& produce, const std::string& name, xmlSAXHandler& sax, void* state) {
    xmlSetGenericErrorFunc(nullptr, quiet);
    sax.initialized = XML_SAX2_MAGIC;
    // A DOCTYPE stops the parse at once: nothing of it is read or loaded.
    sax.internalSubset = [](void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) {
        xmlStopParser(static_cast<xmlParserCtxtPtr>(ctx));
    };
    std::unique_ptr<xmlParserCtxt, void (*)(xmlParserCtxtPtr)> ctxt(
        xmlCreatePushParserCtxt(&sax, nullptr, nullptr, 0, nullptr), xmlFreeParserCtxt);
    if (!ctxt) throw Error(ErrorCategory::Internal, tr("out of memory"));
    ctxt->_private = state;
    xmlCtxtUseOptions(ctxt.get(), kOptions);
    bool failed = false;
    produce([&](ByteView piece) {
        if (!failed)
            failed = xmlParseChunk(ctxt.get(), reinterpret_cast<const char*>(piece.data()),
                                   static_cast<int>(piece.size()), 0) != 0;
    });
    if (!failed) failed = xmlParseChunk(ctxt.get(), nullptr, 0, 1) != 0;
    // The parser names the DOCTYPE before it calls internalSubset.
    if (ctxt->intSubName || ctxt->extSubURI || ctxt->extSubSystem)
        throw Error(ErrorCategory::BadInput, tr("XML with a DOCTYPE is not accepted"), name);
    if (failed || !ctxt->wellFormed)
        throw Error(ErrorCategory::BadInput,
                    tr("not well-formed XML: ") + lastError(xmlCtxtGetLastError(ctxt.get())), name);
}

void checkXml(const ZipArchive& zip, const std::string& name) {
    checkXml([&](const std::function<void(ByteView)>& sink) { zip.stream(name, sink); }, name);
}

void checkXml(const Producer& produce, const std::string& name) {
    bool root = false;
    xmlSAXHandler sax{};
    sax.startElementNs = [](void* ctx, const xmlChar*, const xmlChar*, const xmlChar*, int, const xmlChar**,
                            int, int, const xmlChar**) { rootSeen(ctx) = true; };
    parseStreamed(produce, name, sax, &root);
    if (!root) throw Error(ErrorCategory::BadInput, tr("XML without a root element"), name);
}

XmlDocument::XmlDocument(ByteView data, const std::string& name) {
    if (data.size() > kMaxXmlBytes) throw Error(ErrorCategory::BadInput, tr("XML part too large"), name);
    xmlSetGenericErrorFunc(nullptr, quiet);
    doc_ = xmlReadMemory(reinterpret_cast<const char*>(data.data()), static_cast<int>(data.size()), nullptr,
                         nullptr, kOptions);
    if (!doc_) {
        const std::string why = lastError(xmlGetLastError());
        xmlResetLastError();
        throw Error(ErrorCategory::BadInput, tr("not well-formed XML: ") + why, name);
    }
    // Package parts never need a DTD; refusing it rules out entity tricks.
    if (doc_->intSubset || doc_->extSubset) {
        xmlFreeDoc(doc_);
        doc_ = nullptr;
        throw Error(ErrorCategory::BadInput, tr("XML with a DOCTYPE is not accepted"), name);
    }
    if (!xmlDocGetRootElement(doc_)) {
        xmlFreeDoc(doc_);
        doc_ = nullptr;
        throw Error(ErrorCategory::BadInput, tr("XML without a root element"), name);
    }
}

XmlDocument::~XmlDocument() {
    if (doc_) xmlFreeDoc(doc_);
}

const xmlNode* XmlDocument::root() const noexcept { return xmlDocGetRootElement(doc_); }

Bytes XmlDocument::serialize() const {
    xmlChar* out = nullptr;
    int size = 0;
    xmlDocDumpMemoryEnc(doc_, &out, &size, "UTF-8");
    if (!out || size < 0) throw Error(ErrorCategory::Internal, tr("cannot serialise an XML part"));
    Bytes bytes(out, out + size);
    xmlFree(out);
    return bytes;
}

std::optional<std::string> saxAttribute(const xmlChar** attributes, int count, const char* ns,
                                        const char* local) {
    const auto* l = reinterpret_cast<const xmlChar*>(local);
    for (int i = 0; i < count; ++i) {
        const xmlChar** a = attributes + 5 * i;
        if (xmlStrEqual(a[0], l) &&
            ((!ns && !a[2]) || (ns && a[2] && xmlStrEqual(a[2], reinterpret_cast<const xmlChar*>(ns)))))
            return std::string(reinterpret_cast<const char*>(a[3]), reinterpret_cast<const char*>(a[4]));
    }
    return std::nullopt;
}

std::string localName(const xmlNode* node) {
    return node && node->name ? reinterpret_cast<const char*>(node->name) : "";
}

std::vector<const xmlNode*> children(const xmlNode* node, const std::string& local) {
    std::vector<const xmlNode*> out;
    if (!node) return out;
    for (const xmlNode* c = node->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && localName(c) == local) out.push_back(c);
    return out;
}

const xmlNode* child(const xmlNode* node, const std::string& local) {
    if (!node) return nullptr;
    for (const xmlNode* c = node->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && localName(c) == local) return c;
    return nullptr;
}

std::string text(const xmlNode* node) {
    if (!node) return {};
    xmlChar* t = xmlNodeGetContent(node);
    std::string out = t ? reinterpret_cast<const char*>(t) : "";
    xmlFree(t);
    return out;
}

std::optional<std::string> attribute(const xmlNode* node, const std::string& name) {
    if (!node) return std::nullopt;
    xmlChar* v = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name.c_str()));
    if (!v) return std::nullopt;
    std::string out = reinterpret_cast<const char*>(v);
    xmlFree(v);
    return out;
}

}  // namespace eseal::package

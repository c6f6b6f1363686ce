#include "core/package/xml.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"

namespace eseal::package {

namespace {

void quiet(void*, const char*, ...) {}

}  // namespace

XmlDocument::XmlDocument(ByteView data, const std::string& name) {
    if (data.size() > kMaxXmlBytes) throw Error(ErrorCategory::BadInput, tr("XML part too large"), name);
    xmlSetGenericErrorFunc(nullptr, quiet);
    // No XML_PARSE_NOENT (entities stay unexpanded), no DTDLOAD, no network.
    const int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
    doc_ = xmlReadMemory(reinterpret_cast<const char*>(data.data()), static_cast<int>(data.size()), nullptr,
                         nullptr, options);
    if (!doc_) {
        const xmlError* e = xmlGetLastError();
        std::string why = e && e->message ? e->message : "malformed";
        while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
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
    if (!out || size < 0) throw Error(ErrorCategory::Internal, "cannot serialise an XML part");
    Bytes bytes(out, out + size);
    xmlFree(out);
    return bytes;
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

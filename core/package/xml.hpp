// Reading XML parts of packages safely (libxml2): no network, no DTD (so no
// external entities and no entity expansion at all), bounded size.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/base/bytes.hpp"

typedef struct _xmlDoc xmlDoc;
typedef struct _xmlNode xmlNode;
typedef struct _xmlSAXHandler xmlSAXHandler;

namespace eseal::package {

inline constexpr std::size_t kMaxXmlBytes = 64u << 20;

class XmlDocument {
public:
    // Throws Error(BadInput) naming `name` for malformed XML, any DOCTYPE, or
    // more than kMaxXmlBytes.
    XmlDocument(ByteView data, const std::string& name);
    ~XmlDocument();
    XmlDocument(const XmlDocument&) = delete;
    XmlDocument& operator=(const XmlDocument&) = delete;

    const xmlNode* root() const noexcept;
    // The libxml2 tree, for canonicalization (core/xmldsig) and for formats
    // that edit a part before writing it back (ODF content.xml).
    xmlDoc* get() const noexcept { return doc_; }
    // The tree serialised as UTF-8 with an XML declaration.
    Bytes serialize() const;

private:
    xmlDoc* doc_ = nullptr;
};

class ZipArchive;

// Checks the entry `name` of zip as XmlDocument would (well-formed, no
// DOCTYPE, a root element) while streaming it, building no tree: memory stays
// the same whatever the part's size. Throws Error(BadInput) naming `name`.
void checkXml(const ZipArchive& zip, const std::string& name);
// Parses the entry `name` of zip with libxml2's SAX2 push parser as it streams
// (the options of XmlDocument; a DOCTYPE stops it and is refused); the
// handler's callbacks find state in their parser context's _private. Throws
// Error(BadInput) naming `name`.
void parseStreamed(const ZipArchive& zip, const std::string& name, xmlSAXHandler& sax, void* state);
// The same over bytes that produce() hands to the sink it gets, in pieces (a
// part being written, e.g. an entry with splices); `name` names it in errors.
using Producer = std::function<void(const std::function<void(ByteView)>&)>;
void parseStreamed(const Producer& produce, const std::string& name, xmlSAXHandler& sax, void* state);
// checkXml over produced bytes.
void checkXml(const Producer& produce, const std::string& name);

// The value of an attribute in SAX2's startElementNs attributes (five
// pointers each: local name, prefix, URI, value start, value end); ns nullptr
// for an attribute without a namespace; nullopt when absent.
std::optional<std::string> saxAttribute(const unsigned char** attributes, int count, const char* ns,
                                        const char* local);

// Element helpers by local name (namespace prefixes vary between writers).
std::string localName(const xmlNode* node);
std::vector<const xmlNode*> children(const xmlNode* node, const std::string& local);
const xmlNode* child(const xmlNode* node, const std::string& local);  // the first, or nullptr
std::string text(const xmlNode* node);  // concatenated text content, "" for nullptr
std::optional<std::string> attribute(const xmlNode* node, const std::string& name);

}  // namespace eseal::package

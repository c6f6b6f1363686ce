// What OOXML sealing and verifying share: the Open Packaging Conventions
// (ECMA-376 part 2) as far as signatures need them: content types,
// relationships, part names, and the relationship transform.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/base/bytes.hpp"
#include "core/package/zip.hpp"

namespace eseal::ooxml {

inline constexpr const char* kContentTypesEntry = "[Content_Types].xml";
inline constexpr const char* kContentTypesNs = "http://schemas.openxmlformats.org/package/2006/content-types";
inline constexpr const char* kRelationshipsNs =
    "http://schemas.openxmlformats.org/package/2006/relationships";
inline constexpr const char* kRelsType = "application/vnd.openxmlformats-package.relationships+xml";
inline constexpr const char* kDigsigNs = "http://schemas.openxmlformats.org/package/2006/digital-signature";
inline constexpr const char* kRelationshipTransform =
    "http://schemas.openxmlformats.org/package/2006/RelationshipTransform";
inline constexpr const char* kOriginRel =
    "http://schemas.openxmlformats.org/package/2006/relationships/digital-signature/origin";
inline constexpr const char* kSignatureRel =
    "http://schemas.openxmlformats.org/package/2006/relationships/digital-signature/signature";
inline constexpr const char* kOriginType = "application/vnd.openxmlformats-package.digital-signature-origin";
inline constexpr const char* kSignatureType =
    "application/vnd.openxmlformats-package.digital-signature-xmlsignature+xml";
inline constexpr const char* kOfficeDocumentRel =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument";
inline constexpr const char* kStrictOfficeDocumentRel =
    "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument";
inline constexpr const char* kImageRel =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image";
inline constexpr const char* kDocRelNs =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

struct Relationship {
    std::string id, type, target;
    bool external = false;  // TargetMode="External"
};

// A relationships part (ECMA-376 part 2 9.3). Throws Error(BadInput) naming
// name for bad XML, a missing Id/Type/Target or an Id used twice.
std::vector<Relationship> parseRelationships(ByteView xml, const std::string& name);
// The part written without white space between elements: LibreOffice's
// xmlsec digests such text nodes where the relationship transform drops
// them, so a signed package carries none (issue 7).
Bytes writeRelationships(const std::vector<Relationship>& relationships);
// ECMA-376 part 2 13.2.4.24: the relationships whose Id is in ids (or whose
// Type is in types), sorted by Id, TargetMode made explicit, then C14N.
// asLibreOffice: the output of LibreOffice 7.4's transform instead, which adds
// an empty <text/> element for every text node (white space) between the
// relationships; verify accepts it only as a second try (docs/DESIGN.md).
Bytes relationshipTransform(ByteView rels, const std::set<std::string>& ids,
                            const std::set<std::string>& types, const std::string& name,
                            bool asLibreOffice = false);

// Part names: ZIP entry names without the leading '/'. "" stands for the package.
std::string relsPartOf(const std::string& part);  // "word/document.xml" -> "word/_rels/document.xml.rels"
bool isRelsPart(const std::string& part);
// The part a relative target of source names ("" when it leaves the package).
std::string resolveTarget(const std::string& source, const std::string& target);
// The part a relationships part describes (nullopt when name is not one).
std::optional<std::string> sourceOfRels(const std::string& name);
// ECMA-376 part 2 9.1.1.1.2: part names compare case-insensitively (ASCII).
std::string foldCase(const std::string& name);

// [Content_Types].xml (ECMA-376 part 2 10.1.2). Throws Error(BadInput)
// naming path when it does not parse or repeats an entry.
class ContentTypes {
public:
    ContentTypes(ByteView xml, const std::string& path);
    // ECMA-376 part 2 10.1.2.4: the Override for the part, else the Default
    // for its extension; "" for none.
    std::string of(const std::string& part) const;

private:
    std::map<std::string, std::string> defaults_, overrides_;  // folded extension / folded part name
};

// A package opened for reading: entries by folded name, content types.
class Package {
public:
    // Throws Error(BadInput) naming path when it is no OPC package: no
    // [Content_Types].xml, two entries whose names differ only in case, a
    // content-types part that does not parse.
    Package(const package::ZipArchive& zip, const std::string& path);
    // The entry name as stored for a part name in any case; "" for none.
    std::string find(const std::string& part) const;
    std::string contentType(const std::string& part) const { return types_->of(part); }
    const std::vector<std::string>& parts() const noexcept { return parts_; }  // entries but directories
    const package::ZipArchive& zip() const noexcept { return zip_; }

private:
    const package::ZipArchive& zip_;
    std::map<std::string, std::string> byFolded_;
    std::unique_ptr<ContentTypes> types_;
    std::vector<std::string> parts_;
};

enum class Kind { Word, Excel, PowerPoint };
struct MainPart {
    Kind kind;
    std::string part;  // "word/document.xml"
    std::string contentType;
};
// The officeDocument relationship of the package and the kind its content
// type names; nullopt when the package is not a Word, Excel or PowerPoint one.
std::optional<MainPart> mainPartOf(const Package& pkg);
const char* kindName(Kind kind);  // "Word"

// Relationship types a package signature leaves unsigned, as Office does:
// core, extended and custom properties (edited without re-signing) and the
// signature origin (ECMA-376 part 2 13.2.1: signatures are added later).
bool unsignedRelationship(const std::string& type);

}  // namespace eseal::ooxml

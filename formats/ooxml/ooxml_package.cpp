#include "formats/ooxml/ooxml_package.hpp"

#include <libxml/tree.h>

#include <algorithm>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/package/xml.hpp"
#include "core/xmldsig/xmldsig.hpp"

namespace eseal::ooxml {

namespace {

bool isElement(const xmlNode* n, const char* ns, const char* local) {
    return n && n->type == XML_ELEMENT_NODE && n->ns &&
           xmlStrEqual(n->ns->href, reinterpret_cast<const xmlChar*>(ns)) &&
           xmlStrEqual(n->name, reinterpret_cast<const xmlChar*>(local));
}

std::string relationshipXml(const Relationship& r) {
    std::string out = "<Relationship Id=\"" + xmldsig::escape(r.id) + "\" Type=\"" + xmldsig::escape(r.type) +
                      "\" Target=\"" + xmldsig::escape(r.target) + "\"";
    if (r.external) out += " TargetMode=\"External\"";
    return out + "/>";
}

}  // namespace

std::vector<Relationship> parseRelationships(ByteView xml, const std::string& name) {
    const package::XmlDocument doc(xml, name);
    if (!isElement(doc.root(), kRelationshipsNs, "Relationships"))
        throw Error(ErrorCategory::BadInput, tr("not a relationships part: ") + name);
    std::vector<Relationship> out;
    std::set<std::string> ids;
    for (const xmlNode* n = doc.root()->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) continue;
        if (!isElement(n, kRelationshipsNs, "Relationship"))
            throw Error(ErrorCategory::BadInput, tr("unexpected element in relationships part ") + name);
        Relationship r;
        const auto id = package::attribute(n, "Id"), type = package::attribute(n, "Type"),
                   target = package::attribute(n, "Target");
        const std::string mode = package::attribute(n, "TargetMode").value_or("Internal");
        if (!id || !type || !target || id->empty() || (mode != "Internal" && mode != "External"))
            throw Error(ErrorCategory::BadInput, tr("a relationship without Id, Type or Target in ") + name);
        // ECMA-376 part 2 9.3.2.2: Ids are unique within a relationships part.
        if (!ids.insert(*id).second)
            throw Error(ErrorCategory::BadInput, fill(tr("relationship Id {id} appears twice in {part}"),
                                                      {{"{id}", *id}, {"{part}", name}}));
        r.id = *id;
        r.type = *type;
        r.target = *target;
        r.external = mode == "External";
        out.push_back(std::move(r));
    }
    return out;
}

Bytes writeRelationships(const std::vector<Relationship>& relationships) {
    std::string out = std::string("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n") +
                      "<Relationships xmlns=\"" + kRelationshipsNs + "\">";
    for (const auto& r : relationships) out += relationshipXml(r);
    out += "</Relationships>";
    return Bytes(out.begin(), out.end());
}

Bytes relationshipTransform(ByteView rels, const std::set<std::string>& ids,
                            const std::set<std::string>& types, const std::string& name, bool asLibreOffice) {
    std::vector<Relationship> selected;
    for (auto& r : parseRelationships(rels, name))
        if (ids.count(r.id) || types.count(r.type)) selected.push_back(std::move(r));
    std::sort(selected.begin(), selected.end(),
              [](const Relationship& a, const Relationship& b) { return a.id < b.id; });
    std::string xml = std::string("<Relationships xmlns=\"") + kRelationshipsNs + "\">";
    if (asLibreOffice) {
        // LibreOffice 7.4's xmlsec writes each node under Relationships that is no
        // Relationship element as an element named after the node: a white-space
        // text node becomes <text></text>, ahead of the sorted relationships.
        const package::XmlDocument doc(rels, name);
        for (const xmlNode* c = doc.root()->children; c; c = c->next)
            if (c->type == XML_TEXT_NODE) xml += "<text></text>";
    }
    for (const auto& r : selected) {
        xml += "<Relationship Id=\"" + xmldsig::escape(r.id) + "\" Type=\"" + xmldsig::escape(r.type) +
               "\" Target=\"" + xmldsig::escape(r.target) + "\" TargetMode=\"" +
               (r.external ? "External" : "Internal") + "\"/>";
    }
    xml += "</Relationships>";
    return xmldsig::canonicalize(asBytes(xml), xmldsig::kC14n, name);
}

std::string relsPartOf(const std::string& part) {
    const auto slash = part.rfind('/');
    if (slash == std::string::npos) return "_rels/" + part + ".rels";
    return part.substr(0, slash + 1) + "_rels/" + part.substr(slash + 1) + ".rels";
}

bool isRelsPart(const std::string& part) { return sourceOfRels(part).has_value(); }

std::optional<std::string> sourceOfRels(const std::string& name) {
    const std::string folded = foldCase(name);
    if (folded.size() < 5 || folded.compare(folded.size() - 5, 5, ".rels") != 0) return std::nullopt;
    const auto slash = name.rfind('/');
    const std::string dir = slash == std::string::npos ? "" : name.substr(0, slash + 1);
    const std::string file = name.substr(dir.size());
    if (dir.size() < 6 || foldCase(dir.substr(dir.size() - 6)) != "_rels/") return std::nullopt;
    const std::string parent = dir.substr(0, dir.size() - 6);
    return parent + file.substr(0, file.size() - 5);  // "_rels/.rels" -> "" (the package)
}

std::string resolveTarget(const std::string& source, const std::string& target) {
    std::string path;
    if (!target.empty() && target[0] == '/') {
        path = target.substr(1);
    } else {
        const auto slash = source.rfind('/');
        path = (slash == std::string::npos ? "" : source.substr(0, slash + 1)) + target;
    }
    const auto q = path.find_first_of("?#");
    if (q != std::string::npos) path.resize(q);
    std::vector<std::string> segments;
    std::size_t at = 0;
    while (at <= path.size()) {
        const auto next = std::min(path.find('/', at), path.size());
        const std::string seg = path.substr(at, next - at);
        if (seg == "..") {
            if (segments.empty()) return {};
            segments.pop_back();
        } else if (!seg.empty() && seg != ".") {
            segments.push_back(seg);
        }
        at = next + 1;
    }
    std::string out;
    for (const auto& s : segments) out += (out.empty() ? "" : "/") + s;
    return out;
}

std::string foldCase(const std::string& name) {
    std::string out = name;
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

Package::Package(const package::ZipArchive& zip, const std::string& path) : zip_(zip) {
    for (const auto& n : zip.names()) {
        if (!n.empty() && n.back() == '/') continue;
        if (!byFolded_.emplace(foldCase(n), n).second)
            throw Error(ErrorCategory::BadInput, tr("two package parts differ only in case: ") + n, path);
        parts_.push_back(n);
    }
    const std::string ct = find(kContentTypesEntry);
    if (ct.empty())
        throw Error(ErrorCategory::BadInput, tr("not an OOXML package (no [Content_Types].xml)"), path);
    types_ = std::make_unique<ContentTypes>(zip.read(ct), path);
}

ContentTypes::ContentTypes(ByteView xml, const std::string& path) {
    const package::XmlDocument doc(xml, kContentTypesEntry);
    if (!isElement(doc.root(), kContentTypesNs, "Types"))
        throw Error(ErrorCategory::BadInput, tr("[Content_Types].xml has no Types root"), path);
    for (const xmlNode* n = doc.root()->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) continue;
        const std::string type = package::attribute(n, "ContentType").value_or("");
        if (isElement(n, kContentTypesNs, "Default")) {
            const std::string ext = foldCase(package::attribute(n, "Extension").value_or(""));
            if (ext.empty() || type.empty() || !defaults_.emplace(ext, type).second)
                throw Error(ErrorCategory::BadInput, tr("[Content_Types].xml: a bad or repeated Default"),
                            path);
        } else if (isElement(n, kContentTypesNs, "Override")) {
            std::string part = package::attribute(n, "PartName").value_or("");
            if (part.size() < 2 || part[0] != '/' || type.empty() ||
                !overrides_.emplace(foldCase(part.substr(1)), type).second)
                throw Error(ErrorCategory::BadInput, tr("[Content_Types].xml: a bad or repeated Override"),
                            path);
        } else {
            throw Error(ErrorCategory::BadInput, tr("[Content_Types].xml: unexpected element"), path);
        }
    }
}

std::string Package::find(const std::string& part) const {
    const auto it = byFolded_.find(foldCase(part));
    return it == byFolded_.end() ? "" : it->second;
}

std::string ContentTypes::of(const std::string& part) const {
    const auto o = overrides_.find(foldCase(part));
    if (o != overrides_.end()) return o->second;
    const auto slash = part.rfind('/');
    const auto dot = part.rfind('.');
    if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return {};
    const auto d = defaults_.find(foldCase(part.substr(dot + 1)));
    return d == defaults_.end() ? "" : d->second;
}

std::optional<MainPart> mainPartOf(const Package& pkg) {
    const std::string rels = pkg.find("_rels/.rels");
    if (rels.empty()) return std::nullopt;
    for (const auto& r : parseRelationships(pkg.zip().read(rels), rels)) {
        if (r.external || (r.type != kOfficeDocumentRel && r.type != kStrictOfficeDocumentRel)) continue;
        const std::string part = pkg.find(resolveTarget("", r.target));
        if (part.empty()) return std::nullopt;
        const std::string type = pkg.contentType(part);
        auto has = [&](const char* s) { return type.find(s) != std::string::npos; };
        MainPart m{Kind::Word, part, type};
        if (has("wordprocessingml.document.main") || has("wordprocessingml.template.main") ||
            has("ms-word.document.macroEnabled.main") || has("ms-word.template.macroEnabledTemplate.main"))
            m.kind = Kind::Word;
        else if (has("spreadsheetml.sheet.main") || has("spreadsheetml.template.main") ||
                 has("ms-excel.sheet.macroEnabled.main") || has("ms-excel.template.macroEnabled.main"))
            m.kind = Kind::Excel;
        else if (has("presentationml.presentation.main") || has("presentationml.template.main") ||
                 has("presentationml.slideshow.main") || has("ms-powerpoint.presentation.macroEnabled.main"))
            m.kind = Kind::PowerPoint;
        else
            return std::nullopt;
        return m;
    }
    return std::nullopt;
}

const char* kindName(Kind kind) {
    switch (kind) {
        case Kind::Word:
            return "Word";
        case Kind::Excel:
            return "Excel";
        default:
            return "PowerPoint";
    }
}

bool unsignedRelationship(const std::string& type) {
    static const std::set<std::string> types = {
        "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/metadata/core-properties",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties",
        "http://purl.oclc.org/ooxml/officeDocument/relationships/extendedProperties",
        "http://purl.oclc.org/ooxml/officeDocument/relationships/customProperties",
        kOriginRel,
    };
    return types.count(type) > 0;
}

}  // namespace eseal::ooxml

#include "formats/odf/odf_verify.hpp"

#include <libxml/tree.h>

#include <filesystem>
#include <set>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/package/xml.hpp"
#include "core/package/zip.hpp"
#include "core/xmldsig/seal_object.hpp"
#include "core/xmldsig/xmldsig.hpp"
#include "formats/odf/odf_package.hpp"

namespace eseal::odf {

namespace {

// The media type of the package root the signed manifest states (ODF 1.2
// part 3 4.2); the unsigned mimetype entry must agree with it.
std::string manifestRootType(const package::ZipArchive& zip) {
    if (!zip.contains(kManifestEntry)) return {};
    const package::XmlDocument m(zip.read(kManifestEntry), kManifestEntry);
    for (const xmlNode* e : package::children(m.root(), "file-entry"))
        if (package::attribute(e, "full-path").value_or("") == "/")
            return package::attribute(e, "media-type").value_or("");
    return {};
}

bool showsImage(const xmlNode* node, const std::string& href) {
    for (const xmlNode* c = node ? node->children : nullptr; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (package::localName(c) == "image" && package::attribute(c, "href").value_or("") == href)
            return true;
        if (showsImage(c, href)) return true;
    }
    return false;
}

// True when content.xml or styles.xml draws the picture entry (a draw:image's xlink:href).
bool drawnPicture(const package::ZipArchive& zip, const std::string& entry) {
    for (const char* part : {"content.xml", "styles.xml"}) {
        if (!zip.contains(part)) continue;
        const package::XmlDocument doc(zip.read(part), part);
        if (showsImage(doc.root(), entry)) return true;
    }
    return false;
}

}  // namespace

Report verifyOdf(const std::string& path, const TrustStore& trust, const VerifyOptions& options) {
    Report report;
    report.file = path;
    report.format = "ODF";
    std::error_code ec;
    report.fileSize = std::filesystem::file_size(path, ec);
    try {
        const package::ZipArchive zip(path);
        const std::string mimetype = mimetypeOf(zip, path);
        if (!zip.contains(kSignaturesEntry)) return report;
        const std::string rootType = manifestRootType(zip);
        const package::XmlDocument doc(zip.read(kSignaturesEntry), kSignaturesEntry);
        if (package::localName(doc.root()) != "document-signatures")
            throw Error(ErrorCategory::BadInput, tr("documentsignatures.xml has no document-signatures root"),
                        path);

        // A reference names a package entry; XML entries are canonicalised first.
        const xmldsig::Dereference dereference = [&](const std::string& uri,
                                                     const std::vector<std::string>& transforms,
                                                     std::string& why) -> std::optional<xmldsig::Octets> {
            const std::string name = nameOf(uri);
            if (name.empty() || !signedEntry(name) || !zip.contains(name)) {
                why = tr("signed package entry missing: ") + uri;
                return std::nullopt;
            }
            if (transforms.empty()) {  // digested while streamed from the package
                xmldsig::Octets octets;
                octets.stream = [&zip, name](const xmldsig::Sink& sink) { zip.stream(name, sink); };
                return octets;
            }
            if (transforms.size() == 1 && xmldsig::isCanonicalization(transforms[0]))
                return xmldsig::canonicalize(zip.read(name), transforms[0], name);
            why = tr("unsupported transform on ") + uri;
            return std::nullopt;
        };

        std::vector<std::string> entries;
        for (const auto& n : zip.names())
            if (signedEntry(n) && n != "mimetype") entries.push_back(n);
        for (const xmlNode* s = doc.root()->children; s; s = s->next) {
            if (s->type != XML_ELEMENT_NODE) continue;
            xmldsig::Checked c = xmldsig::verify(doc, s, dereference, trust, options);
            SignatureReport& r = c.report;
            r.format = "XAdES (ODF documentsignatures.xml)";
            std::set<std::string> covered;
            for (const auto& u : c.externalUris) covered.insert(nameOf(u));
            std::vector<std::string> uncovered;
            for (const auto& n : entries)
                if (!covered.count(n)) uncovered.push_back(n);
            r.coverage = uncovered.empty() ? Coverage::EntireFile : Coverage::Unknown;
            r.coverageDetail = std::to_string(entries.size() - uncovered.size()) + " of " +
                               std::to_string(entries.size()) + " package entries signed";
            for (const auto& n : uncovered) {
                r.verdict.worsenTo(Indication::Indeterminate, SubIndication::SigConstraintsFailure);
                r.errors.push_back(tr("package entry not covered by the signature: ") + n);
            }
            if (!covered.count("mimetype") && rootType != mimetype) {
                r.verdict.worsenTo(Indication::Failed, SubIndication::FormatFailure);
                r.errors.push_back(
                    fill(tr("the mimetype entry ({type}) is not the signed manifest's ({signed})"),
                         {{"{type}", mimetype}, {"{signed}", rootType}}));
            }
            // The electronic seal it carries, and whether the picture drawn is the seal's.
            const xmldsig::PictureReader picture = [&](const std::string& entry,
                                                       std::string& why) -> std::optional<Bytes> {
                if (!covered.count(entry) || !zip.contains(entry)) {
                    why = fill(tr("the picture {part} is not a signed entry of the package"),
                               {{"{part}", entry}});
                    return std::nullopt;
                }
                if (!drawnPicture(zip, entry)) {
                    why = fill(tr("the document does not show the picture {part}"), {{"{part}", entry}});
                    return std::nullopt;
                }
                return zip.read(entry);
            };
            xmldsig::checkCarriedSeal(s, c.sameDocumentIds, c.signerCertificate, picture, r);
            report.signatures.push_back(std::move(r));
        }
    } catch (const Error& e) {
        report.readable = false;
        report.errors.push_back(e.what());
    }
    return report;
}

}  // namespace eseal::odf

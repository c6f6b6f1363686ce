#include "formats/ooxml/ooxml_verify.hpp"

#include <libxml/tree.h>

#include <filesystem>
#include <map>
#include <set>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/crypto/digest.hpp"
#include "core/package/uri.hpp"
#include "core/package/xml.hpp"
#include "core/package/zip.hpp"
#include "core/xmldsig/seal_object.hpp"
#include "core/xmldsig/xmldsig.hpp"
#include "formats/ooxml/ooxml_package.hpp"

namespace eseal::ooxml {

namespace {

// What one signature's manifest covers.
struct Covered {
    std::set<std::string> parts;                       // folded part names, digest matched
    std::map<std::string, std::set<std::string>> ids;  // folded rels part -> relationship Ids
    std::map<std::string, std::set<std::string>> types;
};

const xmlNode* manifestOf(const xmlNode* signature, const std::set<std::string>& signedIds, int& found) {
    const xmlNode* manifest = nullptr;
    found = 0;
    for (const xmlNode* o : package::children(signature, "Object")) {
        const xmlNode* m = package::child(o, "Manifest");
        if (!m) continue;
        ++found;
        if (signedIds.count(package::attribute(o, "Id").value_or("\x01"))) manifest = m;
    }
    return manifest;
}

// The package's relationships, walked from the package root.
struct Graph {
    struct Edge {
        std::string rels, source;  // folded rels part, its source part
        Relationship rel;
    };
    std::vector<Edge> edges;
    std::set<std::string> reached;  // folded part names
};

Graph walk(const Package& pkg) {
    Graph g;
    std::vector<std::string> queue = {""};
    std::set<std::string> seen = {""};
    while (!queue.empty()) {
        const std::string source = queue.back();
        queue.pop_back();
        const std::string rels = pkg.find(source.empty() ? "_rels/.rels" : relsPartOf(source));
        if (rels.empty()) continue;
        g.reached.insert(foldCase(rels));
        for (const auto& r : parseRelationships(pkg.zip().read(rels), rels)) {
            g.edges.push_back({foldCase(rels), source, r});
            if (r.external) continue;
            const std::string target = pkg.find(resolveTarget(source, r.target));
            // ECMA-376 part 2 9.3: an internal target names a part; one that
            // does not exist is a broken package, which Office "repairs".
            if (target.empty())
                throw Error(ErrorCategory::BadInput,
                            fill(tr("relationship {id} in {part} names a part that does not exist: {target}"),
                                 {{"{id}", r.id}, {"{part}", rels}, {"{target}", r.target}}));
            g.reached.insert(foldCase(target));
            if (seen.insert(foldCase(target)).second) queue.push_back(target);
        }
    }
    return g;
}

}  // namespace

Report verifyOoxml(const std::string& path, const TrustStore& trust, const VerifyOptions& options) {
    Report report;
    report.file = path;
    report.format = "OOXML";
    std::error_code ec;
    report.fileSize = std::filesystem::file_size(path, ec);
    try {
        const package::ZipArchive zip(path);
        const Package pkg(zip, path);
        if (!mainPartOf(pkg))
            throw Error(ErrorCategory::BadInput, tr("no Word, Excel or PowerPoint main part"), path);
        // Never repair before verifying: a package Office would have to
        // repair (a part without content type, a dangling relationship) is
        // refused, not mended into what an attacker wants shown.
        for (const auto& n : pkg.parts())
            if (foldCase(n) != foldCase(kContentTypesEntry) && pkg.contentType(n).empty())
                throw Error(ErrorCategory::BadInput,
                            fill(tr("part {part} has no content type (a broken package)"), {{"{part}", n}}),
                            path);
        const Graph graph = walk(pkg);

        // Signature parts: package -> origin -> signatures (ECMA-376 part 2 13.2.1).
        std::vector<std::string> signatureParts;
        std::set<std::string> signatureFiles;
        std::string origin;
        for (const auto& e : graph.edges) {
            if (e.source.empty() && e.rel.type == kOriginRel) {
                if (!origin.empty()) throw Error(ErrorCategory::BadInput, tr("two signature origins"), path);
                origin = pkg.find(resolveTarget("", e.rel.target));
            }
        }
        if (origin.empty()) return report;
        signatureFiles.insert(foldCase(origin));
        for (const auto& e : graph.edges)
            if (foldCase(e.source) == foldCase(origin) && e.rel.type == kSignatureRel && !e.rel.external) {
                const std::string part = pkg.find(resolveTarget(origin, e.rel.target));
                signatureParts.push_back(part);
                signatureFiles.insert(foldCase(part));
            }
        if (signatureParts.empty()) return report;

        for (const auto& sigPart : signatureParts) {
            SignatureReport r;
            r.id = sigPart;
            r.format = "XAdES (OOXML package signature)";
            try {
                if (pkg.contentType(sigPart) != kSignatureType)
                    throw Error(ErrorCategory::BadInput,
                                fill(tr("signature part {part} has content type {type}"),
                                     {{"{part}", sigPart}, {"{type}", pkg.contentType(sigPart)}}));
                const package::XmlDocument doc(zip.read(sigPart), sigPart);
                // Office's SignedInfo references only objects of the signature.
                const xmldsig::Dereference none = [](const std::string& uri, const std::vector<std::string>&,
                                                     std::string& why) -> std::optional<Bytes> {
                    why = tr("a package signature's SignedInfo references a part directly: ") + uri;
                    return std::nullopt;
                };
                xmldsig::Checked c = xmldsig::verify(doc, doc.root(), none, trust, options);
                r = std::move(c.report);
                r.id = sigPart;
                r.format = "XAdES (OOXML package signature)";
                int manifests = 0;
                const xmlNode* manifest = manifestOf(doc.root(), c.sameDocumentIds, manifests);
                if (!manifest || manifests != 1) {
                    r.verdict.worsenTo(Indication::Failed, SubIndication::FormatFailure);
                    r.errors.push_back(manifest ? "the signature has more than one manifest"
                                                : "the signature has no signed manifest of package parts");
                }
                Covered covered;
                const xmldsig::NodeDereference part =
                    [&](const std::string& uri, const xmlNode* ref,
                        std::string& why) -> std::optional<xmldsig::Octets> {
                    // ECMA-376 part 2 13.2.4.6: "/part?ContentType=type".
                    const auto q = uri.find("?ContentType=");
                    if (uri.empty() || uri[0] != '/' || q == std::string::npos) {
                        why = tr("a manifest reference that is not a package part: ") + uri;
                        return std::nullopt;
                    }
                    const std::string name = pkg.find(package::percentDecode(uri.substr(1, q - 1)));
                    if (name.empty() || signatureFiles.count(foldCase(name))) {
                        why = tr("signed part missing: ") + uri;
                        return std::nullopt;
                    }
                    const std::string type = uri.substr(q + 13);
                    if (type != pkg.contentType(name)) {
                        why = fill(tr("the content type of {part} changed from {signed} to {type}"),
                                   {{"{part}", name}, {"{signed}", type}, {"{type}", pkg.contentType(name)}});
                        return std::nullopt;
                    }
                    std::vector<const xmlNode*> transforms =
                        package::children(package::child(ref, "Transforms"), "Transform");
                    if (transforms.empty()) {
                        covered.parts.insert(foldCase(name));
                        xmldsig::Octets octets;  // digested while streamed from the package
                        octets.stream = [&zip, name](const xmldsig::Sink& sink) { zip.stream(name, sink); };
                        return octets;
                    }
                    const std::string first = package::attribute(transforms[0], "Algorithm").value_or("");
                    const bool c14n = transforms.size() == 2 &&
                                      xmldsig::isCanonicalization(
                                          package::attribute(transforms[1], "Algorithm").value_or(""));
                    if (first == kRelationshipTransform && c14n && isRelsPart(name)) {
                        std::set<std::string> ids, types;
                        for (const xmlNode* s = transforms[0]->children; s; s = s->next) {
                            if (s->type != XML_ELEMENT_NODE) continue;
                            if (package::localName(s) == "RelationshipReference")
                                ids.insert(package::attribute(s, "SourceId").value_or(""));
                            else if (package::localName(s) == "RelationshipsGroupReference")
                                types.insert(package::attribute(s, "SourceType").value_or(""));
                        }
                        covered.ids[foldCase(name)] = ids;
                        covered.types[foldCase(name)] = types;
                        const Bytes rels = zip.read(name);
                        Bytes out = relationshipTransform(rels, ids, types, name);
                        // LibreOffice 7.4 digests white space between relationships as
                        // <text></text> (ooxml_package.hpp): the same relationships, so
                        // its signatures are accepted, with a note.
                        const auto alg = xmldsig::digestAlgorithmOf(
                            package::attribute(package::child(ref, "DigestMethod"), "Algorithm")
                                .value_or(""));
                        const auto want =
                            xmldsig::fromBase64(package::text(package::child(ref, "DigestValue")));
                        if (alg && want && digest(*alg, out) != *want) {
                            Bytes lo = relationshipTransform(rels, ids, types, name, true);
                            if (lo != out && digest(*alg, lo) == *want) {
                                r.warnings.push_back(
                                    fill(tr("the relationships of {part} were digested as LibreOffice 7.4 "
                                            "does (white space between them as <text></text>), "
                                            "not as ECMA-376 says"),
                                         {{"{part}", name}}));
                                out = std::move(lo);
                            }
                        }
                        return out;
                    }
                    if (transforms.size() == 1 && xmldsig::isCanonicalization(first)) {
                        covered.parts.insert(foldCase(name));
                        return xmldsig::canonicalize(zip.read(name), first, name);
                    }
                    why = tr("unsupported transforms on ") + uri;
                    return std::nullopt;
                };
                std::set<std::string> matched;
                if (manifest)
                    for (const auto& u : xmldsig::verifyManifest(doc, doc.root(), manifest, part, r)) {
                        const auto q = u.find("?ContentType=");
                        matched.insert(foldCase(pkg.find(package::percentDecode(u.substr(1, q - 1)))));
                    }
                // Only what matched counts as covered.
                for (auto it = covered.parts.begin(); it != covered.parts.end();)
                    it = matched.count(*it) ? std::next(it) : covered.parts.erase(it);
                for (auto it = covered.ids.begin(); it != covered.ids.end();)
                    it = matched.count(it->first) ? std::next(it) : covered.ids.erase(it);
                for (auto it = covered.types.begin(); it != covered.types.end();)
                    it = matched.count(it->first) ? std::next(it) : covered.types.erase(it);

                // Coverage: every relationship and every part, signed or named.
                std::set<std::string> unsignedTargets;
                for (const auto& e : graph.edges)
                    if (unsignedRelationship(e.rel.type) && !e.rel.external)
                        unsignedTargets.insert(foldCase(resolveTarget(e.source, e.rel.target)));
                std::vector<std::string> uncovered;
                std::size_t total = 0, signedCount = 0;
                for (const auto& e : graph.edges) {
                    if (unsignedRelationship(e.rel.type) || signatureFiles.count(foldCase(e.source)) ||
                        unsignedTargets.count(foldCase(e.source)))
                        continue;
                    ++total;
                    const auto ids = covered.ids.find(e.rels);
                    const auto types = covered.types.find(e.rels);
                    if ((ids != covered.ids.end() && ids->second.count(e.rel.id)) ||
                        (types != covered.types.end() && types->second.count(e.rel.type)))
                        ++signedCount;
                    else
                        uncovered.push_back(fill(tr("relationship {id} in {part} ({type} -> {target})"),
                                                 {{"{id}", e.rel.id},
                                                  {"{part}", e.rels},
                                                  {"{type}", e.rel.type},
                                                  {"{target}", e.rel.target}}));
                }
                for (const auto& n : pkg.parts()) {
                    const std::string f = foldCase(n);
                    if (f == foldCase(kContentTypesEntry) || signatureFiles.count(f) ||
                        unsignedTargets.count(f))
                        continue;
                    if (const auto source = sourceOfRels(n)) {
                        // A relationships part counts through its relationships; one of a
                        // part nothing reaches is content nobody checked.
                        if (graph.reached.count(f) || signatureFiles.count(foldCase(*source)) ||
                            unsignedTargets.count(foldCase(*source)))
                            continue;
                    }
                    ++total;
                    if (covered.parts.count(f))
                        ++signedCount;
                    else
                        uncovered.push_back(
                            fill(tr(graph.reached.count(f) ? "part {part}"
                                                           : "part {part} (reached by no relationship)"),
                                 {{"{part}", n}}));
                }
                r.coverage = uncovered.empty() && r.digestMatches ? Coverage::EntireFile : Coverage::Unknown;
                r.coverageDetail = std::to_string(signedCount) + " of " + std::to_string(total) +
                                   " package parts and relationships signed";
                for (const auto& u : uncovered) {
                    r.verdict.worsenTo(Indication::Indeterminate, SubIndication::SigConstraintsFailure);
                    r.errors.push_back(tr("not covered by the signature: ") + u);
                }

                // The electronic seal it carries; the picture it names must be a signed part
                // some relationship shows.
                const xmldsig::PictureReader picture = [&](const std::string& uri,
                                                           std::string& why) -> std::optional<Bytes> {
                    const std::string name = uri.empty() || uri[0] != '/' ? "" : pkg.find(uri.substr(1));
                    if (name.empty() || !covered.parts.count(foldCase(name))) {
                        why = fill(tr("the picture {part} is not a signed part of the package"),
                                   {{"{part}", uri}});
                        return std::nullopt;
                    }
                    bool shown = false;
                    for (const auto& e : graph.edges)
                        shown = shown || (!e.rel.external && e.rel.type == kImageRel &&
                                          foldCase(resolveTarget(e.source, e.rel.target)) == foldCase(name));
                    if (!shown) {
                        why =
                            fill(tr("no image relationship of the document shows {part}"), {{"{part}", uri}});
                        return std::nullopt;
                    }
                    return zip.read(name);
                };
                xmldsig::checkCarriedSeal(doc.root(), c.sameDocumentIds, c.signerCertificate, picture, r);
            } catch (const Error& e) {
                r.verdict.worsenTo(Indication::Failed, SubIndication::FormatFailure);
                r.errors.push_back(e.what());
            }
            report.signatures.push_back(std::move(r));
        }
    } catch (const Error& e) {
        report.readable = false;
        report.errors.push_back(e.what());
    }
    return report;
}

}  // namespace eseal::ooxml

#include "core/xmldsig/seal_object.hpp"

#include <libxml/tree.h>

#include <algorithm>
#include <vector>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/base/time.hpp"
#include "core/package/xml.hpp"
#include "core/seal/binding.hpp"
#include "core/seal/image.hpp"
#include "core/seal/ses_seal.hpp"
#include "core/xmldsig/xmldsig.hpp"

namespace eseal::xmldsig {

namespace {

bool inSealNs(const xmlNode* n, const char* local) {
    return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
           std::string(reinterpret_cast<const char*>(n->ns->href)) == kSealNs &&
           package::localName(n) == local;
}

void sealElements(const xmlNode* node, std::vector<const xmlNode*>& out) {
    for (const xmlNode* c = node ? node->children : nullptr; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (inSealNs(c, "ElectronicSeal")) out.push_back(c);
        sealElements(c, out);
    }
}

const xmlNode* sealChild(const xmlNode* seal, const char* local) {
    for (const xmlNode* c = seal->children; c; c = c->next)
        if (inSealNs(c, local)) return c;
    return nullptr;
}

void failed(SignatureReport& r, SubIndication s, const std::string& why) {
    r.verdict.worsenTo(Indication::Failed, s);
    r.errors.push_back(why);
}

// The size a PNG says it has (IHDR), without decoding it.
std::optional<std::pair<std::uint32_t, std::uint32_t>> pngSize(ByteView png) {
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (png.size() < 24 || !std::equal(sig, sig + 8, png.begin()) ||
        !std::equal(png.begin() + 12, png.begin() + 16, "IHDR"))
        return std::nullopt;
    auto be = [&](std::size_t at) {
        return static_cast<std::uint32_t>(png[at]) << 24 | static_cast<std::uint32_t>(png[at + 1]) << 16 |
               static_cast<std::uint32_t>(png[at + 2]) << 8 | static_cast<std::uint32_t>(png[at + 3]);
    };
    return std::make_pair(be(16), be(20));
}

}  // namespace

bool showsPicture(ByteView png, const RgbaImage& picture) noexcept {
    const auto size = pngSize(png);
    if (!size || size->first != picture.width || size->second != picture.height) return false;
    try {
        return seal::samePicture(decodePng(png, "picture"), picture);
    } catch (const std::exception&) {
        return false;  // a picture that does not decode is not the seal's
    }
}

std::pair<std::string, std::string> sealObject(ByteView sealDer, const std::string& id,
                                               const std::string& picturePart) {
    std::string xml = "<Object Id=\"" + escape(id) + "\"><es:ElectronicSeal xmlns:es=\"" + kSealNs +
                      "\"><es:SES_Seal>" + base64(sealDer) + "</es:SES_Seal>";
    if (!picturePart.empty()) xml += "<es:Picture>" + escape(picturePart) + "</es:Picture>";
    xml += "</es:ElectronicSeal></Object>";
    return {xml, id};
}

void checkCarriedSeal(const xmlNode* signature, const std::set<std::string>& signedIds, ByteView signerDer,
                      const PictureReader& readPicture, SignatureReport& r) {
    try {
        std::vector<const xmlNode*> seals;
        sealElements(signature, seals);
        if (seals.empty()) return;
        if (seals.size() > 1) {
            failed(r, SubIndication::FormatFailure, tr("the signature holds more than one electronic seal"));
            return;
        }
        // Only a seal the signature value covers is the signer's: the direct
        // child of a ds:Object of this signature that SignedInfo references.
        const xmlNode* object = seals[0]->parent;
        if (!object || object->parent != signature || package::localName(object) != "Object" ||
            !signedIds.count(package::attribute(object, "Id").value_or("\x01"))) {
            failed(r, SubIndication::FormatFailure,
                   tr("the signature holds an electronic seal outside what it signs; it is not shown"));
            return;
        }
        const auto der = fromBase64(package::text(sealChild(seals[0], "SES_Seal")));
        if (!der || der->empty()) {
            failed(r, SubIndication::FormatFailure, tr("the electronic seal in the signature is not base64"));
            return;
        }
        seal::SesSeal carried;
        try {
            carried = seal::readSeal(*der, "the electronic seal in the signature");
        } catch (const std::exception& e) {
            failed(r, SubIndication::FormatFailure,
                   fill(tr("the signature carries an electronic seal eseal cannot read: {why}"),
                        {{"{why}", e.what()}}));
            return;
        }
        const auto at = r.signingTime ? parseIsoUtc(*r.signingTime) : std::nullopt;
        ElectronicSealInfo& e = seal::recordSeal(carried, signerDer, at, r);
        e.carriedIn = std::string("signed ds:Object ") + package::attribute(object, "Id").value_or("") +
                      " (" + kSealNs + ")";

        // The picture the document shows, as the signature names it, must be the seal's own.
        std::string why;
        const xmlNode* pictureNode = sealChild(seals[0], "Picture");
        const std::string part = pictureNode ? package::text(pictureNode) : "";
        std::optional<RgbaImage> own;
        try {
            own = seal::pictureImage(carried, "the electronic seal");
        } catch (const Error& err) {
            why = err.message();
        }
        std::optional<bool> same;
        if (own && part.empty()) why = tr("the signature does not name the picture that shows the seal");
        if (own && !part.empty()) {
            if (const auto shown = readPicture(part, why)) {
                same = showsPicture(*shown, *own);
            } else if (why.empty()) {
                why = fill(tr("the picture {part} cannot be read"), {{"{part}", part}});
            }
        }
        if (same && !*same) {
            e.pictureOnPage = "differs";
            failed(
                r, SubIndication::SigConstraintsFailure,
                fill(tr("the picture shown in the document ({part}) is not the picture of the seal '{name}' "
                        "the signature carries"),
                     {{"{part}", part}, {"{name}", carried.property.name}}));
        } else if (same) {
            e.pictureOnPage = "matches";
        } else {
            e.pictureOnPage = "not-compared";
            r.warnings.push_back(
                why.empty()
                    ? std::string(
                          tr("the picture shown in the document was not compared with the seal's picture"))
                    : fill(tr("the picture shown in the document was not compared with the seal's picture: "
                              "{why}"),
                           {{"{why}", why}}));
        }
    } catch (const std::exception& e) {
        failed(r, SubIndication::FormatFailure,
               fill(tr("the electronic seal cannot be checked: {why}"), {{"{why}", e.what()}}));
    }
}

}  // namespace eseal::xmldsig

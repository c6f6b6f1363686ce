#include "formats/pdf/pdf_seal_check.hpp"

#include <zlib.h>

#include <optional>
#include <string>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/base/time.hpp"
#include "core/seal/binding.hpp"
#include "core/seal/image.hpp"

namespace eseal::pdf {

namespace {

using OH = QPDFObjectHandle;

// Seal pictures are small; anything larger is not compared (and never inflated).
constexpr std::uint32_t kMaxSide = 8192;
constexpr std::size_t kMaxDepth = 4;  // nested form XObjects followed

// The stream's data with no filter or a single /FlateDecode (what eseal
// writes), at most `expected` bytes; nullopt for anything else.
std::optional<Bytes> streamBytes(OH stream, std::size_t expected, std::string& why) {
    OH filter = stream.getDict().getKey("/Filter");
    if (filter.isArray() && filter.getArrayNItems() == 1) filter = filter.getArrayItem(0);
    const bool flate = filter.isName() && filter.getName() == "/FlateDecode";
    if (!filter.isNull() && !flate) {
        why = tr("the image filter is not FlateDecode");
        return std::nullopt;
    }
    if (!stream.getDict().getKey("/DecodeParms").isNull()) {
        why = tr("the image uses a predictor");
        return std::nullopt;
    }
    const auto raw = stream.getRawStreamData();
    if (!flate) {
        if (raw->getSize() != expected) return std::nullopt;
        return Bytes(raw->getBuffer(), raw->getBuffer() + raw->getSize());
    }
    Bytes out(expected + 1);  // one more: a stream longer than its image is not this image
    z_stream z{};
    if (inflateInit(&z) != Z_OK) return std::nullopt;
    z.next_in = raw->getBuffer();
    z.avail_in = static_cast<uInt>(raw->getSize());
    z.next_out = out.data();
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = inflate(&z, Z_FINISH);
    const std::size_t got = out.size() - z.avail_out;
    inflateEnd(&z);
    if ((rc != Z_STREAM_END && rc != Z_BUF_ERROR) || got != expected) {
        why = tr("the image data does not decode to its declared size");
        return std::nullopt;
    }
    out.resize(expected);
    return out;
}

// An 8-bit image XObject as RGBA: DeviceRGB colour, DeviceGray /SMask.
std::optional<RgbaImage> decodeImage(OH image, std::string& why) {
    OH d = image.getDict();
    OH w = d.getKey("/Width"), h = d.getKey("/Height"), bpc = d.getKey("/BitsPerComponent");
    if (!w.isInteger() || !h.isInteger() || !bpc.isInteger() || bpc.getIntValue() != 8 ||
        w.getIntValue() <= 0 || h.getIntValue() <= 0 || w.getIntValue() > kMaxSide ||
        h.getIntValue() > kMaxSide || !d.getKey("/ColorSpace").isNameAndEquals("/DeviceRGB")) {
        why = tr("the image is not 8-bit DeviceRGB");
        return std::nullopt;
    }
    RgbaImage out;
    out.width = static_cast<std::uint32_t>(w.getIntValue());
    out.height = static_cast<std::uint32_t>(h.getIntValue());
    const std::size_t count = static_cast<std::size_t>(out.width) * out.height;
    const auto rgb = streamBytes(image, count * 3, why);
    if (!rgb) return std::nullopt;
    std::optional<Bytes> alpha;
    OH smask = d.getKey("/SMask");
    if (smask.isStream()) {
        OH m = smask.getDict();
        if (!m.getKey("/Width").isInteger() || m.getKey("/Width").getIntValue() != w.getIntValue() ||
            !m.getKey("/Height").isInteger() || m.getKey("/Height").getIntValue() != h.getIntValue() ||
            !m.getKey("/BitsPerComponent").isInteger() || m.getKey("/BitsPerComponent").getIntValue() != 8) {
            why = tr("the soft mask does not match the image");
            return std::nullopt;
        }
        alpha = streamBytes(smask, count, why);
        if (!alpha) return std::nullopt;
    }
    out.pixels.resize(count * 4);
    for (std::size_t i = 0; i < count; ++i) {
        for (std::size_t c = 0; c < 3; ++c) out.pixels[i * 4 + c] = (*rgb)[i * 3 + c];
        out.pixels[i * 4 + 3] = alpha ? (*alpha)[i] : 0xff;
    }
    return out;
}

// The first image an appearance stream draws, through nested forms.
std::optional<OH> firstImage(OH form, std::size_t depth) {
    if (depth > kMaxDepth || !form.isStream()) return std::nullopt;
    OH xobjects = form.getDict().getKey("/Resources").getKey("/XObject");
    if (!xobjects.isDictionary()) return std::nullopt;
    for (const auto& name : xobjects.getKeys()) {
        OH x = xobjects.getKey(name);
        if (!x.isStream()) continue;
        OH subtype = x.getDict().getKey("/Subtype");
        if (subtype.isNameAndEquals("/Image")) return x;
        if (subtype.isNameAndEquals("/Form"))
            if (auto inner = firstImage(x, depth + 1)) return inner;
    }
    return std::nullopt;
}

}  // namespace

void checkCarriedSeal(const ParsedCms& cms, const std::vector<OH>& widgets, SignatureReport& s) {
    std::optional<Bytes> der;
    seal::SesSeal carried;
    try {
        der = seal::sealAttributeValue(cms.signedAttributes());
        if (!der) return;
        carried = seal::readSeal(*der, tr("the electronic seal in the signature"));
    } catch (const std::exception& e) {
        s.verdict.worsenTo(Indication::Failed, SubIndication::FormatFailure);
        s.errors.push_back(fill(tr("the signature carries an electronic seal eseal cannot read: {why}"),
                                {{"{why}", e.what()}}));
        return;
    }
    const Bytes signer = cms.signer() ? cms.signer()->der() : Bytes{};
    const auto at = s.signingTime ? parseIsoUtc(*s.signingTime) : std::nullopt;
    ElectronicSealInfo& e = seal::recordSeal(carried, signer, at, s);
    e.carriedIn = "CMS signed attribute " + std::string(seal::kSealAttributeOid);

    // GB/T 38540 puts the seal's picture on the page: what the widget shows must be it.
    std::optional<RgbaImage> picture;
    std::string why;
    try {
        picture = seal::pictureImage(carried, tr("the electronic seal"));
    } catch (const Error& err) {
        why = err.message();
    }
    bool compared = false, differs = false;
    for (OH w : widgets) {
        if (!picture) break;
        try {
            OH ap = w.getKey("/AP").getKey("/N");
            auto image = firstImage(ap, 0);
            if (!image) {
                why = tr("the seal's widget draws no image");
                continue;
            }
            // Another size is another picture; only a same-sized image is decoded,
            // so a hostile file cannot make eseal inflate more than the seal's picture.
            OH d = image->getDict();
            if (!d.getKey("/Width").isInteger() || !d.getKey("/Height").isInteger()) {
                why = tr("the seal's image has no size");
                continue;
            }
            if (d.getKey("/Width").getIntValue() != picture->width ||
                d.getKey("/Height").getIntValue() != picture->height) {
                compared = differs = true;
                continue;
            }
            auto shown = decodeImage(*image, why);
            if (!shown) continue;
            compared = true;
            if (!seal::samePicture(*shown, *picture)) differs = true;
        } catch (const std::exception& ex) {
            why = ex.what();
        }
    }
    if (differs) {
        e.pictureOnPage = "differs";
        s.verdict.worsenTo(Indication::Failed, SubIndication::SigConstraintsFailure);
        s.errors.push_back(
            fill(tr("the picture shown on the page is not the picture of the seal '{name}' the "
                    "signature carries"),
                 {{"{name}", carried.property.name}}));
    } else if (compared) {
        e.pictureOnPage = "matches";
    } else {
        e.pictureOnPage = "not-compared";
        s.warnings.push_back(
            why.empty()
                ? std::string(tr("the picture shown on the page was not compared with the seal's picture"))
                : fill(tr("the picture shown on the page was not compared with the seal's picture: {why}"),
                       {{"{why}", why}}));
    }
}

void checkCarriedSesSignature(const ParsedCms& cms,
                              const std::function<std::optional<Bytes>(DigestAlgorithm)>& rangeDigest,
                              const std::string& property, std::optional<std::time_t> claimed,
                              SignatureReport& s) {
    std::optional<Bytes> der;
    try {
        der = seal::sesSignatureAttributeValue(cms.unsignedAttributes());
    } catch (const std::exception& e) {
        s.verdict.worsenTo(Indication::Failed, SubIndication::FormatFailure);
        s.errors.push_back(e.what());
        return;
    }
    if (!der) return;
    seal::SesSignatureContext context;
    context.dataHash = rangeDigest;
    context.signerCertificate = cms.signer() ? cms.signer()->der() : Bytes{};
    try {
        context.cmsSeal = seal::sealAttributeValue(cms.signedAttributes());
    } catch (const std::exception&) {
        // checkCarriedSeal reported it
    }
    context.propertyInfo = property;
    context.claimed = claimed;
    context.carriedIn = "CMS unsigned attribute " + std::string(seal::kSesSignatureAttributeOid);
    seal::recordSesSignature(*der, context, s);
}

}  // namespace eseal::pdf

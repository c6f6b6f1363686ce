#include "core/seal/binding.hpp"

#include <algorithm>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/base/time.hpp"
#include "core/crypto/der.hpp"
#include "core/crypto/digest.hpp"
#include "core/seal/ses_signature.hpp"

namespace eseal::seal {

namespace {

std::optional<DigestAlgorithm> digestNamed(const std::string& type) {
    // GB/T 38540 7.1 leaves certDigestList's type a free PrintableString; these are the ones seen.
    if (type == "sm3" || type == "SM3") return DigestAlgorithm::Sm3;
    if (type == "sha256" || type == "SHA256" || type == "SHA-256") return DigestAlgorithm::Sha256;
    return std::nullopt;
}

bool same(ByteView a, ByteView b) { return std::ranges::equal(a, b); }

std::string dateText(std::time_t t) { return isoUtc(t).substr(0, 10); }

std::string signerName(ByteView der) {
    const CertSummary c = describeCertificate(der);
    return c.readable ? c.subject : std::string(tr("(unreadable certificate)"));
}

}  // namespace

bool listsCertificate(const SesSeal& seal, ByteView certificateDer) {
    for (const auto& c : seal.property.certificates)
        if (same(c, certificateDer)) return true;
    for (const auto& d : seal.property.certDigests)
        if (const auto alg = digestNamed(d.type))
            if (digest(*alg, certificateDer) == d.value) return true;
    return false;
}

std::vector<std::string> sealUseProblems(const SesSeal& seal, std::time_t now) {
    std::vector<std::string> out;
    if (now < seal.property.validStart)
        out.push_back(fill(tr("the seal '{name}' is not valid before {date}"),
                           {{"{name}", seal.property.name}, {"{date}", dateText(seal.property.validStart)}}));
    else if (now > seal.property.validEnd)
        out.push_back(
            fill(tr("the seal '{name}' expired on {date}; ask the seal authority for a renewed seal"),
                 {{"{name}", seal.property.name}, {"{date}", dateText(seal.property.validEnd)}}));
    const MakerCheck maker = checkMakerSignature(seal);
    if (!maker.valid)
        out.push_back(fill(tr("the maker signature of the seal '{name}' does not verify ({detail}): the seal "
                              "file was changed, or was not made by the maker it names"),
                           {{"{name}", seal.property.name}, {"{detail}", maker.detail}}));
    return out;
}

std::optional<std::string> signerProblem(const SesSeal& seal, ByteView signerCertificate) {
    if (listsCertificate(seal, signerCertificate)) return std::nullopt;
    return fill(
        tr("the seal '{name}' does not list the signer certificate ({subject}); use the seal made for "
           "this certificate, or ask the seal authority to bind it to the seal"),
        {{"{name}", seal.property.name}, {"{subject}", signerName(signerCertificate)}});
}

void requireUsableSeal(const SesSeal& seal, std::time_t now, const std::string& path) {
    const auto problems = sealUseProblems(seal, now);
    if (!problems.empty()) throw SealUnusable(SealUnusable::Why::NotNow, problems.front(), path);
}

void requireSignerListed(const SesSeal& seal, ByteView signerCertificate, const std::string& path) {
    if (auto problem = signerProblem(seal, signerCertificate))
        throw SealUnusable(SealUnusable::Why::SignerNotListed, *problem, path);
}

RgbaImage pictureImage(const SesSeal& seal, const std::string& path) {
    if (seal.picture.type != "PNG" && seal.picture.type != "png")
        throw Error(ErrorCategory::Unsupported,
                    fill(tr("the seal's picture is {type}; eseal shows PNG seal pictures only"),
                         {{"{type}", seal.picture.type}}),
                    path);
    return decodePng(seal.picture.data, path);
}

bool samePicture(const RgbaImage& a, const RgbaImage& b) noexcept {
    if (a.width != b.width || a.height != b.height || a.pixels.size() != b.pixels.size()) return false;
    for (std::size_t i = 0; i + 3 < a.pixels.size(); i += 4) {
        if (a.pixels[i + 3] != b.pixels[i + 3]) return false;
        if (a.pixels[i + 3] == 0) continue;
        for (std::size_t c = 0; c < 3; ++c)
            if (a.pixels[i + c] != b.pixels[i + c]) return false;
    }
    return true;
}

ElectronicSealInfo describeSeal(const SesSeal& s, ByteView signerCertificate) {
    ElectronicSealInfo e;
    e.standard = layoutName(s.layout);
    e.version = s.header.version;
    e.name = s.property.name;
    e.esId = s.esId;
    e.vendorId = s.header.vendorId;
    e.type = s.property.type;
    e.validStart = isoUtc(s.property.validStart);
    e.validEnd = isoUtc(s.property.validEnd);
    e.pictureType = s.picture.type;
    e.widthMm = s.picture.widthMm;
    e.heightMm = s.picture.heightMm;
    e.maker = describeCertificate(s.makerCertificate).subject;
    const MakerCheck maker = checkMakerSignature(s);
    e.makerSignatureValid = maker.valid;
    e.makerSignatureDetail = maker.detail;
    e.signerListed = !signerCertificate.empty() && listsCertificate(s, signerCertificate);
    return e;
}

ElectronicSealInfo& recordSeal(const SesSeal& seal, ByteView signerCertificate,
                               std::optional<std::time_t> signingTime, SignatureReport& r) {
    r.electronicSeal = describeSeal(seal, signerCertificate);
    const ElectronicSealInfo& e = *r.electronicSeal;
    auto fail = [&](const std::string& why) {
        r.verdict.worsenTo(Indication::Failed, SubIndication::SigConstraintsFailure);
        r.errors.push_back(why);
    };
    if (!e.makerSignatureValid)
        fail(fill(tr("the seal's maker signature does not verify: {detail}"),
                  {{"{detail}", e.makerSignatureDetail}}));
    if (!e.signerListed) fail(tr("the signer certificate is not one the seal binds"));
    if (signingTime && !seal.validAt(*signingTime))
        r.warnings.push_back(tr("the seal was not within its validity period at the claimed signing time"));
    return *r.electronicSeal;
}

namespace {

// The single value of the attribute `oid` in a DER SET OF Attribute.
std::optional<Bytes> attributeValue(ByteView attributes, const char* oid, const char* twice,
                                    const char* notOne) {
    const Bytes wanted = der::oid(oid);
    der::Reader set(attributes);
    const auto outer = set.nextIf(der::kSet);
    if (!outer) return std::nullopt;
    der::Reader attrs(outer->content);
    std::optional<Bytes> found;
    while (!attrs.empty()) {
        const auto attr = attrs.nextIf(der::kSequence);
        if (!attr) return found;  // the CMS layer judges malformed attributes
        der::Reader fields(attr->content);
        const auto type = fields.nextIf(der::kOid);
        if (!type || !same(type->whole, wanted)) continue;
        const auto values = fields.nextIf(der::kSet);
        if (found || !values) throw Error(ErrorCategory::BadInput, tr(twice));
        der::Reader one(values->content);
        const auto value = one.next();
        if (!value || !one.empty()) throw Error(ErrorCategory::BadInput, tr(notOne));
        found = Bytes(value->whole.begin(), value->whole.end());
    }
    return found;
}

}  // namespace

std::optional<Bytes> sealAttributeValue(ByteView signedAttributes) {
    return attributeValue(signedAttributes, kSealAttributeOid,
                          N_("the electronic seal attribute is present more than once or empty"),
                          N_("the electronic seal attribute must hold exactly one seal"));
}

std::optional<Bytes> sesSignatureAttributeValue(ByteView unsignedAttributes) {
    return attributeValue(
        unsignedAttributes, kSesSignatureAttributeOid,
        N_("the GB/T 38540 electronic signature attribute is present more than once or empty"),
        N_("the GB/T 38540 electronic signature attribute must hold exactly one SES_Signature"));
}

void recordSesSignature(ByteView der, const SesSignatureContext& c, SignatureReport& r) {
    auto fail = [&](SubIndication sub, const std::string& why) {
        r.verdict.worsenTo(Indication::Failed, sub);
        r.errors.push_back(why);
    };
    SesSignature sig;
    try {
        sig = readSignature(der, tr("the GB/T 38540 electronic signature"));
    } catch (const std::exception& e) {
        fail(SubIndication::FormatFailure,
             fill(tr("the signature carries a GB/T 38540 electronic signature eseal cannot read: {why}"),
                  {{"{why}", e.what()}}));
        return;
    }
    SesSignatureInfo& g = r.sesSignature.emplace();
    g.standard = layoutName(sig.layout);
    g.version = sig.version;
    g.carriedIn = c.carriedIn;
    g.signatureAlgorithm = algorithmName(sig.signatureAlgorithm);
    g.propertyInfo = sig.propertyInfo;
    g.sealName = sig.seal.property.name;
    if (sig.signingTime) g.timeInfo = isoUtc(sig.signingTime);
    // GB/T 38540-2020 8.1: version is the seal's header version; V1 (GM/T 0031) is another structure.
    if (sig.layout != SealLayout::V4 || sig.version != sig.seal.header.version)
        fail(SubIndication::FormatFailure,
             fill(tr("the GB/T 38540 electronic signature has version {version}, not its seal's version "
                     "{seal}"),
                  {{"{version}", std::to_string(sig.version)},
                   {"{seal}", std::to_string(sig.seal.header.version)}}));

    const MakerCheck check = checkSignerSignature(sig);
    g.signatureValid = check.valid;
    if (!check.valid)
        fail(SubIndication::SigCryptoFailure,
             fill(tr("the GB/T 38540 electronic signature does not verify: {detail}"),
                  {{"{detail}", check.detail}}));

    const std::optional<DigestAlgorithm> alg = dataHashAlgorithm(sig);
    if (alg) g.dataHashAlgorithm = toString(*alg);
    const std::optional<Bytes> hash = alg && c.dataHash ? c.dataHash(*alg) : std::nullopt;
    g.dataHashMatches = hash && *hash == sig.dataHash;
    // Not HASH_FAILURE: the CMS vouches that the document is intact; this SES_Signature was made
    // for other data.
    if (!g.dataHashMatches)
        fail(
            SubIndication::SigConstraintsFailure,
            alg ? std::string(
                      tr("the data hash of the GB/T 38540 electronic signature is not the hash of the "
                         "signed bytes"))
                : fill(tr("the GB/T 38540 electronic signature's algorithm {algorithm} names no digest eseal "
                          "knows"),
                       {{"{algorithm}", sig.signatureAlgorithm}}));

    g.sameSigner = !c.signerCertificate.empty() && same(sig.signerCertificate, c.signerCertificate);
    if (!g.sameSigner)
        fail(SubIndication::SigConstraintsFailure,
             tr("the GB/T 38540 electronic signature was made with another certificate than the signature"));
    if (c.cmsSeal) {
        g.sameSeal = same(*c.cmsSeal, sig.seal.encoded);
        if (!g.sameSeal)
            fail(SubIndication::SigConstraintsFailure,
                 tr("the GB/T 38540 electronic signature holds another seal than the signature"));
    } else {
        recordSeal(sig.seal, c.signerCertificate, c.claimed, r).carriedIn = c.carriedIn;
    }
    if (!c.propertyInfo.empty() && sig.propertyInfo != c.propertyInfo)
        fail(SubIndication::SigConstraintsFailure,
             fill(tr("the GB/T 38540 electronic signature names the signed data '{property}', not "
                     "'{expected}'"),
                  {{"{property}", sig.propertyInfo}, {"{expected}", c.propertyInfo}}));
    if (c.claimed && sig.signingTime != *c.claimed)
        r.warnings.push_back(fill(tr("the GB/T 38540 electronic signature's time {time} is not the signing "
                                     "time the document claims"),
                                  {{"{time}", g.timeInfo}}));
    for (const std::string& w : sig.warnings) r.warnings.push_back(w);
}

}  // namespace eseal::seal

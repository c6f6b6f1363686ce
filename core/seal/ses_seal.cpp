#include "core/seal/ses_seal.hpp"

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/crypto/der.hpp"
#include "core/crypto/sign_message.hpp"
#include "core/crypto/sm2.hpp"
#include "core/ossl/ossl.hpp"
#include "core/seal/ses_signature.hpp"

namespace eseal::seal {

namespace {

constexpr std::uint8_t kBoolean = 0x01;
constexpr std::uint8_t kBitString = 0x03;
constexpr std::uint8_t kUtf8String = 0x0c;
constexpr std::uint8_t kPrintableString = 0x13;
constexpr std::uint8_t kIa5String = 0x16;
constexpr std::uint8_t kUtcTime = 0x17;
constexpr std::uint8_t kGeneralizedTime = 0x18;

const char* const kSm2WithSm3 = "1.2.156.10197.1.501";

// Reads the fields of one SEQUENCE in order; every failure names the field.
class Fields {
public:
    Fields(ByteView content, std::string where, const std::string& name)
        : reader_(content), where_(std::move(where)), name_(name) {}

    [[noreturn]] void fail(const std::string& what) const {
        throw Error(
            ErrorCategory::BadInput,
            fill(tr("not a valid electronic seal: {where}: {what}"), {{"{where}", where_}, {"{what}", what}}),
            name_);
    }
    // A message about one field: the ASN.1 names (GB/T 38540 7) stay as the standard writes them.
    [[noreturn]] void failField(const char* message, const char* field) const {
        fail(fill(tr(message), {{"{field}", field}}));
    }
    der::Tlv take(std::uint8_t tag, const char* field) {
        auto t = reader_.nextIf(tag);
        if (!t) failField(N_("{field} missing or malformed"), field);
        return *t;
    }
    std::optional<der::Tlv> maybe(std::uint8_t tag) { return reader_.nextIf(tag); }
    bool done() const { return reader_.empty(); }
    void end() const {
        if (!reader_.empty()) fail(tr("unexpected trailing fields"));
    }
    long integer(const char* field) {
        const auto t = take(der::kInteger, field);
        // Small non-negative numbers only (versions, types, sizes in mm).
        if (t.content.empty() || t.content.size() > 4 || (t.content[0] & 0x80))
            failField(N_("{field} out of range"), field);
        long v = 0;
        for (auto b : t.content) v = v << 8 | b;
        return v;
    }
    std::string text(std::uint8_t tag, const char* field) {
        const auto t = take(tag, field);
        for (auto b : t.content) {
            if (b == 0) failField(N_("{field} holds a NUL"), field);
            if (tag != kUtf8String && b >= 0x80) failField(N_("{field} is not ASCII"), field);
        }
        return std::string(t.content.begin(), t.content.end());
    }
    std::time_t time(bool generalized, const char* field) {
        const auto t = take(generalized ? kGeneralizedTime : kUtcTime, field);
        const unsigned char* p = t.whole.data();
        std::unique_ptr<ASN1_TIME, ossl::Deleter<ASN1_TIME, ASN1_TIME_free>> at(
            d2i_ASN1_TIME(nullptr, &p, static_cast<long>(t.whole.size())));
        std::tm tm{};
        if (!at || ASN1_TIME_to_tm(at.get(), &tm) != 1) {
            ERR_clear_error();
            failField(N_("{field} is not a valid time"), field);
        }
        return timegm(&tm);
    }
    const std::string& where() const { return where_; }

private:
    der::Reader reader_;
    std::string where_;
    const std::string& name_;
};

Fields open(const der::Tlv& t, std::string where, const std::string& name) {
    return Fields(t.content, std::move(where), name);
}

SealHeader readHeader(Fields& info, const std::string& name) {
    auto f = open(info.take(der::kSequence, "header"), "SES_Header", name);
    SealHeader h;
    h.id = f.text(kIa5String, "ID");
    h.version = f.integer("version");
    h.vendorId = f.text(kIa5String, "Vid");
    f.end();
    if (h.id != "ES") f.fail(fill(tr("ID is \"{id}\", not \"ES\""), {{"{id}", h.id}}));
    return h;
}

SealProperty readProperty(Fields& info, SealLayout layout, const std::string& name) {
    auto f = open(info.take(der::kSequence, "property"), "SES_ESPropertyInfo", name);
    SealProperty p;
    p.type = f.integer("type");
    p.name = f.text(kUtf8String, "name");
    if (layout == SealLayout::V4) p.certListType = f.integer("certListType");
    auto list = open(f.take(der::kSequence, "certList"), "SES_CertList", name);
    if (layout == SealLayout::V1 || p.certListType == 1) {
        while (!list.done()) {
            const auto c = list.take(der::kOctetString, "certificate");
            p.certificates.emplace_back(c.content.begin(), c.content.end());
        }
    } else if (p.certListType == 2) {
        while (!list.done()) {
            auto d = open(list.take(der::kSequence, "CertDigestObj"), "CertDigestObj", name);
            CertDigest cd;
            cd.type = d.text(kPrintableString, "type");
            const auto v = d.take(der::kOctetString, "value");
            cd.value.assign(v.content.begin(), v.content.end());
            d.end();
            p.certDigests.push_back(std::move(cd));
        }
    } else {
        f.fail(fill(tr("certListType {n} is neither 1 nor 2"), {{"{n}", std::to_string(p.certListType)}}));
    }
    // GM/T 0031 uses UTCTime, GB/T 38540 GeneralizedTime.
    const bool generalized = layout == SealLayout::V4;
    p.createDate = f.time(generalized, "createDate");
    p.validStart = f.time(generalized, "validStart");
    p.validEnd = f.time(generalized, "validEnd");
    f.end();
    return p;
}

SealPicture readPicture(Fields& info, const std::string& name) {
    auto f = open(info.take(der::kSequence, "picture"), "SES_ESPictureInfo", name);
    SealPicture pic;
    pic.type = f.text(kIa5String, "type");
    const auto d = f.take(der::kOctetString, "data");
    pic.data.assign(d.content.begin(), d.content.end());
    pic.widthMm = f.integer("width");
    pic.heightMm = f.integer("height");
    f.end();
    return pic;
}

std::vector<ExtData> readExtensions(const der::Tlv& t, std::vector<std::string>& warnings,
                                    const std::string& name) {
    auto list = open(t, "ExtensionDatas", name);
    std::vector<ExtData> out;
    while (!list.done()) {
        auto f = open(list.take(der::kSequence, "ExtData"), "ExtData", name);
        ExtData e;
        const auto oid = f.take(der::kOid, "extnID");
        e.oid = der::oidText(oid.content);
        if (e.oid.empty()) f.failField(N_("{field} is not an OID"), "extnID");
        if (auto b = f.maybe(kBoolean)) {
            if (b->content.size() != 1) f.failField(N_("{field} is not a BOOLEAN"), "critical");
            e.critical = b->content[0] != 0;
            // X.690 11.5: a DEFAULT value is omitted in DER; 11.1: TRUE is 0xFF.
            if (!e.critical)
                warnings.push_back(fill(tr("extension {oid} encodes critical FALSE explicitly (not DER)"),
                                        {{"{oid}", e.oid}}));
            else if (b->content[0] != 0xff)
                warnings.push_back(
                    fill(tr("extension {oid} encodes TRUE as a byte other than 0xFF (not DER)"),
                         {{"{oid}", e.oid}}));
        }
        const auto v = f.take(der::kOctetString, "extnValue");
        e.value.assign(v.content.begin(), v.content.end());
        f.end();
        out.push_back(std::move(e));
    }
    return out;
}

Bytes bitStringBits(Fields& f, const char* field) {
    const auto t = f.take(kBitString, field);
    if (t.content.empty() || t.content[0] != 0)
        f.failField(N_("{field} is not a whole number of octets"), field);
    return Bytes(t.content.begin() + 1, t.content.end());
}

}  // namespace

SesSeal readSeal(ByteView der, const std::string& name) {
    if (der.size() > kMaxSealBytes)
        throw Error(ErrorCategory::BadInput, tr("not an electronic seal: larger than 16 MiB"), name);
    der::Reader top(der);
    const auto whole = top.nextIf(der::kSequence);
    if (!whole || !top.empty())
        throw Error(ErrorCategory::BadInput, tr("not an electronic seal (no single DER SEQUENCE)"), name);
    SesSeal seal;
    seal.encoded.assign(der.begin(), der.end());
    Fields outer(whole->content, "SES_Seal", name);
    const auto infoTlv = outer.take(der::kSequence, "SES_SealInfo");

    // The header decides the layout (version 1: GM/T 0031; 4 and 5: GB/T 38540).
    Fields info(infoTlv.content, "SES_SealInfo", name);
    seal.header = readHeader(info, name);
    if (seal.header.version == 1) {
        seal.layout = SealLayout::V1;
    } else if (seal.header.version == 4 || seal.header.version == 5) {
        seal.layout = SealLayout::V4;
    } else {
        throw Error(ErrorCategory::Unsupported,
                    fill(tr("electronic seal header version {n} is not supported (1, 4 and 5 are)"),
                         {{"{n}", std::to_string(seal.header.version)}}),
                    name);
    }
    seal.esId = info.text(kIa5String, "esID");
    seal.property = readProperty(info, seal.layout, name);
    seal.picture = readPicture(info, name);
    if (auto ext = info.maybe(der::kSequence)) seal.extensions = readExtensions(*ext, seal.warnings, name);
    info.end();

    if (seal.layout == SealLayout::V4) {
        const auto cert = outer.take(der::kOctetString, "cert");
        seal.makerCertificate.assign(cert.content.begin(), cert.content.end());
        const auto alg = outer.take(der::kOid, "signAlgID");
        seal.signatureAlgorithm = der::oidText(alg.content);
        seal.signature = bitStringBits(outer, "signedValue");
        outer.end();
        // GB/T 38540 7.1: the maker signs SES_SealInfo.
        seal.signedBytes.assign(infoTlv.whole.begin(), infoTlv.whole.end());
    } else {
        auto sign = open(outer.take(der::kSequence, "SES_SignInfo"), "SES_SignInfo", name);
        outer.end();
        const auto cert = sign.take(der::kOctetString, "cert");
        seal.makerCertificate.assign(cert.content.begin(), cert.content.end());
        const auto alg = sign.take(der::kOid, "signatureAlgorithm");
        seal.signatureAlgorithm = der::oidText(alg.content);
        seal.signature = bitStringBits(sign, "signData");
        sign.end();
        // GM/T 0031-2014: the maker signs SEQUENCE { SES_SealInfo, cert, signatureAlgorithm }.
        seal.signedBytes = der::sequence({Bytes(infoTlv.whole.begin(), infoTlv.whole.end()),
                                          Bytes(cert.whole.begin(), cert.whole.end()),
                                          Bytes(alg.whole.begin(), alg.whole.end())});
    }
    if (seal.signatureAlgorithm.empty()) outer.fail(tr("the signature algorithm is not an OID"));
    return seal;
}

Bytes loadSealBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ErrorCategory::InputUnreadable, tr("cannot open the seal file"), path);
    Bytes data;
    char buf[65536];
    while (in) {
        in.read(buf, sizeof buf);
        data.insert(data.end(), buf, buf + in.gcount());
        if (data.size() > kMaxSealBytes)
            throw Error(ErrorCategory::BadInput, tr("not an electronic seal: larger than 16 MiB"), path);
    }
    if (in.bad()) throw Error(ErrorCategory::InputUnreadable, tr("cannot read the seal file"), path);
    return data;
}

SesSeal loadSeal(const std::string& path) { return readSeal(loadSealBytes(path), path); }

namespace {

Bytes text(std::uint8_t tag, const std::string& s) { return der::tlv(tag, asBytes(s)); }

Bytes generalizedTime(std::time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d%02d%02d%02d%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec);
    return text(kGeneralizedTime, buf);
}

}  // namespace

Bytes encodeSealInfoV4(const SesSeal& s) {
    const Bytes header = der::sequence(
        {text(kIa5String, s.header.id), der::integer(s.header.version), text(kIa5String, s.header.vendorId)});
    std::vector<Bytes> certs;
    for (const auto& c : s.property.certificates) certs.push_back(der::octetString(c));
    const Bytes property =
        der::sequence({der::integer(s.property.type), text(kUtf8String, s.property.name), der::integer(1),
                       der::sequence(certs), generalizedTime(s.property.createDate),
                       generalizedTime(s.property.validStart), generalizedTime(s.property.validEnd)});
    const Bytes picture = der::sequence({text(kIa5String, s.picture.type), der::octetString(s.picture.data),
                                         der::integer(s.picture.widthMm), der::integer(s.picture.heightMm)});
    std::vector<Bytes> parts{header, text(kIa5String, s.esId), property, picture};
    if (!s.extensions.empty()) {
        std::vector<Bytes> ext;
        for (const auto& e : s.extensions) {
            std::vector<Bytes> f{der::oid(e.oid)};
            if (e.critical) f.push_back(Bytes{kBoolean, 0x01, 0xff});  // DER: FALSE is omitted (X.690 11.5)
            f.push_back(der::octetString(e.value));
            ext.push_back(der::sequence(f));
        }
        parts.push_back(der::sequence(ext));
    }
    return der::sequence(parts);
}

Bytes encodeSealV4(ByteView sealInfo, ByteView makerCertificate, const std::string& algorithmOid,
                   ByteView signature) {
    Bytes bits{0x00};  // no unused bits
    bits.insert(bits.end(), signature.begin(), signature.end());
    return der::sequence({Bytes(sealInfo.begin(), sealInfo.end()), der::octetString(makerCertificate),
                          der::oid(algorithmOid), der::tlv(kBitString, bits)});
}

namespace {

Bytes encodeSignatureV4(const SignatureContent& c, ByteView signerCertificate,
                        const std::string& algorithmOid, ByteView signature) {
    // GB/T 38540-2020 8.1: TBS_Sign { version, eseal, timeInfo GeneralizedTime, dataHash BIT STRING,
    // propertyInfo IA5String, extDatas [0] OPTIONAL (none written) }.
    Bytes hashBits{0x00};  // no unused bits
    hashBits.insert(hashBits.end(), c.dataHash.begin(), c.dataHash.end());
    const SesSeal seal = readSeal(c.seal, "seal");
    const Bytes tbs = der::sequence({der::integer(seal.header.version), c.seal, generalizedTime(c.time),
                                     der::tlv(kBitString, hashBits), text(kIa5String, c.propertyInfo)});
    if (signature.empty()) return tbs;
    Bytes bits{0x00};
    bits.insert(bits.end(), signature.begin(), signature.end());
    // SES_Signature { toSign, cert OCTET STRING, signatureAlgID, signature BIT STRING, timeStamp [0] OPTIONAL
    // (none written) }.
    return der::sequence(
        {tbs, der::octetString(signerCertificate), der::oid(algorithmOid), der::tlv(kBitString, bits)});
}

void requireSignable(const SignatureContent& c, const SignatureAlgorithm& algorithm) {
    const SesSeal seal = readSeal(c.seal, "seal");
    if (seal.layout != SealLayout::V4)
        throw Error(ErrorCategory::BadInput,
                    tr("a GB/T 38540 electronic signature needs a V4 seal; this one is GM/T 0031 V1"));
    for (char ch : c.propertyInfo)
        if (static_cast<unsigned char>(ch) < 0x20 || static_cast<unsigned char>(ch) > 0x7e)
            throw Error(ErrorCategory::Internal, "propertyInfo is not printable ASCII");
    if (c.dataHash.size() != digestSize(algorithm.digest))
        throw Error(ErrorCategory::Internal, "dataHash length does not match the signature algorithm");
}

}  // namespace

SignatureAlgorithm signatureAlgorithmFor(const Key& key, DigestAlgorithm digest) {
    const auto available = key.algorithms();
    for (const SignatureAlgorithm& a : available)
        if (a.scheme == SignatureScheme::Sm2 && a.digest == DigestAlgorithm::Sm3) return a;
    for (const SignatureAlgorithm& a : available)
        if (a.digest == digest && bareAlgorithmOid(a)) return a;
    throw Error(ErrorCategory::Unsupported,
                fill(tr("{key} cannot make a GB/T 38540 electronic signature: it offers neither SM2 nor RSA "
                        "PKCS#1 v1.5 or ECDSA with {digest}"),
                     {{"{key}", key.description()}, {"{digest}", toString(digest)}}));
}

Bytes makeSignatureV4(const SignatureContent& content, Key& key, const SignatureAlgorithm& algorithm) {
    requireSignable(content, algorithm);
    const auto oid = bareAlgorithmOid(algorithm);
    if (!oid) throw Error(ErrorCategory::Internal, "no bare OID for the electronic signature algorithm");
    if (key.certificateChain().empty())
        throw Error(ErrorCategory::BadInput, tr("holds no certificate"), key.description());
    const Bytes& cert = key.certificateChain().front();
    const Bytes tbs = encodeSignatureV4(content, cert, *oid, {});
    // GB/T 38540 8.1: the signer signs DER(TBS_Sign); SM2 with SM3 and the GM/T 0009 default ID.
    const Bytes signature = signMessage(key, algorithm, tbs, cert);
    Bytes out = encodeSignatureV4(content, cert, *oid, signature);
    // What is embedded reads back and verifies, as `seal make` checks its seals.
    const SesSignature check = readSignature(out, "SES_Signature");
    if (!checkSignerSignature(check).valid)
        throw CryptoError(tr("the new GB/T 38540 electronic signature does not verify"));
    return out;
}

std::size_t maxSignatureV4Size(const SignatureContent& content, const Key& key,
                               const SignatureAlgorithm& algorithm) {
    if (key.certificateChain().empty())
        throw Error(ErrorCategory::BadInput, tr("holds no certificate"), key.description());
    const Bytes& cert = key.certificateChain().front();
    const ossl::X509Ptr parsed = ossl::parseCertificate(cert);
    const int maxSig = EVP_PKEY_get_size(X509_get0_pubkey(parsed.get()));
    if (maxSig <= 0) throw CryptoError(tr("cannot tell the signature size of the signer key"));
    SignatureContent longest = content;
    longest.dataHash.assign(digestSize(algorithm.digest), 0);
    const Bytes dummy(static_cast<std::size_t>(maxSig) + 16, 0xff);
    // Margin for length octets that grow.
    return encodeSignatureV4(longest, cert, bareAlgorithmOid(algorithm).value_or(kSm2WithSm3), dummy).size() +
           64;
}

std::optional<DigestAlgorithm> dataHashAlgorithm(const SesSignature& signature) {
    return digestOfAlgorithmOid(signature.signatureAlgorithm);
}

namespace {

MakerCheck verifyWith(ByteView certificate, const std::string& algorithm, ByteView signedBytes,
                      ByteView signature) {
    MakerCheck out;
    ossl::X509Ptr cert;
    try {
        cert = ossl::parseCertificate(certificate);
    } catch (const Error&) {
        ERR_clear_error();
        out.detail = tr("the certificate cannot be read");
        return out;
    }
    EVP_PKEY* pub = X509_get0_pubkey(cert.get());
    if (!pub) {
        ERR_clear_error();
        out.detail = tr("the certificate's key cannot be read");
        return out;
    }
    if (algorithm == kSm2WithSm3) {
        out.valid = sm2::verify(pub, signedBytes, signature);
    } else {
        // RSA and ECDSA by the signature algorithm's digest (RFC 5754).
        std::unique_ptr<ASN1_OBJECT, ossl::Deleter<ASN1_OBJECT, ASN1_OBJECT_free>> obj(
            OBJ_txt2obj(algorithm.c_str(), 1));
        int mdNid = NID_undef, pkNid = NID_undef;
        if (!obj || OBJ_find_sigid_algs(OBJ_obj2nid(obj.get()), &mdNid, &pkNid) != 1 || mdNid == NID_undef ||
            (pkNid != NID_rsaEncryption && pkNid != NID_X9_62_id_ecPublicKey)) {
            ERR_clear_error();
            out.detail =
                fill(tr("signature algorithm {algorithm} is not supported"), {{"{algorithm}", algorithm}});
            return out;
        }
        ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
        out.valid = ctx &&
                    EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_get_digestbynid(mdNid), nullptr, pub) == 1 &&
                    EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), signedBytes.data(),
                                     signedBytes.size()) == 1;
    }
    ERR_clear_error();
    out.detail =
        fill(out.valid ? tr("{algorithm} signature valid") : tr("{algorithm} signature does not match"),
             {{"{algorithm}", algorithmName(algorithm)}});
    return out;
}

}  // namespace

MakerCheck checkMakerSignature(const SesSeal& seal) {
    return verifyWith(seal.makerCertificate, seal.signatureAlgorithm, seal.signedBytes, seal.signature);
}

MakerCheck checkSignerSignature(const SesSignature& s) {
    return verifyWith(s.signerCertificate, s.signatureAlgorithm, s.signedBytes, s.signature);
}

SesSignature readSignature(ByteView der, const std::string& name) {
    if (der.size() > kMaxSealBytes)
        throw Error(ErrorCategory::BadInput, tr("not an electronic signature: larger than 16 MiB"), name);
    der::Reader top(der);
    const auto whole = top.nextIf(der::kSequence);
    if (!whole || !top.empty())
        throw Error(ErrorCategory::BadInput, tr("not an electronic signature (no single DER SEQUENCE)"),
                    name);
    Fields outer(whole->content, "SES_Signature", name);
    const auto tbsTlv = outer.take(der::kSequence, "TBS_Sign");
    Fields tbs(tbsTlv.content, "TBS_Sign", name);
    SesSignature s;
    s.version = tbs.integer("version");
    const auto sealTlv = tbs.take(der::kSequence, "eseal");
    s.seal = readSeal(sealTlv.whole, name);
    s.layout = s.seal.layout;
    s.warnings = s.seal.warnings;
    if (s.layout == SealLayout::V4) {
        // GB/T 38540 8.1: TBS_Sign { version, eseal, timeInfo, dataHash, propertyInfo, extDatas [0] OPTIONAL
        // }
        const auto t = tbs.take(kGeneralizedTime, "timeInfo");
        s.timeInfo.assign(t.content.begin(), t.content.end());
        Fields again(t.whole, "TBS_Sign", name);
        s.signingTime = again.time(true, "timeInfo");
        s.dataHash = bitStringBits(tbs, "dataHash");
        s.propertyInfo = tbs.text(kIa5String, "propertyInfo");
        if (auto ext = tbs.maybe(der::contextConstructed(0))) {
            Fields inner(ext->content, "extDatas", name);
            readExtensions(inner.take(der::kSequence, "ExtensionDatas"), s.warnings, name);
            inner.end();
        }
        tbs.end();
        const auto cert = outer.take(der::kOctetString, "cert");
        s.signerCertificate.assign(cert.content.begin(), cert.content.end());
        s.signatureAlgorithm = der::oidText(outer.take(der::kOid, "signatureAlgID").content);
        s.signature = bitStringBits(outer, "signature");
        (void)outer.maybe(der::contextConstructed(0));  // timeStamp [0], not checked yet
        outer.end();
    } else {
        // GM/T 0031-2014: TBS_Sign { version, eseal, timeInfo, dataHash, propertyInfo, cert,
        // signatureAlgorithm }
        const Bytes time = bitStringBits(tbs, "timeInfo");
        s.timeInfo.assign(time.begin(), time.end());
        s.dataHash = bitStringBits(tbs, "dataHash");
        s.propertyInfo = tbs.text(kIa5String, "propertyInfo");
        const auto cert = tbs.take(der::kOctetString, "cert");
        s.signerCertificate.assign(cert.content.begin(), cert.content.end());
        s.signatureAlgorithm = der::oidText(tbs.take(der::kOid, "signatureAlgorithm").content);
        tbs.end();
        s.signature = bitStringBits(outer, "signature");
        outer.end();
    }
    if (s.signatureAlgorithm.empty()) outer.fail(tr("the signature algorithm is not an OID"));
    s.signedBytes.assign(tbsTlv.whole.begin(), tbsTlv.whole.end());
    return s;
}

namespace {

std::string nameText(const X509_NAME* name) {
    ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || !name) return {};
    X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

std::time_t timeOf(const ASN1_TIME* t) {
    std::tm tm{};
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
    return timegm(&tm);
}

}  // namespace

CertSummary describeCertificate(ByteView der) {
    CertSummary out;
    try {
        const ossl::X509Ptr cert = ossl::parseCertificate(der);
        out.subject = nameText(X509_get_subject_name(cert.get()));
        out.issuer = nameText(X509_get_issuer_name(cert.get()));
        const ASN1_INTEGER* serial = X509_get0_serialNumber(cert.get());
        if (serial) out.serialHex = toHex(ByteView(serial->data, static_cast<std::size_t>(serial->length)));
        out.notBefore = timeOf(X509_get0_notBefore(cert.get()));
        out.notAfter = timeOf(X509_get0_notAfter(cert.get()));
        out.readable = true;
    } catch (const Error&) {
    }
    ERR_clear_error();
    return out;
}

const char* layoutName(SealLayout layout) noexcept {
    return layout == SealLayout::V1 ? "GM/T 0031-2014" : "GB/T 38540-2020";
}

std::string algorithmName(const std::string& oid) {
    if (oid == kSm2WithSm3) return "SM2-with-SM3";
    std::unique_ptr<ASN1_OBJECT, ossl::Deleter<ASN1_OBJECT, ASN1_OBJECT_free>> obj(
        OBJ_txt2obj(oid.c_str(), 1));
    const int nid = obj ? OBJ_obj2nid(obj.get()) : NID_undef;
    ERR_clear_error();
    if (nid == NID_undef) return oid;
    return OBJ_nid2ln(nid);
}

}  // namespace eseal::seal

#include "core/crypto/cms_sign.hpp"

#include <openssl/objects.h>

#include <algorithm>
#include <memory>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/crypto/der.hpp"
#include "core/crypto/digest.hpp"
#include "core/crypto/sign_message.hpp"
#include "core/ossl/ossl.hpp"

namespace eseal {

namespace {

// RFC 5652 / RFC 5035 / RFC 4055 / RFC 5758 / GM/T 0006 object identifiers.
constexpr const char* kIdData = "1.2.840.113549.1.7.1";
constexpr const char* kIdSignedData = "1.2.840.113549.1.7.2";
constexpr const char* kContentTypeAttr = "1.2.840.113549.1.9.3";
constexpr const char* kMessageDigestAttr = "1.2.840.113549.1.9.4";
constexpr const char* kSigningTimeAttr = "1.2.840.113549.1.9.5";
constexpr const char* kSigningCertificateV2Attr = "1.2.840.113549.1.9.16.2.47";
constexpr const char* kSignatureTimeStampTokenAttr = "1.2.840.113549.1.9.16.2.14";  // RFC 3161 App. A
constexpr const char* kRsaEncryption = "1.2.840.113549.1.1.1";
constexpr const char* kRsassaPss = "1.2.840.113549.1.1.10";
constexpr const char* kMgf1 = "1.2.840.113549.1.1.8";
constexpr const char* kSm2WithSm3 = "1.2.156.10197.1.501";

const char* digestOid(DigestAlgorithm d) {
    switch (d) {
        case DigestAlgorithm::Sha256:
            return "2.16.840.1.101.3.4.2.1";
        case DigestAlgorithm::Sha384:
            return "2.16.840.1.101.3.4.2.2";
        case DigestAlgorithm::Sha512:
            return "2.16.840.1.101.3.4.2.3";
        case DigestAlgorithm::Sm3:
            return "1.2.156.10197.1.401";
        case DigestAlgorithm::Sha1:
            break;  // never signed with: SHA-1 collisions are practical (SHAttered, 2017)
    }
    throw Error(ErrorCategory::Internal, "unknown digest algorithm");
}

// RFC 5754 2: SHA-2 identifiers in SignerInfo are generated without parameters.
Bytes digestAlgorithmId(DigestAlgorithm d) { return der::sequence({der::oid(digestOid(d))}); }

// RFC 4055 2.1: inside RSASSA-PSS-params the hash identifiers carry NULL.
Bytes digestAlgorithmIdWithNull(DigestAlgorithm d) {
    return der::sequence({der::oid(digestOid(d)), der::null()});
}

Bytes signatureAlgorithmId(const SignatureAlgorithm& a) {
    switch (a.scheme) {
        case SignatureScheme::RsaPkcs1v15:
            // rsaEncryption with NULL (RFC 3370 3.2): what Adobe Reader and Poppler expect.
            return der::sequence({der::oid(kRsaEncryption), der::null()});
        case SignatureScheme::RsaPss: {
            // RFC 4055 3.1: explicit parameters; MGF1 with the same digest, salt = digest
            // length, trailer field 1 (the DEFAULT, omitted).
            Bytes hash = digestAlgorithmIdWithNull(a.digest);
            Bytes mgf = der::sequence({der::oid(kMgf1), hash});
            Bytes params = der::sequence(
                {der::wrap(der::contextConstructed(0), {hash}), der::wrap(der::contextConstructed(1), {mgf}),
                 der::wrap(der::contextConstructed(2),
                           {der::integer(static_cast<long>(digestSize(a.digest)))})});
            return der::sequence({der::oid(kRsassaPss), params});
        }
        case SignatureScheme::Ecdsa: {
            // RFC 5758 3.2: ecdsa-with-SHA*, parameters absent.
            const auto oid = bareAlgorithmOid(a);
            if (!oid)
                throw Error(ErrorCategory::Unsupported, fill(tr("ECDSA with {digest} is not supported"),
                                                             {{"{digest}", toString(a.digest)}}));
            return der::sequence({der::oid(*oid)});
        }
        case SignatureScheme::Sm2:
            if (a.digest != DigestAlgorithm::Sm3)
                throw Error(ErrorCategory::Unsupported, tr("SM2 signs with SM3 only"));
            // GM/T 0010 / GM/T 0006: sm2sign-with-sm3, parameters absent.
            return der::sequence({der::oid(kSm2WithSm3)});
    }
    throw Error(ErrorCategory::Internal, "unknown signature scheme");
}

SignatureAlgorithm chooseAlgorithm(const Key& key, const CmsSignOptions& options) {
    const auto available = key.algorithms();
    if (options.algorithm) {
        if (std::find(available.begin(), available.end(), *options.algorithm) == available.end())
            throw Error(ErrorCategory::Unsupported,
                        fill(tr("{key} cannot sign with {algorithm}"),
                             {{"{key}", key.description()}, {"{algorithm}", toString(*options.algorithm)}}));
        return *options.algorithm;
    }
    for (const auto& a : available)
        if (a.digest == options.digest) return a;
    // GM/T 0010: SM2 signs with SM3 whatever digest the profile names for other keys.
    for (const auto& a : available)
        if (a.scheme == SignatureScheme::Sm2) return a;
    throw Error(ErrorCategory::Unsupported,
                fill(tr("{key} offers no signature algorithm with {digest}"),
                     {{"{key}", key.description()}, {"{digest}", toString(options.digest)}}));
}

Bytes nameDer(const X509_NAME* name) {
    return ossl::i2dBytes(name, i2d_X509_NAME, "the certificate issuer name");
}

Bytes serialDer(const X509* cert) {
    return ossl::i2dBytes(X509_get0_serialNumber(cert), i2d_ASN1_INTEGER, "the certificate serial number");
}

Bytes timeDer(std::time_t t) {
    // RFC 5652 11.3: UTCTime for 1950..2049, GeneralizedTime otherwise; ASN1_TIME_set chooses so.
    std::unique_ptr<ASN1_TIME, ossl::Deleter<ASN1_TIME, ASN1_TIME_free>> at(ASN1_TIME_set(nullptr, t));
    if (!at) throw CryptoError("cannot encode the signing time");
    return ossl::i2dBytes(at.get(), i2d_ASN1_TIME, "the signing time");
}

Bytes attribute(const char* type, Bytes value) {
    return der::sequence({der::oid(type), der::setOf({std::move(value)})});
}

// The DER SET OF signed attributes (tag 0x31, RFC 5652 5.4).
Bytes signedAttributes(ByteView contentDigest, const X509* signer, ByteView signerDer,
                       const CmsSignOptions& options) {
    std::vector<Bytes> attrs;
    attrs.push_back(attribute(kContentTypeAttr, der::oid(kIdData)));
    attrs.push_back(attribute(kMessageDigestAttr, der::octetString(contentDigest)));
    if (options.signingTimeAttribute)
        attrs.push_back(attribute(kSigningTimeAttr, timeDer(*options.signingTimeAttribute)));
    // RFC 5035 3: ESSCertIDv2 with a SHA-256 hash, so hashAlgorithm is the DEFAULT
    // and omitted; issuerSerial names the certificate unambiguously (ETSI EN 319 122-1 5.2.2.3).
    Bytes certHash = digest(DigestAlgorithm::Sha256, signerDer);
    Bytes generalNames =
        der::sequence({der::wrap(der::contextConstructed(4), {nameDer(X509_get_issuer_name(signer))})});
    Bytes issuerSerial = der::sequence({generalNames, serialDer(signer)});
    Bytes certId = der::sequence({der::octetString(certHash), issuerSerial});
    attrs.push_back(attribute(kSigningCertificateV2Attr, der::sequence({der::sequence({certId})})));
    for (const auto& [type, value] : options.extraSignedAttributes)
        attrs.push_back(attribute(type.c_str(), value));
    return der::setOf(std::move(attrs));
}

struct Prepared {
    SignatureAlgorithm algorithm;
    ossl::X509Ptr signer;
    std::vector<Bytes> certificates;  // chain + extras, without duplicates
};

Prepared prepare(const Key& key, const CmsSignOptions& options) {
    const auto& chain = key.certificateChain();
    if (chain.empty()) throw Error(ErrorCategory::BadInput, tr("holds no certificate"), key.description());
    Prepared p{chooseAlgorithm(key, options), ossl::parseCertificate(chain.front()), {}};
    auto add = [&](const Bytes& der) {
        if (std::find(p.certificates.begin(), p.certificates.end(), der) == p.certificates.end())
            p.certificates.push_back(der);
    };
    for (const auto& c : chain) add(c);
    for (const auto& c : options.extraCertificates) {
        ossl::parseCertificate(c);  // refuse to embed something that is not a certificate
        add(c);
    }
    return p;
}

Bytes assemble(const Prepared& p, const Bytes& attrs, ByteView signature, const Bytes& timestampToken = {},
               const std::vector<UnsignedAttribute>& more = {}) {
    const Bytes digestAlg = digestAlgorithmId(p.algorithm.digest);
    // The signed attributes go in as [0] IMPLICIT: same content, context tag (RFC 5652 5.3).
    Bytes implicitAttrs;
    implicitAttrs.reserve(attrs.size());
    implicitAttrs.push_back(der::contextConstructed(0));
    implicitAttrs.insert(implicitAttrs.end(), attrs.begin() + 1, attrs.end());
    const Bytes sid =
        der::sequence({nameDer(X509_get_issuer_name(p.signer.get())), serialDer(p.signer.get())});
    // RFC 5652 5.3: version 1 with issuerAndSerialNumber.
    std::vector<Bytes> signerInfoParts{der::integer(1),
                                       sid,
                                       digestAlg,
                                       implicitAttrs,
                                       signatureAlgorithmId(p.algorithm),
                                       der::octetString(signature)};
    std::vector<Bytes> unsignedAttrs;
    if (!timestampToken.empty())
        unsignedAttrs.push_back(attribute(kSignatureTimeStampTokenAttr, timestampToken));
    for (const UnsignedAttribute& a : more) unsignedAttrs.push_back(attribute(a.oid.c_str(), a.value));
    if (!unsignedAttrs.empty())
        // unsignedAttrs [1] IMPLICIT SET OF Attribute (RFC 5652 5.3).
        signerInfoParts.push_back(der::setOf(std::move(unsignedAttrs), der::contextConstructed(1)));
    const Bytes signerInfo = der::sequence(signerInfoParts);
    // RFC 5652 5.1: version 1 (no attribute or other certificates, id-data, v1 SignerInfo).
    // No eContent: the signature is detached.
    const Bytes signedData =
        der::sequence({der::integer(1), der::setOf({digestAlg}), der::sequence({der::oid(kIdData)}),
                       der::setOf(p.certificates, der::contextConstructed(0)), der::setOf({signerInfo})});
    return der::sequence({der::oid(kIdSignedData), der::wrap(der::contextConstructed(0), {signedData})});
}

}  // namespace

struct CmsSigner::State {
    Prepared prepared;
};

CmsSigner::CmsSigner(const Key& key, const CmsSignOptions& options)
    : state_(std::make_unique<State>(State{prepare(key, options)})), options_(options) {}
CmsSigner::CmsSigner(CmsSigner&&) noexcept = default;
CmsSigner& CmsSigner::operator=(CmsSigner&&) noexcept = default;
CmsSigner::~CmsSigner() = default;

const SignatureAlgorithm& CmsSigner::algorithm() const noexcept { return state_->prepared.algorithm; }

DigestAlgorithm CmsSigner::contentDigestAlgorithm() const noexcept {
    return state_->prepared.algorithm.digest;
}

Bytes CmsSigner::sign(ByteView contentDigest, Key& key,
                      const std::vector<UnsignedAttribute>& unsignedAttributes) const {
    const Prepared& p = state_->prepared;
    if (contentDigest.size() != digestSize(p.algorithm.digest))
        throw Error(ErrorCategory::Internal,
                    "content digest length does not match " + std::string(toString(p.algorithm.digest)));
    const Bytes attrs = signedAttributes(contentDigest, p.signer.get(), p.certificates.front(), options_);
    // The key signs the digest of exactly these bytes, the ones embedded below
    // (SM2: e = SM3(Z || signed attributes), GM/T 0010 / GB/T 32918.2 6.1).
    const Bytes signature = signMessage(key, p.algorithm, attrs, p.certificates.front());
    // The timestamp is over the signature value (ETSI EN 319 122-1 5.3).
    const Bytes token = options_.timestamp ? options_.timestamp(signature) : Bytes();
    return assemble(p, attrs, signature, token, unsignedAttributes);
}

std::size_t CmsSigner::maxSize() const {
    const Prepared& p = state_->prepared;
    EVP_PKEY* pub = X509_get0_pubkey(p.signer.get());
    if (!pub) throw CryptoError(tr("the signer certificate has no usable public key"));
    // EVP_PKEY_get_size: the largest signature the key can make (RSA modulus
    // length; DER ECDSA/SM2 signature with maximal r and s).
    const int maxSig = EVP_PKEY_get_size(pub);
    if (maxSig <= 0) throw CryptoError(tr("cannot tell the signature size of the signer key"));
    CmsSignOptions o = options_;
    // GeneralizedTime is 2 bytes longer than UTCTime.
    if (o.signingTimeAttribute) o.signingTimeAttribute = std::time_t{4102444800};  // 2100-01-01
    const Bytes zeros(digestSize(p.algorithm.digest), 0);
    const Bytes attrs = signedAttributes(zeros, p.signer.get(), p.certificates.front(), o);
    const Bytes dummy(static_cast<std::size_t>(maxSig) + 16, 0xff);
    // Margin for length octets that grow and for a key that pads differently.
    return assemble(p, attrs, dummy).size() + 256 + (o.timestamp ? o.timestampReserve + 32 : 0);
}

Bytes buildDetachedCms(ByteView contentDigest, Key& key, const CmsSignOptions& options) {
    return CmsSigner(key, options).sign(contentDigest, key);
}

std::size_t estimateCmsSize(const Key& key, const CmsSignOptions& options) {
    return CmsSigner(key, options).maxSize();
}

}  // namespace eseal

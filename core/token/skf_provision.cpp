#include "core/token/skf_provision.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <algorithm>
#include <memory>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/crypto/der.hpp"
#include "core/crypto/digest.hpp"
#include "core/crypto/sm2.hpp"
#include "core/ossl/ossl.hpp"
#include "core/token/certificate_request.hpp"
#include "core/token/skf_session.hpp"

namespace eseal {

namespace {

using skf::ULONG;

// GM/T 0016 6.4.4: a 256-bit coordinate sits in the last 32 of its 64 bytes.
Bytes eccPoint(const skf::ECCPUBLICKEYBLOB& blob) {
    if (blob.BitLen != 256)
        throw TokenError(TokenError::Kind::Other,
                         fill(tr("the key returned an SM2 public key of {bits} bits, not 256"),
                              {{"{bits}", std::to_string(blob.BitLen)}}));
    Bytes point{0x04};
    point.insert(point.end(), blob.XCoordinate + 32, blob.XCoordinate + 64);
    point.insert(point.end(), blob.YCoordinate + 32, blob.YCoordinate + 64);
    return point;
}

// GM/T 0016 6.4.2: the modulus is BitLen / 8 bytes, right-aligned in its 256.
Bytes rsaBlobSpki(const skf::RSAPUBLICKEYBLOB& blob) {
    const std::size_t n = blob.BitLen / 8;
    if (blob.BitLen % 8 != 0 || n < 128 || n > sizeof blob.Modulus)
        throw TokenError(TokenError::Kind::Other,
                         fill(tr("the key returned an RSA public key of {bits} bits"),
                              {{"{bits}", std::to_string(blob.BitLen)}}));
    return rsaSpki(ByteView(blob.Modulus + sizeof blob.Modulus - n, n),
                   ByteView(blob.PublicExponent, sizeof blob.PublicExponent));
}

// The signing public key of a container as DER SubjectPublicKeyInfo; empty
// when the container has none or the library cannot export it.
Bytes signingSpki(const skf::Container& c) {
    const skf::Library& lib = c.lib();
    if (!lib.ExportPublicKey) return {};
    const ULONG type = c.type();
    if (type == skf::kContainerEcc) {
        skf::ECCPUBLICKEYBLOB blob{};
        ULONG len = sizeof blob;
        if (lib.ExportPublicKey(c.get(), skf::kTrue, reinterpret_cast<skf::BYTE*>(&blob), &len) !=
                skf::SAR_OK ||
            len != sizeof blob)
            return {};
        return ecSpki("SM2", eccPoint(blob));
    }
    if (type == skf::kContainerRsa) {
        skf::RSAPUBLICKEYBLOB blob{};
        ULONG len = sizeof blob;
        if (lib.ExportPublicKey(c.get(), skf::kTrue, reinterpret_cast<skf::BYTE*>(&blob), &len) !=
                skf::SAR_OK ||
            len != sizeof blob)
            return {};
        return rsaBlobSpki(blob);
    }
    return {};
}

ossl::EvpPkeyPtr publicKey(const Bytes& spki) {
    const unsigned char* p = spki.data();
    ossl::EvpPkeyPtr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size())));
    if (!key) {
        ERR_clear_error();
        throw CryptoError(tr("the new public key cannot be read back"));
    }
    return key;
}

// The device's signature over the request info, checked against the new key:
// a request that does not verify is never handed out.
Bytes signOnDevice(const skf::Container& c, SkfKeyType type, const Bytes& spki, ByteView info) {
    const skf::Library& lib = c.lib();
    ossl::EvpPkeyPtr pub = publicKey(spki);
    const std::string what =
        fill(tr("signing the certificate request in container '{container}'"), {{"{container}", c.name()}});
    if (type == SkfKeyType::Sm2) {
        Bytes e = sm2::signedDigest(pub.get(), info);
        skf::ECCSIGNATUREBLOB blob{};
        skf::check(lib.ECCSignData(c.get(), e.data(), static_cast<ULONG>(e.size()), &blob),
                   what + " (SKF_ECCSignData)");
        Bytes sig = sm2::derFromRaw(ByteView(blob.r, sizeof blob.r), ByteView(blob.s, sizeof blob.s));
        if (!sm2::verify(pub.get(), info, sig))
            throw TokenError(TokenError::Kind::Other,
                             what + ": " + tr("the key's signature does not verify"));
        return sig;
    }
    // RFC 8017 9.2: the device pads what it is given, the SHA-256 DigestInfo.
    Bytes digestInfo = der::sequence({der::sequence({der::oid("2.16.840.1.101.3.4.2.1"), der::null()}),
                                      der::octetString(digest(DigestAlgorithm::Sha256, info))});
    Bytes sig(skf::kMaxRsaModulusLen * 2);
    ULONG len = static_cast<ULONG>(sig.size());
    skf::check(
        lib.RSASignData(c.get(), digestInfo.data(), static_cast<ULONG>(digestInfo.size()), sig.data(), &len),
        what + " (SKF_RSASignData)");
    if (len == 0 || len > sig.size())
        throw TokenError(TokenError::Kind::Other, what + ": " + tr("bad signature length"));
    sig.resize(len);
    ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pub.get()) != 1 ||
        EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), info.data(), info.size()) != 1) {
        ERR_clear_error();
        throw TokenError(TokenError::Kind::Other, what + ": " + tr("the key's signature does not verify"));
    }
    return sig;
}

void checkContainerName(const std::string& name) {
    // GM/T 0016 7.4.2: a container name has at most 64 bytes.
    const bool ok = !name.empty() && name.size() <= 64 && std::none_of(name.begin(), name.end(), [](char ch) {
        return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f;
    });
    if (!ok)
        throw Error(
            ErrorCategory::Usage,
            fill(tr("an SKF container name has 1 to 64 bytes and no control characters, not '{name}'"),
                 {{"{name}", name}}));
}

}  // namespace

SkfRequest makeSkfCertificateRequest(std::string_view specText, PinSource& pins, const std::string& container,
                                     SkfKeyType type, const std::string& subject) {
    const Bytes name = subjectName(subject);  // a usage error before the device is touched
    SkfSpec spec = SkfSpec::parse(specText);
    const std::string newName = container.empty() ? spec.container : container;
    checkContainerName(newName);
    spec.container.clear();
    skf::Opened o = skf::openApplication(spec);
    const skf::Library& lib = o.app->lib();
    const bool canGenerate =
        type == SkfKeyType::Sm2 ? lib.GenECCKeyPair != nullptr : lib.GenRSAKeyPair != nullptr;
    if (!lib.CreateContainer || !canGenerate)
        throw TokenError(TokenError::Kind::Other,
                         fill(tr("the SKF library {library} cannot make keys (it has no {function})"),
                              {{"{library}", lib.path()},
                               {"{function}", !lib.CreateContainer      ? "SKF_CreateContainer"
                                              : type == SkfKeyType::Sm2 ? "SKF_GenECCKeyPair"
                                                                        : "SKF_GenRSAKeyPair"}}));
    const auto present = lib.enumContainers(o.app->get());
    if (std::find(present.begin(), present.end(), newName) != present.end())
        throw TokenError(TokenError::Kind::Other,
                         fill(tr("{key} has a container named '{container}' already; give another name with "
                                 "--label"),
                              {{"{key}", skf::appLabel(o)}, {"{container}", newName}}));
    skf::login(o, pins);
    std::string n = newName;
    skf::HCONTAINER created = nullptr;
    skf::check(lib.CreateContainer(o.app->get(), n.data(), &created),
               fill(tr("creating container '{container}' in {key}"),
                    {{"{container}", newName}, {"{key}", skf::appLabel(o)}}) +
                   " (SKF_CreateContainer)");
    lib.CloseContainer(created);
    try {
        skf::Container c(o.app, newName);
        Bytes spki;
        const std::string what =
            fill(tr("generating a key pair in container '{container}'"), {{"{container}", newName}});
        if (type == SkfKeyType::Sm2) {
            skf::ECCPUBLICKEYBLOB blob{};
            skf::check(lib.GenECCKeyPair(c.get(), skf::SGD_SM2_1, &blob), what + " (SKF_GenECCKeyPair)");
            spki = ecSpki("SM2", eccPoint(blob));
        } else {
            skf::RSAPUBLICKEYBLOB blob{};
            skf::check(lib.GenRSAKeyPair(c.get(), 2048, &blob), what + " (SKF_GenRSAKeyPair)");
            spki = rsaBlobSpki(blob);
        }
        SkfRequest out;
        out.der = certificateRequest(
            name, spki, type == SkfKeyType::Sm2 ? RequestSignature::Sm2Sm3 : RequestSignature::RsaSha256,
            [&](ByteView info) { return signOnDevice(c, type, spki, info); });
        out.container = newName;
        SkfSpec keySpec = o.spec;
        keySpec.container = newName;
        out.keySpec = keySpec.toString();
        return out;
    } catch (...) {
        if (lib.DeleteContainer) lib.DeleteContainer(o.app->get(), n.data());  // no half-made key stays
        throw;
    }
}

SkfImported importSkfCertificate(std::string_view specText, PinSource& pins, ByteView certDer) {
    ossl::X509Ptr cert = ossl::parseCertificate(certDer);
    const Bytes certSpki = ossl::i2dBytes(X509_get0_pubkey(cert.get()), i2d_PUBKEY, "the certificate's key");
    SkfSpec spec = SkfSpec::parse(specText);
    const std::string only = spec.container;
    spec.container.clear();
    skf::Opened o = skf::openApplication(spec);
    const skf::Library& lib = o.app->lib();
    if (!lib.ImportCertificate || !lib.ExportPublicKey)
        throw TokenError(
            TokenError::Kind::Other,
            fill(tr("the SKF library {library} cannot store certificates (it has no {function})"),
                 {{"{library}", lib.path()},
                  {"{function}", !lib.ImportCertificate ? "SKF_ImportCertificate" : "SKF_ExportPublicKey"}}));
    const Bytes wanted(certDer.begin(), certDer.end());
    std::unique_ptr<skf::Container> match;
    for (const auto& cName : lib.enumContainers(o.app->get())) {
        if (!only.empty() && cName != only) continue;
        auto c = std::make_unique<skf::Container>(o.app, cName);
        if (c->signCertificate() == wanted)
            throw TokenError(TokenError::Kind::Other,
                             fill(tr("this certificate is in container '{container}' of {key} already"),
                                  {{"{container}", cName}, {"{key}", skf::appLabel(o)}}));
        Bytes spki;
        try {
            spki = signingSpki(*c);
        } catch (const Error&) {
            continue;  // a key of another kind or form: not this certificate's
        }
        if (!match && !spki.empty() && spki == certSpki) match = std::move(c);
    }
    if (!match)
        throw TokenError(TokenError::Kind::NotFound,
                         fill(tr("no container of {key} holds the key of this certificate; was the request "
                                 "made on this key (eseal token csr)?"),
                              {{"{key}", skf::appLabel(o)}}));
    skf::login(o, pins);
    Bytes der = wanted;
    skf::check(
        lib.ImportCertificate(match->get(), skf::kTrue, der.data(), static_cast<ULONG>(der.size())),
        fill(tr("storing the certificate in container '{container}'"), {{"{container}", match->name()}}) +
            " (SKF_ImportCertificate)");
    SkfImported out;
    out.container = match->name();
    SkfSpec keySpec = o.spec;
    keySpec.container = match->name();
    out.keySpec = keySpec.toString();
    return out;
}

}  // namespace eseal

#include "core/token/pkcs11_key.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/crypto/sm2.hpp"
#include "core/ossl/ossl.hpp"
#include "core/token/pkcs11_token.hpp"
#include "core/token/pkcs11_uri.hpp"
#include "core/token/signing_certificate.hpp"

namespace eseal {

namespace pkcs11 {

// RFC 8017 9.2 note 1: DER of DigestInfo up to the digest octets.
Bytes digestInfoPrefix(DigestAlgorithm d) {
    switch (d) {
        case DigestAlgorithm::Sha256:
            return {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                    0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
        case DigestAlgorithm::Sha384:
            return {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                    0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30};
        case DigestAlgorithm::Sha512:
            return {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                    0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40};
        case DigestAlgorithm::Sm3:
        case DigestAlgorithm::Sha1:  // eseal never signs with SHA-1
            break;
    }
    throw Error(ErrorCategory::Unsupported,
                fill(tr("RSA signatures with {digest} are not supported"), {{"{digest}", toString(d)}}));
}

// Raw r || s (PKCS#11 2.40 2.3.1, CKM_ECDSA output) -> DER ECDSA-Sig-Value
// (RFC 5480 / X9.62), which CMS carries.
Bytes ecdsaRawToDer(ByteView raw) {
    if (raw.empty() || raw.size() % 2 != 0 || raw.size() > 264)
        throw TokenError(TokenError::Kind::Other,
                         fill(tr("the token returned an ECDSA signature of {n} bytes"),
                              {{"{n}", std::to_string(raw.size())}}));
    const int half = static_cast<int>(raw.size() / 2);
    ECDSA_SIG* sig = ECDSA_SIG_new();
    BIGNUM* r = BN_bin2bn(raw.data(), half, nullptr);
    BIGNUM* s = BN_bin2bn(raw.data() + half, half, nullptr);
    if (!sig || !r || !s || ECDSA_SIG_set0(sig, r, s) != 1) {
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(sig);
        throw CryptoError("building the ECDSA signature");
    }
    std::unique_ptr<ECDSA_SIG, ossl::Deleter<ECDSA_SIG, ECDSA_SIG_free>> owned(sig);
    return ossl::i2dBytes(owned.get(), i2d_ECDSA_SIG, "the ECDSA signature");
}

CK_MECHANISM_TYPE chooseSm2Mechanism(std::optional<unsigned long> configured,
                                     const std::vector<CK_MECHANISM_TYPE>& offered, const std::string& key) {
    // Taken as given even when the module does not list it: some vendors'
    // C_GetMechanismList leaves their SM2 mechanisms out; C_SignInit decides.
    if (configured) return static_cast<CK_MECHANISM_TYPE>(*configured);
    std::string vendor;
    for (CK_MECHANISM_TYPE m : offered)
        if (m >= CKM_VENDOR_DEFINED) {
            char hex[24];
            std::snprintf(hex, sizeof hex, "0x%08lX", static_cast<unsigned long>(m));
            vendor += (vendor.empty() ? "" : ", ") + std::string(hex);
        }
    throw Error(ErrorCategory::Unsupported,
                fill(tr("{key} is an SM2 key, and PKCS#11 has no standard SM2 mechanism: give the vendor's "
                        "number in the key URI, e.g. ?sm2-mechanism=0x80000101 (see the token's manual); "
                        "vendor-defined sign mechanisms of this token: {list}"),
                     {{"{key}", key}, {"{list}", vendor.empty() ? std::string(tr("none listed")) : vendor}}));
}

Bytes sm2SignatureToDer(ByteView sig) {
    // Vendors return the DER SM2Signature or r || s (32 + 32 bytes, as GM/T 0016 does).
    if (!sig.empty() && sig[0] == 0x30 && sig.size() <= 72) {
        const unsigned char* p = sig.data();
        std::unique_ptr<ECDSA_SIG, ossl::Deleter<ECDSA_SIG, ECDSA_SIG_free>> parsed(
            d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size())));
        ERR_clear_error();
        if (parsed && p == sig.data() + sig.size()) {
            Bytes again = ossl::i2dBytes(parsed.get(), i2d_ECDSA_SIG, "the SM2 signature");
            if (again == Bytes(sig.begin(), sig.end())) return again;
        }
    }
    if (sig.size() == 64) return sm2::derFromRaw(sig.subspan(0, 32), sig.subspan(32));
    throw TokenError(TokenError::Kind::Other,
                     fill(tr("the token returned an SM2 signature of {n} bytes (neither r || s nor DER): is "
                             "sm2-mechanism the right number?"),
                          {{"{n}", std::to_string(sig.size())}}));
}

}  // namespace pkcs11

namespace {

using namespace pkcs11;

struct CertEntry {
    CK_OBJECT_HANDLE handle;
    Bytes id;
    std::string label;
    Bytes der;
    ossl::X509Ptr x509;
};

bool isSm2Certificate(const X509* cert) {
    EVP_PKEY* pub = X509_get0_pubkey(cert);
    if (!pub) return false;
    if (EVP_PKEY_is_a(pub, "SM2")) return true;
    char group[64] = {};
    std::size_t len = 0;
    return EVP_PKEY_is_a(pub, "EC") &&
           EVP_PKEY_get_utf8_string_param(pub, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) == 1 &&
           std::string(group) == "SM2";
}

std::string describeObject(const std::string& label, const Bytes& id) {
    std::string s = "'" + label + "'";
    if (!id.empty()) s += " (id " + toHex(id) + ")";
    return s;
}

// Whether the certificate's public key is the key whose public parts are given:
// RSA modulus, or an EC point (raw, or wrapped in a DER OCTET STRING as
// CKA_EC_POINT holds it).
bool certHoldsKey(const X509* cert, const std::optional<Bytes>& modulus,
                  const std::optional<Bytes>& ecPoint) {
    EVP_PKEY* pub = X509_get0_pubkey(cert);
    if (!pub) return false;
    if (modulus && EVP_PKEY_is_a(pub, "RSA")) {
        BIGNUM* n = nullptr;
        if (EVP_PKEY_get_bn_param(pub, OSSL_PKEY_PARAM_RSA_N, &n) != 1) return false;
        BIGNUM* m = BN_bin2bn(modulus->data(), static_cast<int>(modulus->size()), nullptr);
        bool same = m && BN_cmp(n, m) == 0;
        BN_free(n);
        BN_free(m);
        return same;
    }
    if (ecPoint && (EVP_PKEY_is_a(pub, "EC") || EVP_PKEY_is_a(pub, "SM2"))) {
        unsigned char buf[160];
        std::size_t len = 0;
        if (EVP_PKEY_get_octet_string_param(pub, OSSL_PKEY_PARAM_PUB_KEY, buf, sizeof buf, &len) != 1)
            return false;
        ByteView point(*ecPoint);
        // DER OCTET STRING: 04 len [81 len] point
        if (point.size() > 2 && point[0] == 0x04) {
            std::size_t hdr = point[1] < 0x80 ? 2 : (point[1] == 0x81 ? 3 : 0);
            if (hdr && point.size() > hdr && point.size() - hdr == len) point = point.subspan(hdr);
        }
        return point.size() == len && std::memcmp(point.data(), buf, len) == 0;
    }
    return false;
}

class Pkcs11Key final : public Key {
public:
    Pkcs11Key(TokenRef token, Session session, CK_OBJECT_HANDLE key, CK_KEY_TYPE type, std::string label,
              std::vector<Bytes> chain, std::vector<CK_MECHANISM_TYPE> mechanisms, bool alwaysAuth,
              SecretString pin, int curveBits, std::optional<CK_MECHANISM_TYPE> sm2Mechanism)
        : token_(std::move(token)),
          session_(std::move(session)),
          key_(key),
          type_(type),
          label_(std::move(label)),
          chain_(std::move(chain)),
          mechanisms_(std::move(mechanisms)),
          alwaysAuthenticate_(alwaysAuth),
          pin_(std::move(pin)),
          curveBits_(curveBits),
          sm2Mechanism_(sm2Mechanism) {}

    std::string description() const override {
        return fill(tr("key '{key}' on token '{token}'"), {{"{key}", label_}, {"{token}", token_.label}});
    }
    const std::vector<Bytes>& certificateChain() const override { return chain_; }

    std::vector<SignatureAlgorithm> algorithms() const override {
        std::vector<SignatureAlgorithm> out;
        if (sm2Mechanism_) return {{SignatureScheme::Sm2, DigestAlgorithm::Sm3}};
        auto has = [&](CK_MECHANISM_TYPE m) {
            return std::find(mechanisms_.begin(), mechanisms_.end(), m) != mechanisms_.end();
        };
        const DigestAlgorithm digests[] = {DigestAlgorithm::Sha256, DigestAlgorithm::Sha384,
                                           DigestAlgorithm::Sha512};
        if (type_ == CKK_RSA) {
            if (has(CKM_RSA_PKCS))
                for (auto d : digests) out.push_back({SignatureScheme::RsaPkcs1v15, d});
            if (has(CKM_RSA_PKCS_PSS))
                for (auto d : digests) out.push_back({SignatureScheme::RsaPss, d});
        } else if (type_ == CKK_EC && has(CKM_ECDSA)) {
            // The digest that matches the curve's strength first (P-384 -> SHA-384).
            if (curveBits_ > 256) out.push_back({SignatureScheme::Ecdsa, DigestAlgorithm::Sha384});
            for (auto d : digests)
                if (!(curveBits_ > 256 && d == DigestAlgorithm::Sha384))
                    out.push_back({SignatureScheme::Ecdsa, d});
        }
        return out;
    }

    Bytes sign(ByteView digestValue, const SignatureAlgorithm& algorithm) override {
        if (digestValue.size() != digestSize(algorithm.digest))
            throw Error(ErrorCategory::Internal,
                        "digest length does not match " + std::string(toString(algorithm.digest)));
        auto offered = algorithms();
        if (std::find(offered.begin(), offered.end(), algorithm) == offered.end())
            throw Error(ErrorCategory::Unsupported,
                        fill(tr("{key} cannot sign with {algorithm}"),
                             {{"{key}", description()}, {"{algorithm}", toString(algorithm)}}));

        CK_MECHANISM mech{0, nullptr, 0};
        CK_RSA_PKCS_PSS_PARAMS pss{};
        Bytes input(digestValue.begin(), digestValue.end());
        switch (algorithm.scheme) {
            case SignatureScheme::RsaPkcs1v15: {
                // CKM_RSA_PKCS pads what it is given; the DigestInfo is ours to add (RFC 8017 9.2).
                mech.mechanism = CKM_RSA_PKCS;
                input = digestInfoPrefix(algorithm.digest);
                input.insert(input.end(), digestValue.begin(), digestValue.end());
                break;
            }
            case SignatureScheme::RsaPss: {
                // RFC 8017 9.1 with MGF1 over the same hash and salt = hash length,
                // as RFC 4055 3.1 recommends and the CMS side declares.
                mech.mechanism = CKM_RSA_PKCS_PSS;
                switch (algorithm.digest) {
                    case DigestAlgorithm::Sha256:
                        pss = {CKM_SHA256, CKG_MGF1_SHA256, 32};
                        break;
                    case DigestAlgorithm::Sha384:
                        pss = {CKM_SHA384, CKG_MGF1_SHA384, 48};
                        break;
                    case DigestAlgorithm::Sha512:
                        pss = {CKM_SHA512, CKG_MGF1_SHA512, 64};
                        break;
                    case DigestAlgorithm::Sm3:
                    case DigestAlgorithm::Sha1:
                        throw Error(ErrorCategory::Unsupported,
                                    fill(tr("RSA-PSS with {digest} is not supported"),
                                         {{"{digest}", toString(algorithm.digest)}}));
                }
                mech.pParameter = &pss;
                mech.ulParameterLen = sizeof pss;
                break;
            }
            case SignatureScheme::Ecdsa:
                // CKM_ECDSA signs a digest computed outside the token (SoftHSM2 2.6
                // has no CKM_ECDSA_SHA256), which is what eseal hands in anyway.
                mech.mechanism = CKM_ECDSA;
                break;
            case SignatureScheme::Sm2:
                // The vendor mechanism signs e = SM3(Z || M), computed by the caller (sm2::signedDigest).
                mech.mechanism = *sm2Mechanism_;
                break;
        }

        CK_FUNCTION_LIST* fn = session_.fn();
        check(fn->C_SignInit(session_.handle(), &mech, key_),
              fill(tr("starting to sign with {key} (C_SignInit)"), {{"{key}", description()}}));
        if (alwaysAuthenticate_) {
            // PKCS#11 2.40 4.9: CKA_ALWAYS_AUTHENTICATE keys need a context-specific
            // login after C_SignInit, every time. Same PIN, not asked again.
            CK_RV rv = session_.login(CKU_CONTEXT_SPECIFIC, pin_.empty() ? nullptr : &pin_);
            check(rv, fill(tr("context-specific login for {key} (CKA_ALWAYS_AUTHENTICATE)"),
                           {{"{key}", description()}}));
        }
        CK_ULONG len = 0;
        const std::string signing = fill(tr("signing with {key} (C_Sign)"), {{"{key}", description()}});
        check(fn->C_Sign(session_.handle(), input.data(), static_cast<CK_ULONG>(input.size()), nullptr, &len),
              signing);
        if (len == 0 || len > 4096)
            throw TokenError(TokenError::Kind::Other, fill(tr("the token announces a signature of {n} bytes"),
                                                           {{"{n}", std::to_string(len)}}));
        Bytes sig(len);
        check(fn->C_Sign(session_.handle(), input.data(), static_cast<CK_ULONG>(input.size()), sig.data(),
                         &len),
              signing);
        if (len > sig.size())
            throw TokenError(TokenError::Kind::Other, tr("the token wrote past the signature buffer"));
        sig.resize(len);
        if (algorithm.scheme == SignatureScheme::Ecdsa) return ecdsaRawToDer(sig);
        if (algorithm.scheme == SignatureScheme::Sm2) return sm2SignatureToDer(sig);
        return sig;
    }

private:
    TokenRef token_;   // the module; outlives the session below
    Session session_;  // logged in once for every signature
    CK_OBJECT_HANDLE key_;
    CK_KEY_TYPE type_;
    std::string label_;
    std::vector<Bytes> chain_;
    std::vector<CK_MECHANISM_TYPE> mechanisms_;
    bool alwaysAuthenticate_;
    SecretString pin_;  // kept only for CKA_ALWAYS_AUTHENTICATE keys
    int curveBits_;
    std::optional<CK_MECHANISM_TYPE> sm2Mechanism_;  // set for SM2 keys
};

std::vector<CertEntry> readCertificates(const Session& session) {
    CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
    CK_CERTIFICATE_TYPE ctype = CKC_X_509;
    std::vector<CertEntry> out;
    for (CK_OBJECT_HANDLE h : session.find(
             {attr(CKA_CLASS, &cls, sizeof cls), attr(CKA_CERTIFICATE_TYPE, &ctype, sizeof ctype)})) {
        auto value = session.attribute(h, CKA_VALUE);
        if (!value || value->empty()) continue;
        const unsigned char* p = value->data();
        ossl::X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(value->size())));
        if (!x) {
            ERR_clear_error();  // a damaged certificate object is skipped, not fatal
            continue;
        }
        out.push_back({h, session.attribute(h, CKA_ID).value_or(Bytes{}), session.textAttribute(h, CKA_LABEL),
                       std::move(*value), std::move(x)});
    }
    return out;
}

// Signer first, then each issuer found among the token's certificates, up to a
// self-signed one (RFC 5280 6.1: the path the verifier rebuilds anyway).
std::vector<Bytes> buildChain(const CertEntry& signer, const std::vector<CertEntry>& certs) {
    std::vector<Bytes> chain{signer.der};
    const X509* current = signer.x509.get();
    std::vector<const X509*> used{current};
    for (int depth = 0; depth < 10; ++depth) {
        if (X509_check_issued(const_cast<X509*>(current), const_cast<X509*>(current)) == X509_V_OK) break;
        const CertEntry* issuer = nullptr;
        for (const auto& c : certs) {
            if (std::find(used.begin(), used.end(), c.x509.get()) != used.end()) continue;
            if (X509_check_issued(c.x509.get(), const_cast<X509*>(current)) == X509_V_OK) {
                issuer = &c;
                break;
            }
        }
        if (!issuer) break;
        chain.push_back(issuer->der);
        current = issuer->x509.get();
        used.push_back(current);
    }
    return chain;
}

// Before the PIN is asked: certificates are public objects, so the ones the
// URI names (or, without a name, the token's end-entity ones) are checked now.
// When none of them may seal, the first one's reason ends the command.
// The certificates the URI names (by label or id), or without a name the
// token's end-entity ones: the candidates for the signer before the login.
std::vector<CertEntry> namedCertificates(const Session& session, const Pkcs11Uri& uri) {
    std::vector<CertEntry> out;
    for (auto& c : readCertificates(session)) {
        if (uri.object && c.label != *uri.object) continue;
        if (uri.id && c.id != *uri.id) continue;
        if (!uri.object && !uri.id && X509_check_ca(c.x509.get()) != 0) continue;
        out.push_back(std::move(c));
    }
    return out;
}

void refuseUnusableCertificates(const Session& session, const Pkcs11Uri& uri) {
    std::optional<TokenError> firstRefusal;
    bool anyUsable = false;
    const std::time_t now = std::time(nullptr);
    for (const auto& c : namedCertificates(session, uri)) {
        try {
            (void)requireSigningCertificate(c.der, now);
            anyUsable = true;
        } catch (const TokenError& e) {
            if (!firstRefusal) firstRefusal = e;
        }
    }
    if (!anyUsable && firstRefusal) throw *firstRefusal;
}

// Dual-certificate keys (a signing and an encryption key pair under one label,
// common on Chinese USB Keys): of several keys the one whose certificate may
// sign, when exactly one may.
std::optional<CK_OBJECT_HANDLE> signingKeyAmong(const Session& session,
                                                const std::vector<CK_OBJECT_HANDLE>& keys,
                                                const std::vector<CertEntry>& certs) {
    std::optional<CK_OBJECT_HANDLE> chosen;
    int signing = 0;
    for (CK_OBJECT_HANDLE k : keys) {
        Bytes id = session.attribute(k, CKA_ID).value_or(Bytes{});
        for (const auto& c : certs)
            if (!id.empty() && c.id == id && isSigningCertificate(c.der)) {
                chosen = k;
                ++signing;
                break;
            }
    }
    return signing == 1 ? chosen : std::nullopt;
}

}  // namespace

std::vector<Bytes> pkcs11CertificatesBeforeLogin(std::string_view text) {
    const Pkcs11Uri uri = Pkcs11Uri::parse(text);
    TokenRef token = openToken(uri);
    Session session(token.module, token.slot, false);
    // Of several certificates with one key's id (renewed for the same key:
    // eseal token import-cert), the key signs with the most recently issued
    // (openPkcs11Key): only that one is the signer, so that a seal bound to the
    // old certificate is refused before the PIN, not after it.
    const std::vector<CertEntry> named = namedCertificates(session, uri);
    std::vector<Bytes> out;
    for (const auto& c : named) {
        const bool superseded =
            !c.id.empty() && std::any_of(named.begin(), named.end(), [&](const CertEntry& o) {
                return &o != &c && o.id == c.id &&
                       ASN1_TIME_compare(X509_get0_notBefore(o.x509.get()),
                                         X509_get0_notBefore(c.x509.get())) > 0;
            });
        if (!superseded) out.push_back(c.der);
    }
    return out;
}

std::unique_ptr<Key> openPkcs11Key(std::string_view text, PinSource& pins) {
    Pkcs11Uri uri = Pkcs11Uri::parse(text);
    TokenRef token = openToken(uri);
    Session session(token.module, token.slot, false);
    refuseUnusableCertificates(session, uri);
    // An SM2 key without a configured mechanism cannot sign: said before the PIN.
    const auto named = namedCertificates(session, uri);
    if (!named.empty() && std::all_of(named.begin(), named.end(),
                                      [](const CertEntry& c) { return isSm2Certificate(c.x509.get()); }))
        (void)chooseSm2Mechanism(uri.sm2Mechanism, token.module.signMechanisms(token.slot),
                                 "key '" + named.front().label + "'");

    std::optional<FilePinSource> filePins;
    if (uri.pinSource) filePins.emplace(*uri.pinSource, &pins);
    SecretString pin = loginUser(session, token, filePins ? static_cast<PinSource&>(*filePins) : pins);

    // The private key: by label/id, or through the certificate or public key
    // the URI names (type=cert / type=public), which shares its CKA_ID.
    std::optional<std::string> label = uri.object;
    std::optional<Bytes> id = uri.id;
    if (uri.type && *uri.type != "private") {
        CK_OBJECT_CLASS cls = *uri.type == "cert" ? CKO_CERTIFICATE : CKO_PUBLIC_KEY;
        std::vector<CK_ATTRIBUTE> t{attr(CKA_CLASS, &cls, sizeof cls)};
        if (label) t.push_back(attr(CKA_LABEL, label->data(), label->size()));
        if (id) t.push_back(attr(CKA_ID, id->data(), id->size()));
        auto found = session.find(t, 16);
        if (found.size() != 1)
            throw TokenError(
                TokenError::Kind::NotFound,
                fill(tr("{count} {type} objects match {key} on token '{token}'; exactly one is needed"),
                     {{"{count}", std::to_string(found.size())},
                      {"{type}", *uri.type},
                      {"{key}", std::string(text)},
                      {"{token}", token.label}}));
        id = session.attribute(found[0], CKA_ID);
        if (!id || id->empty())
            throw TokenError(TokenError::Kind::NotFound,
                             fill(tr("the {type} object has no CKA_ID to find its private key by"),
                                  {{"{type}", *uri.type}}));
        label.reset();
    }
    CK_OBJECT_CLASS privClass = CKO_PRIVATE_KEY;
    std::vector<CK_ATTRIBUTE> tmpl{attr(CKA_CLASS, &privClass, sizeof privClass)};
    if (label) tmpl.push_back(attr(CKA_LABEL, label->data(), label->size()));
    if (id) tmpl.push_back(attr(CKA_ID, id->data(), id->size()));
    auto keys = session.find(tmpl, 64);
    if (keys.size() > 1)
        if (auto k = signingKeyAmong(session, keys, readCertificates(session))) keys = {*k};
    if (keys.size() != 1) {
        auto all = session.find({attr(CKA_CLASS, &privClass, sizeof privClass)}, 64);
        std::string list;
        for (CK_OBJECT_HANDLE h : all)
            list +=
                (list.empty() ? "" : ", ") + describeObject(session.textAttribute(h, CKA_LABEL),
                                                            session.attribute(h, CKA_ID).value_or(Bytes{}));
        if (list.empty()) list = tr("none");
        const std::vector<std::pair<std::string, std::string>> values{{"{key}", std::string(text)},
                                                                      {"{token}", token.label},
                                                                      {"{n}", std::to_string(keys.size())},
                                                                      {"{list}", list}};
        throw TokenError(TokenError::Kind::NotFound,
                         keys.empty()
                             ? fill(tr("no private key matches {key} on token '{token}'; private keys "
                                       "there: {list}"),
                                    values)
                             : fill(tr("{n} private keys match {key} on token '{token}'; name one with "
                                       "object=LABEL or id=%XX; private keys there: {list}"),
                                    values));
    }
    CK_OBJECT_HANDLE key = keys[0];
    std::string keyLabel = session.textAttribute(key, CKA_LABEL);
    Bytes keyId = session.attribute(key, CKA_ID).value_or(Bytes{});
    auto keyType = session.ulongAttribute(key, CKA_KEY_TYPE);
    // SM2 keys are CKK_EC on the SM2 curve or a vendor-defined key type.
    if (!keyType || (*keyType != CKK_RSA && *keyType != CKK_EC && *keyType < CKK_VENDOR_DEFINED))
        throw Error(ErrorCategory::Unsupported,
                    fill(tr("key {key} on token '{token}' is neither RSA nor EC; eseal cannot sign with it"),
                         {{"{key}", describeObject(keyLabel, keyId)}, {"{token}", token.label}}));
    if (session.boolAttribute(key, CKA_SIGN) == false)
        throw TokenError(TokenError::Kind::Other, fill(tr("key {key} may not sign (CKA_SIGN is false)"),
                                                       {{"{key}", describeObject(keyLabel, keyId)}}));
    bool alwaysAuth = session.boolAttribute(key, CKA_ALWAYS_AUTHENTICATE).value_or(false);

    // Its certificate: same CKA_ID (PKCS#11 2.40 4.6.3), else the one holding
    // its public key.
    std::vector<CertEntry> certs = readCertificates(session);
    std::optional<Bytes> modulus, ecPoint;
    if (*keyType == CKK_RSA)
        modulus = session.attribute(key, CKA_MODULUS);
    else {
        CK_OBJECT_CLASS pubClass = CKO_PUBLIC_KEY;
        std::vector<CK_ATTRIBUTE> t{attr(CKA_CLASS, &pubClass, sizeof pubClass)};
        if (!keyId.empty())
            t.push_back(attr(CKA_ID, keyId.data(), keyId.size()));
        else
            t.push_back(attr(CKA_LABEL, keyLabel.data(), keyLabel.size()));
        auto pubs = session.find(t, 2);
        if (pubs.size() == 1) ecPoint = session.attribute(pubs[0], CKA_EC_POINT);
        if (!ecPoint)
            ecPoint = session.attribute(key, CKA_EC_POINT);  // some tokens keep it on the private key
    }
    // Of several certificates with the key's id (renewed for the same key:
    // eseal token import-cert), one holding the key, the most recently issued.
    const CertEntry* signer = nullptr;
    bool signerHolds = false;
    for (const auto& c : certs) {
        if (keyId.empty() || c.id != keyId) continue;
        const bool holds = certHoldsKey(c.x509.get(), modulus, ecPoint);
        const bool later = signer && ASN1_TIME_compare(X509_get0_notBefore(c.x509.get()),
                                                       X509_get0_notBefore(signer->x509.get())) > 0;
        if (!signer || (holds && !signerHolds) || (holds == signerHolds && later)) {
            signer = &c;
            signerHolds = holds;
        }
    }
    if (!signer)
        for (const auto& c : certs)
            if (certHoldsKey(c.x509.get(), modulus, ecPoint)) {
                signer = &c;
                break;
            }
    if (!signer)
        throw TokenError(TokenError::Kind::NotFound,
                         fill(tr("no certificate for key {key} on token '{token}': a seal needs the key's "
                                 "certificate stored "
                                 "on the token with the same id"),
                              {{"{key}", describeObject(keyLabel, keyId)}, {"{token}", token.label}}));
    if ((modulus || ecPoint) && !certHoldsKey(signer->x509.get(), modulus, ecPoint))
        throw TokenError(TokenError::Kind::Other,
                         fill(tr("certificate {cert} does not hold the public key of key {key}"),
                              {{"{cert}", describeObject(signer->label, signer->id)},
                               {"{key}", describeObject(keyLabel, keyId)}}));
    std::vector<Bytes> chain = buildChain(*signer, certs);

    int curveBits = 0;
    if (*keyType == CKK_EC) curveBits = EVP_PKEY_get_bits(X509_get0_pubkey(signer->x509.get()));
    std::vector<CK_MECHANISM_TYPE> mechanisms = token.module.signMechanisms(token.slot);
    std::optional<CK_MECHANISM_TYPE> sm2Mechanism;
    if (isSm2Certificate(signer->x509.get()))
        sm2Mechanism =
            chooseSm2Mechanism(uri.sm2Mechanism, mechanisms, "key " + describeObject(keyLabel, keyId));
    else if (*keyType >= CKK_VENDOR_DEFINED)
        throw Error(ErrorCategory::Unsupported,
                    fill(tr("key {key} on token '{token}' has a vendor key type and is not SM2"),
                         {{"{key}", describeObject(keyLabel, keyId)}, {"{token}", token.label}}));
    if (!alwaysAuth) pin.clear();
    if (alwaysAuth && pin.empty() && (token.info.flags & CKF_LOGIN_REQUIRED) &&
        !(token.info.flags & CKF_PROTECTED_AUTHENTICATION_PATH)) {
        // The user login was shared with an earlier key of this command; this
        // key needs the PIN itself for each signature (CKA_ALWAYS_AUTHENTICATE).
        PinPrompt prompt;
        prompt.tokenLabel = token.label;
        prompt.state = pinStateOf(token.module.tokenInfo(token.slot));
        prompt.purpose = "user PIN";
        pin = (filePins ? static_cast<PinSource&>(*filePins) : pins).get(prompt);
    }
    return std::make_unique<Pkcs11Key>(std::move(token), std::move(session), key, *keyType, keyLabel,
                                       std::move(chain), std::move(mechanisms), alwaysAuth, std::move(pin),
                                       curveBits, sm2Mechanism);
}

}  // namespace eseal

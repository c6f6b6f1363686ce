#include "core/token/pkcs11_provision.hpp"

#include <openssl/err.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/crypto/der.hpp"
#include "core/crypto/digest.hpp"
#include "core/ossl/ossl.hpp"
#include "core/token/certificate_request.hpp"
#include "core/token/pkcs11_token.hpp"
#include "core/token/pkcs11_uri.hpp"

namespace eseal {

using namespace pkcs11;

namespace {

std::string objectLabelCheck(const std::string& label) {
    if (label.empty() || label.size() > 255)
        throw Error(ErrorCategory::Usage, tr("an object label must have 1 to 255 bytes"));
    return label;
}

PinSource& userPinSource(const Pkcs11Uri& uri, PinSource& pins, std::optional<FilePinSource>& storage) {
    if (!uri.pinSource) return pins;
    storage.emplace(*uri.pinSource, &pins);
    return *storage;
}

Bytes spkiDer(const EVP_PKEY* key) { return ossl::i2dBytes(key, i2d_PUBKEY, "the public key"); }

}  // namespace

std::string initToken(const std::string& modulePath, const std::string& label, const SecretString& soPin,
                      const SecretString& userPin) {
    if (label.empty() || label.size() > 32)
        throw Error(ErrorCategory::Usage, tr("a token label must have 1 to 32 bytes (PKCS#11 2.40 3.2)"));
    Module module = Module::open(modulePath);
    std::optional<CK_SLOT_ID> free;
    for (CK_SLOT_ID slot : module.slots()) {
        CK_TOKEN_INFO t = module.tokenInfo(slot);
        if (t.flags & CKF_TOKEN_INITIALIZED) {
            if (fieldText(t.label) == label)
                throw TokenError(TokenError::Kind::Other,
                                 fill(tr("a token labelled '{label}' already exists in {module}"),
                                      {{"{label}", label}, {"{module}", modulePath}}));
        } else if (!free) {
            free = slot;
        }
    }
    if (!free)
        throw TokenError(TokenError::Kind::NotFound,
                         fill(tr("no uninitialised token in {module}"), {{"{module}", modulePath}}));

    unsigned char padded[32];
    std::memset(padded, ' ', sizeof padded);  // PKCS#11 2.40 5.6: 32 bytes, blank padded
    std::memcpy(padded, label.data(), label.size());
    SecretString so(soPin.view());
    CK_RV rv = module.fn()->C_InitToken(*free, ckPin(so), ckPinLen(so), padded);
    check(rv, fill(tr("initialising a token in {module} (C_InitToken)"), {{"{module}", modulePath}}));

    // SoftHSM2 moves a freshly initialised token to a new slot: look it up again.
    std::optional<std::pair<CK_SLOT_ID, CK_TOKEN_INFO>> found;
    for (CK_SLOT_ID slot : module.slots()) {
        CK_TOKEN_INFO t = module.tokenInfo(slot);
        if ((t.flags & CKF_TOKEN_INITIALIZED) && fieldText(t.label) == label) found.emplace(slot, t);
    }
    if (!found)
        throw TokenError(TokenError::Kind::NotFound,
                         fill(tr("the new token '{token}' cannot be found again"), {{"{token}", label}}));
    {
        Session session(module, found->first, true);
        SecretString soCopy(soPin.view());
        check(session.login(CKU_SO, &soCopy), tr("logging in as SO to the new token (C_Login)"));
        SecretString user(userPin.view());
        rv = module.fn()->C_InitPIN(session.handle(), ckPin(user), ckPinLen(user));
        newPinResult(rv, found->second, tr("setting the user PIN of the new token (C_InitPIN)"));
    }
    return tokenUriFor(module, found->second, false);
}

namespace {

struct NewKeyPair {
    Bytes spki;  // DER SubjectPublicKeyInfo
    CK_OBJECT_HANDLE privateKey = 0;
};

// The public key of a token public-key object as DER SubjectPublicKeyInfo
// (RSA: modulus and exponent; EC P-256: CKA_EC_POINT).
Bytes publicKeySpki(const Session& session, CK_OBJECT_HANDLE pubKey, CK_KEY_TYPE keyType) {
    if (keyType == CKK_EC) {
        auto point = session.attribute(pubKey, CKA_EC_POINT);
        if (!point) throw TokenError(TokenError::Kind::Other, tr("the public key has no CKA_EC_POINT"));
        // PKCS#11 2.40 2.3.3: CKA_EC_POINT is DER OCTET STRING; an uncompressed
        // P-256 point is 65 bytes.
        ByteView raw(*point);
        if (raw.size() == 67 && raw[0] == 0x04 && raw[1] == 65) raw = raw.subspan(2);
        return ecSpki("prime256v1", raw);
    }
    auto n = session.attribute(pubKey, CKA_MODULUS);
    auto e = session.attribute(pubKey, CKA_PUBLIC_EXPONENT);
    if (!n || !e)
        throw TokenError(TokenError::Kind::Other, tr("the RSA public key has no modulus or exponent"));
    return rsaSpki(*n, *e);
}

NewKeyPair generateInSession(const Session& session, const TokenRef& token, const std::string& label,
                             ByteView id, Pkcs11KeyType type, bool alwaysAuthenticate) {
    Bytes idCopy(id.begin(), id.end());
    std::string labelCopy = label;
    CK_OBJECT_CLASS privClass = CKO_PRIVATE_KEY;
    if (!session
             .find(
                 {attr(CKA_CLASS, &privClass, sizeof privClass), attr(CKA_ID, idCopy.data(), idCopy.size())},
                 1)
             .empty())
        throw TokenError(TokenError::Kind::Other,
                         fill(tr("token '{token}' already has a private key with id {id}"),
                              {{"{token}", token.label}, {"{id}", toHex(id)}}));

    CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    CK_BBOOL always = alwaysAuthenticate ? CK_TRUE : CK_FALSE;
    // DER OID prime256v1 (RFC 5480 2.1.1.1), the CKA_EC_PARAMS namedCurve form.
    unsigned char p256[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
    CK_ULONG bits = 2048;
    unsigned char f4[] = {0x01, 0x00, 0x01};
    std::vector<CK_ATTRIBUTE> pub{
        attr(CKA_TOKEN, &yes, sizeof yes),
        attr(CKA_PRIVATE, &no, sizeof no),
        attr(CKA_VERIFY, &yes, sizeof yes),
        attr(CKA_ENCRYPT, &no, sizeof no),
        attr(CKA_WRAP, &no, sizeof no),
        attr(CKA_LABEL, labelCopy.data(), labelCopy.size()),
        attr(CKA_ID, idCopy.data(), idCopy.size()),
    };
    std::vector<CK_ATTRIBUTE> priv{
        attr(CKA_TOKEN, &yes, sizeof yes),          attr(CKA_PRIVATE, &yes, sizeof yes),
        attr(CKA_SENSITIVE, &yes, sizeof yes),      attr(CKA_EXTRACTABLE, &no, sizeof no),
        attr(CKA_SIGN, &yes, sizeof yes),           attr(CKA_DECRYPT, &no, sizeof no),
        attr(CKA_UNWRAP, &no, sizeof no),           attr(CKA_LABEL, labelCopy.data(), labelCopy.size()),
        attr(CKA_ID, idCopy.data(), idCopy.size()), attr(CKA_ALWAYS_AUTHENTICATE, &always, sizeof always),
    };
    CK_MECHANISM mech{0, nullptr, 0};
    if (type == Pkcs11KeyType::EcP256) {
        mech.mechanism = CKM_EC_KEY_PAIR_GEN;
        pub.push_back(attr(CKA_EC_PARAMS, p256, sizeof p256));
        // An EC public key has no ENCRYPT/WRAP use in PKCS#11; drop those.
        pub.erase(pub.begin() + 3, pub.begin() + 5);
        priv.erase(priv.begin() + 5, priv.begin() + 7);
    } else {
        mech.mechanism = CKM_RSA_PKCS_KEY_PAIR_GEN;
        pub.push_back(attr(CKA_MODULUS_BITS, &bits, sizeof bits));
        pub.push_back(attr(CKA_PUBLIC_EXPONENT, f4, sizeof f4));
    }
    if (!alwaysAuthenticate) priv.pop_back();
    CK_OBJECT_HANDLE pubKey = 0, privKey = 0;
    check(
        token.module.fn()->C_GenerateKeyPair(session.handle(), &mech, pub.data(),
                                             static_cast<CK_ULONG>(pub.size()), priv.data(),
                                             static_cast<CK_ULONG>(priv.size()), &pubKey, &privKey),
        fill(tr("generating a key pair on token '{token}' (C_GenerateKeyPair)"), {{"{token}", token.label}}));
    return {publicKeySpki(session, pubKey, type == Pkcs11KeyType::EcP256 ? CKK_EC : CKK_RSA), privKey};
}

void checkKeyId(ByteView id) {
    if (id.empty() || id.size() > 64)
        throw Error(ErrorCategory::Usage, tr("a key id must have 1 to 64 bytes"));
}

}  // namespace

Bytes generateKeyPair(std::string_view tokenUri, PinSource& pins, const std::string& label, ByteView id,
                      Pkcs11KeyType type, bool alwaysAuthenticate) {
    objectLabelCheck(label);
    checkKeyId(id);
    Pkcs11Uri uri = Pkcs11Uri::parse(tokenUri);
    TokenRef token = openToken(uri);
    Session session(token.module, token.slot, true);
    std::optional<FilePinSource> filePins;
    loginUser(session, token, userPinSource(uri, pins, filePins));
    return generateInSession(session, token, label, id, type, alwaysAuthenticate).spki;
}

namespace {

ossl::X509Ptr parseDerCertificate(ByteView certDer) {
    const unsigned char* p = certDer.data();
    ossl::X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(certDer.size())));
    if (!cert || p != certDer.data() + certDer.size()) {
        ERR_clear_error();
        throw Error(ErrorCategory::BadInput, tr("not a DER X.509 certificate"));
    }
    return cert;
}

void createCertificateObject(const Session& session, const TokenRef& token, const std::string& label,
                             ByteView id, X509* cert, ByteView certDer) {
    Bytes subject = ossl::i2dBytes(X509_get_subject_name(cert), i2d_X509_NAME, "the certificate subject");
    Bytes issuer = ossl::i2dBytes(X509_get_issuer_name(cert), i2d_X509_NAME, "the certificate issuer");
    Bytes serial = ossl::i2dBytes(X509_get0_serialNumber(cert), i2d_ASN1_INTEGER, "the serial number");
    Bytes value(certDer.begin(), certDer.end());
    Bytes idCopy(id.begin(), id.end());
    std::string labelCopy = label;
    CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
    CK_CERTIFICATE_TYPE ctype = CKC_X_509;
    CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    std::vector<CK_ATTRIBUTE> t{
        attr(CKA_CLASS, &cls, sizeof cls),
        attr(CKA_CERTIFICATE_TYPE, &ctype, sizeof ctype),
        attr(CKA_TOKEN, &yes, sizeof yes),
        attr(CKA_PRIVATE, &no, sizeof no),  // certificates are public (PKCS#11 2.40 4.6)
        attr(CKA_LABEL, labelCopy.data(), labelCopy.size()),
        attr(CKA_SUBJECT, subject.data(), subject.size()),
        attr(CKA_ISSUER, issuer.data(), issuer.size()),
        attr(CKA_SERIAL_NUMBER, serial.data(), serial.size()),
        attr(CKA_VALUE, value.data(), value.size()),
    };
    if (!idCopy.empty()) t.push_back(attr(CKA_ID, idCopy.data(), idCopy.size()));
    CK_OBJECT_HANDLE h = 0;
    check(
        token.module.fn()->C_CreateObject(session.handle(), t.data(), static_cast<CK_ULONG>(t.size()), &h),
        fill(tr("storing the certificate on token '{token}' (C_CreateObject)"), {{"{token}", token.label}}));
}

// C_Sign with the private key over data's SHA-256: RSA PKCS#1 v1.5 (the
// DigestInfo is ours, RFC 8017 9.2) or ECDSA (CKM_ECDSA over the digest;
// raw r || s to DER).
Bytes signSha256(const Session& session, CK_OBJECT_HANDLE key, Pkcs11KeyType type, ByteView data) {
    Bytes input = digest(DigestAlgorithm::Sha256, data);
    CK_MECHANISM mech{type == Pkcs11KeyType::EcP256 ? CKM_ECDSA : CKM_RSA_PKCS, nullptr, 0};
    if (type == Pkcs11KeyType::Rsa2048) {
        Bytes info = digestInfoPrefix(DigestAlgorithm::Sha256);
        info.insert(info.end(), input.begin(), input.end());
        input = std::move(info);
    }
    CK_FUNCTION_LIST* fn = session.fn();
    check(fn->C_SignInit(session.handle(), &mech, key), tr("signing the certificate request (C_SignInit)"));
    CK_ULONG len = 0;
    check(fn->C_Sign(session.handle(), input.data(), static_cast<CK_ULONG>(input.size()), nullptr, &len),
          tr("signing the certificate request (C_Sign)"));
    if (len == 0 || len > 4096)
        throw TokenError(TokenError::Kind::Other, tr("the token announces a bad signature size"));
    Bytes sig(len);
    check(fn->C_Sign(session.handle(), input.data(), static_cast<CK_ULONG>(input.size()), sig.data(), &len),
          tr("signing the certificate request (C_Sign)"));
    sig.resize(std::min<std::size_t>(len, sig.size()));
    return type == Pkcs11KeyType::EcP256 ? ecdsaRawToDer(sig) : sig;
}

}  // namespace

Bytes makeCertificateRequest(std::string_view tokenUri, PinSource& pins, const std::string& label,
                             ByteView id, Pkcs11KeyType type, const std::string& subject) {
    objectLabelCheck(label);
    checkKeyId(id);
    const Bytes name = subjectName(subject);  // a usage error before the PIN
    Pkcs11Uri uri = Pkcs11Uri::parse(tokenUri);
    TokenRef token = openToken(uri);
    Session session(token.module, token.slot, true);
    std::optional<FilePinSource> filePins;
    loginUser(session, token, userPinSource(uri, pins, filePins));
    const NewKeyPair pair = generateInSession(session, token, label, id, type, false);
    return certificateRequest(
        name, pair.spki,
        type == Pkcs11KeyType::EcP256 ? RequestSignature::EcdsaSha256 : RequestSignature::RsaSha256,
        [&](ByteView info) { return signSha256(session, pair.privateKey, type, info); });
}

ImportedCertificate importCertificate(std::string_view tokenUri, PinSource& pins, ByteView certDer,
                                      const std::string& label) {
    ossl::X509Ptr cert = parseDerCertificate(certDer);
    const Bytes certSpki = spkiDer(X509_get0_pubkey(cert.get()));
    Pkcs11Uri uri = Pkcs11Uri::parse(tokenUri);
    TokenRef token = openToken(uri);
    Session session(token.module, token.slot, true);
    // Before the PIN: the certificate must be new and its key's public half on the token.
    CK_OBJECT_CLASS certClass = CKO_CERTIFICATE;
    for (CK_OBJECT_HANDLE h : session.find({attr(CKA_CLASS, &certClass, sizeof certClass)}, 256))
        if (auto v = session.attribute(h, CKA_VALUE); v && *v == Bytes(certDer.begin(), certDer.end()))
            throw TokenError(
                TokenError::Kind::Other,
                fill(tr("this certificate is on token '{token}' already (label '{label}')"),
                     {{"{token}", token.label}, {"{label}", session.textAttribute(h, CKA_LABEL)}}));
    CK_OBJECT_CLASS pubClass = CKO_PUBLIC_KEY;
    std::optional<CK_OBJECT_HANDLE> match;
    for (CK_OBJECT_HANDLE h : session.find({attr(CKA_CLASS, &pubClass, sizeof pubClass)}, 256)) {
        const auto keyType = session.ulongAttribute(h, CKA_KEY_TYPE);
        if (!keyType || (*keyType != CKK_RSA && *keyType != CKK_EC)) continue;
        try {
            if (publicKeySpki(session, h, *keyType) == certSpki) match = h;
        } catch (const Error&) {
            // A public key of another curve or form: not this certificate's.
        }
        if (match) break;
    }
    if (!match)
        throw TokenError(TokenError::Kind::NotFound,
                         fill(tr("no key on token '{token}' has the public key of this certificate; was the "
                                 "request made on this token (eseal token csr)?"),
                              {{"{token}", token.label}}));
    ImportedCertificate out;
    out.id = session.attribute(*match, CKA_ID).value_or(Bytes{});
    out.label = label.empty() ? session.textAttribute(*match, CKA_LABEL) : label;
    objectLabelCheck(out.label);
    std::optional<FilePinSource> filePins;
    loginUser(session, token, userPinSource(uri, pins, filePins));
    CK_OBJECT_CLASS privClass = CKO_PRIVATE_KEY;
    if (out.id.empty() ||
        session
            .find({attr(CKA_CLASS, &privClass, sizeof privClass), attr(CKA_ID, out.id.data(), out.id.size())},
                  1)
            .empty())
        throw TokenError(
            TokenError::Kind::NotFound,
            fill(tr("token '{token}' holds the public key of this certificate but no private key "
                    "with its id"),
                 {{"{token}", token.label}}));
    createCertificateObject(session, token, out.label, out.id, cert.get(), certDer);
    Pkcs11Uri keyUri = uri.tokenOnly();
    keyUri.token = token.label;
    keyUri.object = out.label;
    keyUri.type.reset();
    out.keyUri = keyUri.toString();
    return out;
}

void storeCertificate(std::string_view tokenUri, PinSource& pins, const std::string& label, ByteView id,
                      ByteView certDer) {
    objectLabelCheck(label);
    ossl::X509Ptr cert = parseDerCertificate(certDer);
    Pkcs11Uri uri = Pkcs11Uri::parse(tokenUri);
    TokenRef token = openToken(uri);
    Session session(token.module, token.slot, true);
    std::optional<FilePinSource> filePins;
    loginUser(session, token, userPinSource(uri, pins, filePins));
    createCertificateObject(session, token, label, id, cert.get(), certDer);
}

}  // namespace eseal

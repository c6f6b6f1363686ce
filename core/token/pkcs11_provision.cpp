#include "core/token/pkcs11_provision.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include <cstring>
#include <optional>

#include "core/base/error.hpp"
#include "core/ossl/ossl.hpp"
#include "core/token/pkcs11_token.hpp"
#include "core/token/pkcs11_uri.hpp"

namespace eseal {

using namespace pkcs11;

namespace {

std::string objectLabelCheck(const std::string& label) {
    if (label.empty() || label.size() > 255)
        throw Error(ErrorCategory::Usage, "an object label must have 1 to 255 bytes");
    return label;
}

PinSource& userPinSource(const Pkcs11Uri& uri, PinSource& pins, std::optional<FilePinSource>& storage) {
    if (!uri.pinSource) return pins;
    storage.emplace(*uri.pinSource, &pins);
    return *storage;
}

ossl::EvpPkeyPtr publicKeyFromData(const char* type, OSSL_PARAM_BLD* bld) {
    std::unique_ptr<OSSL_PARAM, ossl::Deleter<OSSL_PARAM, OSSL_PARAM_free>> params(
        OSSL_PARAM_BLD_to_param(bld));
    ossl::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY* key = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
        throw CryptoError("the token's new public key is not a valid key");
    return ossl::EvpPkeyPtr(key);
}

Bytes spkiDer(const EVP_PKEY* key) { return ossl::i2dBytes(key, i2d_PUBKEY, "the public key"); }

}  // namespace

std::string initToken(const std::string& modulePath, const std::string& label, const SecretString& soPin,
                      const SecretString& userPin) {
    if (label.empty() || label.size() > 32)
        throw Error(ErrorCategory::Usage, "a token label must have 1 to 32 bytes (PKCS#11 2.40 3.2)");
    Module module = Module::open(modulePath);
    std::optional<CK_SLOT_ID> free;
    for (CK_SLOT_ID slot : module.slots()) {
        CK_TOKEN_INFO t = module.tokenInfo(slot);
        if (t.flags & CKF_TOKEN_INITIALIZED) {
            if (fieldText(t.label) == label)
                throw TokenError(TokenError::Kind::Other,
                                 "a token labelled '" + label + "' already exists in " + modulePath);
        } else if (!free) {
            free = slot;
        }
    }
    if (!free) throw TokenError(TokenError::Kind::NotFound, "no uninitialised token in " + modulePath);

    unsigned char padded[32];
    std::memset(padded, ' ', sizeof padded);  // PKCS#11 2.40 5.6: 32 bytes, blank padded
    std::memcpy(padded, label.data(), label.size());
    SecretString so(soPin.view());
    CK_RV rv = module.fn()->C_InitToken(*free, ckPin(so), ckPinLen(so), padded);
    check(rv, "initialising a token in " + modulePath + " (C_InitToken)");

    // SoftHSM2 moves a freshly initialised token to a new slot: look it up again.
    std::optional<std::pair<CK_SLOT_ID, CK_TOKEN_INFO>> found;
    for (CK_SLOT_ID slot : module.slots()) {
        CK_TOKEN_INFO t = module.tokenInfo(slot);
        if ((t.flags & CKF_TOKEN_INITIALIZED) && fieldText(t.label) == label) found.emplace(slot, t);
    }
    if (!found)
        throw TokenError(TokenError::Kind::NotFound, "the new token '" + label + "' cannot be found again");
    {
        Session session(module, found->first, true);
        SecretString soCopy(soPin.view());
        check(session.login(CKU_SO, &soCopy), "logging in as SO to the new token (C_Login)");
        SecretString user(userPin.view());
        rv = module.fn()->C_InitPIN(session.handle(), ckPin(user), ckPinLen(user));
        newPinResult(rv, found->second, "setting the user PIN of the new token (C_InitPIN)");
    }
    return tokenUriFor(module, found->second, false);
}

Bytes generateKeyPair(std::string_view tokenUri, PinSource& pins, const std::string& label, ByteView id,
                      Pkcs11KeyType type, bool alwaysAuthenticate) {
    objectLabelCheck(label);
    if (id.empty() || id.size() > 64) throw Error(ErrorCategory::Usage, "a key id must have 1 to 64 bytes");
    Pkcs11Uri uri = Pkcs11Uri::parse(tokenUri);
    TokenRef token = openToken(uri);
    Session session(token.module, token.slot, true);
    std::optional<FilePinSource> filePins;
    loginUser(session, token, userPinSource(uri, pins, filePins));

    Bytes idCopy(id.begin(), id.end());
    std::string labelCopy = label;
    CK_OBJECT_CLASS privClass = CKO_PRIVATE_KEY;
    if (!session
             .find(
                 {attr(CKA_CLASS, &privClass, sizeof privClass), attr(CKA_ID, idCopy.data(), idCopy.size())},
                 1)
             .empty())
        throw TokenError(TokenError::Kind::Other,
                         "token '" + token.label + "' already has a private key with id " + toHex(id));

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
    check(token.module.fn()->C_GenerateKeyPair(session.handle(), &mech, pub.data(),
                                               static_cast<CK_ULONG>(pub.size()), priv.data(),
                                               static_cast<CK_ULONG>(priv.size()), &pubKey, &privKey),
          "generating a key pair on token '" + token.label + "' (C_GenerateKeyPair)");

    std::unique_ptr<OSSL_PARAM_BLD, ossl::Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>> bld(
        OSSL_PARAM_BLD_new());
    if (!bld) throw CryptoError("out of memory");
    ossl::EvpPkeyPtr key;
    if (type == Pkcs11KeyType::EcP256) {
        auto point = session.attribute(pubKey, CKA_EC_POINT);
        if (!point) throw TokenError(TokenError::Kind::Other, "the new public key has no CKA_EC_POINT");
        // PKCS#11 2.40 2.3.3: CKA_EC_POINT is DER OCTET STRING; an uncompressed
        // P-256 point is 65 bytes.
        ByteView raw(*point);
        if (raw.size() == 67 && raw[0] == 0x04 && raw[1] == 65) raw = raw.subspan(2);
        if (raw.size() != 65)
            throw TokenError(TokenError::Kind::Other, "the new EC public key has an unexpected form");
        if (OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) != 1 ||
            OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, raw.data(), raw.size()) != 1)
            throw CryptoError("EC public key parameters");
        key = publicKeyFromData("EC", bld.get());
    } else {
        auto n = session.attribute(pubKey, CKA_MODULUS);
        auto e = session.attribute(pubKey, CKA_PUBLIC_EXPONENT);
        if (!n || !e)
            throw TokenError(TokenError::Kind::Other, "the new RSA public key has no modulus or exponent");
        std::unique_ptr<BIGNUM, ossl::Deleter<BIGNUM, BN_free>> bn(
            BN_bin2bn(n->data(), static_cast<int>(n->size()), nullptr));
        std::unique_ptr<BIGNUM, ossl::Deleter<BIGNUM, BN_free>> be(
            BN_bin2bn(e->data(), static_cast<int>(e->size()), nullptr));
        if (!bn || !be || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn.get()) != 1 ||
            OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, be.get()) != 1)
            throw CryptoError("RSA public key parameters");
        key = publicKeyFromData("RSA", bld.get());
    }
    return spkiDer(key.get());
}

void storeCertificate(std::string_view tokenUri, PinSource& pins, const std::string& label, ByteView id,
                      ByteView certDer) {
    objectLabelCheck(label);
    const unsigned char* p = certDer.data();
    ossl::X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(certDer.size())));
    if (!cert || p != certDer.data() + certDer.size()) {
        ERR_clear_error();
        throw Error(ErrorCategory::BadInput, "not a DER X.509 certificate");
    }
    Bytes subject =
        ossl::i2dBytes(X509_get_subject_name(cert.get()), i2d_X509_NAME, "the certificate subject");
    Bytes issuer = ossl::i2dBytes(X509_get_issuer_name(cert.get()), i2d_X509_NAME, "the certificate issuer");
    Bytes serial = ossl::i2dBytes(X509_get0_serialNumber(cert.get()), i2d_ASN1_INTEGER, "the serial number");
    Bytes value(certDer.begin(), certDer.end());
    Bytes idCopy(id.begin(), id.end());
    std::string labelCopy = label;

    Pkcs11Uri uri = Pkcs11Uri::parse(tokenUri);
    TokenRef token = openToken(uri);
    Session session(token.module, token.slot, true);
    std::optional<FilePinSource> filePins;
    loginUser(session, token, userPinSource(uri, pins, filePins));

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
    check(token.module.fn()->C_CreateObject(session.handle(), t.data(), static_cast<CK_ULONG>(t.size()), &h),
          "storing the certificate on token '" + token.label + "' (C_CreateObject)");
}

}  // namespace eseal

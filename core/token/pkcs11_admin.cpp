#include "core/token/pkcs11_admin.hpp"

#include <openssl/asn1.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstring>
#include <ctime>

#include "core/base/error.hpp"
#include "core/base/time.hpp"
#include "core/crypto/certificate.hpp"
#include "core/crypto/cms_verify.hpp"
#include "core/ossl/ossl.hpp"
#include "core/token/pkcs11_token.hpp"
#include "core/token/pkcs11_uri.hpp"
#include "core/token/signing_certificate.hpp"

namespace eseal {

using namespace pkcs11;

namespace {

std::string versionText(const CK_VERSION& v) {
    return std::to_string(v.major) + "." + std::to_string(v.minor);
}

const char* className(CK_OBJECT_CLASS c) {
    switch (c) {
        case CKO_PRIVATE_KEY:
            return "private key";
        case CKO_PUBLIC_KEY:
            return "public key";
        case CKO_CERTIFICATE:
            return "certificate";
        case CKO_DATA:
            return "data";
        case CKO_SECRET_KEY:
            return "secret key";
        default:
            return "other";
    }
}

std::string keyTypeName(CK_KEY_TYPE k) {
    switch (k) {
        case CKK_RSA:
            return "RSA";
        case CKK_EC:
            return "EC";
        case CKK_DSA:
            return "DSA";
        case CKK_AES:
            return "AES";
        default: {
            char buf[32];
            std::snprintf(buf, sizeof buf, "CKK_0x%lX", static_cast<unsigned long>(k));
            return buf;
        }
    }
}

std::vector<Pkcs11ObjectInfo> listObjects(const Session& session, const std::string& tokenUri) {
    struct Raw {
        CK_OBJECT_CLASS cls;
        Pkcs11ObjectInfo info;
        Bytes id;
    };
    std::vector<Raw> raws;
    for (CK_OBJECT_HANDLE h : session.find({}, 1000)) {
        Raw r{};
        r.cls = session.ulongAttribute(h, CKA_CLASS).value_or(~CK_OBJECT_CLASS{0});
        r.info.objectClass = className(r.cls);
        r.info.label = session.textAttribute(h, CKA_LABEL);
        r.id = session.attribute(h, CKA_ID).value_or(Bytes{});
        r.info.idHex = toHex(r.id);
        if (r.cls == CKO_PRIVATE_KEY || r.cls == CKO_PUBLIC_KEY || r.cls == CKO_SECRET_KEY)
            if (auto k = session.ulongAttribute(h, CKA_KEY_TYPE)) r.info.keyType = keyTypeName(*k);
        if (r.cls == CKO_CERTIFICATE) {
            if (auto der = session.attribute(h, CKA_VALUE)) {
                try {
                    const CertificateInfo described = describeCertificate(*der);
                    const Certificate cert = Certificate::fromDer(*der);
                    r.info.subject = described.subject;
                    r.info.issuer = described.issuer;
                    r.info.notAfter = described.notAfter;
                    r.info.notBefore = described.notBefore;
                    r.info.holder = described.commonName.empty() ? described.subject : described.commonName;
                    r.info.keyUsage = described.keyUsage;
                    r.info.ca = X509_check_ca(cert.get()) != 0;
                    r.info.signing = isSigningCertificate(*der);
                } catch (const Error&) {
                    ERR_clear_error();
                    r.info.subject = "(not a readable X.509 certificate)";
                }
            }
        }
        raws.push_back(std::move(r));
    }
    Pkcs11Uri base = Pkcs11Uri::parse(tokenUri);
    std::vector<Pkcs11ObjectInfo> out;
    for (auto& r : raws) {
        const char* type = r.cls == CKO_PRIVATE_KEY   ? "private"
                           : r.cls == CKO_CERTIFICATE ? "cert"
                           : r.cls == CKO_PUBLIC_KEY  ? "public"
                                                      : nullptr;
        if (type) {
            Pkcs11Uri u = base;
            bool labelUnique = !r.info.label.empty();
            for (const auto& other : raws)
                if (&other != &r && other.cls == r.cls && other.info.label == r.info.label)
                    labelUnique = false;
            if (!r.info.label.empty()) u.object = r.info.label;
            if (!labelUnique && !r.id.empty()) u.id = r.id;
            u.type = type;
            r.info.uri = u.toString();
        }
        out.push_back(std::move(r.info));
    }
    return out;
}

std::string objectLabelCheck(const std::string& label) {
    if (label.empty() || label.size() > 255)
        throw Error(ErrorCategory::Usage, "an object label must have 1 to 255 bytes");
    return label;
}

void newPinResult(CK_RV rv, const CK_TOKEN_INFO& info, const std::string& what) {
    if (rv == CKR_PIN_LEN_RANGE)
        throw TokenError(TokenError::Kind::Other,
                         "the new PIN has the wrong length: the token takes " +
                             std::to_string(info.ulMinPinLen) + " to " + std::to_string(info.ulMaxPinLen) +
                             " characters",
                         rv);
    if (rv == CKR_PIN_INVALID || rv == CKR_PIN_TOO_WEAK)
        throw TokenError(TokenError::Kind::Other,
                         "the token refuses the new PIN (" + rvName(rv) + "): use another one", rv);
    check(rv, what);
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

namespace {

// The one token a --login listing logs in to: the one loginToken names, else
// the only one that needs a login. One PIN never goes to two tokens: each
// wrong try brings a real USB Key closer to its lock.
std::pair<const Module*, CK_SLOT_ID> loginTarget(const std::vector<Module>& modules,
                                                 const std::optional<std::string>& loginToken) {
    std::optional<Pkcs11Uri> wanted;
    if (loginToken) wanted = Pkcs11Uri::parse(*loginToken);
    std::vector<std::pair<const Module*, CK_SLOT_ID>> found;
    std::vector<std::string> uris;
    for (const Module& module : modules) {
        try {
            CK_INFO lib = module.info();
            for (CK_SLOT_ID slot : module.slots()) {
                CK_TOKEN_INFO t{};
                CK_SLOT_INFO si{};
                if (module.fn()->C_GetTokenInfo(slot, &t) != CKR_OK || !(t.flags & CKF_TOKEN_INITIALIZED) ||
                    module.fn()->C_GetSlotInfo(slot, &si) != CKR_OK)
                    continue;
                if (wanted ? !tokenMatches(*wanted, lib, slot, si, t) : !(t.flags & CKF_LOGIN_REQUIRED))
                    continue;
                found.emplace_back(&module, slot);
                uris.push_back(tokenUriFor(module, t, true));
            }
        } catch (const TokenError&) {
            // a module that cannot be read is reported by the listing itself
        }
    }
    if (found.size() == 1) return found.front();
    std::string list;
    for (const auto& u : uris) list += "\n  " + u;
    if (found.empty())
        throw TokenError(TokenError::Kind::NotFound,
                         loginToken ? "no token matches " + *loginToken + "; nothing was logged in to"
                                    : std::string("no token needs a login"));
    throw Error(ErrorCategory::Usage, std::to_string(found.size()) +
                                          " tokens match; name the one to log in to with --token URI "
                                          "(no PIN was sent):" +
                                          list);
}

}  // namespace

std::vector<Pkcs11ModuleInfo> listTokens(const std::optional<std::string>& modulePath, PinSource* loginPins,
                                         const std::optional<std::string>& loginToken) {
    std::vector<Module> modules;
    std::vector<std::string> failures;
    if (modulePath)
        modules.push_back(Module::open(*modulePath));
    else
        modules = Module::openRegistered(std::nullopt, &failures);
    std::pair<const Module*, CK_SLOT_ID> target{nullptr, 0};
    if (loginPins) target = loginTarget(modules, loginToken);

    std::vector<Pkcs11ModuleInfo> out;
    for (const auto& f : failures) {
        Pkcs11ModuleInfo mi;
        mi.name = f.substr(0, f.find(' '));
        mi.error = f;
        out.push_back(std::move(mi));
    }
    for (const Module& module : modules) {
        Pkcs11ModuleInfo mi;
        mi.path = module.path();
        mi.name =
            module.name().empty() ? module.path().substr(module.path().find_last_of('/') + 1) : module.name();
        try {
            CK_INFO lib = module.info();
            mi.libraryDescription = fieldText(lib.libraryDescription);
            mi.libraryManufacturer = fieldText(lib.manufacturerID);
            mi.libraryVersion = versionText(lib.libraryVersion);
            std::vector<std::pair<CK_SLOT_ID, CK_TOKEN_INFO>> tokens;
            for (CK_SLOT_ID slot : module.slots()) {
                CK_TOKEN_INFO t{};
                if (module.fn()->C_GetTokenInfo(slot, &t) != CKR_OK) continue;
                if (t.flags & CKF_TOKEN_INITIALIZED) tokens.emplace_back(slot, t);
            }
            for (const auto& [slot, t] : tokens) {
                Pkcs11TokenInfo ti;
                ti.label = fieldText(t.label);
                ti.manufacturer = fieldText(t.manufacturerID);
                ti.model = fieldText(t.model);
                ti.serial = fieldText(t.serialNumber);
                ti.slotId = slot;
                CK_SLOT_INFO si{};
                if (module.fn()->C_GetSlotInfo(slot, &si) == CKR_OK)
                    ti.slotDescription = fieldText(si.slotDescription);
                ti.pinState = pinStateOf(t);
                ti.soPinState = pinStateOf(t, true);
                ti.loginRequired = (t.flags & CKF_LOGIN_REQUIRED) != 0;
                bool ambiguous = false;
                for (const auto& other : tokens)
                    if (other.first != slot && fieldText(other.second.label) == ti.label) ambiguous = true;
                ti.uri = tokenUriFor(module, t, ambiguous);

                Session session(module, slot, false);
                if (loginPins && &module == target.first && slot == target.second && ti.loginRequired &&
                    ti.pinState.initialized && !ti.pinState.locked) {
                    loginUser(session, module, slot, ti.label, ti.uri, *loginPins);
                    ti.loggedIn = true;
                    ti.pinState = pinStateOf(module.tokenInfo(slot));
                }
                ti.objects = listObjects(session, ti.uri);
                mi.tokens.push_back(std::move(ti));
            }
        } catch (const TokenError& e) {
            // A PIN problem ends the listing; anything else is this module's trouble.
            if (e.kind() == TokenError::Kind::WrongPin || e.kind() == TokenError::Kind::PinRequired ||
                e.kind() == TokenError::Kind::PinExpired || e.kind() == TokenError::Kind::PinLocked)
                throw;
            mi.error = e.what();
        }
        out.push_back(std::move(mi));
    }
    return out;
}

void unlockUserPin(std::string_view tokenUri, PinSource& soPins, PinSource& newPins) {
    TokenRef token = openToken(Pkcs11Uri::parse(tokenUri));
    Session session(token.module, token.slot, true);
    token.refresh();
    PinState so = pinStateOf(token.info, true);
    if (so.locked)
        throw TokenError(TokenError::Kind::PinLocked,
                         "the SO (admin) PIN of token '" + token.label +
                             "' is locked too; only re-initialising the token (which "
                             "erases its keys) can help",
                         CKR_PIN_LOCKED);
    SecretString soPin;
    CK_RV rv;
    if (so.protectedPath) {
        soPins.notice("enter the SO (admin) PIN on the PIN pad of token '" + token.label + "'");
        rv = session.login(CKU_SO, nullptr);
    } else {
        PinPrompt prompt{token.label, so, true, "SO (admin) PIN"};
        soPin = soPins.get(prompt);
        rv = session.login(CKU_SO, &soPin);
    }
    if (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_LEN_RANGE)
        throwWrongPin(token.module, token.slot, token.label, "SO (admin) PIN", true, rv, token.uri);
    if (rv == CKR_PIN_LOCKED)
        throw TokenError(TokenError::Kind::PinLocked,
                         "the SO (admin) PIN of token '" + token.label + "' is locked", rv);
    check(rv, "logging in as SO to token '" + token.label + "' (C_Login)");

    CK_FUNCTION_LIST* fn = token.module.fn();
    if (so.protectedPath) {
        newPins.notice("enter the new user PIN on the PIN pad of token '" + token.label + "'");
        rv = fn->C_InitPIN(session.handle(), nullptr, 0);
    } else {
        PinPrompt prompt{token.label, pinStateOf(token.info), false, "new user PIN"};
        SecretString newPin = newPins.get(prompt);
        SecretString buf(newPin.view());
        rv = fn->C_InitPIN(session.handle(), ckPin(buf), ckPinLen(buf));
        if (rv == CKR_OK && isCommonDefaultPin(newPin.view()))
            newPins.notice("the new PIN of token '" + token.label +
                           "' is a well-known default PIN; choose another: " + changePinCommand(token.uri));
    }
    newPinResult(rv, token.info, "setting the user PIN of token '" + token.label + "' (C_InitPIN)");
}

void changeUserPin(std::string_view tokenUri, PinSource& oldPins, PinSource& newPins) {
    TokenRef token = openToken(Pkcs11Uri::parse(tokenUri));
    Session session(token.module, token.slot, true);
    token.refresh();
    PinState state = pinStateOf(token.info);
    requireUsableUserPin(state, token.label, token.uri);
    CK_FUNCTION_LIST* fn = token.module.fn();
    CK_RV rv;
    SecretString newPin;
    if (state.protectedPath) {
        oldPins.notice("enter the old and then the new PIN on the PIN pad of token '" + token.label + "'");
        rv = fn->C_SetPIN(session.handle(), nullptr, 0, nullptr, 0);
    } else {
        SecretString oldPin = oldPins.get(PinPrompt{token.label, state, false, "user PIN"});
        // The current PIN is checked (C_Login) before the new one is asked for, so
        // a mistyped current PIN does not cost typing a new one twice.
        CK_RV login = session.login(CKU_USER, &oldPin);
        if (login == CKR_PIN_INCORRECT || login == CKR_PIN_LEN_RANGE)
            throwWrongPin(token.module, token.slot, token.label, "PIN", false, login, token.uri);
        if (login == CKR_PIN_LOCKED) throwUserPinLocked(token.label, token.uri, login);
        if (login != CKR_USER_ALREADY_LOGGED_IN)
            check(login, "checking the PIN of token '" + token.label + "'");
        newPin = newPins.get(PinPrompt{token.label, state, false, "new user PIN"});
        SecretString a(oldPin.view()), b(newPin.view());
        // PKCS#11 2.40 5.6: in an R/W public session C_SetPIN changes the user PIN
        // after checking the old one.
        rv = fn->C_SetPIN(session.handle(), ckPin(a), ckPinLen(a), ckPin(b), ckPinLen(b));
    }
    if (rv == CKR_PIN_INCORRECT)
        throwWrongPin(token.module, token.slot, token.label, "PIN", false, rv, token.uri);
    if (rv == CKR_PIN_LOCKED) throwUserPinLocked(token.label, token.uri, rv);
    newPinResult(rv, token.info, "changing the PIN of token '" + token.label + "' (C_SetPIN)");
    if (isCommonDefaultPin(newPin.view()))
        newPins.notice("the new PIN of token '" + token.label +
                       "' is a well-known default PIN; choose another: " + changePinCommand(token.uri));
}

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

#include "core/token/pkcs11_listing.hpp"

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/crypto/certificate.hpp"
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
                    r.info.subject = tr("(not a readable X.509 certificate)");
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
                         loginToken ? fill(tr("no token matches {token}; nothing was logged in to"),
                                           {{"{token}", *loginToken}})
                                    : std::string(tr("no token needs a login")));
    throw Error(ErrorCategory::Usage,
                fill(tr("{count} tokens match; name the one to log in to with --token URI "
                        "(no PIN was sent):"),
                     {{"{count}", std::to_string(found.size())}}) +
                    list);
}

}  // namespace

std::vector<Pkcs11ModuleInfo> listTokens(const std::optional<std::string>& modulePath, PinSource* loginPins,
                                         const std::optional<std::string>& loginToken) {
    std::vector<std::string> failures;
    std::vector<Module> modules = Module::openPathOrRegistered(modulePath, &failures);
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

}  // namespace eseal

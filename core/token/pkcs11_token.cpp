#include "core/token/pkcs11_token.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"

namespace eseal::pkcs11 {

PinState pinStateOf(const CK_TOKEN_INFO& info, bool so) {
    PinState s;
    CK_FLAGS f = info.flags;
    if (so) {
        s.initialized = (f & CKF_TOKEN_INITIALIZED) != 0;
        s.countLow = (f & CKF_SO_PIN_COUNT_LOW) != 0;
        s.finalTry = (f & CKF_SO_PIN_FINAL_TRY) != 0;
        s.locked = (f & CKF_SO_PIN_LOCKED) != 0;
        s.mustChange = (f & CKF_SO_PIN_TO_BE_CHANGED) != 0;
    } else {
        s.initialized = (f & CKF_USER_PIN_INITIALIZED) != 0;
        s.countLow = (f & CKF_USER_PIN_COUNT_LOW) != 0;
        s.finalTry = (f & CKF_USER_PIN_FINAL_TRY) != 0;
        s.locked = (f & CKF_USER_PIN_LOCKED) != 0;
        s.mustChange = (f & CKF_USER_PIN_TO_BE_CHANGED) != 0;
    }
    s.protectedPath = (f & CKF_PROTECTED_AUTHENTICATION_PATH) != 0;
    return s;
}

bool isCommonDefaultPin(std::string_view pin) { return isWellKnownDefaultPin(pin); }

std::vector<Module> openModules(const Pkcs11Uri& uri) {
    std::vector<Module> modules;
    if (uri.modulePath) {
        modules.push_back(Module::open(*uri.modulePath));
        return modules;
    }
    std::vector<std::string> failures;
    modules = Module::openRegistered(uri.moduleName, &failures);
    if (modules.empty()) {
        std::string msg = uri.moduleName
                              ? fill(tr("no PKCS#11 module named '{name}' is registered with p11-kit"),
                                     {{"{name}", *uri.moduleName}})
                              : std::string(tr("no PKCS#11 module is registered with p11-kit"));
        for (const auto& f : failures) msg += "; " + f;
        msg += tr("; name the module with ?module-path=/path/to/module.so");
        throw TokenError(TokenError::Kind::NotFound, msg);
    }
    return modules;
}

namespace {

bool versionMatches(const std::string& want, const CK_VERSION& v) {
    auto dot = want.find('.');
    unsigned long major = std::stoul(want.substr(0, dot));
    unsigned long minor = dot == std::string::npos ? 0 : std::stoul(want.substr(dot + 1));
    return major == v.major && minor == v.minor;
}

std::string describeToken(const CK_TOKEN_INFO& t) {
    return "'" + fieldText(t.label) + "' (" + fieldText(t.manufacturerID) + " " + fieldText(t.model) +
           ", serial " + fieldText(t.serialNumber) + ")";
}

}  // namespace

bool tokenMatches(const Pkcs11Uri& uri, const CK_INFO& library, CK_SLOT_ID slot, const CK_SLOT_INFO& slotInfo,
                  const CK_TOKEN_INFO& token) {
    if (uri.libraryManufacturer && *uri.libraryManufacturer != fieldText(library.manufacturerID))
        return false;
    if (uri.libraryDescription && *uri.libraryDescription != fieldText(library.libraryDescription))
        return false;
    if (uri.libraryVersion && !versionMatches(*uri.libraryVersion, library.libraryVersion)) return false;
    if (uri.slotId && *uri.slotId != slot) return false;
    if (uri.slotDescription && *uri.slotDescription != fieldText(slotInfo.slotDescription)) return false;
    if (uri.slotManufacturer && *uri.slotManufacturer != fieldText(slotInfo.manufacturerID)) return false;
    if (uri.token && *uri.token != fieldText(token.label)) return false;
    if (uri.manufacturer && *uri.manufacturer != fieldText(token.manufacturerID)) return false;
    if (uri.model && *uri.model != fieldText(token.model)) return false;
    if (uri.serial && *uri.serial != fieldText(token.serialNumber)) return false;
    return true;
}

std::string tokenUriFor(const Module& module, const CK_TOKEN_INFO& token, bool withSerial) {
    Pkcs11Uri u;
    u.token = fieldText(token.label);
    if (withSerial) u.serial = fieldText(token.serialNumber);
    if (module.fromRegistry() && !module.name().empty())
        u.moduleName = module.name();
    else
        u.modulePath = module.path();
    return u.toString();
}

TokenRef openToken(const Pkcs11Uri& uri) {
    std::vector<Module> modules = openModules(uri);
    struct Match {
        std::size_t module;
        CK_SLOT_ID slot;
        CK_TOKEN_INFO info;
        bool ambiguousLabel;
    };
    std::vector<Match> matches;
    std::vector<std::string> present;
    for (std::size_t m = 0; m < modules.size(); ++m) {
        CK_INFO lib = modules[m].info();
        std::vector<std::pair<CK_SLOT_ID, CK_TOKEN_INFO>> tokens;
        for (CK_SLOT_ID slot : modules[m].slots()) {
            CK_TOKEN_INFO t{};
            // A token pulled out between the calls is simply not there.
            if (modules[m].fn()->C_GetTokenInfo(slot, &t) != CKR_OK) continue;
            if (!(t.flags & CKF_TOKEN_INITIALIZED)) continue;
            tokens.emplace_back(slot, t);
        }
        for (const auto& [slot, t] : tokens) {
            present.push_back(describeToken(t));
            CK_SLOT_INFO si{};
            if (modules[m].fn()->C_GetSlotInfo(slot, &si) != CKR_OK) continue;
            if (!tokenMatches(uri, lib, slot, si, t)) continue;
            bool ambiguous = false;
            for (const auto& other : tokens)
                if (other.first != slot && fieldText(other.second.label) == fieldText(t.label))
                    ambiguous = true;
            matches.push_back({m, slot, t, ambiguous});
        }
    }
    std::string wanted = uri.tokenOnly().toString();
    if (matches.empty()) {
        std::string msg = fill(tr("no token matches {uri}"), {{"{uri}", wanted}});
        if (present.empty())
            msg += tr("; no initialised token is present (is the USB Key plugged in?)");
        else {
            msg += tr("; tokens present:");
            for (const auto& p : present) msg += " " + p;
        }
        throw TokenError(TokenError::Kind::NotFound, msg);
    }
    if (matches.size() > 1) {
        std::string msg = fill(tr("{n} tokens match {uri}; name one:"),
                               {{"{n}", std::to_string(matches.size())}, {"{uri}", wanted}});
        for (const auto& mt : matches) msg += " " + tokenUriFor(modules[mt.module], mt.info, true);
        throw TokenError(TokenError::Kind::NotFound, msg);
    }
    const Match& only = matches.front();
    TokenRef ref{std::move(modules[only.module]), only.slot, only.info, fieldText(only.info.label), {}};
    ref.uri = tokenUriFor(ref.module, ref.info, only.ambiguousLabel);
    return ref;
}

std::string unlockCommand(const std::string& tokenUri) {
    return "eseal token unlock --token '" + tokenUri + "'";
}
std::string changePinCommand(const std::string& tokenUri) {
    return "eseal token change-pin --token '" + tokenUri + "'";
}

[[noreturn]] void throwUserPinLocked(const std::string& label, const std::string& tokenUri, CK_RV rv) {
    throw TokenError(
        TokenError::Kind::PinLocked,
        fill(tr("the key on token '{token}' is locked (too many wrong PINs); unlock it with the SO "
                "(admin) PIN: {command}"),
             {{"{token}", label}, {"{command}", unlockCommand(tokenUri)}}),
        rv);
}

[[noreturn]] void throwWrongPin(const Module& module, CK_SLOT_ID slot, const std::string& label, bool so,
                                CK_RV rv, const std::string& tokenUri) {
    // Re-read so the message says where the count stands now. Never retried.
    CK_TOKEN_INFO info{};
    const bool known = module.fn()->C_GetTokenInfo(slot, &info) == CKR_OK;
    WrongPinFacts facts;
    facts.tokenLabel = label;
    facts.pin = so ? WrongPinFacts::Pin::So : WrongPinFacts::Pin::User;
    if (known) facts.after = pinStateOf(info, so);
    facts.unlockCommand = unlockCommand(tokenUri);
    facts.adminLockedAdvice = tr("only re-initialising the token (which erases its keys) helps");
    std::string msg = wrongPinMessage(facts);
    if (rv == CKR_PIN_LEN_RANGE && known)
        msg +=
            fill(tr(" (the token takes PINs of {min} to {max} characters)"),
                 {{"{min}", std::to_string(info.ulMinPinLen)}, {"{max}", std::to_string(info.ulMaxPinLen)}});
    throw TokenError(TokenError::Kind::WrongPin, msg, rv);
}

void requireUsableUserPin(const PinState& state, const std::string& label, const std::string& tokenUri) {
    if (!state.initialized)
        throw TokenError(
            TokenError::Kind::Other,
            fill(tr("the user PIN of token '{token}' has not been set; set it with the SO (admin) "
                    "PIN: {command}"),
                 {{"{token}", label}, {"{command}", unlockCommand(tokenUri)}}));
    if (state.locked) throwUserPinLocked(label, tokenUri, CKR_PIN_LOCKED);
}

SecretString loginUser(Session& session, const Module& module, CK_SLOT_ID slot, const std::string& label,
                       const std::string& tokenUri, PinSource& pins) {
    struct View {
        const Module& module;
        CK_SLOT_ID slot;
        const std::string& label;
        const std::string& uri;
        CK_TOKEN_INFO info;
    } token{module, slot, label, tokenUri, module.tokenInfo(slot)};
    // PKCS#11 2.40 3.2: without CKF_LOGIN_REQUIRED the token's objects are usable
    // without a login.
    if (!(token.info.flags & CKF_LOGIN_REQUIRED)) return {};
    // Already logged in by this process (another key of the same command): one
    // login per command, so no second question.
    if (session.userLoggedIn()) {
        session.joinExistingLogin();
        return {};
    }
    PinState state = pinStateOf(token.info);
    requireUsableUserPin(state, token.label, token.uri);

    SecretString pin;
    CK_RV rv;
    if (state.protectedPath) {
        pins.notice(fill(tr("enter the PIN on the PIN pad of token '{token}'"), {{"{token}", token.label}}));
        rv = session.login(CKU_USER, nullptr);
    } else {
        PinPrompt prompt;
        prompt.tokenLabel = token.label;
        prompt.state = state;
        prompt.purpose = "user PIN";
        pin = pins.get(prompt);
        rv = session.login(CKU_USER, &pin);
    }
    switch (rv) {
        case CKR_OK:
            break;
        case CKR_PIN_INCORRECT:
        case CKR_PIN_LEN_RANGE:
            throwWrongPin(token.module, token.slot, token.label, false, rv, token.uri);
        case CKR_PIN_LOCKED:
            throwUserPinLocked(token.label, token.uri, rv);
        case CKR_PIN_EXPIRED:
            pins.notice(fill(tr("the PIN of token '{token}' has expired; change it with: {command}"),
                             {{"{token}", token.label}, {"{command}", changePinCommand(token.uri)}}));
            throw TokenError(
                TokenError::Kind::PinExpired,
                fill(tr("the PIN of token '{token}' has expired and must be changed first: {command}"),
                     {{"{token}", token.label}, {"{command}", changePinCommand(token.uri)}}),
                rv);
        default:
            check(rv, fill(tr("logging in to token '{token}' (C_Login)"), {{"{token}", token.label}}));
    }
    if (state.mustChange)
        pins.notice(
            fill(tr("the PIN of token '{token}' must be changed (a factory PIN may still be set): {command}"),
                 {{"{token}", token.label}, {"{command}", changePinCommand(token.uri)}}));
    else if (isCommonDefaultPin(pin.view()))
        pins.notice(fill(tr("token '{token}' still uses a well-known default PIN; change it: {command}"),
                         {{"{token}", token.label}, {"{command}", changePinCommand(token.uri)}}));
    return pin;
}

SecretString FilePinSource::get(const PinPrompt& prompt) {
    return readPinFile(path_,
                       (prompt.purpose.empty() ? std::string("PIN") : prompt.purpose) + " (pin-source)");
}

void newPinResult(CK_RV rv, const CK_TOKEN_INFO& info, const std::string& what) {
    if (rv == CKR_PIN_LEN_RANGE)
        throw TokenError(
            TokenError::Kind::Other,
            fill(tr("the new PIN has the wrong length: the token takes {min} to {max} characters"),
                 {{"{min}", std::to_string(info.ulMinPinLen)}, {"{max}", std::to_string(info.ulMaxPinLen)}}),
            rv);
    if (rv == CKR_PIN_INVALID || rv == CKR_PIN_TOO_WEAK)
        throw TokenError(
            TokenError::Kind::Other,
            fill(tr("the token refuses the new PIN ({reason}): use another one"), {{"{reason}", rvName(rv)}}),
            rv);
    check(rv, what);
}

}  // namespace eseal::pkcs11

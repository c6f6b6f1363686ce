#include <algorithm>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/confirm_pin.hpp"
#include "cli/pin_sources.hpp"
#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/token/pkcs11_listing.hpp"
#include "core/token/skf_key.hpp"
#include "core/token/token.hpp"

namespace eseal::cli {

namespace {

std::unique_ptr<PinSource> pinSourceFrom(const Args& args, const std::string& prefix) {
    auto env = args.get("--" + prefix + "-env");
    auto file = args.get("--" + prefix + "-file");
    return makePinSource(env ? &*env : nullptr, file ? &*file : nullptr);
}

std::unique_ptr<PinSource> newPinSource(const Args& args) {
    bool interactive = !args.has("--new-pin-env") && !args.has("--new-pin-file");
    return std::make_unique<ConfirmedPin>(pinSourceFrom(args, "new-pin"), interactive);
}

std::string requiredToken(const Args& args) {
    auto token = args.get("--token");
    if (!token)
        throw Error(ErrorCategory::Usage, "--token URI is required, e.g. --token 'pkcs11:token=Unit'");
    return *token;
}

void printAdvice(const Pkcs11TokenInfo& t) {
    if (t.pinState.locked)
        std::cout << "      -> the user PIN is locked; unlock with the SO (admin) PIN:\n"
                     "         eseal token unlock --token '"
                  << t.uri << "'\n";
    else if (t.pinState.finalTry)
        std::cout << "      -> one more wrong PIN locks this key\n";
    if (t.pinState.mustChange)
        std::cout << "      -> the PIN must be changed: eseal token change-pin --token '" << t.uri << "'\n";
}

// An SKF (GM/T 0016) library given as --module: devices, applications, PIN
// state with the exact retries left, containers and their certificates.
int listSkfLibrary(const std::string& library) {
    const auto devices = listSkf(library);
    std::cout << "SKF library " << library << "\n";
    if (devices.empty()) std::cout << "No SKF device present.\n";
    for (const auto& d : devices) {
        std::cout << "  device \"" << d.name << "\" (" << d.manufacturer << " " << d.label << ", serial "
                  << d.serial << ")\n";
        if (!d.error.empty()) std::cout << "    error: " << d.error << "\n";
        for (const auto& a : d.apps) {
            std::cout << "    application \"" << a.name << "\"\n"
                      << "      token:     " << a.tokenSpec << "\n"
                      << "      PIN:       " << a.userPin.summary() << "\n"
                      << "      admin PIN: " << a.adminPin.summary() << "\n";
            if (a.userPin.locked)
                std::cout << "      -> the user PIN is locked; unlock with the admin PIN:\n"
                             "         eseal token unlock --token '"
                          << a.tokenSpec << "'\n";
            for (const auto& c : a.containers) {
                std::cout << "      container \"" << c.name << "\" " << c.keyType << "\n";
                if (!c.subject.empty())
                    std::cout << "        subject:   " << c.subject << "\n        issuer:    " << c.issuer
                              << "\n        not after: " << c.notAfter << "\n";
                std::cout << "        --key " << c.keySpec << "\n";
            }
        }
    }
    return kOk;
}

// p11-kit's trust module (the system's CA certificates as a token): not a USB Key.
bool isTrustStore(const Pkcs11ModuleInfo& m) {
    if (m.path.find("p11-kit-trust") != std::string::npos) return true;
    if (m.tokens.empty()) return false;
    for (const auto& t : m.tokens)
        if (t.label != "System Trust" && t.label != "Default Trust") return false;
    return true;
}

std::string shellQuoted(const std::string& s) { return "'" + s + "'"; }

std::string joined(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
}

// One signing key as a clerk needs it: who holds the certificate, who issued
// it, how long it is valid, what it may do, and the --key value to paste.
void printKey(const Pkcs11ObjectInfo* key, const Pkcs11ObjectInfo* cert) {
    const Pkcs11ObjectInfo& named = key ? *key : *cert;
    std::cout << "    " << tr("key") << " \"" << named.label << "\"";
    if (key && !key->keyType.empty())
        std::cout << " (" << key->keyType << ", id " << key->idHex << ")";
    else if (!named.idHex.empty())
        std::cout << " (id " << named.idHex << ")";
    std::cout << "\n";
    if (cert) {
        std::cout << "      " << tr("holder:   ") << " " << cert->holder << "\n"
                  << "      " << tr("issuer:   ") << " " << cert->issuer << "\n"
                  << "      " << tr("valid:    ") << " " << cert->notBefore.substr(0, 10) << " - "
                  << cert->notAfter.substr(0, 10) << "\n"
                  << "      " << tr("key usage:") << " "
                  << (cert->keyUsage.empty() ? "-" : joined(cert->keyUsage))
                  << (cert->signing ? tr(" (signing certificate)")
                                    : tr(" (encryption certificate: not for seals)"))
                  << "\n";
        if (!cert->signing) return;
    } else {
        std::cout << "      " << tr("(no certificate on the token for this key: it cannot seal)") << "\n";
        return;
    }
    std::cout << "      --key " << shellQuoted(key ? key->uri : cert->uri) << "\n";
}

// Private keys with their certificates (same CKA_ID, PKCS#11 2.40 4.6.3);
// before a login only the certificates are visible, and their URI is a --key
// value too (eseal finds the private key through the certificate's id).
// Returns how many objects were not shown.
std::size_t printKeys(const Pkcs11TokenInfo& t) {
    std::size_t shown = 0;
    std::vector<const Pkcs11ObjectInfo*> certsUsed;
    auto certFor = [&](const Pkcs11ObjectInfo& key) -> const Pkcs11ObjectInfo* {
        for (const auto& o : t.objects)
            if (o.objectClass == "certificate" && !o.idHex.empty() && o.idHex == key.idHex) return &o;
        return nullptr;
    };
    for (const auto& o : t.objects)
        if (o.objectClass == "private key") {
            const Pkcs11ObjectInfo* cert = certFor(o);
            if (cert) certsUsed.push_back(cert), ++shown;
            printKey(&o, cert);
            ++shown;
        }
    for (const auto& o : t.objects)
        if (o.objectClass == "certificate" && !o.ca &&
            std::find(certsUsed.begin(), certsUsed.end(), &o) == certsUsed.end()) {
            printKey(nullptr, &o);
            ++shown;
        }
    return t.objects.size() - std::min(shown, t.objects.size());
}

void printObjects(const Pkcs11TokenInfo& t) {
    for (const auto& o : t.objects) {
        std::cout << "    " << o.objectClass;
        if (!o.keyType.empty()) std::cout << " " << o.keyType;
        std::cout << " \"" << o.label << "\" id " << (o.idHex.empty() ? "-" : o.idHex) << "\n";
        if (!o.subject.empty())
            std::cout << "      subject:   " << o.subject << "\n      issuer:    " << o.issuer
                      << "\n      not after: " << o.notAfter << "\n";
        if (!o.uri.empty()) std::cout << "      URI: " << o.uri << "\n";
    }
}

int runList(const Args& args) {
    auto module = args.get("--module");
    if (module && isSkfLibrary(*module)) return listSkfLibrary(*module);
    const bool all = args.has("--all");
    std::unique_ptr<PinSource> pins;
    if (args.has("--login"))
        pins = pinSourceFrom(args, "pin");
    else if (args.has("--token"))
        throw Error(ErrorCategory::Usage, "--token names the token to log in to; give --login too");
    auto modules = listTokens(module, pins.get(), args.get("--token"));
    if (modules.empty()) {
        std::cout << tr("No PKCS#11 module found (p11-kit has none registered; give --module PATH).") << "\n";
        return kOk;
    }
    // USB Keys (tokens that need a PIN) first; trust stores last, and only with --all.
    std::stable_sort(modules.begin(), modules.end(),
                     [](const Pkcs11ModuleInfo& a, const Pkcs11ModuleInfo& b) {
                         auto rank = [](const Pkcs11ModuleInfo& m) {
                             if (isTrustStore(m)) return 2;
                             for (const auto& t : m.tokens)
                                 if (t.loginRequired) return 0;
                             return 1;
                         };
                         return rank(a) < rank(b);
                     });
    std::size_t tokens = 0, hiddenModules = 0, hiddenObjects = 0;
    for (const auto& m : modules) {
        if (!all && !module && isTrustStore(m)) {
            ++hiddenModules;
            continue;
        }
        if (!all && !module && m.tokens.empty() && m.error.empty()) continue;  // a reader with no key in it
        std::cout << "module " << m.name << " (" << m.path << ")";
        if (!m.libraryDescription.empty())
            std::cout << ": " << m.libraryDescription << " " << m.libraryVersion;
        std::cout << "\n";
        if (!m.error.empty()) std::cout << "  error: " << m.error << "\n";
        for (const auto& t : m.tokens) {
            ++tokens;
            std::cout << "  token \"" << t.label << "\" (" << t.manufacturer << " " << t.model << ", serial "
                      << t.serial << ", slot " << t.slotId << ")\n"
                      << "    --token " << shellQuoted(t.uri) << "\n"
                      << "    PIN:     " << t.pinState.summary() << "\n";
            if (all) std::cout << "    SO PIN:  " << t.soPinState.summary() << "\n";
            printAdvice(t);
            if (t.objects.empty())
                std::cout << "    (no objects visible" << (t.loggedIn ? ")" : " without login; try --login)")
                          << "\n";
            if (all)
                printObjects(t);
            else
                hiddenObjects += printKeys(t);
            if (!t.loggedIn && t.loginRequired)
                std::cout << "    "
                          << tr("(private keys are listed after login: eseal token list --login --token URI)")
                          << "\n";
        }
    }
    if (tokens == 0) std::cout << tr("No token present.") << "\n";
    if (hiddenModules || hiddenObjects)
        std::cout << "(" << tr("not shown:") << " " << hiddenModules << " " << tr("trust-store module(s),")
                  << " " << hiddenObjects << " " << tr("other object(s); --all shows everything") << ")\n";
    return kOk;
}

int runUnlock(const Args& args) {
    std::string token = requiredToken(args);
    auto so = pinSourceFrom(args, "so-pin");
    auto fresh = newPinSource(args);
    unlockTokenPin(token, *so, *fresh);
    std::cout << "user PIN reset with the SO PIN; the key is unlocked\n";
    return kOk;
}

int runChangePin(const Args& args) {
    std::string token = requiredToken(args);
    auto old = pinSourceFrom(args, "pin");
    auto fresh = newPinSource(args);
    changeTokenPin(token, *old, *fresh);
    std::cout << "user PIN changed\n";
    return kOk;
}

const std::string kPinOptionsNote =
    "PINs are asked on the terminal without echo (a new PIN twice); for scripts use the\n"
    "-env / -file options. A PIN is never accepted on the command line.\n";

}  // namespace

const Command& tokenListCommand() {
    static const Command command{
        {"token list",
         "[--module PATH] [--all] [--login [--token URI]] [--pin-env VAR | --pin-file FILE]",
         "List USB Keys (PKCS#11 tokens): PIN state, signing keys and their certificates.",
         "Without --module every module registered with p11-kit is listed, USB Keys first. Each\n"
         "signing key is shown with its certificate's holder, issuer, validity and key usage, and the\n"
         "--key value to give to 'eseal sign'; an encryption certificate (dual-certificate keys) is\n"
         "marked as not for seals. Trust stores (p11-kit's \"System Trust\") and objects that are not\n"
         "signing keys are shown only with --all. --login asks the PIN of one token only: the one\n"
         "--token names, or the only one present.\n\n" +
             kPinOptionsNote,
         {
             {"--module", "", true, false, "PATH",
              "Only this PKCS#11 module or SKF (GM/T 0016) library (library path)."},
             {"--all", "", false, false, "",
              "Also trust stores, CA certificates, public keys and other objects."},
             {"--login", "", false, false, "", "Log in (asks the PIN) to list private keys too."},
             {"--token", "", true, false, "URI",
              "With --login: the token to log in to (see the --token lines)."},
             {"--pin-env", "", true, false, "VAR", "Read the PIN from environment variable VAR."},
             {"--pin-file", "", true, false, "FILE", "Read the PIN from the first line of FILE."},
         }},
        runList};
    return command;
}

const Command& tokenUnlockCommand() {
    static const Command command{
        {"token unlock",
         "--token URI [--so-pin-env VAR | --so-pin-file F] [--new-pin-env VAR | --new-pin-file F]",
         "Unlock a locked USB Key: set a new user PIN with the SO (admin) PIN.",
         "URI names the token, e.g. 'pkcs11:token=Unit?module-path=/usr/lib/x/libx.so' or, for an SKF\n"
         "(GM/T 0016) key, 'skf:/usr/lib/libvendor.so?device=D&app=A' (the admin PIN unblocks it).\n\n" +
             kPinOptionsNote,
         {
             {"--token", "", true, false, "URI", "The token (RFC 7512 PKCS#11 URI or skf: key spec)."},
             {"--so-pin-env", "", true, false, "VAR", "Read the SO (admin) PIN from variable VAR."},
             {"--so-pin-file", "", true, false, "FILE", "Read the SO (admin) PIN from FILE."},
             {"--new-pin-env", "", true, false, "VAR", "Read the new user PIN from variable VAR."},
             {"--new-pin-file", "", true, false, "FILE", "Read the new user PIN from FILE."},
         }},
        runUnlock};
    return command;
}

const Command& tokenChangePinCommand() {
    static const Command command{
        {"token change-pin",
         "--token URI [--pin-env VAR | --pin-file F] [--new-pin-env VAR | --new-pin-file F]",
         "Change the user PIN of a USB Key (e.g. when the default PIN is still set).",
         "A wrong current PIN ends the command; eseal never retries.\n\n" + kPinOptionsNote,
         {
             {"--token", "", true, false, "URI", "The token (RFC 7512 PKCS#11 URI or skf: key spec)."},
             {"--pin-env", "", true, false, "VAR", "Read the current PIN from variable VAR."},
             {"--pin-file", "", true, false, "FILE", "Read the current PIN from FILE."},
             {"--new-pin-env", "", true, false, "VAR", "Read the new user PIN from variable VAR."},
             {"--new-pin-file", "", true, false, "FILE", "Read the new user PIN from FILE."},
         }},
        runChangePin};
    return command;
}

}  // namespace eseal::cli

#include <iostream>

#include "cli/commands.hpp"
#include "cli/confirm_pin.hpp"
#include "cli/pin_sources.hpp"
#include "core/base/error.hpp"
#include "core/token/pkcs11_admin.hpp"
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
    if (!token) throw Error(ErrorCategory::Usage, "--token URI is required, e.g. --token 'pkcs11:token=Unit'");
    return *token;
}

void printAdvice(const Pkcs11TokenInfo& t) {
    if (t.pinState.locked)
        std::cout << "      -> the user PIN is locked; unlock with the SO (admin) PIN:\n"
                     "         eseal token unlock --token '" << t.uri << "'\n";
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
                             "         eseal token unlock --token '" << a.tokenSpec << "'\n";
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

int runList(const Args& args) {
    auto module = args.get("--module");
    if (module && isSkfLibrary(*module)) return listSkfLibrary(*module);
    std::unique_ptr<PinSource> pins;
    if (args.has("--login")) pins = pinSourceFrom(args, "pin");
    auto modules = listTokens(module, pins.get());
    if (modules.empty()) {
        std::cout << "No PKCS#11 module found (p11-kit has none registered; give --module PATH).\n";
        return kOk;
    }
    std::size_t tokens = 0;
    for (const auto& m : modules) {
        std::cout << "module " << m.name << " (" << m.path << ")";
        if (!m.libraryDescription.empty()) std::cout << ": " << m.libraryDescription << " " << m.libraryVersion;
        std::cout << "\n";
        if (!m.error.empty()) std::cout << "  error: " << m.error << "\n";
        for (const auto& t : m.tokens) {
            ++tokens;
            std::cout << "  token \"" << t.label << "\" (" << t.manufacturer << " " << t.model << ", serial "
                      << t.serial << ", slot " << t.slotId << ")\n"
                      << "    URI:     " << t.uri << "\n"
                      << "    PIN:     " << t.pinState.summary() << "\n"
                      << "    SO PIN:  " << t.soPinState.summary() << "\n";
            printAdvice(t);
            if (t.objects.empty()) std::cout << "    (no objects visible" << (t.loggedIn ? ")" : " without login; try --login)") << "\n";
            for (const auto& o : t.objects) {
                std::cout << "    " << o.objectClass;
                if (!o.keyType.empty()) std::cout << " " << o.keyType;
                std::cout << " \"" << o.label << "\" id " << (o.idHex.empty() ? "-" : o.idHex) << "\n";
                if (!o.subject.empty())
                    std::cout << "      subject:   " << o.subject << "\n      issuer:    " << o.issuer
                              << "\n      not after: " << o.notAfter << "\n";
                std::cout << "      " << (o.objectClass == "private key" ? "--key " : "URI: ") << o.uri << "\n";
            }
            if (!t.loggedIn && t.loginRequired)
                std::cout << "    (private keys are listed after login: eseal token list --login)\n";
        }
    }
    if (tokens == 0) std::cout << "No token present.\n";
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
         "[--module PATH] [--login] [--pin-env VAR | --pin-file FILE]",
         "List PKCS#11 modules, tokens (USB Keys), PIN state, keys and certificates.",
         "Without --module every module registered with p11-kit is listed. Each private key is\n"
         "shown with the --key URI to give to 'eseal sign'.\n" + kPinOptionsNote,
         {
             {"--module", "", true, false, "PATH",
              "Only this PKCS#11 module or SKF (GM/T 0016) library (library path)."},
             {"--login", "", false, false, "", "Log in (asks the PIN) to list private keys too."},
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
         "(GM/T 0016) key, 'skf:/usr/lib/libvendor.so?device=D&app=A' (the admin PIN unblocks it).\n" +
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
         "A wrong current PIN ends the command; eseal never retries.\n" + kPinOptionsNote,
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

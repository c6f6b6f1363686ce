#include <openssl/rand.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/confirm_pin.hpp"
#include "cli/pin_sources.hpp"
#include "core/base/atomic_file.hpp"
#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/base/time.hpp"
#include "core/crypto/certificate.hpp"
#include "core/crypto/issuers.hpp"
#include "core/token/pkcs11_listing.hpp"
#include "core/token/pkcs11_provision.hpp"
#include "core/token/skf_key.hpp"
#include "core/token/skf_provision.hpp"
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
        throw Error(ErrorCategory::Usage, tr("--token URI is required, e.g. --token 'pkcs11:token=Unit'"));
    return *token;
}

void printAdvice(const Pkcs11TokenInfo& t) {
    if (t.pinState.locked)
        std::cout << "      -> " << tr("the user PIN is locked; unlock with the SO (admin) PIN:") << "\n"
                  << "         eseal token unlock --token '" << t.uri << "'\n";
    else if (t.pinState.finalTry)
        std::cout << "      -> " << tr("one more wrong PIN locks this key") << "\n";
    if (t.pinState.mustChange)
        std::cout << "      -> " << tr("the PIN must be changed:") << " eseal token change-pin --token '"
                  << t.uri << "'\n";
}

// An SKF (GM/T 0016) library given as --module: devices, applications, PIN
// state with the exact retries left, containers and their certificates.
int listSkfLibrary(const std::string& library) {
    const auto devices = listSkf(library);
    std::cout << fill(tr("SKF library {library}"), {{"{library}", library}}) << "\n";
    if (devices.empty()) std::cout << tr("No SKF device present.") << "\n";
    for (const auto& d : devices) {
        std::cout << "  "
                  << fill(tr("device \"{name}\" ({maker} {label}, serial {serial})"),
                          {{"{name}", d.name},
                           {"{maker}", d.manufacturer},
                           {"{label}", d.label},
                           {"{serial}", d.serial}})
                  << "\n";
        if (!d.error.empty()) std::cout << "    " << tr("error: ") << d.error << "\n";
        for (const auto& a : d.apps) {
            std::cout << "    " << fill(tr("application \"{name}\""), {{"{name}", a.name}}) << "\n"
                      << "      " << tr("token:     ") << a.tokenSpec << "\n"
                      << "      " << tr("PIN:       ") << a.userPin.summary() << "\n"
                      << "      " << tr("admin PIN: ") << a.adminPin.summary() << "\n";
            if (a.userPin.locked)
                std::cout << "      -> " << tr("the user PIN is locked; unlock with the admin PIN:") << "\n"
                          << "         eseal token unlock --token '" << a.tokenSpec << "'\n";
            for (const auto& c : a.containers) {
                std::cout << "      " << fill(tr("container \"{name}\""), {{"{name}", c.name}}) << " "
                          << c.keyType << "\n";
                if (!c.subject.empty())
                    std::cout << "        " << tr("subject:   ") << c.subject << "\n        "
                              << tr("issuer:    ") << c.issuer << "\n        " << tr("not after: ")
                              << c.notAfter << "\n";
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
            std::cout << "      " << tr("subject:   ") << o.subject << "\n      " << tr("issuer:    ")
                      << o.issuer << "\n      " << tr("not after: ") << o.notAfter << "\n";
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
        throw Error(ErrorCategory::Usage, tr("--token names the token to log in to; give --login too"));
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
        std::cout << tr("module") << " " << m.name << " (" << m.path << ")";
        if (!m.libraryDescription.empty())
            std::cout << ": " << m.libraryDescription << " " << m.libraryVersion;
        std::cout << "\n";
        if (!m.error.empty()) std::cout << "  " << tr("error: ") << m.error << "\n";
        for (const auto& t : m.tokens) {
            ++tokens;
            std::cout << "  " << tr("token") << " \"" << t.label << "\" (" << t.manufacturer << " " << t.model
                      << ", " << tr("serial") << " " << t.serial << ", " << tr("slot") << " " << t.slotId
                      << ")\n"
                      << "    --token " << shellQuoted(t.uri) << "\n"
                      << "    " << tr("PIN:     ") << t.pinState.summary() << "\n";
            if (all) std::cout << "    " << tr("SO PIN:  ") << t.soPinState.summary() << "\n";
            printAdvice(t);
            if (t.objects.empty())
                std::cout << "    "
                          << (t.loggedIn ? tr("(no objects visible)")
                                         : tr("(no objects visible without login; try --login)"))
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
    std::cout << tr("user PIN reset with the SO PIN; the key is unlocked") << "\n";
    return kOk;
}

int runChangePin(const Args& args) {
    std::string token = requiredToken(args);
    auto old = pinSourceFrom(args, "pin");
    auto fresh = newPinSource(args);
    changeTokenPin(token, *old, *fresh);
    std::cout << tr("user PIN changed") << "\n";
    return kOk;
}

bool isSkf(const std::string& token) { return token.rfind("skf:", 0) == 0; }

// RFC 7468 5.1 "CERTIFICATE REQUEST": base64 lines of 64 characters.
std::string pemRequest(const Bytes& der) {
    static const char* b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string text;
    for (std::size_t i = 0; i < der.size(); i += 3) {
        const unsigned v = (der[i] << 16) | ((i + 1 < der.size() ? der[i + 1] : 0) << 8) |
                           (i + 2 < der.size() ? der[i + 2] : 0);
        text += b64[(v >> 18) & 63];
        text += b64[(v >> 12) & 63];
        text += i + 1 < der.size() ? b64[(v >> 6) & 63] : '=';
        text += i + 2 < der.size() ? b64[v & 63] : '=';
    }
    std::string out = "-----BEGIN CERTIFICATE REQUEST-----\n";
    for (std::size_t i = 0; i < text.size(); i += 64) out += text.substr(i, 64) + "\n";
    return out + "-----END CERTIFICATE REQUEST-----\n";
}

int runCsr(const Args& args) {
    const std::string token = requiredToken(args);
    const bool skf = isSkf(token);
    auto subject = args.get("--subject");
    if (!subject) throw Error(ErrorCategory::Usage, tr("--subject /C=CN/O=UNIT/CN=NAME is required"));
    auto out = args.get("--out");
    if (!out) throw Error(ErrorCategory::Usage, tr("-o REQ.pem is required (where the request is written)"));
    const std::string type = args.get("--key-type").value_or(skf ? "sm2" : "rsa2048");
    if (skf ? type != "sm2" && type != "rsa2048" : type != "rsa2048" && type != "ec-p256")
        throw Error(ErrorCategory::Usage,
                    skf ? tr("--key-type must be sm2 or rsa2048 on an SKF key")
                        : tr("--key-type must be rsa2048 or ec-p256 on a PKCS#11 token (PKCS#11 defines no "
                             "SM2 key generation; an SKF key makes SM2 keys)"));
    if (skf && args.has("--id"))
        throw Error(ErrorCategory::Usage, tr("--id is for PKCS#11 tokens; an SKF key names the new key's "
                                             "container with --label"));
    if (std::filesystem::exists(*out) && !args.has("--force"))
        throw Error(ErrorCategory::OutputNotWritable, tr("the output exists; give --force to replace it"),
                    *out);
    const std::string day = isoUtc(now()).substr(0, 10);
    const std::string label = args.get("--label").value_or("seal-key-" + day);
    Bytes id(8);
    if (auto hex = args.get("--id")) {
        id = fromHex(*hex);
        if (id.empty()) throw Error(ErrorCategory::Usage, tr("--id needs hex digits, e.g. --id 0a1b"));
    } else if (RAND_bytes(id.data(), static_cast<int>(id.size())) != 1) {
        throw Error(ErrorCategory::Crypto, tr("no random bytes for the key id"));
    }
    AtomicFile file(*out);  // the output folder is checked before the PIN
    auto pins = pinSourceFrom(args, "pin");
    Bytes request;
    std::string where;
    if (skf) {
        const SkfRequest made = makeSkfCertificateRequest(
            token, *pins, label, type == "sm2" ? SkfKeyType::Sm2 : SkfKeyType::Rsa2048, *subject);
        request = made.der;
        where = fill(tr("the new key is in container '{container}' of the SKF key"),
                     {{"{container}", made.container}});
    } else {
        request = makeCertificateRequest(token, *pins, label, id,
                                         type == "ec-p256" ? Pkcs11KeyType::EcP256 : Pkcs11KeyType::Rsa2048,
                                         *subject);
        where = fill(tr("the new key '{label}' (id {id}) is on the token"),
                     {{"{label}", label}, {"{id}", toHex(id)}});
    }
    const std::string pem = pemRequest(request);
    file.write(ByteView(reinterpret_cast<const std::uint8_t*>(pem.data()), pem.size()));
    file.commit();
    std::cout << fill(tr("wrote the certificate request {file} for {subject}; {where}"),
                      {{"{file}", *out}, {"{subject}", *subject}, {"{where}", where}})
              << "\n"
              << tr("send it to the CA; store the certificate it issues with:")
              << "\n  eseal token import-cert CERT.pem --token " << shellQuoted(token) << "\n";
    return kOk;
}

int runImportCert(const Args& args) {
    const auto& files = args.positional();
    if (files.size() != 1)
        throw Error(ErrorCategory::Usage,
                    tr("token import-cert takes one certificate file (see: eseal token import-cert --help)"));
    const std::string token = requiredToken(args);
    if (isSkf(token) && args.has("--label"))
        throw Error(ErrorCategory::Usage,
                    tr("--label is for PKCS#11 tokens; on an SKF key the certificate goes to its key's "
                       "container"));
    const auto certs = readCertificateFile(files[0]);
    if (certs.size() != 1)
        throw Error(ErrorCategory::BadInput,
                    tr("the file must hold exactly one certificate (the issued one)"), files[0]);
    const CertificateInfo info = describeCertificate(certs[0].der());
    auto pins = pinSourceFrom(args, "pin");
    std::string keySpec, where;
    if (isSkf(token)) {
        const SkfImported done = importSkfCertificate(token, *pins, certs[0].der());
        keySpec = done.keySpec;
        where = fill(tr("container '{container}'"), {{"{container}", done.container}});
    } else {
        const ImportedCertificate done =
            importCertificate(token, *pins, certs[0].der(), args.get("--label").value_or(std::string()));
        keySpec = done.keyUri;
        where = fill(tr("its key '{label}'"), {{"{label}", done.label}});
    }
    std::cout
        << fill(tr("stored the certificate of {holder} (serial {serial}, valid until {to}) with {where}"),
                {{"{holder}", info.commonName.empty() ? info.subject : info.commonName},
                 {"{serial}", info.serialHex},
                 {"{to}", info.notAfter.substr(0, 10)},
                 {"{where}", where}})
        << "\n"
        << tr("seal with:") << " --key " << shellQuoted(keySpec) << "\n"
        << tr("the seals that name the old certificate: eseal seal list") << "\n";
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

const Command& tokenCsrCommand() {
    static const Command command{
        {"token csr",
         "--token URI --subject /C=CN/O=UNIT/CN=NAME -o REQ.pem [--key-type rsa2048|ec-p256|sm2] [--label "
         "L]\n"
         "           [--id HEX] [--force] [--pin-env VAR | --pin-file F]",
         "Renewal: make a new key pair on the USB Key and a certificate request (PKCS#10) signed by it.",
         "The key pair is generated on the key (the private key never leaves it) and the request for\n"
         "the subject is signed with it. On a PKCS#11 token (pkcs11:...) the key is sensitive and not\n"
         "extractable, under the label (default seal-key-DATE) and a random id; RSA-2048 or EC P-256,\n"
         "signed with SHA-256. On an SKF key (skf:LIB?device=D&app=A) a new container named by the\n"
         "label holds it: SM2 (default, signed SM2 with SM3) or RSA-2048. Send REQ.pem to the CA;\n"
         "store the certificate it issues with 'eseal token import-cert'. The old key and certificate\n"
         "stay on the key.\n\n" +
             kPinOptionsNote,
         {
             {"--token", "", true, false, "URI",
              "The token (RFC 7512 PKCS#11 URI) or SKF application (skf:...)."},
             {"--subject", "", true, false, "DN",
              "The subject, as openssl req -subj writes it\n(UTF-8), e.g. /C=CN/O=测试单位/CN=测试单位."},
             {"--out", "-o", true, false, "REQ.pem", "Write the request here (PEM)."},
             {"--key-type", "", true, false, "TYPE",
              "PKCS#11: rsa2048 (default) or ec-p256;\nSKF: sm2 (default) or rsa2048."},
             {"--label", "", true, false, "L",
              "Label of the new key, or the new SKF container's\nname (default seal-key-DATE)."},
             {"--id", "", true, false, "HEX", "CKA_ID of the new key (default: 8 random bytes)."},
             {"--force", "", false, false, "", "Replace an existing output."},
             {"--pin-env", "", true, false, "VAR", "Read the PIN from environment variable VAR."},
             {"--pin-file", "", true, false, "FILE", "Read the PIN from the first line of FILE."},
         }},
        runCsr};
    return command;
}

const Command& tokenImportCertCommand() {
    static const Command command{
        {"token import-cert",
         "CERT.pem --token URI [--label L] [--pin-env VAR | --pin-file F]",
         "Renewal: store the certificate the CA issued next to its key on the USB Key.",
         "The key is found by the certificate's public key (on a PKCS#11 token its public-key objects,\n"
         "on an SKF key each container's signing public key), so the certificate is stored with its\n"
         "key and 'eseal sign --key' finds it. A certificate that is on the key already, or whose key\n"
         "is not there, is refused before the PIN. Then 'eseal seal list' shows which seals name the\n"
         "old and which the new certificate.\n\n" +
             kPinOptionsNote,
         {
             {"--token", "", true, false, "URI",
              "The token (RFC 7512 PKCS#11 URI) or SKF application (skf:...)."},
             {"--label", "", true, false, "L", "Label of the certificate (default: its key's)."},
             {"--pin-env", "", true, false, "VAR", "Read the PIN from environment variable VAR."},
             {"--pin-file", "", true, false, "FILE", "Read the PIN from the first line of FILE."},
         }},
        runImportCert};
    return command;
}

}  // namespace eseal::cli

#include "core/token/skf_key.hpp"

#include <dlfcn.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "core/base/bytes.hpp"
#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/crypto/certificate.hpp"
#include "core/crypto/der.hpp"
#include "core/crypto/sm2.hpp"
#include "core/ossl/ossl.hpp"
#include "core/token/skf_library.hpp"
#include "core/token/skf_session.hpp"

namespace eseal {

namespace {

using skf::appLabel;
using skf::login;
using skf::openApplication;
using skf::Opened;
using skf::pick;
using skf::pinInfo;
using skf::refuseLocked;
using skf::throwWrongPin;
using skf::ULONG;

[[noreturn]] void usage(const std::string& msg) {
    throw Error(ErrorCategory::Usage,
                msg + tr(" (an SKF key is named skf:/path/libvendor.so?device=D&app=A&container=C)"));
}

std::string percentDecode(std::string_view raw) {
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] != '%') {
            out += raw[i];
            continue;
        }
        if (i + 2 >= raw.size()) usage(tr("bad percent-encoding in SKF key"));
        const int hi = hexDigitValue(raw[i + 1]), lo = hexDigitValue(raw[i + 2]);
        if (hi < 0 || lo < 0) usage(tr("bad percent-encoding in SKF key"));
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return out;
}

std::string percentEncode(std::string_view s, bool path) {
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || (path && c == '/')) {
            out += static_cast<char>(c);
        } else {
            static const char* hex = "0123456789ABCDEF";
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

// RFC 8017 9.2 step 2: DigestInfo for the RSA signature.
Bytes digestInfo(ByteView digestValue, DigestAlgorithm d) {
    const char* oid = d == DigestAlgorithm::Sha256   ? "2.16.840.1.101.3.4.2.1"
                      : d == DigestAlgorithm::Sha384 ? "2.16.840.1.101.3.4.2.2"
                      : d == DigestAlgorithm::Sha512 ? "2.16.840.1.101.3.4.2.3"
                                                     : nullptr;
    if (!oid)
        throw Error(ErrorCategory::Unsupported, fill(tr("RSA with {digest} on an SKF key is not supported"),
                                                     {{"{digest}", toString(d)}}));
    return der::sequence({der::sequence({der::oid(oid), der::null()}), der::octetString(digestValue)});
}

class SkfKey final : public Key {
public:
    SkfKey(Opened o, std::unique_ptr<skf::Container> container, ULONG type, std::vector<Bytes> chain)
        : o_(std::move(o)), container_(std::move(container)), type_(type), chain_(std::move(chain)) {}

    std::string description() const override {
        return fill(tr("SKF container '{container}' in {app}"),
                    {{"{container}", container_->name()}, {"{app}", appLabel(o_)}});
    }
    const std::vector<Bytes>& certificateChain() const override { return chain_; }

    std::vector<SignatureAlgorithm> algorithms() const override {
        if (type_ == skf::kContainerEcc) return {{SignatureScheme::Sm2, DigestAlgorithm::Sm3}};
        return {{SignatureScheme::RsaPkcs1v15, DigestAlgorithm::Sha256},
                {SignatureScheme::RsaPkcs1v15, DigestAlgorithm::Sha384},
                {SignatureScheme::RsaPkcs1v15, DigestAlgorithm::Sha512}};
    }

    Bytes sign(ByteView digestValue, const SignatureAlgorithm& algorithm) override {
        const std::string what = fill(tr("signing with {key}"), {{"{key}", description()}});
        if (digestValue.size() != digestSize(algorithm.digest))
            throw Error(ErrorCategory::Internal,
                        "digest length does not match " + std::string(toString(algorithm.digest)));
        if (type_ == skf::kContainerEcc) {
            if (algorithm.scheme != SignatureScheme::Sm2)
                throw Error(ErrorCategory::Unsupported,
                            fill(tr("{key} signs with SM2 only"), {{"{key}", description()}}));
            // GM/T 0016 7.6.13: the device signs e; Z and e were computed by the caller (sm2::signedDigest).
            skf::ECCSIGNATUREBLOB blob{};
            Bytes e(digestValue.begin(), digestValue.end());
            skf::check(container_->lib().ECCSignData(container_->get(), e.data(),
                                                     static_cast<ULONG>(e.size()), &blob),
                       what + " (SKF_ECCSignData)");
            return sm2::derFromRaw(ByteView(blob.r, sizeof blob.r), ByteView(blob.s, sizeof blob.s));
        }
        if (algorithm.scheme != SignatureScheme::RsaPkcs1v15)
            throw Error(ErrorCategory::Unsupported,
                        fill(tr("{key} signs with RSA PKCS#1 v1.5 only"), {{"{key}", description()}}));
        // GM/T 0016 7.6.6: the device pads (PKCS#1 v1.5 type 1) what it is given: the DigestInfo.
        Bytes info = digestInfo(digestValue, algorithm.digest);
        Bytes sig(skf::kMaxRsaModulusLen * 2);
        ULONG len = static_cast<ULONG>(sig.size());
        skf::check(container_->lib().RSASignData(container_->get(), info.data(),
                                                 static_cast<ULONG>(info.size()), sig.data(), &len),
                   what + " (SKF_RSASignData)");
        if (len == 0 || len > sig.size())
            throw TokenError(TokenError::Kind::Other, what + tr(": bad signature length"));
        sig.resize(len);
        return sig;
    }

private:
    Opened o_;
    std::unique_ptr<skf::Container> container_;
    ULONG type_;
    std::vector<Bytes> chain_;
};

}  // namespace

SkfSpec SkfSpec::parse(std::string_view spec) {
    if (spec.substr(0, 4) != "skf:")
        usage(fill(tr("not an SKF key '{key}'"), {{"{key}", std::string(spec)}}));
    std::string_view rest = spec.substr(4);
    const auto q = rest.find('?');
    SkfSpec s;
    s.library = percentDecode(rest.substr(0, q));
    if (s.library.empty()) usage(tr("the SKF key names no library"));
    if (q == std::string_view::npos) return s;
    std::string_view query = rest.substr(q + 1);
    while (!query.empty()) {
        const auto amp = query.find('&');
        std::string_view item = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (item.empty()) continue;
        const auto eq = item.find('=');
        if (eq == std::string_view::npos)
            usage(fill(tr("attribute '{name}' has no value"), {{"{name}", std::string(item)}}));
        const std::string_view name = item.substr(0, eq);
        std::string value = percentDecode(item.substr(eq + 1));
        if (name == "device")
            s.device = std::move(value);
        else if (name == "app")
            s.app = std::move(value);
        else if (name == "container")
            s.container = std::move(value);
        else
            usage(fill(tr("unknown attribute '{name}' in SKF key"), {{"{name}", std::string(name)}}));
    }
    return s;
}

std::string SkfSpec::toString() const {
    std::string out = "skf:" + percentEncode(library, true);
    char sep = '?';
    for (const auto& [name, value] : {std::pair<const char*, const std::string&>{"device", device},
                                      {"app", app},
                                      {"container", container}}) {
        if (value.empty()) continue;
        out += sep;
        out += std::string(name) + "=" + percentEncode(value, false);
        sep = '&';
    }
    return out;
}

namespace {

struct OpenedContainer {
    Opened o;
    std::unique_ptr<skf::Container> container;
    ULONG type = 0;
    Bytes cert;
};

// The container the spec names, with its signing certificate; no PIN needed.
OpenedContainer openContainer(std::string_view specText) {
    OpenedContainer c{openApplication(SkfSpec::parse(specText)), nullptr, 0, {}};
    Opened& o = c.o;
    o.spec.container = pick(o.app->lib().enumContainers(o.app->get()), o.spec.container,
                            fill(tr("container in {app}"), {{"{app}", appLabel(o)}}), "container");
    c.container = std::make_unique<skf::Container>(o.app, o.spec.container);
    c.type = c.container->type();
    if (c.type != skf::kContainerEcc && c.type != skf::kContainerRsa)
        throw TokenError(TokenError::Kind::NotFound, fill(tr("container '{container}' holds no key pair"),
                                                          {{"{container}", o.spec.container}}));
    c.cert = c.container->signCertificate();
    if (c.cert.empty())
        throw TokenError(TokenError::Kind::NotFound,
                         fill(tr("container '{container}' holds no signing certificate (import one first)"),
                              {{"{container}", o.spec.container}}));
    ossl::parseCertificate(c.cert);  // a device returning garbage is refused before the PIN is asked
    return c;
}

}  // namespace

std::vector<Bytes> skfCertificateBeforeLogin(std::string_view spec) { return {openContainer(spec).cert}; }

std::unique_ptr<Key> openSkfKey(std::string_view specText, PinSource& pins) {
    OpenedContainer c = openContainer(specText);
    Opened o = std::move(c.o);
    auto container = std::move(c.container);
    const ULONG type = c.type;
    Bytes cert = std::move(c.cert);
    // The PIN is asked only once everything else is known to work.
    login(o, pins);
    return std::make_unique<SkfKey>(std::move(o), std::move(container), type,
                                    std::vector<Bytes>{std::move(cert)});
}

bool isSkfLibrary(const std::string& path) {
    void* h = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!h) return false;
    const bool yes = ::dlsym(h, "SKF_EnumDev") != nullptr;
    ::dlclose(h);
    return yes;
}

std::vector<SkfDeviceInfo> listSkf(const std::string& library) {
    auto lib = skf::Library::open(library);
    std::vector<SkfDeviceInfo> out;
    for (const auto& devName : lib->enumDevices()) {
        SkfDeviceInfo d;
        d.name = devName;
        try {
            auto dev = std::make_shared<skf::Device>(lib, devName);
            skf::DEVINFO info{};
            if (lib->GetDevInfo(dev->get(), &info) == skf::SAR_OK) {
                auto field = [](const char* p, std::size_t n) { return std::string(p, strnlen(p, n)); };
                d.label = field(info.Label, sizeof info.Label);
                d.manufacturer = field(info.Manufacturer, sizeof info.Manufacturer);
                d.serial = field(info.SerialNumber, sizeof info.SerialNumber);
            }
            for (const auto& appName : lib->enumApplications(dev->get())) {
                SkfAppInfo a;
                a.name = appName;
                auto app = std::make_shared<skf::Application>(dev, appName);
                a.userPin = pinInfo(*app, skf::USER_TYPE);
                a.adminPin = pinInfo(*app, skf::ADMIN_TYPE);
                a.tokenSpec = SkfSpec{library, devName, appName, {}}.toString();
                for (const auto& cName : lib->enumContainers(app->get())) {
                    SkfContainerInfo c;
                    c.name = cName;
                    c.keySpec = SkfSpec{library, devName, appName, cName}.toString();
                    skf::Container container(app, cName);
                    const ULONG t = container.type();
                    c.keyType = t == skf::kContainerEcc   ? "SM2"
                                : t == skf::kContainerRsa ? "RSA"
                                                          : tr("(empty)");
                    const Bytes der = container.signCertificate();
                    if (!der.empty()) {
                        try {
                            const CertificateInfo cert = describeCertificate(der);
                            c.subject = cert.subject;
                            c.issuer = cert.issuer;
                            c.notAfter = cert.notAfter;
                        } catch (const Error&) {
                            c.subject = tr("(not a readable X.509 certificate)");
                        }
                    }
                    a.containers.push_back(std::move(c));
                }
                d.apps.push_back(std::move(a));
            }
        } catch (const Error& e) {
            d.error = e.message();
        }
        out.push_back(std::move(d));
    }
    return out;
}

namespace {

std::string tokenSpecOf(const Opened& o) {
    SkfSpec t = o.spec;
    t.container.clear();
    return t.toString();
}

TokenSeals sealsOf(const Opened& o) {
    TokenSeals out;
    out.tokenLabel = o.spec.device + " / " + o.spec.app;
    out.tokenUri = tokenSpecOf(o);
    out.otherFilesToo = true;
    const skf::Library& lib = o.app->lib();
    for (const auto& name : lib.enumFiles(o.app->get())) {
        auto data = lib.readFile(o.app->get(), name, kMaxKeySealBytes);
        if (!data || data->empty() || (*data)[0] != 0x30) continue;  // not DER: not a seal
        out.sealLabels.push_back(name);
        out.sealValues.emplace_back(data->begin(), data->end());
    }
    for (const auto& cName : lib.enumContainers(o.app->get())) {
        skf::Container container(o.app, cName);
        Bytes der = container.signCertificate();
        if (!der.empty()) out.certificates.push_back(std::move(der));
    }
    return out;
}

// ESEAL_ and the esID's letters and digits, cut to the 32 bytes a file name may have.
std::string defaultFileName(const SealToStore& seal) {
    std::string name = "ESEAL_";
    for (unsigned char c : seal.esId)
        if (std::isalnum(c) && name.size() < static_cast<std::size_t>(skf::kMaxFileNameLen))
            name += static_cast<char>(c);
    if (name.size() == 6) name += "SEAL";
    return name;
}

}  // namespace

TokenSeals skfSealsOf(std::string_view spec) { return sealsOf(openApplication(SkfSpec::parse(spec))); }

std::vector<TokenSeals> readSkfSeals(const std::string& library) {
    std::vector<TokenSeals> out;
    auto lib = skf::Library::open(library);
    for (const auto& devName : lib->enumDevices()) {
        try {
            auto dev = std::make_shared<skf::Device>(lib, devName);
            for (const auto& appName : lib->enumApplications(dev->get())) {
                Opened o{SkfSpec{library, devName, appName, {}}, nullptr};
                try {
                    o.app = std::make_shared<skf::Application>(dev, appName);
                    out.push_back(sealsOf(o));
                } catch (const Error& e) {
                    out.push_back(
                        TokenSeals{devName + " / " + appName, tokenSpecOf(o), {}, {}, {}, e.message()});
                }
            }
        } catch (const Error& e) {
            out.push_back(
                TokenSeals{devName, SkfSpec{library, devName, {}, {}}.toString(), {}, {}, {}, e.message()});
        }
    }
    return out;
}

std::string storeSkfSeal(std::string_view spec, const SealToStore& seal, PinSource& pins) {
    const std::string name = seal.label.empty() ? defaultFileName(seal) : seal.label;
    bool ascii = !name.empty() && name.size() <= static_cast<std::size_t>(skf::kMaxFileNameLen);
    for (unsigned char c : name) ascii = ascii && (std::isalnum(c) || c == '_' || c == '-' || c == '.');
    if (!ascii)
        throw Error(ErrorCategory::Usage,
                    fill(tr("an SKF file name has 1 to 32 letters, digits, '_', '-' or '.', not '{name}'"),
                         {{"{name}", name}}));
    if (seal.der.empty() || seal.der.size() > kMaxKeySealBytes)
        throw Error(ErrorCategory::BadInput, tr("the seal is empty or larger than 1 MiB"));
    Opened o = openApplication(SkfSpec::parse(spec));
    const skf::Library& lib = o.app->lib();
    if (!lib.hasFiles() || !lib.CreateFile || !lib.WriteFile)
        throw TokenError(TokenError::Kind::Other,
                         fill(tr("the SKF library {library} cannot write files (no SKF_CreateFile or "
                                 "SKF_WriteFile): it cannot keep seals"),
                              {{"{library}", lib.path()}}));
    const TokenSeals present = sealsOf(o);
    for (std::size_t i = 0; i < present.sealValues.size(); ++i)
        if (present.sealValues[i] == seal.der)
            throw TokenError(TokenError::Kind::Other,
                             fill(tr("this seal is on {key} already (file '{label}')"),
                                  {{"{key}", appLabel(o)}, {"{label}", present.sealLabels[i]}}));
    for (const auto& f : lib.enumFiles(o.app->get()))
        if (f == name)
            throw TokenError(
                TokenError::Kind::Other,
                fill(tr("{key} has a file named '{label}' already; give another name with --label"),
                     {{"{key}", appLabel(o)}, {"{label}", name}}));
    login(o, pins);
    std::string n = name;
    const std::string what = fill(tr("storing the seal in {key}"), {{"{key}", appLabel(o)}});
    skf::check(lib.CreateFile(o.app->get(), n.data(), static_cast<ULONG>(seal.der.size()),
                              skf::SECURE_ANYONE_ACCOUNT, skf::SECURE_USER_ACCOUNT),
               what + " (SKF_CreateFile)");
    Bytes data = seal.der;
    constexpr std::size_t kPiece = 2048;
    for (std::size_t at = 0; at < data.size(); at += kPiece) {
        const ULONG rv = lib.WriteFile(o.app->get(), n.data(), static_cast<ULONG>(at), data.data() + at,
                                       static_cast<ULONG>(std::min(kPiece, data.size() - at)));
        if (rv != skf::SAR_OK) {
            if (lib.DeleteFile) lib.DeleteFile(o.app->get(), n.data());  // no half-written seal stays
            skf::check(rv, what + " (SKF_WriteFile)");
        }
    }
    return name;
}

PinState skfUserPinState(std::string_view spec) {
    Opened o = openApplication(SkfSpec::parse(spec));
    return pinInfo(*o.app, skf::USER_TYPE);
}

void changeSkfPin(std::string_view spec, PinSource& oldPins, PinSource& newPins) {
    Opened o = openApplication(SkfSpec::parse(spec));
    const PinState state = pinInfo(*o.app, skf::USER_TYPE);
    refuseLocked(o, state);
    PinPrompt prompt;
    prompt.tokenLabel = appLabel(o);
    prompt.state = state;
    prompt.purpose = "user PIN";
    SecretString oldPin = oldPins.get(prompt);
    prompt.purpose = "new user PIN";
    SecretString newPin = newPins.get(prompt);
    ULONG retries = 0;
    const ULONG rv = o.app->lib().ChangePIN(o.app->get(), skf::USER_TYPE, oldPin.mutableData(),
                                            newPin.mutableData(), &retries);
    if (rv == skf::SAR_PIN_INCORRECT) throwWrongPin(o, false, retries, rv, "; the PIN was not changed");
    skf::check(rv, fill(tr("changing the PIN of {key} (SKF_ChangePIN)"), {{"{key}", appLabel(o)}}));
}

void unlockSkfPin(std::string_view spec, PinSource& adminPins, PinSource& newPins) {
    Opened o = openApplication(SkfSpec::parse(spec));
    const PinState admin = pinInfo(*o.app, skf::ADMIN_TYPE);
    if (admin.locked)
        throw TokenError(TokenError::Kind::PinLocked,
                         fill(tr("the admin PIN of {key} is locked too; only the issuer of the key can help"),
                              {{"{key}", appLabel(o)}}),
                         skf::SAR_PIN_LOCKED);
    PinPrompt prompt;
    prompt.tokenLabel = appLabel(o);
    prompt.state = admin;
    prompt.soPin = true;
    prompt.purpose = "admin PIN";
    SecretString adminPin = adminPins.get(prompt);
    prompt.soPin = false;
    prompt.state = pinInfo(*o.app, skf::USER_TYPE);
    prompt.purpose = "new user PIN";
    SecretString newPin = newPins.get(prompt);
    ULONG retries = 0;
    const ULONG rv =
        o.app->lib().UnblockPIN(o.app->get(), adminPin.mutableData(), newPin.mutableData(), &retries);
    if (rv == skf::SAR_PIN_INCORRECT) throwWrongPin(o, true, retries, rv);
    skf::check(rv, fill(tr("unlocking {key} (SKF_UnblockPIN)"), {{"{key}", appLabel(o)}}));
}

}  // namespace eseal

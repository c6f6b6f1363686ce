#include "core/token/key_registry.hpp"

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/token/pkcs11_key.hpp"
#include "core/token/pkcs11_seals.hpp"
#include "core/token/pkcs12_key.hpp"
#include "core/token/skf_key.hpp"

namespace eseal {

const std::vector<KeyScheme>& keySchemes() {
    static const std::vector<KeyScheme> table = {
        {"pkcs11", "a key on a USB Key or other PKCS#11 token, named by an RFC 7512 URI",
         [](std::string_view spec, PinSource& pins) { return openPkcs11Key(spec, pins); },
         [](std::string_view spec) { return pkcs11CertificatesBeforeLogin(spec); }, pkcs11SealsOf,
         storePkcs11Seal},
        {"p12", "a PKCS#12 file: p12:/path/unit.p12",
         [](std::string_view spec, PinSource& pins) {
             return openPkcs12Key(std::string(spec.substr(spec.find(':') + 1)), pins);
         },
         nullptr, nullptr, nullptr},
        {"skf", "a key on an SKF (GM/T 0016) USB Key: skf:/path/libvendor.so?device=D&app=A&container=C",
         [](std::string_view spec, PinSource& pins) { return openSkfKey(spec, pins); },
         [](std::string_view spec) { return skfCertificateBeforeLogin(spec); }, skfSealsOf, storeSkfSeal},
    };
    return table;
}

const KeyScheme& keySchemeOf(std::string_view spec) {
    auto colon = spec.find(':');
    if (colon != std::string_view::npos) {
        std::string_view scheme = spec.substr(0, colon);
        for (const auto& entry : keySchemes())
            if (entry.scheme == scheme) return entry;
    }
    std::string known;
    for (const auto& entry : keySchemes()) known += (known.empty() ? "" : ", ") + entry.scheme + ":";
    throw Error(ErrorCategory::Usage, fill(tr("unknown key '{key}'; a key is named {known}"),
                                           {{"{key}", std::string(spec)}, {"{known}", known}}));
}

std::unique_ptr<Key> openKey(std::string_view spec, PinSource& pins) {
    return keySchemeOf(spec).open(spec, pins);
}

std::vector<Bytes> certificatesBeforePin(std::string_view spec) {
    const KeyScheme& scheme = keySchemeOf(spec);
    return scheme.certificatesBeforePin ? scheme.certificatesBeforePin(spec) : std::vector<Bytes>{};
}

}  // namespace eseal

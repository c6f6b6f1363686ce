#include "core/token/key_seals.hpp"

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/token/key_registry.hpp"
#include "core/token/pkcs11_seals.hpp"
#include "core/token/skf_key.hpp"

namespace eseal {

std::vector<TokenSeals> readTokenSeals(const std::optional<std::string>& module) {
    if (module && isSkfLibrary(*module)) return readSkfSeals(*module);
    return readPkcs11Seals(module);
}

namespace {

const KeyScheme& sealKeeping(std::string_view keySpec) {
    const KeyScheme& scheme = keySchemeOf(keySpec);
    if (!scheme.seals || !scheme.storeSeal)
        throw Error(ErrorCategory::Usage,
                    fill(tr("a {kind} key keeps no seals; seals are kept on USB Keys (pkcs11:, skf:)"),
                         {{"{kind}", scheme.scheme + ":"}}));
    return scheme;
}

}  // namespace

TokenSeals sealsOnKey(std::string_view keySpec) { return sealKeeping(keySpec).seals(keySpec); }

std::string storeSealOnKey(std::string_view keySpec, const SealToStore& seal, PinSource& pins) {
    return sealKeeping(keySpec).storeSeal(keySpec, seal, pins);
}

}  // namespace eseal

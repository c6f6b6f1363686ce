// Opens a key from its name. The registry maps a URI scheme to the
// implementation that understands it:
//   pkcs11:token=Unit;object=seal?module-path=/usr/lib/softhsm/libsofthsm2.so   (RFC 7512)
//   p12:/path/unit.p12
//   skf:/usr/lib/libgm3000.1.0.so?device=D&app=A&container=C                      (GM/T 0016)
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/key/key.hpp"
#include "core/key/pin.hpp"
#include "core/token/key_seals.hpp"

namespace eseal {

using KeyFactory = std::function<std::unique_ptr<Key>(std::string_view spec, PinSource& pins)>;

struct KeyScheme {
    std::string scheme;       // "pkcs11", "p12"
    std::string description;  // for --help
    KeyFactory open;
    // The signer certificates that can be read without a PIN; null when the
    // kind of key hides them until it is opened (PKCS#12).
    std::function<std::vector<Bytes>(std::string_view spec)> certificatesBeforePin;
    // The seals kept on the key's token, and writing one there; null when the
    // kind of key keeps no seals (PKCS#12).
    std::function<TokenSeals(std::string_view spec)> seals;
    std::function<std::string(std::string_view spec, const SealToStore& seal, PinSource& pins)> storeSeal;
};

// The one table of key implementations.
const std::vector<KeyScheme>& keySchemes();

// The table row for the spec's scheme; throws Error(Usage) for an unknown one.
const KeyScheme& keySchemeOf(std::string_view spec);

// Throws Error(Usage) for an unknown scheme, TokenError for token failures.
std::unique_ptr<Key> openKey(std::string_view spec, PinSource& pins);

// The certificates the key may sign with, read before any PIN is asked (a
// PKCS#11 URI may name several); empty when the key kind cannot tell before
// it is opened. Throws as openKey does for an unknown scheme or a missing token.
std::vector<Bytes> certificatesBeforePin(std::string_view spec);

}  // namespace eseal

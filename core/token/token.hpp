// PIN administration the same way for every kind of USB Key: the token URI's
// scheme picks the implementation (pkcs11: RFC 7512, skf: GM/T 0016), as the
// key registry does for signing keys.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/key/pin.hpp"

namespace eseal {

struct TokenScheme {
    std::string scheme;  // "pkcs11", "skf"
    void (*changePin)(std::string_view token, PinSource& oldPins, PinSource& newPins);
    void (*unlockPin)(std::string_view token, PinSource& adminPins, PinSource& newPins);
};

// The one table of token kinds.
const std::vector<TokenScheme>& tokenSchemes();

// Throws Error(Usage) for an unknown scheme, TokenError from the token.
void changeTokenPin(std::string_view token, PinSource& oldPins, PinSource& newPins);
void unlockTokenPin(std::string_view token, PinSource& adminPins, PinSource& newPins);

}  // namespace eseal

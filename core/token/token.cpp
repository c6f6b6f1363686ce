#include "core/token/token.hpp"

#include <cctype>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/token/pkcs11_admin.hpp"
#include "core/token/skf_key.hpp"

namespace eseal {

const std::vector<TokenScheme>& tokenSchemes() {
    static const std::vector<TokenScheme> table = {
        {"pkcs11", changeUserPin, unlockUserPin},
        {"skf", changeSkfPin, unlockSkfPin},
    };
    return table;
}

namespace {

const TokenScheme& schemeOf(std::string_view token) {
    const auto colon = token.find(':');
    if (colon != std::string_view::npos) {
        // RFC 3986 3.1: schemes are case-insensitive ("PKCS11:" is a PKCS#11 URI too).
        std::string scheme(token.substr(0, colon));
        for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        for (const auto& s : tokenSchemes())
            if (s.scheme == scheme) return s;
    }
    throw Error(ErrorCategory::Usage, fill(tr("unknown token '{token}'; a token is named pkcs11:token=LABEL "
                                              "or skf:/path/libvendor.so?app=NAME"),
                                           {{"{token}", std::string(token)}}));
}

}  // namespace

void changeTokenPin(std::string_view token, PinSource& oldPins, PinSource& newPins) {
    schemeOf(token).changePin(token, oldPins, newPins);
}

void unlockTokenPin(std::string_view token, PinSource& adminPins, PinSource& newPins) {
    schemeOf(token).unlockPin(token, adminPins, newPins);
}

}  // namespace eseal

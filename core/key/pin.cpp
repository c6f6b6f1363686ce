#include "core/key/pin.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/base/error.hpp"

namespace eseal {

std::string PinState::summary() const {
    if (!initialized) return "user PIN not initialised";
    if (locked) return "PIN locked";
    std::string s;
    if (finalTry)
        s = "final try: one more wrong PIN locks the key";
    else if (countLow)
        s = "a wrong PIN was entered since the last successful login";
    else
        s = "PIN OK";
    if (retriesLeft) s += " (" + std::to_string(*retriesLeft) + " tries left)";
    if (mustChange) s += "; PIN must be changed (default PIN still set?)";
    return s;
}

bool isWellKnownDefaultPin(std::string_view pin) {
    for (std::string_view d :
         {"123456", "12345678", "000000", "00000000", "1234", "111111", "888888", "88888888"})
        if (pin == d) return true;
    return false;
}

SecretString readPinFile(const std::string& path, const std::string& what) {
    constexpr std::size_t kMaxPin = 1024;
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f)
        throw TokenError(TokenError::Kind::PinRequired,
                         "cannot read the " + what + " from " + path + ": " + std::strerror(errno));
    SecretString pin;
    bool tooLong = false;
    for (int c = std::getc(f); c != EOF && c != '\n'; c = std::getc(f)) {
        if (pin.size() == kMaxPin) {
            tooLong = true;
            break;
        }
        pin.push_back(static_cast<char>(c));
    }
    std::fclose(f);
    if (tooLong) throw TokenError(TokenError::Kind::PinRequired, path + " is too long to hold a " + what);
    if (!pin.empty() && pin.view().back() == '\r') pin.pop_back();
    if (pin.empty())
        throw TokenError(TokenError::Kind::PinRequired, "the " + what + " file " + path + " is empty");
    return pin;
}

}  // namespace eseal

#include "core/key/pin.hpp"

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

}  // namespace eseal

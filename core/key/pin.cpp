#include "core/key/pin.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"

namespace eseal {

std::string PinState::summary() const {
    if (!initialized) return tr("user PIN not initialised");
    if (locked) return tr("PIN locked");
    std::string s;
    if (finalTry)
        s = tr("final try: one more wrong PIN locks the key");
    else if (countLow)
        s = tr("a wrong PIN was entered since the last successful login");
    else
        s = tr("PIN OK");
    if (retriesLeft)
        s += fill(*retriesLeft == 1 ? tr(" (1 try left)") : tr(" ({n} tries left)"),
                  {{"{n}", std::to_string(*retriesLeft)}});
    if (mustChange) s += tr("; PIN must be changed (default PIN still set?)");
    return s;
}

std::string wrongPinMessage(const WrongPinFacts& facts) {
    using Pin = WrongPinFacts::Pin;
    const char* head = facts.pin == Pin::So      ? tr("wrong SO (admin) PIN for token '{token}': ")
                       : facts.pin == Pin::Admin ? tr("wrong admin PIN for token '{token}': ")
                                                 : tr("wrong PIN for token '{token}': ");
    const bool admin = facts.pin != Pin::User;
    std::string msg = fill(head, {{"{token}", facts.tokenLabel}});
    if (!facts.after) return msg + tr("the key does not tell how many tries are left");
    const PinState& s = *facts.after;
    if (s.locked)
        return msg + (admin ? fill(tr("the admin PIN is now locked too; {advice}"),
                                   {{"{advice}", facts.adminLockedAdvice}})
                            : fill(tr("the key is now locked; unlock it with the admin PIN: {command}"),
                                   {{"{command}", facts.unlockCommand}}));
    if (s.retriesLeft) {
        const std::string n = std::to_string(*s.retriesLeft);
        if (admin)
            return msg + fill(*s.retriesLeft == 1 ? tr("1 try left before the admin PIN locks")
                                                  : tr("{n} tries left before the admin PIN locks"),
                              {{"{n}", n}});
        return msg + fill(*s.retriesLeft == 1 ? tr("1 try left before the key locks")
                                              : tr("{n} tries left before the key locks"),
                          {{"{n}", n}});
    }
    if (s.finalTry)
        return msg + (admin ? tr("one more wrong admin PIN locks the admin PIN")
                            : tr("one more wrong PIN locks the key"));
    // PKCS#11 tokens often only flag that a wrong PIN was entered, which the
    // person already knows: say what the flags cannot tell.
    return msg + tr("the key does not tell how many tries are left; it locks after a few failed tries");
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
                         fill(tr("cannot read the {what} from {path}: "),
                              {{"{what}", tr(what.c_str())}, {"{path}", path}}) +
                             std::strerror(errno));
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
    if (tooLong)
        throw TokenError(TokenError::Kind::PinRequired,
                         fill(tr("{path} is too long to hold a {what}"),
                              {{"{what}", tr(what.c_str())}, {"{path}", path}}));
    if (!pin.empty() && pin.view().back() == '\r') pin.pop_back();
    if (pin.empty())
        throw TokenError(
            TokenError::Kind::PinRequired,
            fill(tr("the {what} file {path} is empty"), {{"{what}", tr(what.c_str())}, {"{path}", path}}));
    return pin;
}

}  // namespace eseal

// PIN state is first-class. Nothing in eseal retries a PIN on its own: one
// wrong PIN ends the operation with TokenError(WrongPin).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/base/secret.hpp"

namespace eseal {

struct PinState {
    bool initialized = true;         // CKF_USER_PIN_INITIALIZED
    bool countLow = false;           // CKF_USER_PIN_COUNT_LOW: a wrong PIN was entered since last success
    bool finalTry = false;           // CKF_USER_PIN_FINAL_TRY: one more wrong PIN locks the key
    bool locked = false;             // CKF_USER_PIN_LOCKED
    bool mustChange = false;         // CKF_USER_PIN_TO_BE_CHANGED (often: default PIN still set)
    std::optional<int> retriesLeft;  // SKF reports a count; PKCS#11 only flags
    bool protectedPath = false;      // CKF_PROTECTED_AUTHENTICATION_PATH: PIN pad on the device

    // One line for people: "PIN OK", "PIN locked", "final try before lock" ...
    std::string summary() const;
};

// What a refused PIN try tells the person, written once for every kind of key
// (PKCS#11 tokens, SKF keys): which PIN of which key was wrong, then the one
// fact that matters next, without saying twice that the PIN was wrong:
// "wrong PIN for token 'X': 2 tries left before the key locks",
// "... : one more wrong PIN locks the key", "... : the key is now locked;
// unlock it with the admin PIN: eseal token unlock ...".
struct WrongPinFacts {
    enum class Pin { User, So, Admin };  // the user PIN; PKCS#11's SO PIN; SKF's admin PIN
    std::string tokenLabel;
    Pin pin = Pin::User;
    std::optional<PinState> after;  // the PIN state read after the try, when the key tells it
    std::string unlockCommand;      // how a now locked user PIN is unlocked
    std::string adminLockedAdvice;  // what helps when the admin PIN is now locked
};
std::string wrongPinMessage(const WrongPinFacts& facts);

// What the prompt shows before asking.
struct PinPrompt {
    std::string tokenLabel;
    PinState state;
    bool soPin = false;    // asking for the SO/admin PIN
    std::string purpose;   // "user PIN", "new user PIN", "SO (admin) PIN"
    bool hasState = true;  // false for a file's password (PKCS#12): no PIN state to show
};

// Factory PINs of common USB Keys (123456, 000000, 111111, 888888, 12345678, ...):
// never accepted as a new PIN.
bool isWellKnownDefaultPin(std::string_view pin);

// The PIN in a file (--pin-file, a PKCS#11 URI's pin-source): its first line,
// without the line end. Throws TokenError(PinRequired) naming `what` and the
// path when the file cannot be read, is empty, or is too long to be a PIN
// (over 1024 bytes on its first line).
SecretString readPinFile(const std::string& path, const std::string& what);

// Where a PIN comes from: the terminal (no echo), an environment variable or a
// file. Implementations never cache across tokens and never retry.
class PinSource {
public:
    virtual ~PinSource() = default;
    // Throws TokenError(PinRequired) when no PIN can be had.
    virtual SecretString get(const PinPrompt& prompt) = 0;
    // Something the person should know about the key (default PIN still set,
    // PIN must be changed, final try). The CLI prints it; tests may collect it.
    virtual void notice(const std::string& message) { (void)message; }
};

// A fixed PIN (tests, PKCS#12 passwords given by the caller).
class FixedPin final : public PinSource {
public:
    explicit FixedPin(std::string_view pin) : pin_(pin) {}
    SecretString get(const PinPrompt&) override { return SecretString(pin_.view()); }

private:
    SecretString pin_;
};

}  // namespace eseal

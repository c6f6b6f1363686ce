// An open SKF application (GM/T 0016 7.3) of a key spec, and the user-PIN
// login with the retries the device tells: shared by the SKF key, its
// administration and its provisioning (eseal token csr / import-cert).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/key/pin.hpp"
#include "core/token/skf_key.hpp"
#include "core/token/skf_library.hpp"

namespace eseal::skf {

struct Opened {
    SkfSpec spec;  // with device and app filled in
    std::shared_ptr<Application> app;
};

// Picks `wanted` from `names`, or the only name when `wanted` is empty; throws
// TokenError(NotFound) naming what is present. attr is the spec attribute to give.
std::string pick(const std::vector<std::string>& names, const std::string& wanted, const std::string& what,
                 const std::string& attr);
// SKF_GetPINInfo: exact retries left, locked, default PIN.
PinState pinInfo(const Application& app, ULONG type);
// Connects the device and opens the application the spec names (or the only ones).
Opened openApplication(const SkfSpec& spec);
// "eseal token unlock --token '...'" for the spec's application.
std::string unlockCommand(const SkfSpec& spec);
// "SKF application 'A' on 'D'", translated.
std::string appLabel(const Opened& o);
// Throws TokenError(PinLocked) with the unlock command when state says locked.
void refuseLocked(const Opened& o, const PinState& state);
// Throws TokenError(WrongPin) with the tries left; extra is appended (translated) unless locked.
[[noreturn]] void throwWrongPin(const Opened& o, bool admin, ULONG retries, ULONG rv, const char* extra = "");
// SKF_VerifyPIN of the user PIN, asked once; a wrong PIN ends here with the retries left.
void login(Opened& o, PinSource& pins);

}  // namespace eseal::skf

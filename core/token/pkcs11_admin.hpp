// User PIN administration for `eseal token unlock|change-pin`. Each call
// opens its own module. PINs come only from PinSource (never from a command
// line); nothing here retries a PIN.
#pragma once

#include <string_view>

#include "core/key/pin.hpp"

namespace eseal {

// Sets a new user PIN with the SO (admin) PIN: C_Login(CKU_SO) + C_InitPIN.
// This also clears a locked user PIN. Asks soPins ("SO (admin) PIN") first,
// then newPins ("new user PIN").
void unlockUserPin(std::string_view tokenUri, PinSource& soPins, PinSource& newPins);

// Changes the user PIN: C_SetPIN(old, new). Asks oldPins ("user PIN") then
// newPins ("new user PIN"). A wrong old PIN throws TokenError(WrongPin).
void changeUserPin(std::string_view tokenUri, PinSource& oldPins, PinSource& newPins);

}  // namespace eseal

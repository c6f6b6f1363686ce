// What 签章管理 (vnd.eseal:Manage) does, without UNO: the USB Keys with their
// PIN state and signing certificates, the seals of the local seal folder and
// of the keys (with their pictures), and changing or unlocking a key's PIN
// through the core's token interface (core/token/token.hpp).
#pragma once

#include <string>
#include <vector>

#include "core/base/bytes.hpp"
#include "core/key/pin.hpp"
#include "extension/seal_actions.hpp"

namespace eseal::extension {

struct ManagedKey {
    std::string holder;     // the certificate's holder (common name)
    std::string notBefore;  // "2026-01-01T00:00:00Z"
    std::string notAfter;
    std::string spec;  // as Key takes it
};

struct ManagedToken {
    std::string kind;   // "pkcs11" or "skf"
    std::string label;  // "eseal-test", "soft-skf-0 ESEAL"
    std::string uri;    // as Token takes it (ChangePin, Unlock)
    PinState pin;       // the user PIN
    std::vector<ManagedKey> keys;
};

struct ManagedSeal {
    std::string source;    // "folder" or "token"
    std::string location;  // the file, or the token's URI and the object's label
    std::string name, esId, validStart, validEnd;
    bool validNow = false, makerSignatureValid = false;
    std::string pictureType;  // "PNG", ...
    Bytes picture;            // the seal's own picture (SES_ESPictureInfo)
    long widthMm = 0, heightMm = 0;
    std::string error;  // not a readable seal
};

struct Inventory {
    std::string folder;
    std::vector<ManagedToken> tokens;
    std::vector<ManagedSeal> seals;
    std::vector<std::string> problems;  // modules, libraries or tokens that could not be read
};

// The tokens of the PKCS#11 modules given (none: those p11-kit registers)
// with their signing certificates; what cannot be listed goes to problems.
std::vector<ManagedToken> pkcs11Tokens(const std::vector<std::string>& modules,
                                       std::vector<std::string>* problems = nullptr) noexcept;

// The signing certificates of the tokens, as the seal dialog offers them.
std::vector<KeyChoice> keyChoices(const std::vector<ManagedToken>& tokens);

// "a;b;;c" -> {"a", "b", "c"} (the Modules and SkfLibraries arguments).
std::vector<std::string> splitList(const std::string& text);

// ${XDG_DATA_HOME:-~/.local/share}/eseal/seals, as `eseal seal list` reads it.
std::string defaultSealFolder();
// The files of a seal folder, sorted; none when it is not a folder.
std::vector<std::string> sealFiles(const std::string& folder) noexcept;

// The keys of the PKCS#11 modules (none: those p11-kit registers) and SKF
// libraries given, and the seals of `folder` and of the PKCS#11 tokens. No
// PIN is asked; never throws (what cannot be read is a problem line).
Inventory takeInventory(const std::vector<std::string>& pkcs11Modules,
                        const std::vector<std::string>& skfLibraries, const std::string& folder) noexcept;

// {"ok":true,"folder":...,"tokens":[...],"seals":[...],"problems":[...]}; the
// PIN state as a clerk reads it (pinText) in Chinese when `chinese`.
std::string inventoryJson(const Inventory& inventory, bool chinese);

// vnd.eseal:Manage with arguments. Action: "List" (default; SealFolder,
// Modules and SkfLibraries ';'-separated), "ChangePin" (Token, PinEnv,
// NewPinEnv) or "Unlock" (Token, SoPinEnv: the SO or admin PIN, NewPinEnv).
// pins/newPins override the environment variables (the dialog's typed PINs).
// Returns the result JSON; throws Error / TokenError as the core does.
std::string manage(const CommandArgs& args, bool chinese, PinSource* pins = nullptr,
                   PinSource* newPins = nullptr);

}  // namespace eseal::extension

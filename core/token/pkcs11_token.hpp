// Finding the one token a PKCS#11 URI names, reading its PIN state and logging
// in by eseal's PIN rules. Internal to core/token (the key and the admin API).
#pragma once

#include <string>
#include <string_view>

#include "core/key/algorithms.hpp"
#include "core/key/pin.hpp"
#include "core/token/pkcs11_module.hpp"
#include "core/token/pkcs11_uri.hpp"

namespace eseal::pkcs11 {

// CK_TOKEN_INFO flags (PKCS#11 2.40 3.2) as eseal's PinState, for the user PIN
// or, with so = true, for the SO PIN.
PinState pinStateOf(const CK_TOKEN_INFO& info, bool so = false);

// The result of setting a new PIN (C_InitPIN, C_SetPIN): a length outside the
// token's range or a PIN it refuses as a TokenError saying so; otherwise check().
void newPinResult(CK_RV rv, const CK_TOKEN_INFO& info, const std::string& what);

// Factory PINs of common USB Keys (isWellKnownDefaultPin).
bool isCommonDefaultPin(std::string_view pin);

// The module(s) a URI names, opened: module-path, else p11-kit's registry
// (only module-name when given).
std::vector<Module> openModules(const Pkcs11Uri& uri);

// Whether a token matches the URI's library, slot and token attributes.
bool tokenMatches(const Pkcs11Uri& uri, const CK_INFO& library, CK_SLOT_ID slot, const CK_SLOT_INFO& slotInfo,
                  const CK_TOKEN_INFO& token);

// A URI naming this token (label, serial when the label alone is ambiguous)
// and its module (module-path, or module-name for p11-kit's modules).
std::string tokenUriFor(const Module& module, const CK_TOKEN_INFO& token, bool withSerial);

// The one initialised token a URI names, with its module.
struct TokenRef {
    Module module;
    CK_SLOT_ID slot = 0;
    CK_TOKEN_INFO info{};
    std::string label;
    std::string uri;  // for --token in the commands eseal suggests

    void refresh() { info = module.tokenInfo(slot); }
};

// Throws TokenError(NotFound) when no token matches (listing those present)
// or several do (listing them so the person can add serial=...).
TokenRef openToken(const Pkcs11Uri& uri);

// Logs the session in as the user: reads the PIN state first, refuses a locked
// or uninitialised PIN with the command that fixes it, asks `pins` once (or
// uses the PIN pad), never retries. Returns the PIN used (empty for a PIN pad
// or a token that needs no login) for CKA_ALWAYS_AUTHENTICATE keys.
SecretString loginUser(Session& session, const Module& module, CK_SLOT_ID slot, const std::string& label,
                       const std::string& tokenUri, PinSource& pins);
inline SecretString loginUser(Session& session, TokenRef& token, PinSource& pins) {
    return loginUser(session, token.module, token.slot, token.label, token.uri, pins);
}

// The one wrong-PIN and locked-PIN messages of the PKCS#11 code (login, change,
// unlock): the PIN state read again after the failure, the unlock command.
[[noreturn]] void throwWrongPin(const Module& module, CK_SLOT_ID slot, const std::string& label, bool so,
                                CK_RV rv, const std::string& tokenUri);
[[noreturn]] void throwUserPinLocked(const std::string& label, const std::string& tokenUri, CK_RV rv);

// Throws when the user PIN cannot be used: not set yet, or locked (then the
// message names the unlock command). Called before asking for a PIN.
void requireUsableUserPin(const PinState& state, const std::string& label, const std::string& tokenUri);

// RFC 8017 9.2 note 1: DER of DigestInfo up to the digest octets (SHA-2).
Bytes digestInfoPrefix(DigestAlgorithm d);
// Raw r || s (CKM_ECDSA output) -> DER ECDSA-Sig-Value.
Bytes ecdsaRawToDer(ByteView raw);

// The commands that unlock / change the PIN of the token with this URI.
std::string unlockCommand(const std::string& tokenUri);
std::string changePinCommand(const std::string& tokenUri);

// A PIN read from a file (RFC 7512 pin-source). Notices go to `forward`.
class FilePinSource final : public PinSource {
public:
    FilePinSource(std::string path, PinSource* forward) : path_(std::move(path)), forward_(forward) {}
    SecretString get(const PinPrompt& prompt) override;
    void notice(const std::string& message) override {
        if (forward_) forward_->notice(message);
    }

private:
    std::string path_;
    PinSource* forward_;
};

}  // namespace eseal::pkcs11

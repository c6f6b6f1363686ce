// Token administration for `eseal token list|unlock|change-pin` and `eseal demo`.
// Each call opens its own module (and finalises it when done), so it can run
// while a Pkcs11Key of the same module is open. PINs come only from PinSource
// (never from a command line); nothing here retries a PIN.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/bytes.hpp"
#include "core/base/secret.hpp"
#include "core/key/pin.hpp"

namespace eseal {

struct Pkcs11ObjectInfo {
    std::string objectClass;  // "private key", "public key", "certificate", "data", "secret key", "other"
    std::string keyType;      // "RSA", "EC", ... for keys; empty otherwise
    std::string label;        // CKA_LABEL
    std::string idHex;        // CKA_ID, lower-case hex ("01")
    // Certificates only (X.509, RFC 2253 style, UTF-8; notAfter "2045-12-31T23:59:59Z"):
    std::string subject;
    std::string issuer;
    std::string notAfter;
    std::string notBefore;
    std::string holder;                 // the subject's common name (else the subject)
    std::vector<std::string> keyUsage;  // "digitalSignature", ... (empty: no extension)
    bool ca = false;                    // a CA certificate (basicConstraints cA)
    bool signing = false;               // may sign: digitalSignature or nonRepudiation, or no key usage
    // An RFC 7512 URI naming this object (type=private/cert/public), usable as
    // --key for private keys and certificates.
    std::string uri;
};

struct Pkcs11TokenInfo {
    std::string label;
    std::string manufacturer;
    std::string model;
    std::string serial;
    unsigned long slotId = 0;
    std::string slotDescription;
    PinState pinState;          // user PIN
    PinState soPinState;        // SO (admin) PIN
    bool loginRequired = true;  // CKF_LOGIN_REQUIRED
    bool loggedIn = false;      // objects include private ones (listTokens with login pins)
    std::string uri;            // usable as --token
    std::vector<Pkcs11ObjectInfo> objects;
};

struct Pkcs11ModuleInfo {
    std::string name;  // p11-kit's module name; the library file name for --module
    std::string path;  // the library
    std::string libraryDescription;
    std::string libraryManufacturer;
    std::string libraryVersion;           // "2.6"
    std::vector<Pkcs11TokenInfo> tokens;  // initialised tokens only
    // Set when the module could not be listed (the others still are).
    std::string error;
};

// The tokens of one module (modulePath) or of every module p11-kit is
// configured with. With loginPins, logs in to one token only, so its private
// keys are listed too: the one loginToken (a PKCS#11 URI) names, or without it
// the only token that needs a login. Several candidates throw Error(Usage)
// before any PIN is asked; a wrong PIN throws TokenError(WrongPin).
std::vector<Pkcs11ModuleInfo> listTokens(const std::optional<std::string>& modulePath,
                                         PinSource* loginPins = nullptr,
                                         const std::optional<std::string>& loginToken = std::nullopt);

// Sets a new user PIN with the SO (admin) PIN: C_Login(CKU_SO) + C_InitPIN.
// This also clears a locked user PIN. Asks soPins ("SO (admin) PIN") first,
// then newPins ("new user PIN").
void unlockUserPin(std::string_view tokenUri, PinSource& soPins, PinSource& newPins);

// Changes the user PIN: C_SetPIN(old, new). Asks oldPins ("user PIN") then
// newPins ("new user PIN"). A wrong old PIN throws TokenError(WrongPin).
void changeUserPin(std::string_view tokenUri, PinSource& oldPins, PinSource& newPins);

// For the demo: initialises the first token that is not yet initialised in the
// module's slots (C_InitToken), then sets its user PIN (C_InitPIN). Refuses a
// label that an initialised token already has. Returns the new token's URI.
std::string initToken(const std::string& modulePath, const std::string& label, const SecretString& soPin,
                      const SecretString& userPin);

enum class Pkcs11KeyType { EcP256, Rsa2048 };

// Generates a key pair on the token (private key: CKA_SENSITIVE, not
// extractable, CKA_SIGN; public key: CKA_VERIFY), both with label and id.
// Refuses an id that a private key already has. Returns the public key as DER
// SubjectPublicKeyInfo, ready for a certificate request or a CA.
// alwaysAuthenticate sets CKA_ALWAYS_AUTHENTICATE (a PIN for every signature).
Bytes generateKeyPair(std::string_view tokenUri, PinSource& pins, const std::string& label, ByteView id,
                      Pkcs11KeyType type, bool alwaysAuthenticate = false);

// Stores an X.509 certificate (DER) as a public token object with label and
// id (the id of its key, so Pkcs11Key finds it). Throws Error(BadInput) when
// certDer is not a certificate.
void storeCertificate(std::string_view tokenUri, PinSource& pins, const std::string& label, ByteView id,
                      ByteView certDer);

}  // namespace eseal

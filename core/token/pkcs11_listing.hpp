// What `eseal token list` shows: the modules, their tokens, PIN states and
// objects. Each call opens its own module (and finalises it when done), so it
// can run while a Pkcs11Key of the same module is open.
#pragma once

#include <optional>
#include <string>
#include <vector>

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

}  // namespace eseal

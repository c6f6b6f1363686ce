// Provisioning a token for `eseal demo` and the tests: a new token, a key
// pair generated on it, its certificate stored. Each call opens its own module.
#pragma once

#include <string>
#include <string_view>

#include "core/base/bytes.hpp"
#include "core/base/secret.hpp"
#include "core/key/pin.hpp"

namespace eseal {

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

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

// Renewal (eseal token csr): a new key pair generated on the token (label,
// id; refused when a private key has that id) and a PKCS#10 request (RFC 2986)
// for `subject` ("/C=CN/O=UNIT/CN=NAME") signed by it on the token with SHA-256
// (RSA PKCS#1 v1.5 or ECDSA). One login. Returns the DER request.
Bytes makeCertificateRequest(std::string_view tokenUri, PinSource& pins, const std::string& label,
                             ByteView id, Pkcs11KeyType type, const std::string& subject);

struct ImportedCertificate {
    std::string label;   // the certificate object's label (its key's unless given)
    Bytes id;            // its CKA_ID, the key's
    std::string keyUri;  // a --key value for the key and its new certificate
};

// eseal token import-cert: stores the issued certificate next to its key, found
// by public key (the token's public-key objects, before the PIN). Refuses a
// certificate already there and one whose key is not on the token.
ImportedCertificate importCertificate(std::string_view tokenUri, PinSource& pins, ByteView certDer,
                                      const std::string& label);

}  // namespace eseal

// Electronic seals kept on PKCS#11 tokens: data objects (CKO_DATA, PKCS#11
// 2.40 4.5) whose CKA_APPLICATION is kSealApplication and whose CKA_VALUE is
// the DER SES_Seal (GB/T 38540); CKA_LABEL names the seal. Seals are public
// (CKA_PRIVATE false), so they are read without a login.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/token/key_seals.hpp"

namespace eseal {

inline constexpr const char* kSealApplication = "GB/T 38540 SES_Seal";

// Every initialised token of one module (modulePath) or of the modules p11-kit
// is configured with. Values over kMaxKeySealBytes are left out. Never asks a PIN.
std::vector<TokenSeals> readPkcs11Seals(const std::optional<std::string>& modulePath);
// The seals of the one token a PKCS#11 URI names.
TokenSeals pkcs11SealsOf(std::string_view uri);
// A public, modifiable CKO_DATA object on that token (C_CreateObject after the user login).
std::string storePkcs11Seal(std::string_view uri, const SealToStore& seal, PinSource& pins);

}  // namespace eseal

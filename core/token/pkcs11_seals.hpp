// Electronic seals kept on PKCS#11 tokens: data objects (CKO_DATA, PKCS#11
// 2.40 4.5) whose CKA_APPLICATION is kSealApplication and whose CKA_VALUE is
// the DER SES_Seal (GB/T 38540); CKA_LABEL names the seal. Seals are public
// (CKA_PRIVATE false), so they are read without a login.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/base/bytes.hpp"

namespace eseal {

inline constexpr const char* kSealApplication = "GB/T 38540 SES_Seal";

struct TokenSeals {
    std::string tokenLabel;
    std::string tokenUri;                 // usable as --token
    std::vector<std::string> sealLabels;  // CKA_LABEL of each seal object
    std::vector<Bytes> sealValues;        // its CKA_VALUE, in the same order
    std::vector<Bytes> certificates;      // the token's public certificates (DER)
    std::string error;                    // this module or token could not be read
};

// Every initialised token of one module (modulePath) or of the modules p11-kit
// is configured with. Values over 16 MiB are left out. Never asks a PIN.
std::vector<TokenSeals> readTokenSeals(const std::optional<std::string>& modulePath);

}  // namespace eseal

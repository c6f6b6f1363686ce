// Electronic seals (DER SES_Seal, GB/T 38540) kept on USB Keys, the same way
// for every kind of key: on PKCS#11 tokens public data objects (pkcs11_seals),
// on SKF (GM/T 0016) keys files of the application readable by anyone
// (skf_key). Seals are read without a PIN; storing one needs the user PIN.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/bytes.hpp"
#include "core/key/pin.hpp"

namespace eseal {

// The seals of one token (PKCS#11) or SKF application, with the certificates it holds.
struct TokenSeals {
    std::string tokenLabel;
    std::string tokenUri;                 // usable as --token / --key
    std::vector<std::string> sealLabels;  // CKA_LABEL or SKF file name of each seal
    std::vector<Bytes> sealValues;        // its value, in the same order
    std::vector<Bytes> certificates;      // the token's public certificates (DER)
    std::string error;                    // this module or token could not be read
    // SKF: the values are the application's DER files, some of which may be
    // other data than seals (those that do not read as a seal are not seals).
    bool otherFilesToo = false;
};

// Seals larger than this are not read from a key.
inline constexpr std::size_t kMaxKeySealBytes = 1024 * 1024;

// Every token of one PKCS#11 module or SKF library (`module`; an SKF library
// is recognised by its SKF_EnumDev), or of the PKCS#11 modules p11-kit is
// configured with. Never asks a PIN.
std::vector<TokenSeals> readTokenSeals(const std::optional<std::string>& module);

// The seals on the token the key spec names (pkcs11: its token; skf: its
// application). Throws Error(Usage) for a kind of key that holds no seals
// (a PKCS#12 file), TokenError as opening the key would.
TokenSeals sealsOnKey(std::string_view keySpec);

struct SealToStore {
    Bytes der;          // the SES_Seal
    std::string name;   // the seal's name (SES_ESPropertyInfo name)
    std::string esId;   // its esID
    std::string label;  // empty: the seal's name (PKCS#11), ESEAL_<esID> (SKF file names are ASCII)
};

// Writes the seal onto the key's token (the user PIN is asked once) and
// returns the label it got. Refuses (TokenError) a label already used or a
// seal already there, and a key whose library cannot write files.
std::string storeSealOnKey(std::string_view keySpec, const SealToStore& seal, PinSource& pins);

}  // namespace eseal

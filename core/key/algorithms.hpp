#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace eseal {

// Sha1 exists only to check signatures others made (mutool signs with SHA-1);
// eseal never signs with it, and a SHA-1 signature is at best INDETERMINATE.
enum class DigestAlgorithm { Sha256, Sha384, Sha512, Sm3, Sha1 };

enum class SignatureScheme {
    RsaPkcs1v15,  // RFC 8017 8.2, digest wrapped in DigestInfo by the key
    RsaPss,       // RFC 8017 8.1, MGF1 with the same digest, salt length = digest length
    Ecdsa,        // result DER-encoded ECDSA-Sig-Value (RFC 5480 / X9.62)
    Sm2,          // GB/T 32918 / GM/T 0009, DER-encoded SM2Signature
};

struct SignatureAlgorithm {
    SignatureScheme scheme;
    DigestAlgorithm digest;
    bool operator==(const SignatureAlgorithm&) const = default;
};

const char* toString(DigestAlgorithm d) noexcept;                   // "SHA-256"
const char* toString(SignatureScheme s) noexcept;                   // "RSA-PKCS1-v1_5"
std::string toString(const SignatureAlgorithm& a);                  // "ECDSA with SHA-256"
std::optional<DigestAlgorithm> parseDigest(std::string_view name);  // "sha256", "SHA-256", "sm3"
std::size_t digestSize(DigestAlgorithm d) noexcept;

}  // namespace eseal

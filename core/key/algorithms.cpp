#include "core/key/algorithms.hpp"

#include <algorithm>
#include <cctype>

namespace eseal {

const char* toString(DigestAlgorithm d) noexcept {
    switch (d) {
        case DigestAlgorithm::Sha256:
            return "SHA-256";
        case DigestAlgorithm::Sha384:
            return "SHA-384";
        case DigestAlgorithm::Sha512:
            return "SHA-512";
        case DigestAlgorithm::Sm3:
            return "SM3";
        case DigestAlgorithm::Sha1:
            return "SHA-1";
    }
    return "?";
}

const char* toString(SignatureScheme s) noexcept {
    switch (s) {
        case SignatureScheme::RsaPkcs1v15:
            return "RSA-PKCS1-v1_5";
        case SignatureScheme::RsaPss:
            return "RSA-PSS";
        case SignatureScheme::Ecdsa:
            return "ECDSA";
        case SignatureScheme::Sm2:
            return "SM2";
    }
    return "?";
}

std::string toString(const SignatureAlgorithm& a) {
    return std::string(toString(a.scheme)) + " with " + toString(a.digest);
}

std::optional<DigestAlgorithm> parseDigest(std::string_view name) {
    std::string n;
    for (char c : name)
        if (c != '-' && c != '_') n.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (n == "sha256") return DigestAlgorithm::Sha256;
    if (n == "sha384") return DigestAlgorithm::Sha384;
    if (n == "sha512") return DigestAlgorithm::Sha512;
    if (n == "sm3") return DigestAlgorithm::Sm3;
    return std::nullopt;
}

std::size_t digestSize(DigestAlgorithm d) noexcept {
    switch (d) {
        case DigestAlgorithm::Sha256:
            return 32;
        case DigestAlgorithm::Sha384:
            return 48;
        case DigestAlgorithm::Sha512:
            return 64;
        case DigestAlgorithm::Sm3:
            return 32;
        case DigestAlgorithm::Sha1:
            return 20;
    }
    return 0;
}

}  // namespace eseal

#include "core/base/error.hpp"

#include <openssl/err.h>

namespace eseal {

const char* toString(ErrorCategory category) noexcept {
    switch (category) {
        case ErrorCategory::BadInput: return "bad input";
        case ErrorCategory::Token: return "token";
        case ErrorCategory::Crypto: return "crypto";
        case ErrorCategory::Io: return "I/O";
        case ErrorCategory::Unsupported: return "unsupported";
        case ErrorCategory::Usage: return "usage";
        case ErrorCategory::Internal: return "internal";
    }
    return "unknown";
}

Error::Error(ErrorCategory category, const std::string& message, std::string file)
    : std::runtime_error(file.empty() ? message : file + ": " + message),
      category_(category),
      file_(std::move(file)) {}

TokenError::TokenError(Kind kind, const std::string& message, unsigned long nativeCode)
    : Error(ErrorCategory::Token, message), kind_(kind), nativeCode_(nativeCode) {}

namespace {
std::string withOpensslQueue(const std::string& what) {
    std::string message = what;
    unsigned long code = 0;
    bool first = true;
    while ((code = ERR_get_error()) != 0) {
        char buffer[256];
        ERR_error_string_n(code, buffer, sizeof buffer);
        message += first ? " (" : "; ";
        message += buffer;
        first = false;
    }
    if (!first) message += ")";
    return message;
}
}  // namespace

CryptoError::CryptoError(const std::string& what)
    : Error(ErrorCategory::Crypto, withOpensslQueue(what)) {}

}  // namespace eseal

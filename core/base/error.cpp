#include "core/base/error.hpp"

namespace eseal {

const char* toString(ErrorCategory category) noexcept {
    switch (category) {
        case ErrorCategory::BadInput:
            return "bad input";
        case ErrorCategory::Token:
            return "token";
        case ErrorCategory::Crypto:
            return "crypto";
        case ErrorCategory::InputUnreadable:
            return "input unreadable";
        case ErrorCategory::OutputNotWritable:
            return "output not writable";
        case ErrorCategory::Unsupported:
            return "unsupported";
        case ErrorCategory::Usage:
            return "usage";
        case ErrorCategory::Internal:
            return "internal";
    }
    return "unknown";
}

Error::Error(ErrorCategory category, const std::string& message, std::string file)
    : std::runtime_error(file.empty() ? message : file + ": " + message),
      category_(category),
      message_(message),
      file_(std::move(file)) {}

TokenError::TokenError(Kind kind, const std::string& message, unsigned long nativeCode)
    : Error(ErrorCategory::Token, message), kind_(kind), nativeCode_(nativeCode) {}

}  // namespace eseal

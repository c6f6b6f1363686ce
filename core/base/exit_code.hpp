// The one table of exit codes (docs/CLI.md is the contract): the CLI's main,
// its commands and the verify mapping all take their numbers from here.
#pragma once

#include "core/base/error.hpp"

namespace eseal {

enum class ExitCode : int {
    Ok = 0,
    VerifyFailed = 1,         // verify: a signature FAILED
    VerifyIndeterminate = 2,  // verify: otherwise INDETERMINATE
    NoSignature = 3,          // verify: the file holds no signature
    BadInput = 4,             // the document or seal image cannot be read or is not a supported file
    Token = 5,                // anything about the key or PIN
    OutputNotWritable = 6,    // the output cannot be written
    Crypto = 7,               // a cryptographic failure
    Usage = 64,               // EX_USAGE
    Internal = 70,            // EX_SOFTWARE: a bug in eseal
};

constexpr int toInt(ExitCode code) noexcept { return static_cast<int>(code); }

constexpr ExitCode exitCodeFor(ErrorCategory category) noexcept {
    switch (category) {
        case ErrorCategory::BadInput:
        case ErrorCategory::InputUnreadable:
        case ErrorCategory::Unsupported:
            return ExitCode::BadInput;
        case ErrorCategory::OutputNotWritable:
            return ExitCode::OutputNotWritable;
        case ErrorCategory::Token:
            return ExitCode::Token;
        case ErrorCategory::Crypto:
            return ExitCode::Crypto;
        case ErrorCategory::Usage:
            return ExitCode::Usage;
        case ErrorCategory::Internal:
            return ExitCode::Internal;
    }
    return ExitCode::Internal;
}

}  // namespace eseal

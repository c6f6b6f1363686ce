// One error base for eseal. A verification verdict is a value (see
// core/report/report.hpp), never an exception; exceptions are for operations
// that cannot go on (bad input, token refused, I/O failed).
#pragma once

#include <stdexcept>
#include <string>

namespace eseal {

enum class ErrorCategory {
    BadInput,           // the document or seal image is not what it must be
    InputUnreadable,    // the document or seal image cannot be read (missing, no permission, read error)
    OutputNotWritable,  // the output cannot be created, written, flushed or renamed
    Token,              // USB Key / PKCS#11 / PKCS#12 failure, PIN problems, key or PIN file unreadable
    Crypto,             // OpenSSL or signature construction failure
    Unsupported,        // a valid input eseal does not handle (yet)
    Usage,              // command-line misuse
    Internal,           // a bug in eseal
};

const char* toString(ErrorCategory category) noexcept;

class Error : public std::runtime_error {
public:
    Error(ErrorCategory category, const std::string& message, std::string file = {});

    ErrorCategory category() const noexcept { return category_; }
    // The message without the file name (what() is "file: message").
    const std::string& message() const noexcept { return message_; }
    // The file the error is about, empty when none.
    const std::string& file() const noexcept { return file_; }

private:
    ErrorCategory category_;
    std::string message_;
    std::string file_;
};

// Token failures carry the state a person needs to act on.
class TokenError : public Error {
public:
    enum class Kind {
        WrongPin,     // CKR_PIN_INCORRECT: never retried automatically
        PinLocked,    // CKR_PIN_LOCKED: needs the SO/admin PIN
        PinExpired,   // CKR_PIN_EXPIRED: must be changed first
        PinRequired,  // no PIN source available (no terminal, no --pin-env/--pin-file)
        NotFound,     // no such module, token, key or certificate
        Other,
    };
    TokenError(Kind kind, const std::string& message, unsigned long nativeCode = 0);

    Kind kind() const noexcept { return kind_; }
    // The CK_RV (or SKF/OpenSSL code) that caused this, 0 when none.
    unsigned long nativeCode() const noexcept { return nativeCode_; }

private:
    Kind kind_;
    unsigned long nativeCode_;
};

}  // namespace eseal

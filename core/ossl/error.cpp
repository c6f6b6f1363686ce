#include "core/ossl/error.hpp"

#include <openssl/err.h>

namespace eseal {

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

CryptoError::CryptoError(const std::string& what) : Error(ErrorCategory::Crypto, withOpensslQueue(what)) {}

}  // namespace eseal

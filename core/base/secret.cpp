#include "core/base/secret.hpp"

#include <openssl/crypto.h>

namespace eseal {

SecretString::SecretString(SecretString&& other) noexcept : value_(std::move(other.value_)) { other.clear(); }

SecretString& SecretString::operator=(SecretString&& other) noexcept {
    if (this != &other) {
        clear();
        value_ = std::move(other.value_);
        other.clear();
    }
    return *this;
}

SecretString::~SecretString() { clear(); }

void SecretString::clear() noexcept {
    // Wipe the whole capacity: short strings live inside the object.
    if (value_.capacity() > 0) OPENSSL_cleanse(value_.data(), value_.capacity());
    value_.clear();
}

}  // namespace eseal

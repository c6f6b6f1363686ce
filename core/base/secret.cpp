#include "core/base/secret.hpp"

#include <openssl/crypto.h>

namespace eseal {

namespace {

// Wipe the whole capacity: short strings live inside the object.
void wipe(std::string& s) noexcept {
    if (s.capacity() > 0) OPENSSL_cleanse(s.data(), s.capacity());
    s.clear();
}

}  // namespace

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

void SecretString::push_back(char c) {
    if (value_.size() == value_.capacity()) {
        std::string bigger;
        bigger.reserve(value_.capacity() * 2 + 16);
        bigger.assign(value_);
        wipe(value_);
        value_.swap(bigger);
    }
    value_.push_back(c);
}

void SecretString::pop_back() noexcept {
    if (value_.empty()) return;
    value_.back() = '\0';
    value_.pop_back();
}

void SecretString::clear() noexcept { wipe(value_); }

}  // namespace eseal

// A PIN or password held in memory that is wiped when it goes away. The one
// type for every secret buffer in eseal: C APIs that want a mutable or
// NUL-terminated buffer (C_Login, PKCS12_parse) get it from here, so no
// caller copies a PIN into a std::string or an array of its own.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace eseal {

class SecretString {
public:
    SecretString() = default;
    explicit SecretString(std::string_view value) : value_(value) {}
    SecretString(const SecretString&) = delete;
    SecretString& operator=(const SecretString&) = delete;
    SecretString(SecretString&& other) noexcept;
    SecretString& operator=(SecretString&& other) noexcept;
    ~SecretString();

    std::string_view view() const noexcept { return value_; }
    const char* c_str() const noexcept { return value_.c_str(); }
    // For C APIs whose prototype is not const (PKCS#11's CK_UTF8CHAR_PTR).
    char* mutableData() noexcept { return value_.data(); }
    std::size_t size() const noexcept { return value_.size(); }
    bool empty() const noexcept { return value_.empty(); }
    // Grows without leaving an unwiped copy behind when the storage moves.
    void push_back(char c);
    void pop_back() noexcept;
    void clear() noexcept;

private:
    std::string value_;
};

}  // namespace eseal

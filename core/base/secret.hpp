// A PIN or password held in memory that is wiped when it goes away.
#pragma once

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
    bool empty() const noexcept { return value_.empty(); }
    void clear() noexcept;

private:
    std::string value_;
};

}  // namespace eseal

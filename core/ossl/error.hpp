// Failures reported by OpenSSL: the error queue is drained into the message,
// so the next operation starts with an empty queue.
#pragma once

#include <string>

#include "core/base/error.hpp"

namespace eseal {

class CryptoError : public Error {
public:
    explicit CryptoError(const std::string& what);
};

}  // namespace eseal

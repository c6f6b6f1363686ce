// The checks a key's certificate must pass before eseal seals with it, made
// before the PIN is asked wherever the certificate is readable without it.
#pragma once

#include <ctime>
#include <optional>
#include <string>

#include "core/base/bytes.hpp"

namespace eseal {

// Throws TokenError(Other), naming the certificate (holder, serial), when the
// certificate is expired or not yet valid at `now`, or its key usage allows
// neither digitalSignature nor nonRepudiation (RFC 5280 4.2.1.3). Returns a
// warning when fewer than 30 days of validity are left.
std::optional<std::string> requireSigningCertificate(ByteView der, std::time_t now);

// Whether the certificate may sign (no key usage extension, or digitalSignature
// or nonRepudiation set): tells a signing certificate from an encryption one.
bool isSigningCertificate(ByteView der);

}  // namespace eseal

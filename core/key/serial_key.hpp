// A key shared by threads that seal different files at once: one signature at
// a time. A PKCS#11 session runs one operation at a time (PKCS#11 2.40 5.6:
// C_SignInit starts the session's one active signing operation, C_Sign ends
// it), an SKF container likewise, so the signing call is serialised while
// everything else about each file runs in parallel. The login stays the one
// the wrapped key made (the PIN is entered once).
#pragma once

#include <memory>

#include "core/key/key.hpp"

namespace eseal {

// sign() under a mutex; description, chain and algorithms as the wrapped key's
// (which must not change them while shared).
std::unique_ptr<Key> serialisedKey(std::unique_ptr<Key> key);

}  // namespace eseal

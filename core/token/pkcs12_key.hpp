#pragma once

#include <memory>
#include <string>

#include "core/key/key.hpp"
#include "core/key/pin.hpp"

namespace eseal {

// A PKCS#12 file: key and certificate chain in one password-protected file.
// The password is asked through the same PinSource as a USB Key's PIN.
std::unique_ptr<Key> openPkcs12Key(const std::string& path, PinSource& pins);

}  // namespace eseal

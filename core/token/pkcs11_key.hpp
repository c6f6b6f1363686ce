#pragma once

#include <memory>
#include <string_view>

#include "core/key/key.hpp"
#include "core/key/pin.hpp"

namespace eseal {

// Opens the private key (and its certificate) named by an RFC 7512 PKCS#11 URI
// and logs in once; the returned key keeps the session for every signature it
// makes (one login per command, also for many files).
std::unique_ptr<Key> openPkcs11Key(std::string_view uri, PinSource& pins);
// The certificates the URI names (or the token's end-entity ones), read
// without logging in: the candidates for the signer certificate.
std::vector<Bytes> pkcs11CertificatesBeforeLogin(std::string_view uri);

}  // namespace eseal

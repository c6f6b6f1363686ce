#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

namespace pkcs11 {

// The mechanism an SM2 key signs with: the one configured in the key URI
// (?sm2-mechanism=0x...), as given; without one, Error(Unsupported) naming
// `key` and the token's vendor-defined sign mechanisms (vendors disagree on
// the number, and PKCS#11 2.40 defines none for SM2).
unsigned long chooseSm2Mechanism(std::optional<unsigned long> configured,
                                 const std::vector<unsigned long>& offered, const std::string& key);
// A vendor's SM2 signature (r || s, 64 bytes, or DER) as DER SM2Signature.
Bytes sm2SignatureToDer(ByteView signature);

}  // namespace pkcs11

}  // namespace eseal

// ESS signing-certificate(-v2) binding (RFC 2634 5.4, RFC 5035; ETSI EN 319
// 122-1 5.2.2): the signed attributes name the signer certificate by hash.
#pragma once

#include <openssl/cms.h>

#include "core/base/bytes.hpp"

namespace eseal::cms {

enum class Binding { Absent, Matches, Mismatch, Malformed };

// Checks the signing-certificate-v2 and signing-certificate attributes of si
// against the signer certificate (and its DER).
Binding checkSigningCertificate(const CMS_SignerInfo* si, X509* signer, ByteView signerDer);

}  // namespace eseal::cms

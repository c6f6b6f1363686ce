// SM2 signatures (GB/T 32918.2, GM/T 0003.2) with SM3 and a distinguishing ID
// (GM/T 0009). OpenSSL 3.0's CMS layer refuses SM2, so eseal computes the
// Z value and the digest e = SM3(Z || M) itself; a key (PKCS#12, SKF device)
// then signs e, and verification checks the signature against e.
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <string_view>

#include "core/base/bytes.hpp"

namespace eseal::sm2 {

// GM/T 0009 10: the signer ID when none was agreed.
inline constexpr std::string_view kDefaultId = "1234567812345678";

// GB/T 32918.2 5.5: Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA).
// Throws CryptoError when pub is not a key on the SM2 curve.
Bytes zValue(EVP_PKEY* pub, std::string_view id = kDefaultId);

// GB/T 32918.2 6.1 A1-A2: e = SM3(Z || M), the value an SM2 key signs
// (SKF_ECCSignData and the PKCS#11 SM2 mechanisms take e, not M).
Bytes signedDigest(EVP_PKEY* pub, ByteView message, std::string_view id = kDefaultId);

// Checks a DER SM2Signature (SEQUENCE { r, s }) over message. False for a bad
// signature or a key that is not SM2; never throws for hostile input.
bool verify(EVP_PKEY* pub, ByteView message, ByteView derSignature, std::string_view id = kDefaultId);

// The fixed-width r || s (32 + 32 bytes) <-> DER SM2Signature conversions, for
// devices that return raw coordinates (GM/T 0016 ECCSIGNATUREBLOB).
Bytes derFromRaw(ByteView r, ByteView s);

// OpenSSL 3.0 checks an SM2-with-SM3 certificate signature with an empty ID
// unless the certificate carries one; issuers sign with the GM/T 0009 default.
// Sets the default ID on cert when it is SM2-signed and has none.
void useDefaultIdForCertificate(X509* cert);

}  // namespace eseal::sm2

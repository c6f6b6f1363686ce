// PKCS#10 certificate requests (RFC 2986) signed by a key on a USB Key, for
// `eseal token csr`: the request is assembled here, the token signs it.
#pragma once

#include <functional>
#include <string>

#include "core/base/bytes.hpp"

namespace eseal {

// "/C=CN/O=Unit/CN=Name" (the openssl req -subj form, UTF-8 values) as a DER
// Name. Throws Error(Usage) naming the part that is not TYPE=VALUE.
Bytes subjectName(const std::string& text);

// DER SubjectPublicKeyInfo of an RSA key from its modulus and public exponent
// (big-endian), and of an EC key from its uncompressed point (04 || X || Y) on
// the named group ("prime256v1", or "SM2" for an SM2 key, GM/T 0015 7.1).
// Throws TokenError(Other) when the parts are not a valid key: they come from a device.
Bytes rsaSpki(ByteView modulus, ByteView exponent);
Bytes ecSpki(const char* group, ByteView uncompressedPoint);

// The signature algorithms a request names (RFC 5758 3.2, RFC 4055, GM/T 0006).
enum class RequestSignature { RsaSha256, EcdsaSha256, Sm2Sm3 };

// CertificationRequest { CertificationRequestInfo { version 0, subject, spki,
// attributes [0] {} }, signatureAlgorithm, signature }. signInfo gets the DER
// CertificationRequestInfo and returns the signature value (for ECDSA and SM2
// a DER SEQUENCE { r, s }).
Bytes certificateRequest(ByteView subjectDer, ByteView spki, RequestSignature algorithm,
                         const std::function<Bytes(ByteView info)>& signInfo);

}  // namespace eseal

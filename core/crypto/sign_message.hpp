// A whole message signed with a Key: the key signs a digest, so the digest it
// takes is computed here (SM2: e = SM3(Z || M), GB/T 32918.2 6.1; otherwise the
// hash of M). For structures that carry a bare signature algorithm OID
// (GB/T 38540 SES_Seal and SES_Signature, PKCS#10 requests).
#pragma once

#include <optional>
#include <string>

#include "core/base/bytes.hpp"
#include "core/key/algorithms.hpp"
#include "core/key/key.hpp"

namespace eseal {

// The signature algorithm OID that needs no parameters: sm2sign-with-sm3
// (GM/T 0006), sha{256,384,512}WithRSAEncryption (RFC 4055 5), ecdsa-with-SHA*
// (RFC 5758 3.2). nullopt for RSASSA-PSS (its OID needs parameters) and SHA-1.
std::optional<std::string> bareAlgorithmOid(const SignatureAlgorithm& algorithm);

// The reverse for the digest: which digest a bare signature algorithm OID signs
// with; nullopt when eseal does not know it.
std::optional<DigestAlgorithm> digestOfAlgorithmOid(const std::string& oid);

// Signs `message` with `key`; `signerCertificate` is the DER certificate of
// the key (its public key enters the SM2 Z value). ECDSA and SM2 signatures
// come back DER-encoded, as Key::sign returns them. Throws CryptoError when
// the key returns nothing.
Bytes signMessage(Key& key, const SignatureAlgorithm& algorithm, ByteView message,
                  ByteView signerCertificate);

}  // namespace eseal

// Electronic signatures (SES_Signature, 电子签章) of GM/T 0031-2014 and
// GB/T 38540-2020 clause 8: a signer's signature over TBS_Sign, which holds
// the seal, the signing time and the hash of the signed data.
#pragma once

#include <ctime>
#include <optional>
#include <string>

#include "core/base/bytes.hpp"
#include "core/key/algorithms.hpp"
#include "core/key/key.hpp"
#include "core/seal/ses_seal.hpp"

namespace eseal::seal {

struct SesSignature {
    SealLayout layout = SealLayout::V4;
    long version = 0;
    SesSeal seal;
    std::string timeInfo;            // V4: GeneralizedTime text; V1: the BIT STRING's octets
    std::time_t signingTime = 0;     // V4 only, 0 otherwise
    Bytes dataHash;                  // the hash of the signed data (OFD: of Signature.xml)
    std::string propertyInfo;        // OFD: the path of the Signature.xml
    Bytes signerCertificate;         // DER
    std::string signatureAlgorithm;  // dotted OID
    Bytes signature;
    Bytes signedBytes;  // DER TBS_Sign as read
    std::vector<std::string> warnings;
};

// Throws Error(BadInput) naming `name` for malformed input; the seal inside
// is read with readSeal.
SesSignature readSignature(ByteView der, const std::string& name = "signature");

// The signer's signature over TBS_Sign with the signer certificate's key.
MakerCheck checkSignerSignature(const SesSignature& signature);

// The digest dataHash was made with: the one of the signature algorithm
// (SM2-with-SM3: SM3; sha256WithRSAEncryption, ecdsa-with-SHA256: SHA-256, ...).
std::optional<DigestAlgorithm> dataHashAlgorithm(const SesSignature& signature);

// What a V4 electronic signature signs (GB/T 38540-2020 8.1 TBS_Sign).
struct SignatureContent {
    Bytes seal;                // DER SES_Seal of header version 4 or 5 (TBS_Sign version follows it)
    std::time_t time = 0;      // timeInfo
    Bytes dataHash;            // the hash of the signed data
    std::string propertyInfo;  // IA5String: printable ASCII
};

// The algorithm `key` signs a V4 electronic signature with: SM2 with SM3 for
// an SM2 key (GB/T 38540 8.1), else RSA PKCS#1 v1.5 or ECDSA with `digest`
// (the signature algorithm OID carries no parameters, so RSASSA-PSS cannot be
// named). Throws Error(Unsupported) when the key offers none of them.
SignatureAlgorithm signatureAlgorithmFor(const Key& key, DigestAlgorithm digest);

// SES_Signature { TBS_Sign, cert, signatureAlgID, signature BIT STRING } with
// `key` signing DER(TBS_Sign); read back and its signature checked before it
// is returned (Error(Crypto) otherwise). Throws Error(BadInput) for content
// the standard does not allow (a V1 seal, a non-ASCII propertyInfo, a
// dataHash of another length than the algorithm's digest).
Bytes makeSignatureV4(const SignatureContent& content, Key& key, const SignatureAlgorithm& algorithm);

// An upper bound of the DER size makeSignatureV4 produces for content of this
// size (content.dataHash and content.propertyInfo at their longest).
std::size_t maxSignatureV4Size(const SignatureContent& content, const Key& key,
                               const SignatureAlgorithm& algorithm);

}  // namespace eseal::seal

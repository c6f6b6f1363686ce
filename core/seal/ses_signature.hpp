// Electronic signatures (SES_Signature, 电子签章) of GM/T 0031-2014 and
// GB/T 38540-2020 clause 8: a signer's signature over TBS_Sign, which holds
// the seal, the signing time and the hash of the signed data.
#pragma once

#include <string>

#include "core/base/bytes.hpp"
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

}  // namespace eseal::seal

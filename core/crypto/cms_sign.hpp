// CMS SignedData, detached, meeting CAdES-BES and PAdES baseline B-B
// (ETSI EN 319 122-1 5.1/5.2, ETSI EN 319 142-1 5.3): signed attributes
// content-type, message-digest, signing-certificate-v2; the chain included.
#pragma once

#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/base/bytes.hpp"
#include "core/key/algorithms.hpp"
#include "core/key/key.hpp"

namespace eseal {

struct CmsSignOptions {
    // Which of key.algorithms() to use; nullopt picks the key's first one
    // whose digest equals `digest`.
    std::optional<SignatureAlgorithm> algorithm;
    DigestAlgorithm digest = DigestAlgorithm::Sha256;
    // PAdES (ETSI EN 319 142-1 5.2.3) forbids the signing-time attribute: the
    // claimed time goes in the PDF /M entry. Other containers may want it.
    std::optional<std::time_t> signingTimeAttribute;
    // Certificates to embed beyond key.certificateChain().
    std::vector<Bytes> extraCertificates;
    // More signed attributes: (dotted OID, DER of its single value), e.g. the
    // electronic seal a PDF signature carries (core/seal/binding.hpp).
    std::vector<std::pair<std::string, Bytes>> extraSignedAttributes;
    // PAdES B-T / CAdES-T (ETSI EN 319 122-1 5.3): given the signature value,
    // returns an RFC 3161 TimeStampToken over it, embedded as the unsigned
    // attribute id-aa-signatureTimeStampToken. Empty = no timestamp (B-B).
    std::function<Bytes(ByteView signatureValue)> timestamp;
    // Bytes maxSize() keeps for the token when `timestamp` is set.
    std::size_t timestampReserve = 0;
};

// One more unsigned attribute (RFC 5652 5.3 unsignedAttrs): dotted OID and the
// DER of its single value. Not covered by the CMS signature value, so only for
// values that protect themselves (a signature of their own).
struct UnsignedAttribute {
    std::string oid;
    Bytes value;
};

// One signer for one key and one set of options: the certificate is parsed and
// the algorithm chosen once, then the same values size the reservation
// (maxSize) and make the signature (sign), so the two always agree.
class CmsSigner {
public:
    // Throws Error(BadInput) when the key holds no certificate, Error(Unsupported)
    // when it cannot sign with options.digest, CryptoError for a bad certificate.
    CmsSigner(const Key& key, const CmsSignOptions& options);
    CmsSigner(CmsSigner&&) noexcept;
    CmsSigner& operator=(CmsSigner&&) noexcept;
    ~CmsSigner();

    const SignatureAlgorithm& algorithm() const noexcept;
    // The digest the content must be hashed with (SM3 for SM2 keys).
    DigestAlgorithm contentDigestAlgorithm() const noexcept;
    // An upper bound of the DER size sign() produces without unsignedAttributes
    // (the caller adds room for those).
    std::size_t maxSize() const;
    // The DER ContentInfo; `key` must be the key given to the constructor.
    // `unsignedAttributes` go in unsignedAttrs beside a signature timestamp.
    Bytes sign(ByteView contentDigest, Key& key,
               const std::vector<UnsignedAttribute>& unsignedAttributes = {}) const;

private:
    struct State;
    std::unique_ptr<State> state_;
    CmsSignOptions options_;
};

// Builds the DER ContentInfo for a detached signature over content whose
// digest (with options.digest) is contentDigest. The key signs the digest of
// the DER-encoded signed attributes; the private key never leaves the key.
Bytes buildDetachedCms(ByteView contentDigest, Key& key, const CmsSignOptions& options);

// An upper bound of the DER size buildDetachedCms will produce for this key,
// so a container can reserve room (PDF /Contents) before signing.
std::size_t estimateCmsSize(const Key& key, const CmsSignOptions& options);

}  // namespace eseal

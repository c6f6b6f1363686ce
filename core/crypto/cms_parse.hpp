// A detached CMS SignedData (RFC 5652) parsed once: its digest algorithm,
// signer, certificates, signed attributes and signature algorithm. The
// format computes the content digest with digestAlgorithm(), then calls
// verifyCms (core/crypto/cms_verify.hpp).
#pragma once

#include <openssl/cms.h>

#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/base/bytes.hpp"
#include "core/crypto/certificate.hpp"
#include "core/key/algorithms.hpp"

namespace eseal {

class ParsedCms {
public:
    struct Impl;

    // False when the bytes are not a usable detached SignedData with one
    // signer; error() says why (for a FAILED / FORMAT_FAILURE verdict).
    bool ok() const noexcept;
    const std::string& error() const noexcept;

    // The SignerInfo's digestAlgorithm; nullopt when eseal does not accept it
    // (or !ok()): the content is then not digested.
    std::optional<DigestAlgorithm> digestAlgorithm() const;
    std::string digestAlgorithmName() const;     // "SHA-256", or the OID
    std::string signatureAlgorithmName() const;  // "ECDSA with SHA-256", or the OID
    // The certificate the SignerInfo's sid names, when it is embedded.
    const std::optional<Certificate>& signer() const;
    const std::vector<Certificate>& certificates() const;  // all embedded ones
    bool hasSignedAttributes() const;
    // The signed attributes as signed (DER SET OF, RFC 5652 5.4); empty when none.
    ByteView signedAttributes() const;
    // The unsigned attributes (RFC 5652 5.3), re-encoded as a DER SET OF in
    // received order; empty when none. Not covered by the signature value.
    ByteView unsignedAttributes() const;
    // The signing-time attribute (RFC 5652 11.3), when present and well formed.
    std::optional<std::time_t> signingTime() const;
    bool signingTimeMalformed() const;

    const Impl& impl() const noexcept { return *impl_; }

private:
    ParsedCms() = default;  // only parseCms makes one
    friend ParsedCms parseCms(ByteView der);
    std::shared_ptr<const Impl> impl_;
};

// Never throws: a parse error is ok() == false. Trailing zero bytes (the
// unused part of a PDF /Contents) are allowed.
ParsedCms parseCms(ByteView der);

namespace cms {
// Signed-attribute helpers for the CMS files of core/crypto.
int countAttributes(const CMS_SignerInfo* si, int nid);
// The single value of a single-instance signed attribute, nullptr otherwise.
const ASN1_TYPE* singleValue(const CMS_SignerInfo* si, int nid);
}  // namespace cms

}  // namespace eseal

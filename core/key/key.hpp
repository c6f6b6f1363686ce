// The signing key behind one tiny interface: it signs a digest and reports its
// certificate chain. A PKCS#11 USB Key, a PKCS#12 file and (later) an SKF key
// are interchangeable implementations; callers never branch on the kind.
#pragma once

#include <string>
#include <vector>

#include "core/base/bytes.hpp"
#include "core/key/algorithms.hpp"

namespace eseal {

class Key {
public:
    virtual ~Key() = default;

    // A name a person recognises ("Unit seal on token 'Finance'").
    virtual std::string description() const = 0;
    // DER certificates, the signer's first, then as much of its chain as the
    // key holds (issuers in order when known).
    virtual const std::vector<Bytes>& certificateChain() const = 0;
    // What this key can do, preferred first.
    virtual std::vector<SignatureAlgorithm> algorithms() const = 0;
    // Signs a digest computed by the caller with algorithm.digest. RSA PKCS#1
    // v1.5 DigestInfo wrapping is the key's job. ECDSA and SM2 signatures come
    // back DER-encoded (SEQUENCE { r INTEGER, s INTEGER }), as CMS wants them.
    // The private key never leaves the key's store.
    virtual Bytes sign(ByteView digest, const SignatureAlgorithm& algorithm) = 0;
};

}  // namespace eseal

#pragma once

#include <cstdio>
#include <string>
#include <utility>

#include "core/base/bytes.hpp"
#include "core/key/algorithms.hpp"
#include "core/ossl/ossl.hpp"

namespace eseal {

// Incremental digest over data that arrives in pieces (PDF byte ranges are
// streamed, never loaded whole).
class Hasher {
public:
    explicit Hasher(DigestAlgorithm algorithm);
    void update(ByteView data);
    void update(const void* data, std::size_t size);
    Bytes finish();
    // A second hasher in the same state: the digest of a common prefix,
    // continued two ways.
    Hasher copy() const;
    DigestAlgorithm algorithm() const noexcept { return algorithm_; }

private:
    Hasher(DigestAlgorithm algorithm, ossl::EvpMdCtxPtr ctx) noexcept
        : algorithm_(algorithm), ctx_(std::move(ctx)) {}
    DigestAlgorithm algorithm_;
    ossl::EvpMdCtxPtr ctx_;
};

Bytes digest(DigestAlgorithm algorithm, ByteView data);
const EVP_MD* evpMd(DigestAlgorithm algorithm);

}  // namespace eseal

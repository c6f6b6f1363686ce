#include "core/crypto/digest.hpp"

#include "core/base/error.hpp"
#include "core/ossl/error.hpp"

namespace eseal {

const EVP_MD* evpMd(DigestAlgorithm algorithm) {
    switch (algorithm) {
        case DigestAlgorithm::Sha256:
            return EVP_sha256();
        case DigestAlgorithm::Sha384:
            return EVP_sha384();
        case DigestAlgorithm::Sha512:
            return EVP_sha512();
        case DigestAlgorithm::Sm3:
            return EVP_sm3();
        case DigestAlgorithm::Sha1:
            return EVP_sha1();
    }
    throw Error(ErrorCategory::Internal, "unknown digest algorithm");
}

Hasher::Hasher(DigestAlgorithm algorithm) : algorithm_(algorithm), ctx_(EVP_MD_CTX_new()) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), evpMd(algorithm), nullptr) != 1)
        throw CryptoError(std::string("cannot start ") + toString(algorithm));
}

void Hasher::update(ByteView data) { update(data.data(), data.size()); }

void Hasher::update(const void* data, std::size_t size) {
    if (EVP_DigestUpdate(ctx_.get(), data, size) != 1) throw CryptoError("digest update failed");
}

Bytes Hasher::finish() {
    Bytes out(EVP_MAX_MD_SIZE);
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(ctx_.get(), out.data(), &len) != 1) throw CryptoError("digest final failed");
    out.resize(len);
    return out;
}

Hasher Hasher::copy() const {
    ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_MD_CTX_copy_ex(ctx.get(), ctx_.get()) != 1) throw CryptoError("digest copy failed");
    return Hasher(algorithm_, std::move(ctx));
}

Bytes digest(DigestAlgorithm algorithm, ByteView data) {
    Hasher h(algorithm);
    h.update(data);
    return h.finish();
}

}  // namespace eseal

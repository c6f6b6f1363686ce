#include "core/crypto/sm2.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#include <memory>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/crypto/digest.hpp"
#include "core/ossl/ossl.hpp"

namespace eseal::sm2 {

namespace {

using BnPtr = std::unique_ptr<BIGNUM, ossl::Deleter<BIGNUM, BN_free>>;
using GroupPtr = std::unique_ptr<EC_GROUP, ossl::Deleter<EC_GROUP, EC_GROUP_free>>;
using BnCtxPtr = std::unique_ptr<BN_CTX, ossl::Deleter<BN_CTX, BN_CTX_free>>;
using SigPtr = std::unique_ptr<ECDSA_SIG, ossl::Deleter<ECDSA_SIG, ECDSA_SIG_free>>;

constexpr std::size_t kFieldBytes = 32;

bool onSm2Curve(EVP_PKEY* pub) {
    if (EVP_PKEY_is_a(pub, "SM2")) return true;
    char curve[64] = {};
    std::size_t len = 0;
    return EVP_PKEY_is_a(pub, "EC") &&
           EVP_PKEY_get_utf8_string_param(pub, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof curve, &len) == 1 &&
           OBJ_sn2nid(curve) == NID_sm2;
}

}  // namespace

Bytes zValue(EVP_PKEY* pub, std::string_view id) {
    // ENTL is the ID length in bits on two bytes (GB/T 32918.2 5.5).
    if (id.size() >= 8192) throw CryptoError("SM2 signer ID too long");
    if (!pub || !onSm2Curve(pub)) throw CryptoError(tr("the key is not an SM2 key"));
    GroupPtr group(EC_GROUP_new_by_curve_name(NID_sm2));
    BnCtxPtr ctx(BN_CTX_new());
    BnPtr p(BN_new()), a(BN_new()), b(BN_new()), gx(BN_new()), gy(BN_new());
    BIGNUM* px = nullptr;
    BIGNUM* py = nullptr;
    const bool ok = group && ctx && p && a && b && gx && gy &&
                    EC_GROUP_get_curve(group.get(), p.get(), a.get(), b.get(), ctx.get()) == 1 &&
                    EC_POINT_get_affine_coordinates(group.get(), EC_GROUP_get0_generator(group.get()),
                                                    gx.get(), gy.get(), ctx.get()) == 1 &&
                    EVP_PKEY_get_bn_param(pub, OSSL_PKEY_PARAM_EC_PUB_X, &px) == 1 &&
                    EVP_PKEY_get_bn_param(pub, OSSL_PKEY_PARAM_EC_PUB_Y, &py) == 1;
    BnPtr x(px), y(py);
    if (!ok) throw CryptoError(tr("cannot read the SM2 public key"));
    Hasher h(DigestAlgorithm::Sm3);
    const std::size_t bits = id.size() * 8;
    const std::uint8_t entl[2] = {static_cast<std::uint8_t>(bits >> 8),
                                  static_cast<std::uint8_t>(bits & 0xff)};
    h.update(entl, sizeof entl);
    h.update(id.data(), id.size());
    for (const BIGNUM* v : {a.get(), b.get(), gx.get(), gy.get(), x.get(), y.get()}) {
        std::uint8_t buf[kFieldBytes];
        if (BN_bn2binpad(v, buf, sizeof buf) != static_cast<int>(sizeof buf))
            throw CryptoError(tr("SM2 coordinate out of range"));
        h.update(buf, sizeof buf);
    }
    return h.finish();
}

Bytes signedDigest(EVP_PKEY* pub, ByteView message, std::string_view id) {
    Hasher h(DigestAlgorithm::Sm3);
    h.update(zValue(pub, id));
    h.update(message);
    return h.finish();
}

bool verify(EVP_PKEY* pub, ByteView message, ByteView derSignature, std::string_view id) {
    try {
        if (!pub || !onSm2Curve(pub)) return false;
        const Bytes e = signedDigest(pub, message, id);
        // OpenSSL's SM2 verify without a digest context takes e itself.
        ossl::EvpPkeyPtr key(EVP_PKEY_dup(pub));
        if (!key || (!EVP_PKEY_is_a(key.get(), "SM2") && EVP_PKEY_set_type(key.get(), EVP_PKEY_SM2) != 1)) {
            ERR_clear_error();
            return false;
        }
        ossl::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
        const bool ok =
            ctx && EVP_PKEY_verify_init(ctx.get()) == 1 &&
            EVP_PKEY_verify(ctx.get(), derSignature.data(), derSignature.size(), e.data(), e.size()) == 1;
        ERR_clear_error();
        return ok;
    } catch (const Error&) {
        ERR_clear_error();
        return false;
    }
}

Bytes derFromRaw(ByteView r, ByteView s) {
    SigPtr sig(ECDSA_SIG_new());
    BnPtr br(BN_bin2bn(r.data(), static_cast<int>(r.size()), nullptr));
    BnPtr bs(BN_bin2bn(s.data(), static_cast<int>(s.size()), nullptr));
    if (!sig || !br || !bs || ECDSA_SIG_set0(sig.get(), br.get(), bs.get()) != 1)
        throw CryptoError("cannot encode an SM2 signature");
    br.release();  // owned by sig now
    bs.release();
    return ossl::i2dBytes(sig.get(), i2d_ECDSA_SIG, "SM2 signature");
}

void useDefaultIdForCertificate(X509* cert) {
    if (!cert || X509_get0_distinguishing_id(cert) != nullptr) return;
    if (X509_get_signature_nid(cert) != NID_SM2_with_SM3) return;
    ASN1_OCTET_STRING* id = ASN1_OCTET_STRING_new();
    if (!id || ASN1_OCTET_STRING_set(id, reinterpret_cast<const unsigned char*>(kDefaultId.data()),
                                     static_cast<int>(kDefaultId.size())) != 1) {
        ASN1_OCTET_STRING_free(id);
        return;
    }
    X509_set0_distinguishing_id(cert, id);  // takes ownership
}

}  // namespace eseal::sm2

// One move-only RAII owner per OpenSSL handle type.
#pragma once

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <memory>
#include <string>

#include "core/base/bytes.hpp"
#include "core/base/error.hpp"
#include "core/ossl/error.hpp"

namespace eseal::ossl {

template <typename T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const noexcept { Free(p); }
};

using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using CmsPtr = std::unique_ptr<CMS_ContentInfo, Deleter<CMS_ContentInfo, CMS_ContentInfo_free>>;
using X509StorePtr = std::unique_ptr<X509_STORE, Deleter<X509_STORE, X509_STORE_free>>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX, X509_STORE_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

inline void freeX509Stack(STACK_OF(X509) * s) { sk_X509_pop_free(s, X509_free); }
using X509StackPtr = std::unique_ptr<STACK_OF(X509), Deleter<STACK_OF(X509), freeX509Stack>>;

// The DER encoding of any OpenSSL object through its i2d_ function
// (i2d_PUBKEY, i2d_X509_NAME, i2d_ECDSA_SIG, ...). Throws CryptoError naming what.
template <typename T, typename I2d>
Bytes i2dBytes(T* object, I2d i2d, const char* what) {
    unsigned char* der = nullptr;
    const int len = i2d(object, &der);
    if (len <= 0 || der == nullptr) throw CryptoError(std::string("encoding ") + what);
    Bytes out(der, der + len);
    OPENSSL_free(der);
    return out;
}

// Throws CryptoError when the DER is not a certificate.
X509Ptr parseCertificate(ByteView der);
Bytes toDer(const X509* cert);

}  // namespace eseal::ossl

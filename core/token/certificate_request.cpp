#include "core/token/certificate_request.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include <cstring>
#include <memory>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/crypto/der.hpp"
#include "core/ossl/ossl.hpp"

namespace eseal {

namespace {

using ParamBld = std::unique_ptr<OSSL_PARAM_BLD, ossl::Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;

ParamBld newParamBld() {
    ParamBld bld(OSSL_PARAM_BLD_new());
    if (!bld) throw CryptoError(tr("out of memory"));
    return bld;
}

Bytes spkiFromData(const char* type, OSSL_PARAM_BLD* bld) {
    std::unique_ptr<OSSL_PARAM, ossl::Deleter<OSSL_PARAM, OSSL_PARAM_free>> params(
        OSSL_PARAM_BLD_to_param(bld));
    ossl::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY* raw = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
        ERR_clear_error();
        throw TokenError(TokenError::Kind::Other, tr("the key's new public key is not a valid key"));
    }
    ossl::EvpPkeyPtr key(raw);
    return ossl::i2dBytes(key.get(), i2d_PUBKEY, "the public key");
}

}  // namespace

Bytes rsaSpki(ByteView modulus, ByteView exponent) {
    ParamBld bld = newParamBld();
    std::unique_ptr<BIGNUM, ossl::Deleter<BIGNUM, BN_free>> n(
        BN_bin2bn(modulus.data(), static_cast<int>(modulus.size()), nullptr));
    std::unique_ptr<BIGNUM, ossl::Deleter<BIGNUM, BN_free>> e(
        BN_bin2bn(exponent.data(), static_cast<int>(exponent.size()), nullptr));
    if (!n || !e || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1)
        throw CryptoError("RSA public key parameters");
    return spkiFromData("RSA", bld.get());
}

Bytes ecSpki(const char* group, ByteView uncompressedPoint) {
    if (uncompressedPoint.size() != 65 || uncompressedPoint[0] != 0x04)
        throw TokenError(TokenError::Kind::Other, tr("the EC public key has an unexpected form"));
    ParamBld bld = newParamBld();
    if (OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, uncompressedPoint.data(),
                                         uncompressedPoint.size()) != 1)
        throw CryptoError("EC public key parameters");
    return spkiFromData(std::strcmp(group, "SM2") == 0 ? "SM2" : "EC", bld.get());
}

Bytes subjectName(const std::string& text) {
    if (text.size() < 2 || text[0] != '/')
        throw Error(ErrorCategory::Usage,
                    tr("--subject needs the form /C=CN/O=UNIT/CN=NAME (openssl req -subj)"));
    std::unique_ptr<X509_NAME, ossl::Deleter<X509_NAME, X509_NAME_free>> name(X509_NAME_new());
    if (!name) throw CryptoError(tr("out of memory"));
    std::size_t at = 1;
    while (at < text.size()) {
        std::size_t end = text.find('/', at);
        if (end == std::string::npos) end = text.size();
        const std::string part = text.substr(at, end - at);
        const auto eq = part.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == part.size() ||
            X509_NAME_add_entry_by_txt(name.get(), part.substr(0, eq).c_str(), MBSTRING_UTF8,
                                       reinterpret_cast<const unsigned char*>(part.c_str() + eq + 1), -1, -1,
                                       0) != 1) {
            ERR_clear_error();
            throw Error(
                ErrorCategory::Usage,
                fill(tr("--subject: '{part}' is not TYPE=VALUE with a known TYPE (C, O, OU, CN, ...)"),
                     {{"{part}", part}}));
        }
        at = end + 1;
    }
    return ossl::i2dBytes(name.get(), i2d_X509_NAME, "the subject");
}

Bytes certificateRequest(ByteView subjectDer, ByteView spki, RequestSignature algorithm,
                         const std::function<Bytes(ByteView info)>& signInfo) {
    // RFC 2986 4.1: CertificationRequestInfo { version 0, subject, subjectPKInfo, attributes [0] {} }.
    const Bytes info =
        der::sequence({der::integer(0), Bytes(subjectDer.begin(), subjectDer.end()),
                       Bytes(spki.begin(), spki.end()), der::tlv(der::contextConstructed(0), ByteView())});
    Bytes id;
    switch (algorithm) {
        case RequestSignature::RsaSha256:  // RFC 4055 5: sha256WithRSAEncryption, NULL parameters
            id = der::sequence({der::oid("1.2.840.113549.1.1.11"), der::null()});
            break;
        case RequestSignature::EcdsaSha256:  // RFC 5758 3.2: ecdsa-with-SHA256, no parameters
            id = der::sequence({der::oid("1.2.840.10045.4.3.2")});
            break;
        case RequestSignature::Sm2Sm3:  // GM/T 0006: SM2-with-SM3, no parameters
            id = der::sequence({der::oid("1.2.156.10197.1.501")});
            break;
    }
    Bytes bits{0x00};  // no unused bits
    const Bytes sig = signInfo(info);
    bits.insert(bits.end(), sig.begin(), sig.end());
    return der::sequence({info, id, der::tlv(0x03, bits)});
}

}  // namespace eseal

#include "core/crypto/sign_message.hpp"

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <memory>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/crypto/digest.hpp"
#include "core/crypto/signature_check.hpp"
#include "core/crypto/sm2.hpp"
#include "core/ossl/ossl.hpp"

namespace eseal {

namespace {

constexpr const char* kSm2WithSm3 = "1.2.156.10197.1.501";

}  // namespace

std::optional<std::string> bareAlgorithmOid(const SignatureAlgorithm& a) {
    switch (a.scheme) {
        case SignatureScheme::Sm2:
            if (a.digest == DigestAlgorithm::Sm3) return std::string(kSm2WithSm3);
            return std::nullopt;
        case SignatureScheme::RsaPkcs1v15:
            if (a.digest == DigestAlgorithm::Sha256) return std::string("1.2.840.113549.1.1.11");
            if (a.digest == DigestAlgorithm::Sha384) return std::string("1.2.840.113549.1.1.12");
            if (a.digest == DigestAlgorithm::Sha512) return std::string("1.2.840.113549.1.1.13");
            return std::nullopt;
        case SignatureScheme::Ecdsa:
            if (a.digest == DigestAlgorithm::Sha256) return std::string("1.2.840.10045.4.3.2");
            if (a.digest == DigestAlgorithm::Sha384) return std::string("1.2.840.10045.4.3.3");
            if (a.digest == DigestAlgorithm::Sha512) return std::string("1.2.840.10045.4.3.4");
            return std::nullopt;
        case SignatureScheme::RsaPss:
            return std::nullopt;
    }
    return std::nullopt;
}

std::optional<DigestAlgorithm> digestOfAlgorithmOid(const std::string& oid) {
    if (oid == kSm2WithSm3) return DigestAlgorithm::Sm3;
    std::unique_ptr<ASN1_OBJECT, ossl::Deleter<ASN1_OBJECT, ASN1_OBJECT_free>> obj(
        OBJ_txt2obj(oid.c_str(), 1));
    int mdNid = NID_undef, pkNid = NID_undef;
    const bool known = obj && OBJ_find_sigid_algs(OBJ_obj2nid(obj.get()), &mdNid, &pkNid) == 1;
    ERR_clear_error();
    if (!known) return std::nullopt;
    const std::optional<DigestAlgorithm> d = cms::digestFromNid(mdNid);
    if (d == DigestAlgorithm::Sha1) return std::nullopt;  // never for an electronic signature
    return d;
}

Bytes signMessage(Key& key, const SignatureAlgorithm& algorithm, ByteView message,
                  ByteView signerCertificate) {
    Bytes toSign;
    if (algorithm.scheme == SignatureScheme::Sm2) {
        const ossl::X509Ptr cert = ossl::parseCertificate(signerCertificate);
        toSign = sm2::signedDigest(X509_get0_pubkey(cert.get()), message);
    } else {
        toSign = digest(algorithm.digest, message);
    }
    Bytes signature = key.sign(toSign, algorithm);
    if (signature.empty())
        throw CryptoError(fill(tr("{key} returned an empty signature"), {{"{key}", key.description()}}));
    return signature;
}

}  // namespace eseal

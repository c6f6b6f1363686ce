#include "core/token/pkcs12_key.hpp"

#include <openssl/err.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/rsa.h>

#include <cstdio>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/crypto/digest.hpp"
#include "core/ossl/ossl.hpp"

namespace eseal {

namespace {

class Pkcs12Key final : public Key {
public:
    Pkcs12Key(std::string path, ossl::EvpPkeyPtr key, std::vector<Bytes> chain)
        : path_(std::move(path)), key_(std::move(key)), chain_(std::move(chain)) {}

    std::string description() const override { return fill(tr("PKCS#12 file {path}"), {{"{path}", path_}}); }
    const std::vector<Bytes>& certificateChain() const override { return chain_; }

    std::vector<SignatureAlgorithm> algorithms() const override {
        std::vector<SignatureAlgorithm> out;
        const DigestAlgorithm digests[] = {DigestAlgorithm::Sha256, DigestAlgorithm::Sha384,
                                           DigestAlgorithm::Sha512};
        if (EVP_PKEY_is_a(key_.get(), "RSA")) {
            for (auto d : digests) out.push_back({SignatureScheme::RsaPkcs1v15, d});
            for (auto d : digests) out.push_back({SignatureScheme::RsaPss, d});
        } else if (EVP_PKEY_is_a(key_.get(), "SM2")) {
            out.push_back({SignatureScheme::Sm2, DigestAlgorithm::Sm3});
        } else if (EVP_PKEY_is_a(key_.get(), "EC")) {
            for (auto d : digests) out.push_back({SignatureScheme::Ecdsa, d});
        }
        return out;
    }

    Bytes sign(ByteView digestValue, const SignatureAlgorithm& algorithm) override {
        if (digestValue.size() != digestSize(algorithm.digest))
            throw Error(ErrorCategory::Internal,
                        "digest length does not match " + std::string(toString(algorithm.digest)));
        ossl::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key_.get(), nullptr));
        if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1) throw CryptoError(tr("cannot start signing"));
        switch (algorithm.scheme) {
            case SignatureScheme::RsaPkcs1v15:
                if (EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1)
                    throw CryptoError("RSA padding");
                break;
            case SignatureScheme::RsaPss:
                if (EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PSS_PADDING) != 1 ||
                    EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx.get(), RSA_PSS_SALTLEN_DIGEST) != 1 ||
                    EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), evpMd(algorithm.digest)) != 1)
                    throw CryptoError("RSA-PSS parameters");
                break;
            case SignatureScheme::Ecdsa:
            case SignatureScheme::Sm2:
                break;
        }
        // Setting the digest makes OpenSSL wrap an RSA PKCS#1 v1.5 digest in
        // DigestInfo (RFC 8017 9.2) and check the digest length.
        if (EVP_PKEY_CTX_set_signature_md(ctx.get(), evpMd(algorithm.digest)) != 1)
            throw CryptoError("signature digest");
        std::size_t len = 0;
        if (EVP_PKEY_sign(ctx.get(), nullptr, &len, digestValue.data(), digestValue.size()) != 1)
            throw CryptoError("signature size");
        Bytes out(len);
        if (EVP_PKEY_sign(ctx.get(), out.data(), &len, digestValue.data(), digestValue.size()) != 1)
            throw CryptoError(fill(tr("signing with {key} failed"), {{"{key}", path_}}));
        out.resize(len);
        return out;
    }

private:
    std::string path_;
    ossl::EvpPkeyPtr key_;
    std::vector<Bytes> chain_;
};

// Loaded once, next to the default provider, only when a file needs it.
bool loadLegacyProvider() {
    static OSSL_PROVIDER* legacy = OSSL_PROVIDER_try_load(nullptr, "legacy", 1);
    return legacy != nullptr;
}

}  // namespace

std::unique_ptr<Key> openPkcs12Key(const std::string& path, PinSource& pins) {
    // The key file is part of the key: a missing or unreadable one is a key
    // problem (exit 5), not a document problem.
    Bytes data;
    try {
        data = readFile(path);
    } catch (const Error& e) {
        throw TokenError(TokenError::Kind::NotFound, path + ": " + e.message());
    }
    const unsigned char* p = data.data();
    std::unique_ptr<PKCS12, ossl::Deleter<PKCS12, PKCS12_free>> p12(
        d2i_PKCS12(nullptr, &p, static_cast<long>(data.size())));
    if (!p12) throw TokenError(TokenError::Kind::NotFound, path + tr(": not a PKCS#12 file"));

    PinPrompt prompt;
    prompt.tokenLabel = path;
    prompt.purpose = "PKCS#12 password";
    prompt.hasState = false;  // a file has no PIN state: no "PIN OK" before its password
    SecretString pw = pins.get(prompt);

    EVP_PKEY* pkey = nullptr;
    X509* cert = nullptr;
    STACK_OF(X509)* ca = nullptr;
    const bool macOk = PKCS12_mac_present(p12.get()) != 1 ||
                       PKCS12_verify_mac(p12.get(), pw.c_str(), static_cast<int>(pw.size())) == 1;
    int ok = macOk ? PKCS12_parse(p12.get(), pw.c_str(), &pkey, &cert, &ca) : 0;
    if (macOk && ok != 1 && loadLegacyProvider()) {
        // Files from older tools (many SM2 ones) use RC2-40 or 3DES, which OpenSSL 3 keeps in its legacy
        // provider.
        ERR_clear_error();
        ok = PKCS12_parse(p12.get(), pw.c_str(), &pkey, &cert, &ca);
    }
    pw.clear();
    if (ok != 1) {
        ERR_clear_error();
        if (!macOk)
            throw TokenError(TokenError::Kind::WrongPin, path + tr(": wrong PIN (the PKCS#12 password)"));
        throw TokenError(TokenError::Kind::Other,
                         path + tr(": damaged PKCS#12 file or unsupported encryption"));
    }
    ossl::EvpPkeyPtr key(pkey);
    ossl::X509Ptr signer(cert);
    ossl::X509StackPtr extra(ca);
    if (!key || !signer)
        throw Error(ErrorCategory::BadInput, tr("PKCS#12 file holds no key and certificate"), path);

    std::vector<Bytes> chain;
    chain.push_back(ossl::toDer(signer.get()));
    for (int i = 0; extra && i < sk_X509_num(extra.get()); ++i)
        chain.push_back(ossl::toDer(sk_X509_value(extra.get(), i)));
    return std::make_unique<Pkcs12Key>(path, std::move(key), std::move(chain));
}

}  // namespace eseal

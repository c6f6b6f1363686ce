#include "core/crypto/signature_check.hpp"

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "core/crypto/der.hpp"
#include "core/crypto/sm2.hpp"
#include "core/ossl/ossl.hpp"

namespace eseal::cms {

namespace {

// RFC 4055 3.1 RSASSA-PSS-params; absent fields take the DEFAULTs (SHA-1, MGF1-SHA-1, 20).
bool parsePssParams(const X509_ALGOR* alg, SignatureMethod& m) {
    m.mdNid = NID_sha1;
    m.mgf1MdNid = NID_sha1;
    m.saltLength = 20;
    int ptype = 0;
    const void* pval = nullptr;
    X509_ALGOR_get0(nullptr, &ptype, &pval, alg);
    if (ptype != V_ASN1_SEQUENCE || !pval) return false;
    const auto* seqString = static_cast<const ASN1_STRING*>(pval);
    ByteView encoded(ASN1_STRING_get0_data(seqString),
                     static_cast<std::size_t>(ASN1_STRING_length(seqString)));
    der::Reader outer(encoded);
    auto seq = outer.nextIf(der::kSequence);
    if (!seq || !outer.empty()) return false;
    auto algNid = [](ByteView algId) -> int {
        der::Reader r(algId);
        auto oid = r.nextIf(der::kOid);
        if (!oid) return NID_undef;
        return OBJ_txt2nid(der::oidText(oid->content).c_str());
    };
    der::Reader fields(seq->content);
    if (auto hash = fields.nextIf(der::contextConstructed(0))) {
        der::Reader r(hash->content);
        auto id = r.nextIf(der::kSequence);
        if (!id) return false;
        m.mdNid = algNid(id->content);
    }
    if (auto mgf = fields.nextIf(der::contextConstructed(1))) {
        der::Reader r(mgf->content);
        auto id = r.nextIf(der::kSequence);
        if (!id) return false;
        der::Reader inner(id->content);
        auto oid = inner.nextIf(der::kOid);
        if (!oid || OBJ_txt2nid(der::oidText(oid->content).c_str()) != NID_mgf1) return false;
        auto hashId = inner.nextIf(der::kSequence);
        if (!hashId) return false;
        m.mgf1MdNid = algNid(hashId->content);
    }
    if (auto salt = fields.nextIf(der::contextConstructed(2))) {
        der::Reader r(salt->content);
        auto value = r.nextIf(der::kInteger);
        if (!value || value->content.empty() || value->content.size() > 2 || (value->content[0] & 0x80))
            return false;
        int v = 0;
        for (auto b : value->content) v = v << 8 | b;
        m.saltLength = v;
    }
    if (auto trailer = fields.nextIf(der::contextConstructed(3))) {
        // Only trailerFieldBC (1) is defined.
        if (trailer->content.size() != 3 || trailer->content[2] != 1) return false;
    }
    return fields.empty() && m.mdNid != NID_undef && m.mgf1MdNid != NID_undef;
}

// GM/T 0009 default signer ID.
constexpr char kSm2DefaultId[] = "1234567812345678";

bool configure(EVP_PKEY_CTX* pctx, const SignatureMethod& m) {
    switch (m.scheme) {
        case SignatureScheme::RsaPkcs1v15:
            return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1;
        case SignatureScheme::RsaPss:
            return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
                   EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, m.saltLength) == 1 &&
                   EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_get_digestbynid(m.mgf1MdNid)) == 1;
        case SignatureScheme::Ecdsa:
            return true;
        case SignatureScheme::Sm2:
            return EVP_PKEY_CTX_set1_id(pctx, kSm2DefaultId, sizeof kSm2DefaultId - 1) == 1;
    }
    return false;
}

}  // namespace

std::optional<DigestAlgorithm> digestFromNid(int nid) {
    switch (nid) {
        case NID_sha256:
            return DigestAlgorithm::Sha256;
        case NID_sha384:
            return DigestAlgorithm::Sha384;
        case NID_sha512:
            return DigestAlgorithm::Sha512;
        case NID_sm3:
            return DigestAlgorithm::Sm3;
        case NID_sha1:
            return DigestAlgorithm::Sha1;  // verified, then judged too weak (see weakDigest)
        default:
            return std::nullopt;
    }
}

std::string digestName(int nid) {
    if (auto d = digestFromNid(nid)) return toString(*d);
    switch (nid) {
        case NID_sha1:
            return "SHA-1";
        case NID_sha224:
            return "SHA-224";
        case NID_md5:
            return "MD5";
        default:
            break;
    }
    const char* sn = OBJ_nid2sn(nid);
    return sn && nid != NID_undef ? sn : "unknown digest";
}

bool weakDigest(int nid) { return nid == NID_sha1 || nid == NID_md5 || nid == NID_md2 || nid == NID_md4; }

std::string objText(const ASN1_OBJECT* obj) {
    char buf[128];
    const int n = OBJ_obj2txt(buf, sizeof buf, obj, 0);
    return n > 0 && static_cast<std::size_t>(n) < sizeof buf ? std::string(buf) : std::string("unknown");
}

std::optional<SignatureMethod> signatureMethod(const X509_ALGOR* sigAlg, int signerDigestNid) {
    const ASN1_OBJECT* obj = nullptr;
    X509_ALGOR_get0(&obj, nullptr, nullptr, sigAlg);
    const int nid = OBJ_obj2nid(obj);
    SignatureMethod m;
    if (nid == NID_rsaEncryption) {
        // RFC 3370 3.2: the digest is the SignerInfo's digestAlgorithm.
        m.scheme = SignatureScheme::RsaPkcs1v15;
        m.mdNid = signerDigestNid;
    } else if (nid == NID_rsassaPss) {
        m.scheme = SignatureScheme::RsaPss;
        if (!parsePssParams(sigAlg, m)) return std::nullopt;
    } else if (nid == NID_X9_62_id_ecPublicKey) {
        m.scheme = SignatureScheme::Ecdsa;
        m.mdNid = signerDigestNid;
    } else if (nid == NID_sm2) {
        m.scheme = SignatureScheme::Sm2;
        m.mdNid = NID_sm3;
    } else {
        int mdNid = NID_undef, pkNid = NID_undef;
        if (OBJ_find_sigid_algs(nid, &mdNid, &pkNid) != 1) return std::nullopt;
        if (pkNid == NID_rsaEncryption)
            m.scheme = SignatureScheme::RsaPkcs1v15;
        else if (pkNid == NID_X9_62_id_ecPublicKey)
            m.scheme = SignatureScheme::Ecdsa;
        else if (pkNid == NID_sm2)
            m.scheme = SignatureScheme::Sm2;
        else
            return std::nullopt;
        // RFC 5652 5.4: the signed attributes are digested with the SignerInfo's
        // digestAlgorithm (OpenSSL does the same); the OID's own digest is the fallback.
        m.mdNid = EVP_get_digestbynid(signerDigestNid) ? signerDigestNid : mdNid;
    }
    if (m.mdNid == NID_undef || !EVP_get_digestbynid(m.mdNid)) return std::nullopt;
    m.text = std::string(toString(m.scheme)) + " with " + digestName(m.mdNid);
    return m;
}

bool keyFits(EVP_PKEY* pub, SignatureScheme scheme) {
    switch (scheme) {
        case SignatureScheme::RsaPkcs1v15:
            return EVP_PKEY_is_a(pub, "RSA");
        case SignatureScheme::RsaPss:
            return EVP_PKEY_is_a(pub, "RSA") || EVP_PKEY_is_a(pub, "RSA-PSS");
        case SignatureScheme::Ecdsa:
            return EVP_PKEY_is_a(pub, "EC");
        case SignatureScheme::Sm2:
            return EVP_PKEY_is_a(pub, "SM2") || EVP_PKEY_is_a(pub, "EC");
    }
    return false;
}

bool verifyOverData(EVP_PKEY* pub, const SignatureMethod& m, ByteView data, ByteView signature) {
    // SM2: e = SM3(Z || data) with the GM/T 0009 default ID (core/crypto/sm2).
    if (m.scheme == SignatureScheme::Sm2) return sm2::verify(pub, data, signature);
    ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    if (!ctx) return false;
    if (EVP_DigestVerifyInit(ctx.get(), &pctx, EVP_get_digestbynid(m.mdNid), nullptr, pub) != 1) return false;
    if (!configure(pctx, m)) return false;
    return EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), data.data(), data.size()) == 1;
}

bool verifyOverDigest(EVP_PKEY* pub, const SignatureMethod& m, ByteView digestValue, ByteView signature) {
    ossl::EvpPkeyCtxPtr pctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pub, nullptr));
    if (!pctx || EVP_PKEY_verify_init(pctx.get()) != 1 || !configure(pctx.get(), m)) return false;
    if (m.scheme != SignatureScheme::Ecdsa &&
        EVP_PKEY_CTX_set_signature_md(pctx.get(), EVP_get_digestbynid(m.mdNid)) != 1)
        return false;
    return EVP_PKEY_verify(pctx.get(), signature.data(), signature.size(), digestValue.data(),
                           digestValue.size()) == 1;
}

}  // namespace eseal::cms

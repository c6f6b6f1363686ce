#include "core/crypto/timestamp.hpp"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>

#include <algorithm>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/base/time.hpp"
#include "core/crypto/chain.hpp"
#include "core/crypto/digest.hpp"
#include "core/crypto/ess.hpp"
#include "core/crypto/http.hpp"
#include "core/crypto/signature_check.hpp"
#include "core/ossl/ossl.hpp"

namespace eseal {

namespace {

using TsReqPtr = std::unique_ptr<TS_REQ, ossl::Deleter<TS_REQ, TS_REQ_free>>;
using TsRespPtr = std::unique_ptr<TS_RESP, ossl::Deleter<TS_RESP, TS_RESP_free>>;
using TstInfoPtr = std::unique_ptr<TS_TST_INFO, ossl::Deleter<TS_TST_INFO, TS_TST_INFO_free>>;
using MsgImprintPtr = std::unique_ptr<TS_MSG_IMPRINT, ossl::Deleter<TS_MSG_IMPRINT, TS_MSG_IMPRINT_free>>;
using AlgorPtr = std::unique_ptr<X509_ALGOR, ossl::Deleter<X509_ALGOR, X509_ALGOR_free>>;
using IntegerPtr = std::unique_ptr<ASN1_INTEGER, ossl::Deleter<ASN1_INTEGER, ASN1_INTEGER_free>>;

// RFC 5652 / RFC 3161 2.4.2: the token's content type id-ct-TSTInfo.
constexpr int kMaxTokenBytes = 256 * 1024;

int digestNid(DigestAlgorithm a) {
    switch (a) {
        case DigestAlgorithm::Sha256:
            return NID_sha256;
        case DigestAlgorithm::Sha384:
            return NID_sha384;
        case DigestAlgorithm::Sha512:
            return NID_sha512;
        case DigestAlgorithm::Sm3:
            return NID_sm3;
        case DigestAlgorithm::Sha1:
            break;
    }
    throw Error(ErrorCategory::Unsupported, tr("a timestamp with this digest is not asked for"));
}

ByteView octets(const ASN1_STRING* s) {
    return s ? ByteView(ASN1_STRING_get0_data(s), static_cast<std::size_t>(ASN1_STRING_length(s)))
             : ByteView();
}

// message: a whole translated sentence about the timestamp authority.
Error tsaError(const std::string& url, const std::string& message) {
    ERR_clear_error();
    return Error(ErrorCategory::Crypto, message, url);
}

// The TSTInfo inside a token, after its CMS signature was checked when
// `certs` is given. Null when the token is not one.
struct OpenedToken {
    ossl::CmsPtr cms;
    TstInfoPtr info;
    bool signatureValid = false;
    std::optional<Certificate> signer;
    std::vector<Certificate> certificates;
    std::string problem;
};

OpenedToken openToken(ByteView token, const std::vector<Certificate>& extra) {
    OpenedToken t;
    if (token.empty() || token.size() > static_cast<std::size_t>(kMaxTokenBytes)) {
        t.problem = tr("the timestamp token is empty or too large");
        return t;
    }
    const unsigned char* p = token.data();
    t.cms.reset(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(token.size())));
    if (!t.cms || OBJ_obj2nid(CMS_get0_type(t.cms.get())) != NID_pkcs7_signed) {
        t.problem = tr("the timestamp token is not CMS SignedData");
        return t;
    }
    if (OBJ_obj2nid(CMS_get0_eContentType(t.cms.get())) != NID_id_smime_ct_TSTInfo) {
        t.problem = tr("the timestamp token does not hold a TSTInfo (RFC 3161 2.4.2)");
        return t;
    }
    ASN1_OCTET_STRING** content = CMS_get0_content(t.cms.get());
    if (!content || !*content) {
        t.problem = tr("the timestamp token holds no TSTInfo");
        return t;
    }
    const ByteView infoDer = octets(*content);
    const unsigned char* q = infoDer.data();
    t.info.reset(d2i_TS_TST_INFO(nullptr, &q, static_cast<long>(infoDer.size())));
    if (!t.info) {
        t.problem = tr("the TSTInfo of the timestamp token cannot be read");
        return t;
    }
    STACK_OF(CMS_SignerInfo)* infos = CMS_get0_SignerInfos(t.cms.get());
    if (!infos || sk_CMS_SignerInfo_num(infos) != 1) {
        t.problem = tr("the timestamp token must have exactly one signer");
        return t;
    }
    ossl::X509StackPtr embedded(CMS_get1_certs(t.cms.get()));
    ossl::X509StackPtr all(sk_X509_new_null());
    if (embedded)
        for (int i = 0; i < sk_X509_num(embedded.get()); ++i) {
            t.certificates.emplace_back(sk_X509_value(embedded.get(), i));
        }
    for (const auto& c : t.certificates)
        if (sk_X509_push(all.get(), c.get()) > 0) X509_up_ref(c.get());
    for (const auto& c : extra)
        if (sk_X509_push(all.get(), c.get()) > 0) X509_up_ref(c.get());
    // The signature over the signed attributes and the message-digest of the
    // TSTInfo; the TSA's chain is validated apart (validateChain).
    t.signatureValid = CMS_verify(t.cms.get(), all.get(), nullptr, nullptr, nullptr,
                                  CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) == 1;
    ERR_clear_error();
    CMS_SignerInfo* si = sk_CMS_SignerInfo_value(infos, 0);
    for (int i = 0; i < sk_X509_num(all.get()); ++i) {
        X509* c = sk_X509_value(all.get(), i);
        if (CMS_SignerInfo_cert_cmp(si, c) == 0) {
            t.signer.emplace(c);
            break;
        }
    }
    ERR_clear_error();
    if (!t.signer) {
        t.problem = tr("the TSA certificate is not in the timestamp token");
        t.signatureValid = false;
        return t;
    }
    if (!t.signatureValid) {
        t.problem = tr("the timestamp token's signature does not verify");
        return t;
    }
    // RFC 3161 2.4.2 / RFC 5816: the signed attributes bind the TSA certificate.
    if (cms::checkSigningCertificate(si, t.signer->get(), t.signer->der()) != cms::Binding::Matches) {
        t.problem = tr("the timestamp token does not bind its TSA certificate (ESS signing-certificate)");
        t.signatureValid = false;
    }
    return t;
}

}  // namespace

Bytes requestTimestamp(const std::string& url, ByteView data, DigestAlgorithm algorithm) {
    return requestTimestampForDigest(url, digest(algorithm, data), algorithm);
}

Bytes requestTimestampForDigest(const std::string& url, ByteView hashed, DigestAlgorithm algorithm) {
    TsReqPtr req(TS_REQ_new());
    MsgImprintPtr imprint(TS_MSG_IMPRINT_new());
    AlgorPtr alg(X509_ALGOR_new());
    unsigned char nonceBytes[8];
    if (!req || !imprint || !alg || RAND_bytes(nonceBytes, sizeof nonceBytes) != 1)
        throw tsaError(url, tr("the timestamp request cannot be built"));
    nonceBytes[0] &= 0x7f;  // a positive INTEGER
    std::unique_ptr<BIGNUM, ossl::Deleter<BIGNUM, BN_free>> bn(
        BN_bin2bn(nonceBytes, sizeof nonceBytes, nullptr));
    IntegerPtr n(bn ? BN_to_ASN1_INTEGER(bn.get(), nullptr) : nullptr);
    // RFC 5754 2: SHA-2 identifiers without parameters.
    if (!n || X509_ALGOR_set0(alg.get(), OBJ_nid2obj(digestNid(algorithm)), V_ASN1_UNDEF, nullptr) != 1 ||
        TS_MSG_IMPRINT_set_algo(imprint.get(), alg.get()) != 1 ||
        TS_MSG_IMPRINT_set_msg(imprint.get(), const_cast<unsigned char*>(hashed.data()),
                               static_cast<int>(hashed.size())) != 1 ||
        TS_REQ_set_version(req.get(), 1) != 1 || TS_REQ_set_msg_imprint(req.get(), imprint.get()) != 1 ||
        TS_REQ_set_nonce(req.get(), n.get()) != 1 || TS_REQ_set_cert_req(req.get(), 1) != 1)
        throw tsaError(url, tr("the timestamp request cannot be built"));
    const Bytes query = ossl::i2dBytes(req.get(), i2d_TS_REQ, "the timestamp request");
    // RFC 3161 3.4: the HTTP media types.
    const Bytes answer = httpPost(url, "application/timestamp-query", query, "application/timestamp-reply");
    const unsigned char* p = answer.data();
    TsRespPtr resp(d2i_TS_RESP(nullptr, &p, static_cast<long>(answer.size())));
    if (!resp)
        throw tsaError(
            url, fill(tr("the timestamp authority sent an answer that is not an RFC 3161 response ({size} "
                         "bytes, starting {head})"),
                      {{"{size}", std::to_string(answer.size())},
                       {"{head}", toHex(ByteView(answer.data(), std::min<std::size_t>(answer.size(), 8)))}}));
    const ASN1_INTEGER* status = TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(resp.get()));
    const long code = status ? ASN1_INTEGER_get(status) : -1;
    // RFC 3161 2.4.2: granted (0) or grantedWithMods (1) carry a token.
    if (code != 0 && code != 1)
        throw tsaError(url, fill(tr("the timestamp authority refused the request (PKIStatus {code})"),
                                 {{"{code}", std::to_string(code)}}));
    PKCS7* token7 = TS_RESP_get_token(resp.get());
    TS_TST_INFO* info = TS_RESP_get_tst_info(resp.get());
    if (!token7 || !info) throw tsaError(url, tr("the timestamp authority answered without a token"));
    const ASN1_INTEGER* gotNonce = TS_TST_INFO_get_nonce(info);
    if (!gotNonce || ASN1_INTEGER_cmp(gotNonce, n.get()) != 0)
        throw tsaError(url, tr("the timestamp authority answered with another nonce (RFC 3161 2.4.2): a "
                               "replayed or foreign answer"));
    const TS_MSG_IMPRINT* got = TS_TST_INFO_get_msg_imprint(info);
    const ByteView gotHash = octets(TS_MSG_IMPRINT_get_msg(const_cast<TS_MSG_IMPRINT*>(got)));
    if (!std::equal(gotHash.begin(), gotHash.end(), hashed.begin(), hashed.end()))
        throw tsaError(url, tr("the timestamp authority stamped another digest than the one asked for"));
    Bytes token = ossl::i2dBytes(token7, i2d_PKCS7, "the timestamp token");
    const OpenedToken opened = openToken(token, {});
    if (!opened.signatureValid)
        throw tsaError(url,
                       tr("the timestamp authority sent a token that does not verify: ") + opened.problem);
    ERR_clear_error();
    return token;
}

TimestampCheck verifyTimestamp(ByteView token, const ImprintDigest& digestOf, const TrustStore& trust,
                               const std::vector<Certificate>& extraCertificates, const std::string& kind) {
    TimestampCheck out;
    out.info.kind = kind;
    try {
        OpenedToken t = openToken(token, extraCertificates);
        if (t.info) {
            out.at = toTimeT(TS_TST_INFO_get_time(t.info.get()));
            if (*out.at == 0) out.at.reset();
            if (out.at) out.info.time = isoUtc(*out.at);
        }
        if (t.signer) out.info.tsa = t.signer->describe();
        out.info.signatureValid = t.signatureValid;
        if (!t.problem.empty()) {
            out.info.problem = t.problem;
            return out;
        }
        const TS_MSG_IMPRINT* imprint = TS_TST_INFO_get_msg_imprint(t.info.get());
        const X509_ALGOR* alg = TS_MSG_IMPRINT_get_algo(const_cast<TS_MSG_IMPRINT*>(imprint));
        const int nid = alg ? OBJ_obj2nid(alg->algorithm) : NID_undef;
        out.info.digestAlgorithm = cms::digestName(nid);
        const auto algorithm = cms::digestFromNid(nid);
        if (!algorithm || cms::weakDigest(nid)) {
            out.info.problem = fill(tr("the timestamp uses the digest {digest}, which eseal does not accept"),
                                    {{"{digest}", out.info.digestAlgorithm}});
            return out;
        }
        const std::optional<Bytes> expected = digestOf(*algorithm);
        const ByteView got = octets(TS_MSG_IMPRINT_get_msg(const_cast<TS_MSG_IMPRINT*>(imprint)));
        out.info.imprintMatches =
            expected && std::equal(got.begin(), got.end(), expected->begin(), expected->end());
        if (!out.info.imprintMatches) {
            out.info.problem =
                expected ? tr("the timestamp stamps other data (its message imprint does not match)")
                         : tr("the timestamped data could not be read");
            return out;
        }
        if (!out.at) {
            out.info.problem = tr("the timestamp's time cannot be read");
            return out;
        }
        out.intact = true;
        std::vector<Certificate> path = t.certificates;
        path.insert(path.end(), extraCertificates.begin(), extraCertificates.end());
        // The TSA certificate must be valid now: nothing later proves the token existed before
        // it expired (that is what a document timestamp over validation data would do).
        out.info.chain = validateChain(*t.signer, path, trust, now(), KeyUsagePurpose::TimeStamping);
        if (out.info.chain.status != ChainStatus::Trusted) {
            const std::string problem = chainProblem(out.info.chain, out.info.tsa);
            out.info.problem =
                tr("the TSA is not trusted: ") + (problem.empty() ? out.info.chain.message : problem);
        }
    } catch (const std::exception& e) {
        out.intact = false;
        out.info.problem = tr("the timestamp could not be checked: ") + std::string(e.what());
    }
    ERR_clear_error();
    return out;
}

}  // namespace eseal

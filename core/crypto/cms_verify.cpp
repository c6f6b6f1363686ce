#include "core/crypto/cms_verify.hpp"

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <algorithm>

#include "core/base/i18n.hpp"
#include "core/base/time.hpp"
#include "core/crypto/cms_parse_impl.hpp"
#include "core/crypto/digest.hpp"
#include "core/crypto/ess.hpp"
#include "core/crypto/signature_check.hpp"
#include "core/crypto/timestamp.hpp"

namespace eseal {

namespace {

// The DER of the unsigned attribute id-aa-signatureTimeStampToken (RFC 3161
// Appendix A), when there is exactly one.
std::optional<Bytes> signatureTimestampToken(CMS_SignerInfo* si) {
    if (CMS_unsigned_get_attr_count(si) <= 0) return std::nullopt;
    const int at = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1);
    if (at < 0) return std::nullopt;
    X509_ATTRIBUTE* attr = CMS_unsigned_get_attr(si, at);
    ASN1_TYPE* value = attr && X509_ATTRIBUTE_count(attr) == 1 ? X509_ATTRIBUTE_get0_type(attr, 0) : nullptr;
    if (!value || value->type != V_ASN1_SEQUENCE) return Bytes{};  // malformed: checked as an empty token
    const ASN1_STRING* seq = value->value.sequence;
    return Bytes(ASN1_STRING_get0_data(seq), ASN1_STRING_get0_data(seq) + ASN1_STRING_length(seq));
}

// RFC 5652 5.1 SignedData crls: the CRLs a signer put into the CMS.
RevocationData cmsRevocationData(CMS_ContentInfo* cms) {
    RevocationData d;
    d.origin = "signature";
    STACK_OF(X509_CRL)* crls = CMS_get1_crls(cms);
    for (int i = 0; i < sk_X509_CRL_num(crls); ++i) {
        try {
            d.crls.push_back(ossl::i2dBytes(sk_X509_CRL_value(crls, i), i2d_X509_CRL, "a CRL"));
        } catch (const Error&) {
            ERR_clear_error();
        }
    }
    sk_X509_CRL_pop_free(crls, X509_CRL_free);
    ERR_clear_error();
    return d;
}

void addFinding(CmsVerification& out, Indication i, SubIndication s, std::string message) {
    out.verdict.worsenTo(i, s);
    out.errors.push_back(std::move(message));
}

// What the CMS says about itself: algorithms, signer, signing time. False
// when the checks cannot go on (the verdict says why).
bool describeInto(const ParsedCms& parsed, const CmsVerifyOptions& options, CmsVerification& out) {
    if (!parsed.ok()) {
        addFinding(out, Indication::Failed, SubIndication::FormatFailure, parsed.error());
        return false;
    }
    out.digestAlgorithm = parsed.digestAlgorithmName();
    out.signatureAlgorithm = parsed.signatureAlgorithmName();
    // The signing time is reported even when the rest fails.
    if (parsed.signingTimeMalformed()) {
        addFinding(out, Indication::Failed, SubIndication::FormatFailure,
                   tr("The signing-time attribute is malformed (RFC 5652 11.3)."));
    } else if (const auto t = parsed.signingTime()) {
        out.signingTime = isoUtc(*t);
        out.signingTimeSource = "signing-time attribute";
    }
    if (!out.signingTime && options.claimedSigningTime) {
        out.signingTime = isoUtc(*options.claimedSigningTime);
        out.signingTimeSource = options.claimedSigningTimeSource;
    }
    const auto& signerCert = parsed.signer();
    if (!signerCert) {
        addFinding(out, Indication::Indeterminate, SubIndication::NoSigningCertificateFound,
                   tr("The signer's certificate is not included in the signature, so it cannot be checked."));
        return false;
    }
    if (signerCert->der().empty()) {
        addFinding(out, Indication::Failed, SubIndication::FormatFailure,
                   tr("The signer certificate cannot be encoded."));
        return false;
    }
    out.signer = signerCert->describe();
    EVP_PKEY* pub = X509_get0_pubkey(signerCert->get());
    ERR_clear_error();
    if (!pub) {
        addFinding(out, Indication::Failed, SubIndication::FormatFailure,
                   tr("The signer certificate's public key cannot be read."));
        return false;
    }
    return true;
}

void verifyInto(const ParsedCms& parsed, ByteView contentDigestIn, const TrustStore& trust,
                const CmsVerifyOptions& options, CmsVerification& out) {
    auto fail = [&](Indication i, SubIndication s, std::string message) {
        addFinding(out, i, s, std::move(message));
    };
    if (!describeInto(parsed, options, out)) return;
    const ParsedCms::Impl& m = parsed.impl();
    CMS_SignerInfo* si = m.si;
    X509* signer = parsed.signer()->get();
    const ByteView signerDer = parsed.signer()->der();
    EVP_PKEY* pub = X509_get0_pubkey(signer);
    X509_ALGOR* sigAlg = nullptr;
    CMS_SignerInfo_get0_algs(si, nullptr, nullptr, nullptr, &sigAlg);
    const auto method = cms::signatureMethod(sigAlg, m.digestNid);
    const bool hasSignedAttrs = parsed.hasSignedAttributes();

    // --- Content digest: computed by the format (detached signature).
    const auto digestAlgorithm = cms::digestFromNid(m.digestNid);
    const ByteView contentDigest = digestAlgorithm ? contentDigestIn : ByteView();
    bool cryptoUnsupported = false;
    if (!digestAlgorithm) {
        cryptoUnsupported = true;
        fail(Indication::Indeterminate, SubIndication::CryptoConstraintsFailure,
             fill(tr("The signature uses the digest algorithm {algorithm}, which eseal does not accept (too "
                     "weak "
                     "or unknown); the content was not checked."),
                  {{"{algorithm}", out.digestAlgorithm}}));
    }
    if (!method) {
        cryptoUnsupported = true;
        fail(Indication::Indeterminate, SubIndication::CryptoConstraintsFailure,
             fill(tr("The signature algorithm {algorithm} is not supported by eseal."),
                  {{"{algorithm}", out.signatureAlgorithm}}));
    } else if (!cms::keyFits(pub, method->scheme)) {
        fail(Indication::Failed, SubIndication::FormatFailure,
             fill(tr("The signature algorithm {algorithm} does not fit the signer's key."),
                  {{"{algorithm}", out.signatureAlgorithm}}));
        return;
    }
    const ASN1_OCTET_STRING* sigValue = CMS_SignerInfo_get0_signature(si);
    const ByteView signature(ASN1_STRING_get0_data(sigValue),
                             static_cast<std::size_t>(ASN1_STRING_length(sigValue)));

    if (hasSignedAttrs) {
        // RFC 5652 5.3 / 11.1 / 11.2: content-type and message-digest are required,
        // each once with one value; content-type equals eContentType.
        const ASN1_TYPE* contentType = cms::singleValue(si, NID_pkcs9_contentType);
        const ASN1_TYPE* messageDigest = cms::singleValue(si, NID_pkcs9_messageDigest);
        if (!contentType || contentType->type != V_ASN1_OBJECT) {
            fail(Indication::Failed, SubIndication::FormatFailure,
                 tr("The content-type signed attribute is missing or malformed (RFC 5652 11.1)."));
            return;
        }
        if (OBJ_cmp(contentType->value.object, CMS_get0_eContentType(m.cms.get())) != 0) {
            fail(Indication::Failed, SubIndication::FormatFailure,
                 tr("The content-type signed attribute does not match the signed content type."));
            return;
        }
        if (!messageDigest || messageDigest->type != V_ASN1_OCTET_STRING) {
            fail(Indication::Failed, SubIndication::FormatFailure,
                 tr("The message-digest signed attribute is missing or malformed (RFC 5652 11.2)."));
            return;
        }
        if (digestAlgorithm) {
            const ASN1_OCTET_STRING* md = messageDigest->value.octet_string;
            const ByteView claimed(ASN1_STRING_get0_data(md),
                                   static_cast<std::size_t>(ASN1_STRING_length(md)));
            out.digestMatches =
                std::equal(claimed.begin(), claimed.end(), contentDigest.begin(), contentDigest.end());
            if (!out.digestMatches)
                fail(Indication::Failed, SubIndication::HashFailure,
                     tr("The document was changed after it was signed: its digest does not match the signed "
                        "one."));
        }
        if (method) {
            const ByteView attrs = parsed.signedAttributes();
            out.signatureValid = !attrs.empty() && cms::verifyOverData(pub, *method, attrs, signature);
            ERR_clear_error();
            if (!out.signatureValid)
                fail(Indication::Failed, SubIndication::SigCryptoFailure,
                     tr("The signature value does not verify with the signer's public key."));
        }
        // RFC 5035 / ETSI EN 319 122-1 5.2.2: the signed attributes bind the signer certificate.
        switch (cms::checkSigningCertificate(si, signer, signerDer)) {
            case cms::Binding::Matches:
                out.signingCertificateBound = true;
                break;
            case cms::Binding::Absent:
                out.warnings.push_back(
                    tr("The signature does not bind its signer certificate (no signing-certificate-v2 "
                       "attribute); "
                       "the certificate could be swapped for another with the same key."));
                break;
            case cms::Binding::Mismatch:
                fail(Indication::Failed, SubIndication::FormatFailure,
                     tr("The signing-certificate attribute names a certificate other than the signer's."));
                break;
            case cms::Binding::Malformed:
                fail(Indication::Failed, SubIndication::FormatFailure,
                     tr("The signing-certificate attribute is malformed."));
                break;
        }
    } else {
        // No signed attributes (older adbe.pkcs7.detached signers): the
        // signature is over the content digest itself (RFC 5652 5.4).
        out.warnings.push_back(tr(
            "The signature has no signed attributes, so it does not bind the signer certificate or a content "
            "type."));
        if (method && digestAlgorithm) {
            if (method->scheme == SignatureScheme::Sm2) {
                cryptoUnsupported = true;
                fail(Indication::Indeterminate, SubIndication::CryptoConstraintsFailure,
                     tr("SM2 signatures without signed attributes cannot be checked by eseal."));
            } else if (method->mdNid != m.digestNid) {
                fail(Indication::Failed, SubIndication::FormatFailure,
                     tr("The signature and digest algorithms of the signature disagree."));
            } else {
                out.signatureValid = cms::verifyOverDigest(pub, *method, contentDigest, signature);
                ERR_clear_error();
                out.digestMatches = out.signatureValid;
                if (!out.signatureValid)
                    fail(Indication::Failed, SubIndication::SigCryptoFailure,
                         tr("The signature does not verify: the document was changed or the signature is "
                            "damaged."));
            }
        }
    }

    // --- Signature timestamp (ETSI EN 319 102-1 5.4, PAdES B-T): a valid token
    // from a trusted TSA proves the signature existed at its time.
    std::optional<std::time_t> provenTime;
    if (const auto token = signatureTimestampToken(si)) {
        const Bytes value(signature.begin(), signature.end());
        const TimestampCheck ts = verifyTimestamp(
            *token, [&](DigestAlgorithm a) { return std::optional<Bytes>(digest(a, value)); }, trust,
            options.extraCertificates, "signature");
        out.timestamp = ts.info;
        if (ts.trusted()) {
            out.timestamped = true;
            provenTime = ts.at;
            out.signingTime = ts.info.time;
            out.signingTimeSource = "timestamp";
        } else if (!ts.intact) {
            fail(Indication::Indeterminate, SubIndication::SigCryptoFailure,
                 fill(tr("The signature timestamp is not valid: {problem}."),
                      {{"{problem}", ts.info.problem}}));
        } else {
            out.warnings.push_back(
                fill(tr("The signature timestamp does not prove the signing time: {problem}."),
                     {{"{problem}", ts.info.problem}}));
        }
    }

    // --- Chain. Validation time: the options', else the proven time of a
    // timestamp, else now. A B-B signature has no proof of existence, so its
    // claimed time cannot be used (ETSI EN 319 102-1).
    const std::time_t at = options.validationTime ? *options.validationTime
                           : provenTime           ? *provenTime
                                                  : now();
    out.warnings.insert(out.warnings.end(), trust.warnings().begin(), trust.warnings().end());
    std::vector<Certificate> pathCandidates = parsed.certificates();
    pathCandidates.insert(pathCandidates.end(), options.extraCertificates.begin(),
                          options.extraCertificates.end());
    // RFC 5280 4.2.2.1: with --online, issuers the file lacks from caIssuers URLs.
    const auto fetched =
        aiaPathCandidates(*parsed.signer(), pathCandidates, trust, options.aia, out.warnings);
    pathCandidates.insert(pathCandidates.end(), fetched.begin(), fetched.end());
    std::vector<Certificate> path;
    out.chain =
        validateChain(*parsed.signer(), pathCandidates, trust, at, KeyUsagePurpose::DocumentSigning, &path);
    if (provenTime) {
        out.chain.message += std::string("; ") + tr("checked at the time of the signature timestamp");
    } else if (!options.validationTime && out.signingTime && *out.signingTime != out.chain.validationTime)
        out.chain.message += "; " + fill(tr("checked at the current time, because the claimed signing time "
                                            "{time} is not proven by a timestamp"),
                                         {{"{time}", *out.signingTime}});
    if (out.chain.status != ChainStatus::Trusted) {
        const std::string problem = chainProblem(out.chain, out.signer);
        fail(Indication::Indeterminate, chainSubIndication(out.chain.status),
             problem.empty() ? out.chain.message : problem);
    }

    // --- Revocation (RFC 5280 6.3, RFC 6960) of a trusted path, at the validation time.
    if (out.chain.status == ChainStatus::Trusted) {
        RevocationRequest request;
        request.data = options.revocation;
        request.data.push_back(cmsRevocationData(m.cms.get()));
        request.online = options.online;
        request.at = at;
        out.revocation = checkRevocation(path, request, trust).info;
        if (out.revocation.status == RevocationStatus::Revoked)
            fail(Indication::Failed, SubIndication::Revoked,
                 fill(tr("The certificate was revoked: {why}."), {{"{why}", out.revocation.message}}));
        else if (out.revocation.status == RevocationStatus::Unknown)
            fail(Indication::Indeterminate, SubIndication::TryLater,
                 fill(tr("The revocation status is not known: {why}."), {{"{why}", out.revocation.message}}));
        else if (out.revocation.status == RevocationStatus::NotChecked && !out.revocation.message.empty())
            out.warnings.push_back(
                fill(tr("Revocation was not checked: {why}."), {{"{why}", out.revocation.message}}));
    }

    // --- Cryptographic constraints: reported only when nothing else is wrong.
    std::vector<std::string> weak;
    if (cms::weakDigest(m.digestNid) && !cryptoUnsupported)
        weak.push_back(fill(tr("the digest algorithm {name}"), {{"{name}", out.digestAlgorithm}}));
    if (method && cms::weakDigest(method->mdNid) && method->mdNid != m.digestNid)
        weak.push_back(fill(tr("the signature digest {name}"), {{"{name}", cms::digestName(method->mdNid)}}));
    const int bits = EVP_PKEY_get_bits(pub);
    if ((EVP_PKEY_is_a(pub, "RSA") || EVP_PKEY_is_a(pub, "RSA-PSS")) && bits < 2048)
        weak.push_back(fill(tr("an RSA key of {bits} bits"), {{"{bits}", std::to_string(bits)}}));
    if (EVP_PKEY_is_a(pub, "EC") && bits < 256)
        weak.push_back(fill(tr("an EC key of {bits} bits"), {{"{bits}", std::to_string(bits)}}));
    for (const auto& w : weak)
        out.warnings.push_back(
            fill(tr("The signature uses {what}, which is too weak to be relied on today."), {{"{what}", w}}));
    if (!weak.empty() && out.verdict.passed())
        fail(Indication::Indeterminate, SubIndication::CryptoConstraintsFailure,
             tr("The signature is intact but uses weak cryptography (see warnings)."));
}

}  // namespace

CmsVerification verifyCms(const ParsedCms& parsed, ByteView contentDigest, const TrustStore& trust,
                          const CmsVerifyOptions& options) {
    CmsVerification out;
    try {
        verifyInto(parsed, contentDigest, trust, options, out);
    } catch (const std::exception& e) {
        addFinding(out, Indication::Failed, SubIndication::FormatFailure,
                   fill(tr("The signature could not be processed: {why}"), {{"{why}", e.what()}}));
    }
    ERR_clear_error();
    return out;
}

CmsVerification contentUnreadable(const ParsedCms& parsed, const CmsVerifyOptions& options,
                                  const std::string& why) {
    CmsVerification out;
    try {
        if (describeInto(parsed, options, out))
            addFinding(out, Indication::Indeterminate, SubIndication::SignedDataNotFound,
                       fill(tr("The signed content could not be read: {why}"), {{"{why}", why}}));
    } catch (const std::exception& e) {
        addFinding(out, Indication::Failed, SubIndication::FormatFailure,
                   fill(tr("The signature could not be processed: {why}"), {{"{why}", e.what()}}));
    }
    ERR_clear_error();
    return out;
}

void CmsVerification::recordIn(SignatureReport& report) const {
    report.verdict.worsenTo(verdict);
    report.errors.insert(report.errors.end(), errors.begin(), errors.end());
    report.warnings.insert(report.warnings.end(), warnings.begin(), warnings.end());
    report.signer = signer;
    report.digestAlgorithm = digestAlgorithm;
    report.signatureAlgorithm = signatureAlgorithm;
    if (signingTime) {
        report.signingTime = signingTime;
        report.signingTimeSource = signingTimeSource;
    }
    report.digestMatches = digestMatches;
    report.signatureValid = signatureValid;
    report.signingCertificateBound = signingCertificateBound;
    report.chain = chain;
    report.timestamp = timestamp;
    report.revocation = revocation;
    report.timestamped = timestamped;
}

}  // namespace eseal

#include "core/crypto/chain.hpp"

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "core/base/i18n.hpp"
#include "core/base/time.hpp"
#include "core/crypto/sm2.hpp"
#include "core/ossl/ossl.hpp"

namespace eseal {

namespace {

std::string opensslErrors() {
    std::string text;
    unsigned long code = 0;
    while ((code = ERR_get_error()) != 0) {
        char buf[256];
        ERR_error_string_n(code, buf, sizeof buf);
        if (!text.empty()) text += "; ";
        text += buf;
    }
    return text;
}

struct ChainError {
    int code;
    int depth;
};

extern "C" int collectChainErrors(int ok, X509_STORE_CTX* ctx) {
    if (!ok) {
        auto* errors = static_cast<std::vector<ChainError>*>(X509_STORE_CTX_get_ex_data(ctx, 0));
        if (errors) errors->push_back({X509_STORE_CTX_get_error(ctx), X509_STORE_CTX_get_error_depth(ctx)});
        // Go on, so every problem of the chain is known, not only the first.
        return 1;
    }
    return ok;
}

ChainStatus classify(int code) {
    switch (code) {
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
            return ChainStatus::Incomplete;
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        case X509_V_ERR_CERT_UNTRUSTED:
        case X509_V_ERR_CERT_REJECTED:
            return ChainStatus::Untrusted;
        case X509_V_ERR_CERT_HAS_EXPIRED:
            return ChainStatus::Expired;
        case X509_V_ERR_CERT_NOT_YET_VALID:
            return ChainStatus::NotYetValid;
        default:
            return ChainStatus::Invalid;
    }
}

// Which status the chain reports when it has several problems: a missing
// path first (nothing else means much without one), then broken signatures
// and constraints, then validity periods.
int chainPriority(ChainStatus s) {
    switch (s) {
        case ChainStatus::Incomplete:
            return 6;
        case ChainStatus::Untrusted:
            return 5;
        case ChainStatus::Invalid:
            return 4;
        case ChainStatus::Expired:
            return 3;
        case ChainStatus::NotYetValid:
            return 2;
        case ChainStatus::KeyUsageInvalid:
            return 1;
        case ChainStatus::Trusted:
        case ChainStatus::NotChecked:
            return 0;
    }
    return 0;
}

std::string whichCert(int depth) {
    return depth == 0 ? std::string(tr("the signer certificate"))
                      : fill(tr("the issuing CA certificate at depth {depth}"),
                             {{"{depth}", std::to_string(depth)}});
}

}  // namespace

ChainReport validateChain(const Certificate& signer, const std::vector<Certificate>& extraCertificates,
                          const TrustStore& trust, std::time_t atTime, KeyUsagePurpose usage,
                          std::vector<Certificate>* pathOut) {
    ChainReport out;
    out.validationTime = isoUtc(atTime);
    // SM2 certificate signatures are checked with the GM/T 0009 default ID.
    sm2::useDefaultIdForCertificate(signer.get());
    ossl::X509StackPtr untrusted(sk_X509_new_null());
    // The signature's certificates, then the intermediates the user keeps
    // (${XDG_CONFIG_HOME:-~/.config}/eseal/certs/): neither is trusted, both build paths.
    for (const auto* list : {&extraCertificates, &trust.intermediates()})
        for (const auto& c : *list) {
            sm2::useDefaultIdForCertificate(c.get());
            if (untrusted && sk_X509_push(untrusted.get(), c.get()) > 0) X509_up_ref(c.get());
        }
    ossl::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
    std::vector<ChainError> errors;
    if (!trust.get() || !untrusted || !ctx ||
        X509_STORE_CTX_init(ctx.get(), trust.get(), signer.get(), untrusted.get()) != 1) {
        out.status = ChainStatus::NotChecked;
        out.message = tr("the certificate chain could not be checked: ") + opensslErrors();
        return out;
    }
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
    X509_VERIFY_PARAM_set_time(param, atTime);
    // A trust anchor need not be self-signed (RFC 5280 6.1.1(d)): an
    // intermediate the user trusts ends the path.
    X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
    X509_STORE_CTX_set_ex_data(ctx.get(), 0, &errors);
    X509_STORE_CTX_set_verify_cb(ctx.get(), collectChainErrors);
    const int rc = X509_verify_cert(ctx.get());
    if (rc < 0 && errors.empty()) errors.push_back({X509_STORE_CTX_get_error(ctx.get()), 0});
    ERR_clear_error();

    if (STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get()))
        for (int i = 0; i < sk_X509_num(chain); ++i) {
            const Certificate c(sk_X509_value(chain, i));
            out.path.push_back(c.describe());
            if (pathOut) pathOut->push_back(c);
        }

    ChainStatus status = ChainStatus::Trusted;
    std::string message;
    for (const auto& e : errors) {
        const ChainStatus s = classify(e.code);
        if (chainPriority(s) > chainPriority(status)) {
            status = s;
            message = std::string(X509_verify_cert_error_string(e.code)) + " (" + whichCert(e.depth) + ")";
        }
    }
    // RFC 5280 4.2.1.3: a signer certificate with a key usage extension must
    // allow digitalSignature or nonRepudiation to sign documents.
    if (usage == KeyUsagePurpose::DocumentSigning && status == ChainStatus::Trusted &&
        (X509_get_extension_flags(signer.get()) & EXFLAG_KUSAGE) &&
        !(X509_get_key_usage(signer.get()) & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION))) {
        status = ChainStatus::KeyUsageInvalid;
        message = tr("the signer certificate's key usage allows neither digitalSignature nor nonRepudiation");
    }
    if (usage == KeyUsagePurpose::TimeStamping && status == ChainStatus::Trusted) {
        const int idx = X509_get_ext_by_NID(signer.get(), NID_ext_key_usage, -1);
        const bool critical = idx >= 0 && X509_EXTENSION_get_critical(X509_get_ext(signer.get(), idx)) == 1;
        if (!(X509_get_extension_flags(signer.get()) & EXFLAG_XKUSAGE) ||
            X509_get_extended_key_usage(signer.get()) != XKU_TIMESTAMP || !critical) {
            status = ChainStatus::KeyUsageInvalid;
            message =
                tr("the TSA certificate lacks the critical extended key usage timeStamping (RFC 3161 2.3)");
        }
    }
    if (usage == KeyUsagePurpose::OcspSigning && status == ChainStatus::Trusted &&
        !(X509_get_extended_key_usage(signer.get()) & XKU_OCSP_SIGN)) {
        status = ChainStatus::KeyUsageInvalid;
        message =
            tr("the OCSP responder certificate lacks the extended key usage OCSPSigning (RFC 6960 4.2.2.2)");
    }
    ERR_clear_error();
    if (status == ChainStatus::Trusted)
        message = tr("a path to a trusted root was found and every certificate is valid");
    out.status = status;
    out.message = message;
    return out;
}

//   trusted             -> PASSED
//   untrusted root      -> INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND
//   missing issuer      -> INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND
//   expired             -> INDETERMINATE / OUT_OF_BOUNDS_NO_POE (no proof of existence before expiry)
//   not yet valid       -> INDETERMINATE / NOT_YET_VALID
//   key usage           -> INDETERMINATE / CHAIN_CONSTRAINTS_FAILURE
//   other chain errors  -> INDETERMINATE / CERTIFICATE_CHAIN_GENERAL_FAILURE
SubIndication chainSubIndication(ChainStatus s) {
    switch (s) {
        case ChainStatus::Untrusted:
        case ChainStatus::Incomplete:
            return SubIndication::NoCertificateChainFound;
        case ChainStatus::Expired:
            return SubIndication::OutOfBoundsNoPoe;
        case ChainStatus::NotYetValid:
            return SubIndication::NotYetValid;
        case ChainStatus::KeyUsageInvalid:
            return SubIndication::ChainConstraintsFailure;
        case ChainStatus::Invalid:
        case ChainStatus::NotChecked:
            return SubIndication::CertificateChainGeneralFailure;
        case ChainStatus::Trusted:
            break;
    }
    return SubIndication::None;
}

std::string chainProblem(const ChainReport& chain, const std::optional<CertificateInfo>& signerInfo) {
    const std::string signer = signerInfo ? signerInfo->commonName : std::string(tr("the signer"));
    const std::vector<std::pair<std::string, std::string>> names{{"{signer}", signer},
                                                                 {"{time}", chain.validationTime}};
    switch (chain.status) {
        case ChainStatus::Untrusted:
            return fill(
                tr("The certificate of {signer} leads to a root that is not trusted here. If you know "
                   "this issuer, add its root certificate with --trust or to ~/.config/eseal/trust."),
                names);
        case ChainStatus::Incomplete:
            return fill(tr("The certificate chain of {signer} is incomplete: an issuing CA certificate is "
                           "neither in the signature nor among the trusted certificates or those in "
                           "~/.config/eseal/certs."),
                        names);
        case ChainStatus::Expired:
            return fill(tr("A certificate in the chain of {signer} was expired at {time}, and no timestamp "
                           "proves the signature was made while it was valid."),
                        names);
        case ChainStatus::NotYetValid:
            return fill(tr("A certificate in the chain of {signer} was not yet valid at {time}."), names);
        case ChainStatus::KeyUsageInvalid: {
            std::string usages;
            if (signerInfo)
                for (const auto& u : signerInfo->keyUsage) usages += (usages.empty() ? "" : ", ") + u;
            return fill(
                tr("The certificate of {signer} is not meant for signing (key usage: {usages})."),
                {{"{signer}", signer}, {"{usages}", usages.empty() ? std::string(tr("none")) : usages}});
        }
        case ChainStatus::Invalid:
            return fill(tr("The certificate chain of {signer} is invalid: {message}."),
                        {{"{signer}", signer}, {"{message}", chain.message}});
        case ChainStatus::Trusted:
        case ChainStatus::NotChecked:
            break;
    }
    return {};
}

}  // namespace eseal

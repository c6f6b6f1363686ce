#include "core/token/signing_certificate.hpp"

#include <openssl/x509v3.h>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/crypto/cms_verify.hpp"
#include "core/ossl/error.hpp"
#include "core/ossl/ossl.hpp"

namespace eseal {

namespace {

bool maySign(X509* x) {
    // Without the extension any use is allowed (RFC 5280 4.2.1.3).
    if (!(X509_get_extension_flags(x) & EXFLAG_KUSAGE)) return true;
    return (X509_get_key_usage(x) & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) != 0;
}

std::string replaceAll(std::string text, const std::string& what, const std::string& with) {
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + with.size()))
        text.replace(at, what.size(), with);
    return text;
}

}  // namespace

bool isSigningCertificate(ByteView der) {
    ossl::X509Ptr x = ossl::parseCertificate(der);
    return maySign(x.get());
}

std::optional<std::string> requireSigningCertificate(ByteView der, std::time_t now) {
    ossl::X509Ptr x = ossl::parseCertificate(der);
    const CertificateInfo info = describeCertificate(der);
    const std::string name = fill(
        tr("'{name}' (serial {serial})"),
        {{"{name}", info.commonName.empty() ? info.subject : info.commonName}, {"{serial}", info.serialHex}});
    auto say = [&](const char* msgid) {
        return replaceAll(replaceAll(replaceAll(tr(msgid), "{cert}", name), "{from}", info.notBefore), "{to}",
                          info.notAfter);
    };
    if (X509_cmp_time(X509_get0_notAfter(x.get()), &now) < 0)
        throw TokenError(TokenError::Kind::Other,
                         say(N_("certificate {cert} expired on {to}; seal with a valid certificate "
                                "(ask the issuing CA to renew it)")));
    if (X509_cmp_time(X509_get0_notBefore(x.get()), &now) > 0)
        throw TokenError(
            TokenError::Kind::Other,
            say(N_("certificate {cert} is not valid before {from}; check the computer's clock")));
    if (!maySign(x.get()))
        throw TokenError(TokenError::Kind::Other,
                         say(N_("certificate {cert} may not sign (its key usage has neither digitalSignature "
                                "nor nonRepudiation; it is an encryption certificate)")));
    int days = 0, seconds = 0;
    ASN1_TIME* nowTime = ASN1_TIME_set(nullptr, now);
    const bool ok = nowTime && ASN1_TIME_diff(&days, &seconds, nowTime, X509_get0_notAfter(x.get())) == 1;
    ASN1_TIME_free(nowTime);
    if (ok && days < 30)
        return replaceAll(say(N_("certificate {cert} expires on {to}, in fewer than 30 days ({days} left); "
                                 "ask the issuing CA to renew it")),
                          "{days}", std::to_string(days));
    return std::nullopt;
}

}  // namespace eseal

#include "core/crypto/cms_parse.hpp"

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <algorithm>

#include "core/base/i18n.hpp"
#include "core/crypto/cms_parse_impl.hpp"
#include "core/crypto/der.hpp"
#include "core/crypto/signature_check.hpp"
#include "core/ossl/ossl.hpp"

namespace eseal {

namespace {

// The signed attributes exactly as received (RFC 5652 5.4: the DER SET OF,
// tag 0x31, not the [0] IMPLICIT tag), found by walking the DER. nullopt when
// the encoding is not DER (e.g. BER indefinite lengths).
std::optional<Bytes> rawSignedAttributes(ByteView cms) {
    der::Reader top(cms);
    auto contentInfo = top.nextIf(der::kSequence);
    if (!contentInfo) return std::nullopt;
    der::Reader ci(contentInfo->content);
    if (!ci.nextIf(der::kOid)) return std::nullopt;
    auto explicit0 = ci.nextIf(der::contextConstructed(0));
    if (!explicit0) return std::nullopt;
    der::Reader e(explicit0->content);
    auto signedData = e.nextIf(der::kSequence);
    if (!signedData) return std::nullopt;
    der::Reader sd(signedData->content);
    if (!sd.nextIf(der::kInteger) || !sd.nextIf(der::kSet) || !sd.nextIf(der::kSequence)) return std::nullopt;
    sd.nextIf(der::contextConstructed(0));  // certificates
    sd.nextIf(der::contextConstructed(1));  // crls
    auto signerInfos = sd.nextIf(der::kSet);
    if (!signerInfos) return std::nullopt;
    der::Reader sis(signerInfos->content);
    auto si = sis.nextIf(der::kSequence);
    if (!si) return std::nullopt;
    der::Reader s(si->content);
    if (!s.nextIf(der::kInteger) || !s.next() || !s.nextIf(der::kSequence)) return std::nullopt;
    auto attrs = s.nextIf(der::contextConstructed(0));
    if (!attrs) return std::nullopt;
    // Same length and content octets; only the tag differs.
    Bytes out;
    out.reserve(attrs->whole.size());
    out.push_back(der::kSet);
    out.insert(out.end(), attrs->whole.begin() + 1, attrs->whole.end());
    return out;
}

// The same bytes rebuilt from the parsed attributes in received order, as
// OpenSSL itself does; used when the input is BER (signed attributes) and for
// the unsigned attributes.
Bytes reencodedAttributes(const CMS_SignerInfo* si, int (*count)(const CMS_SignerInfo*),
                          X509_ATTRIBUTE* (*get)(const CMS_SignerInfo*, int)) {
    Bytes content;
    const int n = count(si);
    for (int i = 0; i < n; ++i) {
        unsigned char* buf = nullptr;
        const int len = i2d_X509_ATTRIBUTE(get(si, i), &buf);
        if (len <= 0) return {};
        content.insert(content.end(), buf, buf + len);
        OPENSSL_free(buf);
    }
    return der::tlv(der::kSet, content);
}

void parseInto(ByteView bytes, ParsedCms::Impl& m) {
    if (bytes.empty()) {
        m.error = tr("The signature is empty.");
        return;
    }
    const unsigned char* p = bytes.data();
    m.cms.reset(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(bytes.size())));
    ERR_clear_error();
    if (!m.cms) {
        m.error = tr("The signature data is not a valid CMS/PKCS#7 structure (damaged or truncated).");
        return;
    }
    const std::size_t used = static_cast<std::size_t>(p - bytes.data());
    if (!std::all_of(bytes.begin() + static_cast<std::ptrdiff_t>(used), bytes.end(),
                     [](std::uint8_t b) { return b == 0; })) {
        m.error = tr("Unexpected data follows the signature (only zero padding is allowed).");
        return;
    }
    m.der.assign(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(used));
    CMS_ContentInfo* cms = m.cms.get();
    if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
        m.error = tr("The signature is not CMS SignedData.");
        return;
    }
    if (ASN1_OCTET_STRING** content = CMS_get0_content(cms); content && *content) {
        m.error =
            tr("The signature embeds its own content instead of signing the document (not a detached "
               "signature).");
        return;
    }
    STACK_OF(CMS_SignerInfo)* signerInfos = CMS_get0_SignerInfos(cms);
    if (!signerInfos || sk_CMS_SignerInfo_num(signerInfos) != 1) {
        m.error = fill(tr("The signature must hold exactly one signer; it holds {n}."),
                       {{"{n}", std::to_string(signerInfos ? sk_CMS_SignerInfo_num(signerInfos) : 0)}});
        return;
    }
    m.si = sk_CMS_SignerInfo_value(signerInfos, 0);

    X509_ALGOR* digestAlg = nullptr;
    X509_ALGOR* sigAlg = nullptr;
    CMS_SignerInfo_get0_algs(m.si, nullptr, nullptr, &digestAlg, &sigAlg);
    const ASN1_OBJECT* digestObj = nullptr;
    X509_ALGOR_get0(&digestObj, nullptr, nullptr, digestAlg);
    m.digestNid = OBJ_obj2nid(digestObj);
    m.digestName = m.digestNid == NID_undef ? cms::objText(digestObj) : cms::digestName(m.digestNid);
    if (const auto method = cms::signatureMethod(sigAlg, m.digestNid)) {
        m.signatureName = method->text;
    } else {
        const ASN1_OBJECT* sigObj = nullptr;
        X509_ALGOR_get0(&sigObj, nullptr, nullptr, sigAlg);
        m.signatureName = cms::objText(sigObj);
    }

    // The signer certificate, by sid (issuerAndSerialNumber or subjectKeyIdentifier).
    ossl::X509StackPtr certs(CMS_get1_certs(cms));
    for (int i = 0; certs && i < sk_X509_num(certs.get()); ++i) {
        X509* c = sk_X509_value(certs.get(), i);
        m.certificates.emplace_back(c);
        if (!m.signer && CMS_SignerInfo_cert_cmp(m.si, c) == 0) m.signer = m.certificates.back();
    }
    ERR_clear_error();

    m.hasSignedAttributes = CMS_signed_get_attr_count(m.si) > 0;
    if (m.hasSignedAttributes) {
        std::optional<Bytes> attrs = rawSignedAttributes(m.der);
        m.signedAttributes = attrs
                                 ? std::move(*attrs)
                                 : reencodedAttributes(m.si, CMS_signed_get_attr_count, CMS_signed_get_attr);
        if (cms::countAttributes(m.si, NID_pkcs9_signingTime) > 0) {
            const ASN1_TYPE* t = cms::singleValue(m.si, NID_pkcs9_signingTime);
            if (!t || (t->type != V_ASN1_UTCTIME && t->type != V_ASN1_GENERALIZEDTIME) ||
                ASN1_TIME_check(t->value.utctime) != 1)
                m.signingTimeMalformed = true;
            else
                m.signingTime = toTimeT(t->value.utctime);
        }
    }
    if (CMS_unsigned_get_attr_count(m.si) > 0)
        m.unsignedAttributes = reencodedAttributes(m.si, CMS_unsigned_get_attr_count, CMS_unsigned_get_attr);
}

const std::optional<Certificate> kNoCertificate;
const std::vector<Certificate> kNoCertificates;

}  // namespace

namespace cms {

int countAttributes(const CMS_SignerInfo* si, int nid) {
    int count = 0;
    for (int pos = CMS_signed_get_attr_by_NID(si, nid, -1); pos >= 0;
         pos = CMS_signed_get_attr_by_NID(si, nid, pos))
        ++count;
    return count;
}

const ASN1_TYPE* singleValue(const CMS_SignerInfo* si, int nid) {
    if (countAttributes(si, nid) != 1) return nullptr;
    X509_ATTRIBUTE* attr = CMS_signed_get_attr(si, CMS_signed_get_attr_by_NID(si, nid, -1));
    if (!attr || X509_ATTRIBUTE_count(attr) != 1) return nullptr;
    return X509_ATTRIBUTE_get0_type(attr, 0);
}

}  // namespace cms

ParsedCms parseCms(ByteView der) {
    auto impl = std::make_shared<ParsedCms::Impl>();
    try {
        parseInto(der, *impl);
    } catch (const std::exception& e) {
        impl->error = fill(tr("The signature could not be processed: {why}"), {{"{why}", e.what()}});
    }
    ERR_clear_error();
    ParsedCms parsed;
    parsed.impl_ = std::move(impl);
    return parsed;
}

bool ParsedCms::ok() const noexcept { return impl_ && impl_->error.empty(); }
const std::string& ParsedCms::error() const noexcept { return impl_->error; }
std::optional<DigestAlgorithm> ParsedCms::digestAlgorithm() const {
    return ok() ? cms::digestFromNid(impl_->digestNid) : std::nullopt;
}
std::string ParsedCms::digestAlgorithmName() const { return ok() ? impl_->digestName : std::string(); }
std::string ParsedCms::signatureAlgorithmName() const { return ok() ? impl_->signatureName : std::string(); }
const std::optional<Certificate>& ParsedCms::signer() const { return ok() ? impl_->signer : kNoCertificate; }
const std::vector<Certificate>& ParsedCms::certificates() const {
    return ok() ? impl_->certificates : kNoCertificates;
}
bool ParsedCms::hasSignedAttributes() const { return ok() && impl_->hasSignedAttributes; }
ByteView ParsedCms::signedAttributes() const { return ok() ? ByteView(impl_->signedAttributes) : ByteView(); }
ByteView ParsedCms::unsignedAttributes() const {
    return ok() ? ByteView(impl_->unsignedAttributes) : ByteView();
}
std::optional<std::time_t> ParsedCms::signingTime() const { return ok() ? impl_->signingTime : std::nullopt; }
bool ParsedCms::signingTimeMalformed() const { return ok() && impl_->signingTimeMalformed; }

}  // namespace eseal

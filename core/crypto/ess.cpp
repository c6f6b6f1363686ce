#include "core/crypto/ess.hpp"

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <algorithm>

#include "core/crypto/cms_parse.hpp"
#include "core/crypto/der.hpp"

namespace eseal::cms {

namespace {

Bytes nameDer(const X509_NAME* name) {
    unsigned char* buf = nullptr;
    const int len = i2d_X509_NAME(name, &buf);
    if (len <= 0) return {};
    Bytes out(buf, buf + len);
    OPENSSL_free(buf);
    return out;
}

// RFC 5035 / RFC 2634 5.4: the first ESSCertID(v2) names the signer certificate.
Binding checkCertId(ByteView sequenceDer, bool v2, X509* signer, ByteView signerDer) {
    der::Reader top(sequenceDer);
    auto signingCert = top.nextIf(der::kSequence);
    if (!signingCert || !top.empty()) return Binding::Malformed;
    der::Reader sc(signingCert->content);
    auto certs = sc.nextIf(der::kSequence);
    if (!certs) return Binding::Malformed;
    der::Reader ids(certs->content);
    auto first = ids.nextIf(der::kSequence);
    if (!first) return Binding::Malformed;
    der::Reader id(first->content);
    int hashNid = v2 ? NID_sha256 : NID_sha1;  // ESSCertIDv2 DEFAULT id-sha256; ESSCertID is SHA-1
    if (v2) {
        if (auto alg = id.nextIf(der::kSequence)) {
            der::Reader a(alg->content);
            auto oid = a.nextIf(der::kOid);
            if (!oid) return Binding::Malformed;
            hashNid = OBJ_txt2nid(der::oidText(oid->content).c_str());
        }
    }
    auto hash = id.nextIf(der::kOctetString);
    if (!hash) return Binding::Malformed;
    const EVP_MD* md = EVP_get_digestbynid(hashNid);
    if (!md) return Binding::Malformed;
    unsigned char computed[EVP_MAX_MD_SIZE];
    unsigned int computedLen = 0;
    if (EVP_Digest(signerDer.data(), signerDer.size(), computed, &computedLen, md, nullptr) != 1)
        return Binding::Malformed;
    if (hash->content.size() != computedLen ||
        !std::equal(hash->content.begin(), hash->content.end(), computed))
        return Binding::Mismatch;
    if (auto issuerSerial = id.nextIf(der::kSequence)) {
        der::Reader is(issuerSerial->content);
        auto names = is.nextIf(der::kSequence);
        auto serial = is.nextIf(der::kInteger);
        if (!names || !serial) return Binding::Malformed;
        unsigned char* buf = nullptr;
        const int len = i2d_ASN1_INTEGER(X509_get0_serialNumber(signer), &buf);
        if (len <= 0) return Binding::Malformed;
        const bool serialOk = serial->whole.size() == static_cast<std::size_t>(len) &&
                              std::equal(serial->whole.begin(), serial->whole.end(), buf);
        OPENSSL_free(buf);
        if (!serialOk) return Binding::Mismatch;
        const Bytes issuer = nameDer(X509_get_issuer_name(signer));
        bool issuerOk = false;
        der::Reader gn(names->content);
        while (auto name = gn.next())
            if (name->tag == der::contextConstructed(4) &&  // directoryName [4] EXPLICIT Name
                std::equal(name->content.begin(), name->content.end(), issuer.begin(), issuer.end()))
                issuerOk = true;
        if (!issuerOk) return Binding::Mismatch;
    }
    return Binding::Matches;
}

}  // namespace

Binding checkSigningCertificate(const CMS_SignerInfo* si, X509* signer, ByteView signerDer) {
    Binding result = Binding::Absent;
    for (const auto& [nid, v2] : {std::pair{NID_id_smime_aa_signingCertificateV2, true},
                                  std::pair{NID_id_smime_aa_signingCertificate, false}}) {
        const int count = countAttributes(si, nid);
        if (count == 0) continue;
        const ASN1_TYPE* value = singleValue(si, nid);
        if (!value || value->type != V_ASN1_SEQUENCE) return Binding::Malformed;
        const ASN1_STRING* s = value->value.sequence;
        const Binding b =
            checkCertId(ByteView(ASN1_STRING_get0_data(s), static_cast<std::size_t>(ASN1_STRING_length(s))),
                        v2, signer, signerDer);
        if (b != Binding::Matches) return b;
        result = Binding::Matches;
    }
    return result;
}

}  // namespace eseal::cms

#include "core/crypto/aia.hpp"

#include <openssl/err.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <memory>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/crypto/issuers.hpp"
#include "core/crypto/sm2.hpp"
#include "core/crypto/trust.hpp"
#include "core/ossl/ossl.hpp"

namespace eseal {

namespace {

constexpr std::size_t kMaxPathLength = 16;  // as issuerPath: issuers followed from one certificate

using Pkcs7Ptr = std::unique_ptr<PKCS7, ossl::Deleter<PKCS7, PKCS7_free>>;

bool contains(const std::vector<Certificate>& list, const Certificate& c) {
    return std::any_of(list.begin(), list.end(), [&](const Certificate& p) { return p.der() == c.der(); });
}

}  // namespace

std::vector<std::string> caIssuersUrls(const Certificate& cert) {
    std::vector<std::string> out;
    auto* info =
        static_cast<AUTHORITY_INFO_ACCESS*>(X509_get_ext_d2i(cert.get(), NID_info_access, nullptr, nullptr));
    for (int i = 0; i < sk_ACCESS_DESCRIPTION_num(info); ++i) {
        const ACCESS_DESCRIPTION* ad = sk_ACCESS_DESCRIPTION_value(info, i);
        if (OBJ_obj2nid(ad->method) != NID_ad_ca_issuers || ad->location->type != GEN_URI) continue;
        const ASN1_IA5STRING* uri = ad->location->d.uniformResourceIdentifier;
        out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                         static_cast<std::size_t>(ASN1_STRING_length(uri)));
    }
    AUTHORITY_INFO_ACCESS_free(info);
    ERR_clear_error();
    return out;
}

bool signedBy(const Certificate& cert, const Certificate& issuer) {
    // SM2-signed certificates are checked with the GM/T 0009 default ID.
    sm2::useDefaultIdForCertificate(cert.get());
    bool yes = X509_check_issued(issuer.get(), cert.get()) == X509_V_OK;
    if (yes) {
        EVP_PKEY* key = X509_get0_pubkey(issuer.get());
        yes = key && X509_verify(cert.get(), key) == 1;
    }
    ERR_clear_error();
    return yes;
}

std::vector<Certificate> parseCaIssuersAnswer(ByteView data) {
    std::vector<Certificate> out;
    if (data.empty()) return out;
    const unsigned char* const end = data.data() + data.size();
    const unsigned char* p = data.data();
    ossl::X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(data.size())));
    if (cert && p == end) {
        out.emplace_back(cert.get());
        ERR_clear_error();
        return out;
    }
    p = data.data();
    Pkcs7Ptr p7(d2i_PKCS7(nullptr, &p, static_cast<long>(data.size())));
    if (p7 && p == end && PKCS7_type_is_signed(p7.get()) && p7->d.sign) {
        STACK_OF(X509)* certs = p7->d.sign->cert;
        for (int i = 0; i < sk_X509_num(certs); ++i) out.emplace_back(sk_X509_value(certs, i));
    }
    ERR_clear_error();
    return out;
}

AiaFetcher::AiaFetcher(AiaLimits limits, Get get) : limits_(limits), get_(std::move(get)) {
    if (!get_) get_ = [](const std::string& url, const HttpLimits& l) { return httpGet(url, l); };
}

int AiaFetcher::fetches() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return fetches_;
}

const AiaFetcher::Answer& AiaFetcher::fetch(const std::string& url) {
    if (auto it = cache_.find(url); it != cache_.end()) return it->second;
    Answer answer;
    ++fetches_;
    try {
        const Bytes data = get_(url, HttpLimits{limits_.timeoutSeconds, limits_.maxResponseBytes});
        answer.certificates = parseCaIssuersAnswer(data);
        if (answer.certificates.empty())
            answer.problem = fill(tr("the caIssuers URL {url} did not answer with a certificate (DER) or a "
                                     "certs-only PKCS#7 (.p7c)"),
                                  {{"{url}", url}});
    } catch (const std::exception& e) {
        // Error::what() names the URL already.
        answer.problem =
            fill(tr("the caIssuers certificate could not be fetched: {why}"), {{"{why}", e.what()}});
    }
    ERR_clear_error();
    return cache_.emplace(url, std::move(answer)).first->second;
}

std::optional<Certificate> AiaFetcher::issuerOf(const Certificate& cert, std::vector<std::string>& warnings) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& url : caIssuersUrls(cert)) {
        if (url.rfind("http://", 0) != 0) {
            // RFC 5280 4.2.2.1 allows http and ldap; eseal fetches plain http
            // only (the certificate signs itself, TLS adds nothing).
            warnings.push_back(
                fill(tr("the caIssuers URL {url} was not fetched: only http:// URLs are fetched "
                        "(https and ldap caIssuers URLs are not)"),
                     {{"{url}", url}}));
            continue;
        }
        const Answer& answer = fetch(url);
        if (!answer.problem.empty()) {
            warnings.push_back(answer.problem);
            continue;
        }
        for (const auto& c : answer.certificates)
            if (c.der() != cert.der() && signedBy(cert, c)) return c;
        warnings.push_back(
            fill(tr("the certificate from the caIssuers URL {url} did not issue the certificate of "
                    "{subject}; it was ignored"),
                 {{"{url}", url}, {"{subject}", cert.describe().commonName}}));
    }
    return std::nullopt;
}

IssuerWalk walkIssuers(const Certificate& from, const LocalIssuerLookup& local, AiaFetcher* aia,
                       std::vector<std::string>& warnings) {
    IssuerWalk out;
    if (isSelfSigned(from)) {
        out.complete = true;
        return out;
    }
    const Certificate* current = &from;
    std::size_t fetchedLevels = 0;
    while (out.path.size() < kMaxPathLength) {
        std::optional<Certificate> issuer;
        bool anchor = false, byAia = false;
        if (auto found = local(*current)) {
            issuer = found->certificate;
            anchor = found->anchor;
        } else if (aia && fetchedLevels < aia->limits().maxLevels) {
            ++fetchedLevels;
            issuer = aia->issuerOf(*current, warnings);
            byAia = issuer.has_value();
        } else if (aia && !caIssuersUrls(*current).empty()) {
            warnings.push_back(
                fill(tr("caIssuers URLs are followed at most {n} levels up; the issuer of {subject} "
                        "was not fetched"),
                     {{"{n}", std::to_string(aia->limits().maxLevels)},
                      {"{subject}", current->describe().commonName}}));
        }
        if (!issuer) break;
        if (current == &from) out.firstFound = true;
        if (anchor || isSelfSigned(*issuer)) {  // the root is never embedded
            out.complete = true;
            break;
        }
        if (issuer->der() == from.der() || contains(out.path, *issuer))
            break;  // a loop of cross-certificates
        if (byAia) out.fetched.push_back(*issuer);
        out.path.push_back(*issuer);
        current = &out.path.back();
    }
    return out;
}

std::optional<Certificate> storeIssuer(X509_STORE* store, const Certificate& cert) {
    if (!store) return std::nullopt;
    ossl::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
    std::optional<Certificate> out;
    X509* issuer = nullptr;
    if (ctx && X509_STORE_CTX_init(ctx.get(), store, cert.get(), nullptr) == 1 &&
        X509_STORE_CTX_get1_issuer(&issuer, ctx.get(), cert.get()) == 1 && issuer) {
        out.emplace(issuer);
        X509_free(issuer);
    }
    ERR_clear_error();
    return out;
}

std::vector<Certificate> aiaPathCandidates(const Certificate& signer,
                                           const std::vector<Certificate>& candidates,
                                           const TrustStore& trust, AiaFetcher* aia,
                                           std::vector<std::string>& warnings) {
    if (!aia) return {};
    auto local = [&](const Certificate& cert) -> std::optional<LocalIssuer> {
        if (auto anchor = storeIssuer(trust.get(), cert)) return LocalIssuer{*anchor, true};
        for (const auto* list : {&candidates, &trust.intermediates()})
            for (const auto& c : *list)
                if (c.der() != cert.der() && signedBy(cert, c)) return LocalIssuer{c, false};
        return std::nullopt;
    };
    return walkIssuers(signer, local, aia, warnings).fetched;
}

}  // namespace eseal

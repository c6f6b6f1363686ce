#include "core/crypto/revocation.hpp"

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <memory>
#include <optional>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/base/time.hpp"
#include "core/crypto/http.hpp"
#include "core/ossl/ossl.hpp"

namespace eseal {

namespace {

using OcspRespPtr = std::unique_ptr<OCSP_RESPONSE, ossl::Deleter<OCSP_RESPONSE, OCSP_RESPONSE_free>>;
using OcspBasicPtr = std::unique_ptr<OCSP_BASICRESP, ossl::Deleter<OCSP_BASICRESP, OCSP_BASICRESP_free>>;
using OcspReqPtr = std::unique_ptr<OCSP_REQUEST, ossl::Deleter<OCSP_REQUEST, OCSP_REQUEST_free>>;
using OcspIdPtr = std::unique_ptr<OCSP_CERTID, ossl::Deleter<OCSP_CERTID, OCSP_CERTID_free>>;
using CrlPtr = std::unique_ptr<X509_CRL, ossl::Deleter<X509_CRL, X509_CRL_free>>;

enum class State { None, Good, Revoked, RevokedLater, Unknown };

struct Finding {
    State state = State::None;
    std::string source;  // "OCSP (DSS)"
    std::string when;    // revocation time, ISO 8601
};

std::vector<std::string> ocspUrls(const Certificate& c) {
    std::vector<std::string> out;
    STACK_OF(OPENSSL_STRING)* urls = X509_get1_ocsp(c.get());
    for (int i = 0; i < sk_OPENSSL_STRING_num(urls); ++i) out.emplace_back(sk_OPENSSL_STRING_value(urls, i));
    X509_email_free(urls);
    ERR_clear_error();
    return out;
}

// RFC 5280 4.2.1.13: the http URIs of the distribution points' full names.
std::vector<std::string> crlUrls(const Certificate& c) {
    std::vector<std::string> out;
    auto* points = static_cast<STACK_OF(DIST_POINT)*>(
        X509_get_ext_d2i(c.get(), NID_crl_distribution_points, nullptr, nullptr));
    for (int i = 0; i < sk_DIST_POINT_num(points); ++i) {
        const DIST_POINT* dp = sk_DIST_POINT_value(points, i);
        if (!dp->distpoint || dp->distpoint->type != 0) continue;
        const GENERAL_NAMES* names = dp->distpoint->name.fullname;
        for (int j = 0; j < sk_GENERAL_NAME_num(names); ++j) {
            const GENERAL_NAME* n = sk_GENERAL_NAME_value(names, j);
            if (n->type != GEN_URI) continue;
            const ASN1_IA5STRING* uri = n->d.uniformResourceIdentifier;
            std::string u(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                          static_cast<std::size_t>(ASN1_STRING_length(uri)));
            if (u.rfind("http://", 0) == 0) out.push_back(u);
        }
    }
    sk_DIST_POINT_pop_free(points, DIST_POINT_free);
    ERR_clear_error();
    return out;
}

OcspBasicPtr basicOf(ByteView der) {
    const unsigned char* p = der.data();
    OcspRespPtr resp(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
    if (!resp || OCSP_response_status(resp.get()) != OCSP_RESPONSE_STATUS_SUCCESSFUL) return nullptr;
    return OcspBasicPtr(OCSP_response_get1_basic(resp.get()));
}

// RFC 6960 4.2.1 / 3.2: the single response for cert (its CertID, with the
// hash the responder used), from a response whose signature verifies with a
// trusted (or delegated, EKU OCSPSigning) responder certificate.
Finding fromOcsp(ByteView der, const Certificate& cert, const Certificate& issuer,
                 const std::vector<Certificate>& path, const TrustStore& trust, std::time_t at,
                 const std::string& source) {
    Finding f;
    OcspBasicPtr bs = basicOf(der);
    if (!bs) return f;
    for (int i = 0; i < OCSP_resp_count(bs.get()); ++i) {
        OCSP_SINGLERESP* single = OCSP_resp_get0(bs.get(), i);
        const OCSP_CERTID* id = OCSP_SINGLERESP_get0_id(single);
        ASN1_OBJECT* md = nullptr;
        if (!id || OCSP_id_get0_info(nullptr, &md, nullptr, nullptr, const_cast<OCSP_CERTID*>(id)) != 1)
            continue;
        const EVP_MD* hash = EVP_get_digestbyobj(md);
        if (!hash) continue;
        OcspIdPtr mine(OCSP_cert_to_id(hash, cert.get(), issuer.get()));
        if (!mine || OCSP_id_cmp(mine.get(), id) != 0) continue;
        // The response's signature and its signer (RFC 6960 4.2.2.2).
        ossl::X509StackPtr certs(sk_X509_new_null());
        for (const auto& c : path)
            if (sk_X509_push(certs.get(), c.get()) > 0) X509_up_ref(c.get());
        if (!trust.get() || OCSP_basic_verify(bs.get(), certs.get(), trust.get(), 0) <= 0) {
            ERR_clear_error();
            return f;
        }
        int reason = 0;
        ASN1_GENERALIZEDTIME *revoked = nullptr, *thisUpd = nullptr, *nextUpd = nullptr;
        const int status = OCSP_single_get0_status(single, &reason, &revoked, &thisUpd, &nextUpd);
        f.source = "OCSP (" + source + ")";
        if (status == V_OCSP_CERTSTATUS_GOOD) {
            f.state = State::Good;
        } else if (status == V_OCSP_CERTSTATUS_REVOKED) {
            const std::time_t when = toTimeT(revoked);
            f.when = isoUtc(when);
            f.state = when <= at ? State::Revoked : State::RevokedLater;
        } else {
            f.state = State::Unknown;
        }
        ERR_clear_error();
        return f;
    }
    ERR_clear_error();
    return f;
}

// RFC 5280 6.3.3: a CRL of the certificate's issuer, signed by it.
Finding fromCrl(ByteView der, const Certificate& cert, const Certificate& issuer, std::time_t at,
                const std::string& source) {
    Finding f;
    const unsigned char* p = der.data();
    CrlPtr crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size())));
    if (!crl || X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_issuer_name(cert.get())) != 0) {
        ERR_clear_error();
        return f;
    }
    EVP_PKEY* key = X509_get0_pubkey(issuer.get());
    if (!key || X509_CRL_verify(crl.get(), key) != 1) {
        ERR_clear_error();
        return f;
    }
    f.source = "CRL (" + source + ")";
    X509_REVOKED* entry = nullptr;
    if (X509_CRL_get0_by_cert(crl.get(), &entry, cert.get()) == 1 && entry) {
        const std::time_t when = toTimeT(X509_REVOKED_get0_revocationDate(entry));
        f.when = isoUtc(when);
        f.state = when <= at ? State::Revoked : State::RevokedLater;
    } else {
        f.state = State::Good;
    }
    ERR_clear_error();
    return f;
}

Bytes ocspRequestFor(const Certificate& cert, const Certificate& issuer, OcspReqPtr& req) {
    req.reset(OCSP_REQUEST_new());
    OCSP_CERTID* id = OCSP_cert_to_id(EVP_sha1(), cert.get(), issuer.get());  // RFC 6960 B.1 / 5019 2.1.1
    if (!req || !id || !OCSP_request_add0_id(req.get(), id) ||
        OCSP_request_add1_nonce(req.get(), nullptr, -1) != 1) {
        ERR_clear_error();
        throw Error(ErrorCategory::Crypto, tr("cannot build an OCSP request"));
    }
    return ossl::i2dBytes(req.get(), i2d_OCSP_REQUEST, "the OCSP request");
}

Bytes fetchOcsp(const std::string& url, const Certificate& cert, const Certificate& issuer) {
    OcspReqPtr req;
    const Bytes query = ocspRequestFor(cert, issuer, req);
    // RFC 6960 A.1: the HTTP media types.
    Bytes answer = httpPost(url, "application/ocsp-request", query, "application/ocsp-response");
    OcspBasicPtr bs = basicOf(answer);
    if (!bs) throw Error(ErrorCategory::Crypto, tr("the OCSP responder did not answer successfully"), url);
    // A replayed answer carries another nonce (RFC 6960 4.4.1); -1: the responder sent none.
    if (OCSP_check_nonce(req.get(), bs.get()) == 0)
        throw Error(ErrorCategory::Crypto, tr("the OCSP answer carries another nonce"), url);
    ERR_clear_error();
    return answer;
}

}  // namespace

RevocationOutcome checkRevocation(const std::vector<Certificate>& path, const RevocationRequest& request,
                                  const TrustStore& trust) {
    RevocationOutcome out;
    RevocationInfo& info = out.info;
    int checked = 0;
    std::vector<std::string> notes;
    bool revoked = false, unknown = false;
    try {
        for (std::size_t i = 0; i + 1 < path.size(); ++i) {
            const Certificate& cert = path[i];
            const Certificate& issuer = path[i + 1];
            const std::string who = cert.describe().commonName;
            Finding best;
            auto consider = [&](const Finding& f) {
                // Revoked beats everything; good beats unknown.
                auto rank = [](State s) {
                    return s == State::Revoked        ? 4
                           : s == State::RevokedLater ? 3
                           : s == State::Good         ? 2
                           : s == State::Unknown      ? 1
                                                      : 0;
                };
                if (rank(f.state) > rank(best.state)) best = f;
            };
            for (const auto& d : request.data) {
                for (const auto& o : d.ocsps)
                    consider(fromOcsp(o, cert, issuer, path, trust, request.at, d.origin));
                for (const auto& c : d.crls) consider(fromCrl(c, cert, issuer, request.at, d.origin));
            }
            const auto ocsp = ocspUrls(cert);
            const auto crl = crlUrls(cert);
            if ((best.state == State::None || best.state == State::Unknown) && request.online) {
                for (const auto& url : ocsp) {
                    try {
                        Bytes answer = fetchOcsp(url, cert, issuer);
                        consider(fromOcsp(answer, cert, issuer, path, trust, request.at, "online " + url));
                        out.fetched.ocsps.push_back(std::move(answer));
                    } catch (const Error& e) {
                        notes.push_back(e.what());
                    }
                    if (best.state == State::Good || best.state == State::Revoked ||
                        best.state == State::RevokedLater)
                        break;
                }
                if (best.state == State::None || best.state == State::Unknown)
                    for (const auto& url : crl) {
                        try {
                            Bytes answer = httpGet(url);
                            consider(fromCrl(answer, cert, issuer, request.at, "online " + url));
                            out.fetched.crls.push_back(std::move(answer));
                        } catch (const Error& e) {
                            notes.push_back(e.what());
                        }
                        if (best.state != State::None && best.state != State::Unknown) break;
                    }
            }
            switch (best.state) {
                case State::None:
                    if (!ocsp.empty() || !crl.empty()) {
                        if (request.online) {
                            unknown = true;
                            notes.push_back(
                                fill(tr("no revocation status could be had for {who}"), {{"{who}", who}}));
                        } else if (i == 0) {
                            notes.push_back(
                                fill(tr("the file holds no revocation data for {who} (verify with "
                                        "--online to ask its CRL/OCSP service)"),
                                     {{"{who}", who}}));
                        }
                    }
                    continue;
                case State::Unknown:
                    unknown = true;
                    notes.push_back(fill(tr("{source} does not know the certificate of {who}"),
                                         {{"{source}", best.source}, {"{who}", who}}));
                    break;
                case State::Revoked:
                    revoked = true;
                    notes.insert(notes.begin(),
                                 fill(tr("the certificate of {who} was revoked on {when}, by {source}"),
                                      {{"{who}", who}, {"{when}", best.when}, {"{source}", best.source}}));
                    break;
                case State::RevokedLater:
                    notes.push_back(
                        fill(tr("the certificate of {who} was revoked on {when}, after the validation "
                                "time, by {source}"),
                             {{"{who}", who}, {"{when}", best.when}, {"{source}", best.source}}));
                    break;
                case State::Good:
                    break;
            }
            ++checked;
            info.sources.push_back(who + ": " + best.source);
        }
    } catch (const std::exception& e) {
        unknown = true;
        notes.push_back(tr("revocation could not be checked: ") + std::string(e.what()));
    }
    ERR_clear_error();
    info.status = revoked   ? RevocationStatus::Revoked
                  : unknown ? RevocationStatus::Unknown
                  : checked ? RevocationStatus::Good
                            : RevocationStatus::NotChecked;
    for (const auto& n : notes) info.message += (info.message.empty() ? "" : "; ") + n;
    if (info.status == RevocationStatus::Good && info.message.empty())
        info.message = fill(tr("not revoked at {time}"), {{"{time}", isoUtc(request.at)}});
    return out;
}

RevocationData fetchRevocationData(const std::vector<Certificate>& path) {
    RevocationData out;
    out.origin = "online";
    for (std::size_t i = 0; i + 1 < path.size(); ++i) {
        const auto ocsp = ocspUrls(path[i]);
        if (!ocsp.empty()) {
            out.ocsps.push_back(fetchOcsp(ocsp.front(), path[i], path[i + 1]));
            continue;
        }
        const auto crl = crlUrls(path[i]);
        if (!crl.empty()) out.crls.push_back(httpGet(crl.front()));
    }
    return out;
}

}  // namespace eseal

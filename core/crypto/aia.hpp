// Issuing CA certificates fetched from a certificate's Authority Information
// Access caIssuers URL (RFC 5280 4.2.2.1), for `eseal sign --online` (to embed
// the intermediates a USB Key lacks) and `eseal verify --online` (to build a
// path the file's certificates leave incomplete). What is fetched is never
// trusted: a certificate is taken only when it issued the child (names and key
// identifiers, then the child's signature checked with its key), and it is at
// most an untrusted candidate for path building. A self-signed root is never
// returned. Every answer is bounded (time, size, levels); a bad one is a
// warning naming the URL, never an error.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/base/bytes.hpp"
#include "core/crypto/certificate.hpp"
#include "core/crypto/http.hpp"

namespace eseal {

class TrustStore;

struct AiaLimits {
    int timeoutSeconds = 5;
    std::size_t maxResponseBytes = 256u << 10;
    std::size_t maxLevels = 4;  // caIssuers fetches up one path
};

// The caIssuers URIs of the certificate's AIA extension, in order, whatever
// their scheme.
std::vector<std::string> caIssuersUrls(const Certificate& cert);

// Whether issuer issued cert: RFC 5280 4.1.2.4 name chaining and 4.2.1.1 key
// identifiers (X509_check_issued), and cert's signature verifies with
// issuer's public key (X509_verify).
bool signedBy(const Certificate& cert, const Certificate& issuer);

// Certificates in a caIssuers answer: one DER certificate or a DER certs-only
// PKCS#7 / CMS SignedData (.p7c, RFC 5280 4.2.2.1). Empty when it is neither.
std::vector<Certificate> parseCaIssuersAnswer(ByteView data);

// Fetches caIssuers URLs, each at most once per fetcher (one per command).
class AiaFetcher {
public:
    using Get = std::function<Bytes(const std::string& url, const HttpLimits& limits)>;
    explicit AiaFetcher(AiaLimits limits = {}, Get get = {});

    // The issuer of cert from its caIssuers URLs (http:// only), the first one
    // that signed cert; nullopt when none did. Every problem (an https or other
    // URL not fetched, no answer, too large, not a certificate, no certificate
    // that issued cert) is added to warnings, naming the URL.
    std::optional<Certificate> issuerOf(const Certificate& cert, std::vector<std::string>& warnings);

    const AiaLimits& limits() const noexcept { return limits_; }
    // How many URLs were fetched (not answered from the cache).
    int fetches() const;

private:
    struct Answer {
        std::vector<Certificate> certificates;
        std::string problem;  // empty when the answer was usable
    };
    const Answer& fetch(const std::string& url);

    AiaLimits limits_;
    Get get_;
    mutable std::mutex mutex_;
    std::map<std::string, Answer> cache_;
    int fetches_ = 0;
};

// An issuer found without the network, and whether it ends the path (a trust
// anchor: nothing above it is needed).
struct LocalIssuer {
    Certificate certificate;
    bool anchor = false;
};
using LocalIssuerLookup = std::function<std::optional<LocalIssuer>(const Certificate& cert)>;

// The issuers above `from`, nearest first: each from `local`, else (when aia
// is given, at most aia->limits().maxLevels times) from the certificate's
// caIssuers URL. Ends at a self-signed issuer or an anchor (neither is in
// path), at an issuer found nowhere, or at a loop.
struct IssuerWalk {
    std::vector<Certificate> path;     // without a self-signed root
    std::vector<Certificate> fetched;  // those of path that came by AIA
    bool complete = false;             // reached a self-signed issuer or an anchor
    bool firstFound = false;           // the issuer of `from` itself was found
};
IssuerWalk walkIssuers(const Certificate& from, const LocalIssuerLookup& local, AiaFetcher* aia,
                       std::vector<std::string>& warnings);

// The issuer of cert in an X509_STORE (its certificates and lookups, e.g. the
// system store's hashed directory), as X509_STORE_CTX_get1_issuer finds it.
std::optional<Certificate> storeIssuer(X509_STORE* store, const Certificate& cert);

// For verification: the certificates AIA adds to the candidates of signer's
// path (candidates, the trust store's intermediates and its anchors searched
// first). Empty without aia.
std::vector<Certificate> aiaPathCandidates(const Certificate& signer,
                                           const std::vector<Certificate>& candidates,
                                           const TrustStore& trust, AiaFetcher* aia,
                                           std::vector<std::string>& warnings);

}  // namespace eseal

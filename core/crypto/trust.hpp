#pragma once

#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/base/secret.hpp"
#include "core/crypto/certificate.hpp"
#include "core/ossl/ossl.hpp"

namespace eseal {

class AiaFetcher;

// Which certificates a verification trusts as anchors.
struct TrustPolicy {
    bool useSystemStore = true;           // /etc/ssl/certs
    std::vector<std::string> trustFiles;  // --trust FILE (PEM, may hold several)
    std::vector<std::string> trustDirs;   // $XDG_CONFIG_HOME/eseal/trust and the like
    // Issuing CA certificates that help build a path but are not anchors:
    // ${XDG_CONFIG_HOME:-~/.config}/eseal/certs/ (the same folder `eseal sign` uses).
    std::vector<std::string> intermediateDirs;
};

// The default: system store + ${XDG_CONFIG_HOME:-~/.config}/eseal/trust/ as
// anchors, ${XDG_CONFIG_HOME:-~/.config}/eseal/certs/ as intermediates.
TrustPolicy defaultTrustPolicy();

// The trust anchors of one command, read once when it is built (every file of
// the policy; the system store as OpenSSL looks it up) and shared by every
// signature the command verifies. Unreadable files are warnings, not errors.
class TrustStore {
public:
    explicit TrustStore(const TrustPolicy& policy);

    X509_STORE* get() const noexcept { return store_.get(); }
    // Intermediate certificates (not trusted, used to build paths).
    const std::vector<Certificate>& intermediates() const noexcept { return intermediates_; }
    // Problems met while reading the anchors, for the reports.
    const std::vector<std::string>& warnings() const noexcept { return warnings_; }
    // How many trust files were read (the tests check "once per command").
    int filesRead() const noexcept { return filesRead_; }

private:
    ossl::X509StorePtr store_;
    std::vector<Certificate> intermediates_;
    std::vector<std::string> warnings_;
    int filesRead_ = 0;
};

// How a verification is run.
struct VerifyOptions {
    // The time at which certificates must be valid; nullopt = now. A claimed
    // signing time is not used: without a timestamp nothing proves it
    // (a B-B signature carries no proof of existence, ETSI EN 319 102-1).
    std::optional<std::time_t> validationTime;
    // Fetch revocation data (CRL, OCSP) the file lacks from the URLs the
    // certificates name (`eseal verify --online`); off: nothing leaves the machine.
    bool online = false;
    // With --online: fetches the issuing CA certificates a path lacks from the
    // certificates' AIA caIssuers URLs (untrusted candidates, never anchors),
    // each URL once for the command. Null: none is fetched.
    std::shared_ptr<AiaFetcher> aia;
    // The password of an encrypted document (PDF 7.6.3: its user or owner
    // password; `eseal verify --pdf-password-env/-file`); null = none (the
    // empty user password).
    std::shared_ptr<const SecretString> documentPassword;
};

}  // namespace eseal

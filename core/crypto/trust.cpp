#include "core/crypto/trust.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "core/base/bytes.hpp"
#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/crypto/issuers.hpp"

namespace eseal {

namespace {

// Adds every certificate in a PEM (one or more) or DER file; returns how many.
int addCertificates(X509_STORE* store, const std::string& path, std::vector<std::string>& warnings) {
    std::vector<Certificate> certs;
    try {
        certs = readCertificateFile(path);
    } catch (const Error& e) {
        warnings.push_back(
            fill(tr("The trust file could not be used: {why}; it was ignored."), {{"{why}", e.what()}}));
        return 0;
    }
    int added = 0;
    for (const auto& cert : certs)
        if (X509_STORE_add_cert(store, cert.get()) == 1) ++added;
    ERR_clear_error();
    return added;
}

}  // namespace

TrustPolicy defaultTrustPolicy() {
    TrustPolicy policy;
    policy.useSystemStore = true;
    if (auto dir = userConfigDir("trust"); !dir.empty()) policy.trustDirs.push_back(dir);
    if (auto dir = userConfigDir("certs"); !dir.empty()) policy.intermediateDirs.push_back(dir);
    return policy;
}

TrustStore::TrustStore(const TrustPolicy& policy) : store_(X509_STORE_new()) {
    if (!store_) {
        ERR_clear_error();
        warnings_.push_back(tr("The trust store could not be created."));
        return;
    }
    if (policy.useSystemStore && X509_STORE_set_default_paths(store_.get()) != 1)
        warnings_.push_back(tr("The system certificate store could not be loaded."));
    auto add = [&](const std::string& file) {
        ++filesRead_;
        addCertificates(store_.get(), file, warnings_);
    };
    for (const auto& file : policy.trustFiles) add(file);
    for (const auto& dir : policy.trustDirs)
        for (const auto& f : certificateFilesIn(dir, warnings_)) add(f);
    for (const auto& dir : policy.intermediateDirs) {
        auto certs = readCertificateDir(dir, warnings_);
        intermediates_.insert(intermediates_.end(), certs.begin(), certs.end());
    }
    ERR_clear_error();
}

}  // namespace eseal

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

// True when `dir` holds a certificate under OpenSSL's hashed name (8 hex
// digits, a dot, a number: what c_rehash and update-ca-certificates make).
bool hasHashLinks(const std::string& dir) {
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator(dir, ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.size() >= 10 && name[8] == '.' &&
            std::all_of(name.begin(), name.begin() + 8,
                        [](unsigned char c) { return std::isxdigit(c) != 0; }) &&
            std::all_of(name.begin() + 9, name.end(), [](unsigned char c) { return std::isdigit(c) != 0; }))
            return true;
    }
    return false;
}

// The system store, looked up by subject in its hashed directory when a chain
// needs an issuer: only the certificates a chain uses are read, not the
// 140-odd of the bundle file (reading the bundle was 12% of verifying a
// 25-signature PDF). OpenSSL's default paths (the bundle file as well) when
// SSL_CERT_FILE names a file or the directory holds no hashed names.
bool addSystemStore(X509_STORE* store) {
    const char* fileEnv = std::getenv(X509_get_default_cert_file_env());
    const char* dirEnv = std::getenv(X509_get_default_cert_dir_env());
    const std::string dirs = dirEnv && *dirEnv ? dirEnv : X509_get_default_cert_dir();
    const std::string first = dirs.substr(0, dirs.find(':'));
    if ((fileEnv && *fileEnv) || !hasHashLinks(first)) return X509_STORE_set_default_paths(store) == 1;
    X509_LOOKUP* lookup = X509_STORE_add_lookup(store, X509_LOOKUP_hash_dir());
    return lookup && X509_LOOKUP_add_dir(lookup, dirs.c_str(), X509_FILETYPE_PEM) == 1;
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
    if (policy.useSystemStore && !addSystemStore(store_.get()))
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

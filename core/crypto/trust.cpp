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
#include "core/crypto/sm2.hpp"

namespace eseal {

namespace {

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// Adds every certificate in a PEM (one or more) or DER file; returns how many.
int addCertificates(X509_STORE* store, const std::string& path, std::vector<std::string>& warnings) {
    Bytes data;
    try {
        data = readFile(path);
    } catch (const Error& e) {
        warnings.push_back(std::string("The trust file could not be read: ") + e.what());
        return 0;
    }
    int added = 0;
    ossl::BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    while (bio) {
        ossl::X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
        if (!cert) break;
        sm2::useDefaultIdForCertificate(cert.get());
        if (X509_STORE_add_cert(store, cert.get()) == 1) ++added;
    }
    ERR_clear_error();
    if (added == 0) {
        const unsigned char* p = data.data();
        ossl::X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(data.size())));
        sm2::useDefaultIdForCertificate(cert.get());
        if (cert && X509_STORE_add_cert(store, cert.get()) == 1) ++added;
        ERR_clear_error();
    }
    if (added == 0)
        warnings.push_back("The trust file " + path + " holds no certificate (PEM or DER); it was ignored.");
    return added;
}

}  // namespace

TrustPolicy defaultTrustPolicy() {
    TrustPolicy policy;
    policy.useSystemStore = true;
    // XDG Base Directory Specification: $XDG_CONFIG_HOME, else ~/.config.
    std::filesystem::path config;
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg == '/') {
        config = xdg;
    } else if (const char* home = std::getenv("HOME"); home && *home) {
        config = std::filesystem::path(home) / ".config";
    }
    if (!config.empty()) {
        const auto dir = config / "eseal" / "trust";
        std::error_code ec;
        if (std::filesystem::is_directory(dir, ec)) policy.trustDirs.push_back(dir.string());
    }
    return policy;
}

TrustStore::TrustStore(const TrustPolicy& policy) : store_(X509_STORE_new()) {
    if (!store_) {
        ERR_clear_error();
        warnings_.push_back("The trust store could not be created.");
        return;
    }
    if (policy.useSystemStore && X509_STORE_set_default_paths(store_.get()) != 1)
        warnings_.push_back("The system certificate store could not be loaded.");
    auto add = [&](const std::string& file) {
        ++filesRead_;
        addCertificates(store_.get(), file, warnings_);
    };
    for (const auto& file : policy.trustFiles) add(file);
    for (const auto& dir : policy.trustDirs) {
        std::error_code ec;
        std::filesystem::directory_iterator it(dir, ec), end;
        if (ec) {
            warnings_.push_back("The trust folder " + dir + " could not be read: " + ec.message());
            continue;
        }
        std::vector<std::string> files;
        for (; it != end; it.increment(ec)) {
            if (ec) break;
            const auto ext = lower(it->path().extension().string());
            if ((ext == ".pem" || ext == ".crt" || ext == ".cer") && it->is_regular_file(ec))
                files.push_back(it->path());
        }
        std::sort(files.begin(), files.end());
        for (const auto& f : files) add(f);
    }
    ERR_clear_error();
}

}  // namespace eseal

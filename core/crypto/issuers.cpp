#include "core/crypto/issuers.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <system_error>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/crypto/aia.hpp"
#include "core/crypto/sm2.hpp"
#include "core/crypto/trust.hpp"
#include "core/ossl/ossl.hpp"

namespace eseal {

namespace {

constexpr std::size_t kMaxPathLength = 16;  // issuers followed from one signer

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool issuedBy(const Certificate& subject, const Certificate& issuer) {
    const bool yes = X509_check_issued(issuer.get(), subject.get()) == X509_V_OK;
    ERR_clear_error();
    return yes;
}

// A Key whose chain is completed with issuers; everything else is the inner key's.
class ChainedKey final : public Key {
public:
    ChainedKey(std::unique_ptr<Key> inner, std::vector<Bytes> chain)
        : inner_(std::move(inner)), chain_(std::move(chain)) {}
    std::string description() const override { return inner_->description(); }
    const std::vector<Bytes>& certificateChain() const override { return chain_; }
    std::vector<SignatureAlgorithm> algorithms() const override { return inner_->algorithms(); }
    Bytes sign(ByteView digest, const SignatureAlgorithm& algorithm) override {
        return inner_->sign(digest, algorithm);
    }

private:
    std::unique_ptr<Key> inner_;
    std::vector<Bytes> chain_;
};

}  // namespace

std::vector<Certificate> readCertificateFile(const std::string& path) {
    const Bytes data = readFile(path);  // Error(InputUnreadable) naming the file
    std::vector<Certificate> out;
    ossl::BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    while (bio) {
        ossl::X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
        if (!cert) break;
        sm2::useDefaultIdForCertificate(cert.get());
        out.emplace_back(cert.get());
    }
    ERR_clear_error();
    if (out.empty()) {
        const unsigned char* p = data.data();
        ossl::X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(data.size())));
        ERR_clear_error();
        if (cert && p == data.data() + data.size()) {
            sm2::useDefaultIdForCertificate(cert.get());
            out.emplace_back(cert.get());
        }
    }
    if (out.empty()) throw Error(ErrorCategory::BadInput, tr("holds no certificate (PEM or DER)"), path);
    return out;
}

std::vector<std::string> certificateFilesIn(const std::string& dir, std::vector<std::string>& warnings) {
    std::vector<std::string> files;
    std::error_code ec;
    std::filesystem::directory_iterator it(dir, ec), end;
    if (ec) {
        warnings.push_back(fill(tr("The certificate folder {dir} could not be read: {why}"),
                                {{"{dir}", dir}, {"{why}", ec.message()}}));
        return files;
    }
    for (; it != end; it.increment(ec)) {
        if (ec) break;
        const auto ext = lower(it->path().extension().string());
        if ((ext == ".pem" || ext == ".crt" || ext == ".cer") && it->is_regular_file(ec))
            files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::vector<Certificate> readCertificateDir(const std::string& dir, std::vector<std::string>& warnings) {
    std::vector<Certificate> out;
    for (const auto& file : certificateFilesIn(dir, warnings)) {
        try {
            auto certs = readCertificateFile(file);
            out.insert(out.end(), certs.begin(), certs.end());
        } catch (const Error& e) {
            warnings.push_back(tr("A certificate file was ignored: ") + std::string(e.what()));
        }
    }
    return out;
}

std::string userConfigDir(const std::string& name) {
    // XDG Base Directory Specification: $XDG_CONFIG_HOME, else ~/.config.
    std::filesystem::path config;
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg == '/') {
        config = xdg;
    } else if (const char* home = std::getenv("HOME"); home && *home) {
        config = std::filesystem::path(home) / ".config";
    }
    if (config.empty()) return {};
    const auto dir = config / "eseal" / name;
    std::error_code ec;
    return std::filesystem::is_directory(dir, ec) ? dir.string() : std::string();
}

bool isSelfSigned(const Certificate& cert) {
    const bool yes = (X509_get_extension_flags(cert.get()) & EXFLAG_SS) != 0;
    ERR_clear_error();
    return yes;
}

std::vector<Certificate> issuerPath(const Certificate& signer, const std::vector<Certificate>& candidates) {
    std::vector<Certificate> path;
    const Certificate* current = &signer;
    while (path.size() < kMaxPathLength && !isSelfSigned(*current)) {
        const Certificate* next = nullptr;
        for (const auto& c : candidates) {
            if (c.der() == current->der() || !issuedBy(*current, c)) continue;
            next = &c;
            break;
        }
        if (!next || isSelfSigned(*next)) break;  // the root is not embedded
        // A loop of cross-certificates ends here.
        if (std::any_of(path.begin(), path.end(),
                        [&](const Certificate& p) { return p.der() == next->der(); }))
            break;
        path.push_back(*next);
        current = &path.back();
    }
    return path;
}

std::unique_ptr<Key> withIssuers(std::unique_ptr<Key> key, const std::vector<Certificate>& candidates) {
    return completeChain(std::move(key), IssuerSources{candidates, false, nullptr}).key;
}

CompletedKey completeChain(std::unique_ptr<Key> key, const IssuerSources& sources) {
    CompletedKey out;
    std::vector<Bytes> chain = key->certificateChain();
    std::vector<Certificate> local;
    for (const auto& der : chain) {
        try {
            local.push_back(Certificate::fromDer(der));
        } catch (const Error&) {
            ERR_clear_error();  // the signer is checked where it is used
        }
    }
    if (chain.empty() || local.empty() || local.front().der() != chain.front()) {
        out.key = std::move(key);
        return out;
    }
    const Certificate signer = local.front();
    local.insert(local.end(), sources.candidates.begin(), sources.candidates.end());
    // The system store as verification reads it: by subject in its hashed
    // directory, only when an issuer is looked for.
    std::optional<TrustStore> system;
    if (sources.systemStore) {
        TrustPolicy policy;
        policy.useSystemStore = true;
        system.emplace(policy);
        out.warnings = system->warnings();
    }
    auto lookup = [&](const Certificate& cert) -> std::optional<LocalIssuer> {
        for (const auto& c : local)
            if (c.der() != cert.der() && issuedBy(cert, c)) return LocalIssuer{c, false};
        if (system)
            if (auto found = storeIssuer(system->get(), cert)) return LocalIssuer{*found, false};
        return std::nullopt;
    };
    const IssuerWalk walk = walkIssuers(signer, lookup, sources.aia, out.warnings);
    for (const auto& issuer : walk.path)
        if (std::find(chain.begin(), chain.end(), issuer.der()) == chain.end()) chain.push_back(issuer.der());
    if (!walk.firstFound && !isSelfSigned(signer))
        out.missingIssuer = nameText(X509_get_issuer_name(signer.get()));
    out.key = std::make_unique<ChainedKey>(std::move(key), std::move(chain));
    return out;
}

std::string missingIssuer(const std::vector<Bytes>& chain) {
    std::vector<Certificate> certs;
    for (const auto& der : chain) {
        try {
            certs.push_back(Certificate::fromDer(der));
        } catch (const Error&) {
            ERR_clear_error();
        }
    }
    // Only the signer's first issuer can be told missing: whether a missing
    // issuer further up is a root (never embedded) cannot be known without it.
    if (certs.empty() || isSelfSigned(certs.front())) return {};
    for (std::size_t i = 1; i < certs.size(); ++i)
        if (issuedBy(certs.front(), certs[i])) return {};
    return nameText(X509_get_issuer_name(certs.front().get()));
}

}  // namespace eseal

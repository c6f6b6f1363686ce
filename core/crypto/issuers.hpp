// Issuing CA certificates a key or a signature lacks: read from files and
// folders (PEM or DER), the user's folder ${XDG_CONFIG_HOME:-~/.config}/eseal/certs/,
// and the path from a signer up to its root. USB Keys usually hold only the
// unit's own certificate; the seal must carry its intermediates so that any
// verifier can build the path (ETSI EN 319 142-1 5.3: the signing certificate
// and, as far as possible, its chain).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/base/bytes.hpp"
#include "core/crypto/certificate.hpp"
#include "core/key/key.hpp"

namespace eseal {

// Every certificate in a PEM file (one or more) or a DER file. Throws
// Error(InputUnreadable) when it cannot be read, Error(BadInput) when it holds
// no certificate, naming the file.
std::vector<Certificate> readCertificateFile(const std::string& path);

// The .pem/.crt/.cer files of a folder, sorted; problems are added to warnings.
std::vector<std::string> certificateFilesIn(const std::string& dir, std::vector<std::string>& warnings);

// readCertificateFile for every file of certificateFilesIn; files that cannot
// be read or hold nothing are warnings.
std::vector<Certificate> readCertificateDir(const std::string& dir, std::vector<std::string>& warnings);

// ${XDG_CONFIG_HOME:-~/.config}/eseal/<name>, "" when there is no such folder.
std::string userConfigDir(const std::string& name);

// The issuers of signer, nearest first, found among candidates (RFC 5280
// 4.1.2.4 name match and 4.2.1.1 key identifier, as X509_check_issued), up to
// and NOT including a self-signed root. Stops at the first issuer not found.
std::vector<Certificate> issuerPath(const Certificate& signer, const std::vector<Certificate>& candidates);

// Whether the certificate is self-signed (a root).
bool isSelfSigned(const Certificate& cert);

// The key as it is, but whose certificateChain() is the key's own certificates
// followed by the issuers of its signer certificate it lacks, from the key's
// certificates and `candidates` only (completeChain without the system store
// or caIssuers). The key keeps signing.
std::unique_ptr<Key> withIssuers(std::unique_ptr<Key> key, const std::vector<Certificate>& candidates);

class AiaFetcher;

// Where `eseal sign` looks for the issuers a key lacks, in this order: the
// key's own certificates, `candidates` (--chain files, then the user's folder),
// the system store (looked up by subject, as verification does), and with
// `aia` the certificates' caIssuers URLs (RFC 5280 4.2.2.1, --online).
struct IssuerSources {
    std::vector<Certificate> candidates;
    bool systemStore = true;
    AiaFetcher* aia = nullptr;  // null: nothing leaves the machine
};

// The key with its chain completed from sources (the self-signed root is
// never added), and what was missing.
struct CompletedKey {
    std::unique_ptr<Key> key;
    // The subject of the signer certificate's issuer when no source held it
    // ("" when found, or the signer is self-signed or unreadable).
    std::string missingIssuer;
    std::vector<std::string> warnings;  // the system store, AIA answers
};
CompletedKey completeChain(std::unique_ptr<Key> key, const IssuerSources& sources);

// When chain holds no issuer of its first (signer) certificate, which is not
// self-signed: the subject of that issuer ("" otherwise).
std::string missingIssuer(const std::vector<Bytes>& chain);

}  // namespace eseal

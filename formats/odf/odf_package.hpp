// What the ODF sealing and verifying share: which entries are signature
// files, how a package entry name is written as a reference URI.
#pragma once

#include <string>

#include "core/base/bytes.hpp"
#include "core/package/zip.hpp"

namespace eseal::odf {

inline constexpr const char* kSignaturesEntry = "META-INF/documentsignatures.xml";
inline constexpr const char* kSignaturesNs = "urn:oasis:names:tc:opendocument:xmlns:digitalsignature:1.0";
inline constexpr const char* kManifestEntry = "META-INF/manifest.xml";

// ODF 1.2 part 3 3.3: the mimetype entry names an OpenDocument media type.
bool isOdfMimetype(const std::string& mimetype);
// The head of a package written the ODF way: "mimetype" first and stored.
bool odfHead(ByteView head);
// The package's mimetype; throws Error(BadInput) naming path when it has none
// or it is not an OpenDocument type.
std::string mimetypeOf(const package::ZipArchive& zip, const std::string& path);
// Entries a document signature covers: all but directories and the signature
// files (ODF 1.2 part 3 4.8); LibreOffice 7.4 signs mimetype too, earlier
// writers do not.
bool signedEntry(const std::string& name);
// RFC 3986 escaping of a package path for a Reference URI, and back ("" when
// the escape is malformed).
std::string uriOf(const std::string& name);
std::string nameOf(const std::string& uri);

}  // namespace eseal::odf

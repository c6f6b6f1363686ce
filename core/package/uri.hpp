// Package part names in URIs (RFC 3986 percent-encoding), shared by the
// package formats (ODF reference URIs, OOXML part names).
#pragma once

#include <string>

namespace eseal::package {

// Escapes every octet but unreserved characters and '/'.
std::string percentEncodePath(const std::string& name);
// Undoes %XX escapes; "" when an escape is malformed.
std::string percentDecode(const std::string& uri);

}  // namespace eseal::package

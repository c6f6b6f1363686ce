#pragma once

#include <string>

#include "core/crypto/trust.hpp"
#include "core/report/report.hpp"

namespace eseal::ooxml {

// Every signature the package's signature origin names (ECMA-376 part 2
// 13.2.1), through core/xmldsig: SignedInfo, the idPackageObject manifest
// (each part's digest and content type, each relationships part through the
// relationship transform), then which parts and relationships each one
// covers. A package Office would have to repair is refused, never mended.
// Never throws for a bad file: problems go into the report.
Report verifyOoxml(const std::string& path, const TrustStore& trust, const VerifyOptions& options);

}  // namespace eseal::ooxml

#pragma once

#include <string>

#include "core/crypto/trust.hpp"
#include "core/report/report.hpp"

namespace eseal::odf {

// Every ds:Signature of META-INF/documentsignatures.xml (ODF 1.2 part 3 4.8)
// through core/xmldsig, then which package entries each one covers. Never
// throws for a bad file: problems go into the report.
Report verifyOdf(const std::string& path, const TrustStore& trust, const VerifyOptions& options);

}  // namespace eseal::odf

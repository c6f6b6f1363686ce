#pragma once

#include <string>

#include "core/crypto/trust.hpp"
#include "core/report/report.hpp"

namespace eseal::pdf {

// Every signature of a PDF: CMS and chain, /ByteRange coverage, the revision it
// closes and what later revisions changed. Never throws for a bad file.
Report verifyPdf(const std::string& path, const TrustStore& trust, const VerifyOptions& options);

}  // namespace eseal::pdf

// GB/T 38540-2020 signatures in OFD (GB/T 33190-2016 clause 18):
// OFD.xml -> DocBody/Signatures -> Signatures.xml -> Signature.xml ->
// SignedValue (SES_Signature), dataHash = SM3(Signature.xml), then every
// Reference's CheckValue over its file.
#pragma once

#include <string>

#include "core/crypto/trust.hpp"
#include "core/report/report.hpp"

namespace eseal::ofd {

// Never throws for a bad file: problems go into the report.
Report verifyOfd(const std::string& path, const TrustStore& trust, const VerifyOptions& options);

// A location (ST_Loc) inside the package: absolute ("/Doc_0/x.xml") or
// relative to baseDir; "" when it leaves the package.
std::string resolveLoc(const std::string& baseDir, const std::string& loc);

}  // namespace eseal::ofd

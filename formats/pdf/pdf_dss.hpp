// Reading the Document Security Store (ISO 32000-2 12.8.4.3, ETSI EN 319 142-1
// 5.4.2) of a PDF for verification: its certificates help build paths, its
// CRLs and OCSP responses are the offline revocation data.
#pragma once

#include <qpdf/QPDF.hh>
#include <string>
#include <vector>

#include "core/crypto/certificate.hpp"
#include "core/crypto/revocation.hpp"
#include "core/crypto/timestamp.hpp"
#include "core/report/report.hpp"

namespace eseal::pdf {

struct DssContents {
    std::vector<Certificate> certificates;
    RevocationData revocation;          // origin "DSS"
    std::vector<std::string> problems;  // entries that could not be read, for warnings
};

// The catalog's /DSS (all /Certs, /CRLs, /OCSPs streams; the VRI entries
// point into the same streams). Bounded: at most 1000 entries of 1 MiB each.
// Never throws.
DssContents readDss(QPDF& qpdf);

// A document timestamp signature (/SubFilter /ETSI.RFC3161, ETSI EN 319 142-1
// 5.5): its token over the byte range, the TSA's chain (the DSS certificates
// help). Records the outcome in s: a token that does not verify or stamps
// other bytes is FAILED, an untrusted TSA INDETERMINATE.
void checkDocumentTimestamp(ByteView token, const ImprintDigest& digestOf, const TrustStore& trust,
                            const DssContents& dss, SignatureReport& s);

}  // namespace eseal::pdf

// PAdES B-LT and B-LTA (ETSI EN 319 142-1 5.4.3, 5.5): after the signature,
// an incremental update with the validation data in a Document Security Store
// (DSS, ISO 32000-2 12.8.4.3; ETSI EN 319 142-1 5.4.2), then one with a
// document timestamp (/Type /DocTimeStamp, /SubFilter /ETSI.RFC3161,
// ISO 32000-2 12.8.5) over the whole file. Both are appended to the output
// while it is still the temporary, so the target appears complete or not at all.
#pragma once

#include <string>
#include <vector>

#include "core/base/atomic_file.hpp"
#include "core/base/bytes.hpp"
#include "core/key/algorithms.hpp"
#include "core/seal/request.hpp"
#include "formats/pdf/pdf_sign_stages.hpp"

namespace eseal::pdf {

struct ValidationData {
    std::vector<Bytes> certificates;  // DER
    std::vector<Bytes> crls;          // DER CertificateList
    std::vector<Bytes> ocsps;         // DER OCSPResponse
    // The signature's CMS (its /Contents): the VRI entry is keyed by its SHA-1
    // (ETSI EN 319 142-1 5.4.2.2); empty: no VRI.
    Bytes signatureCms;
};

// Appends the DSS update to `output`, whose temporary holds the signed file so
// far (read back with qpdf). An existing DSS keeps its entries. The catalog
// declares the ESIC extension (/Extensions /ESIC, BaseVersion 1.7, level 1) as
// PAdES tools do for PDF 1.x. Throws eseal::Error naming `file`.
void appendDss(AtomicFile& output, const ValidationData& data, const std::string& file);

// Appends an invisible document timestamp signature (field DocTimeStamp<N>)
// from the TSA at tsaUrl over the whole output so far. Throws eseal::Error.
void appendDocumentTimestamp(AtomicFile& output, const std::string& tsaUrl, DigestAlgorithm digest,
                             const std::string& file);

// Stage 7 of a B-LT / B-LTA seal, after the signature update was written to
// output (not committed): the signer chain's certificates and the revocation
// data fetched from the URLs they name go into a DSS; for B-LTA a document
// timestamp follows. Throws Error(Crypto) when the chain names no CRL or OCSP
// service or one cannot be reached.
void appendLongTermValidation(AtomicFile& output, const PreparedUpdate& signatureUpdate,
                              const std::vector<Bytes>& chain, const SealRequest& request);

}  // namespace eseal::pdf

// Fuzzes PDF verification end to end: eseal::pdf::verifyPdf (revisions, signature
// dictionaries, /ByteRange, CMS, later-revision diff) must never throw on any
// file, and eseal::scanRevisions may only throw Error. Both take a path, so the
// input goes to an in-memory file (memfd) reused for the whole process.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/base/error.hpp"
#include "formats/pdf/pdf_revisions.hpp"
#include "formats/pdf/pdf_verify.hpp"
#include "tests/fuzz/memfd_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > (1u << 20)) return 0;
    const std::string path = eseal::fuzz::inputAsFile(data, size);

    static const eseal::TrustStore trust([] {
        eseal::TrustPolicy policy;
        policy.useSystemStore = false;
        return policy;
    }());
    eseal::VerifyOptions options;
    options.validationTime = 1893456000;  // fixed (2030-01-01), so a run does not depend on the clock
    try {
        const eseal::Report report = eseal::pdf::verifyPdf(path, trust, options);
        if (report.signatures.size() > size) std::abort();  // each signature needs bytes of its own
    } catch (...) {
        std::abort();  // verifyPdf must never throw for a bad file
    }

    try {
        (void)eseal::scanRevisions(path);
    } catch (const eseal::Error&) {
        // no valid startxref: expected for most inputs
    }
    return 0;
}

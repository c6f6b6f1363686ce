// Fuzzes eseal::scanRevisions alone (startxref -> xref section -> /Prev walk,
// ISO 32000-1 7.5.5 / 7.5.6), eseal's own hand-written parser of the file
// tail. Unlike fuzz_pdf_verify it needs no qpdf object headers, so it also
// builds with a clang that cannot parse <qpdf/JSON.hh>. Error is expected.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/base/error.hpp"
#include "formats/pdf/pdf_revisions.hpp"
#include "tests/fuzz/memfd_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > (1u << 20)) return 0;
    const std::string path = eseal::fuzz::inputAsFile(data, size);
    try {
        const auto revisions = eseal::scanRevisions(path);
        // Revisions are oldest first and each ends inside the file.
        std::uint64_t previousEnd = 0;
        for (const auto& r : revisions) {
            if (r.end > size || r.end < previousEnd) std::abort();
            previousEnd = r.end;
        }
    } catch (const eseal::Error&) {
        // no valid startxref: expected
    }
    return 0;
}

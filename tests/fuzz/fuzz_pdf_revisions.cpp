// Fuzzes eseal::scanRevisions alone (startxref -> xref section -> /Prev walk,
// ISO 32000-1 7.5.5 / 7.5.6), eseal's own hand-written parser of the file
// tail. Unlike fuzz_pdf_verify it needs no qpdf object headers, so it also
// builds with a clang that cannot parse <qpdf/JSON.hh>. Error is expected.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/base/error.hpp"
#include "formats/pdf/pdf_revisions.hpp"

namespace {

int inputFd() {
    static const int fd = [] {
        const int created = memfd_create("eseal-fuzz-revisions", MFD_CLOEXEC);
        if (created < 0) {
            std::perror("memfd_create");
            std::abort();
        }
        return created;
    }();
    return fd;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > (1u << 20)) return 0;
    const int fd = inputFd();
    if (ftruncate(fd, 0) != 0) std::abort();
    for (std::size_t done = 0; done < size;) {
        const ssize_t n = pwrite(fd, data + done, size - done, static_cast<off_t>(done));
        if (n <= 0) std::abort();
        done += static_cast<std::size_t>(n);
    }
    try {
        const auto revisions = eseal::scanRevisions("/proc/self/fd/" + std::to_string(fd));
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

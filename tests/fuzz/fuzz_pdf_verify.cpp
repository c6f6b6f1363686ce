// Fuzzes PDF verification end to end: eseal::verifyPdf (revisions, signature
// dictionaries, /ByteRange, CMS, later-revision diff) must never throw on any
// file, and eseal::scanRevisions may only throw Error. Both take a path, so the
// input goes to an in-memory file (memfd) reused for the whole process.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/base/error.hpp"
#include "formats/pdf/pdf_revisions.hpp"
#include "formats/pdf/pdf_verify.hpp"

namespace {

// One memfd per process; /proc/self/fd/N opens it by name like a regular file.
int inputFd() {
    static const int fd = [] {
        const int created = memfd_create("eseal-fuzz-pdf", MFD_CLOEXEC);
        if (created < 0) {
            std::perror("memfd_create");
            std::abort();
        }
        return created;
    }();
    return fd;
}

void writeInput(int fd, const std::uint8_t* data, std::size_t size) {
    if (ftruncate(fd, 0) != 0) std::abort();
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = pwrite(fd, data + done, size - done, static_cast<off_t>(done));
        if (n <= 0) std::abort();
        done += static_cast<std::size_t>(n);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > (1u << 20)) return 0;
    const int fd = inputFd();
    writeInput(fd, data, size);
    const std::string path = "/proc/self/fd/" + std::to_string(fd);

    eseal::TrustPolicy policy;
    policy.useSystemStore = false;
    policy.validationTime = 1893456000;  // fixed (2030-01-01), so a run does not depend on the clock
    try {
        const eseal::Report report = eseal::verifyPdf(path, policy);
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

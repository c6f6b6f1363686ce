// The fuzz input as a file: the PDF code reads paths, so each input is written
// to one memfd per process, opened by name as /proc/self/fd/N.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace eseal::fuzz {

inline std::string inputAsFile(const std::uint8_t* data, std::size_t size) {
    static const int fd = [] {
        const int created = memfd_create("eseal-fuzz-input", MFD_CLOEXEC);
        if (created < 0) {
            std::perror("memfd_create");
            std::abort();
        }
        return created;
    }();
    if (ftruncate(fd, 0) != 0) std::abort();
    for (std::size_t done = 0; done < size;) {
        const ssize_t n = pwrite(fd, data + done, size - done, static_cast<off_t>(done));
        if (n <= 0) std::abort();
        done += static_cast<std::size_t>(n);
    }
    return "/proc/self/fd/" + std::to_string(fd);
}

}  // namespace eseal::fuzz

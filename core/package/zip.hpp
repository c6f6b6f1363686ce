// Reading ZIP packages (OFD, later OOXML and ODF) safely: bounded expansion,
// entry names that stay inside the package, no duplicate names.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/base/bytes.hpp"

namespace eseal::package {

struct ZipLimits {
    std::size_t maxEntries = 10000;
    std::uint64_t maxEntryBytes = 256ull << 20;  // one expanded entry
    std::uint64_t maxTotalBytes = 1ull << 30;    // all entries' declared sizes together
    std::uint64_t maxRatio = 1000;               // expanded / compressed, for entries above 1 MiB
};

// True when head starts with a ZIP local file header.
bool isZipHead(ByteView head);

class ZipArchive {
public:
    // Opens and checks the central directory: every name relative, without
    // "..", "\\" or NUL, unique; sizes within limits. Throws Error(BadInput)
    // naming path, Error(InputUnreadable) when the file cannot be opened.
    explicit ZipArchive(const std::string& path, ZipLimits limits = {});
    ~ZipArchive();
    ZipArchive(const ZipArchive&) = delete;
    ZipArchive& operator=(const ZipArchive&) = delete;

    // Entry names as stored (directories end in '/').
    const std::vector<std::string>& names() const noexcept { return names_; }
    bool contains(const std::string& name) const;
    // The expanded bytes of one entry; never more than its declared size.
    // Throws Error(BadInput) for a missing entry, a CRC or size mismatch.
    Bytes read(const std::string& name) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::vector<std::string> names_;
    std::string path_;
    ZipLimits limits_;
};

// One entry of a package to write.
struct ZipEntryOut {
    std::string name;
    Bytes data;
    bool stored = false;  // no compression (ODF's mimetype, ODF 1.2 part 3 3.3)
};

// The bytes of a ZIP holding entries in this order (directories: names ending
// in '/', empty data). For an AtomicFile; throws Error(Internal) on failure.
Bytes writeZip(const std::vector<ZipEntryOut>& entries);

// writeZip into `path` atomically (temporary file + rename, core/base
// AtomicFile); returns the package's size in bytes.
std::size_t writeZipFile(const std::string& path, const std::vector<ZipEntryOut>& entries);

}  // namespace eseal::package

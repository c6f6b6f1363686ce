// Reading ZIP packages (OFD, later OOXML and ODF) safely: bounded expansion,
// entry names that stay inside the package, no duplicate names.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/base/atomic_file.hpp"
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
    // The same bytes handed to sink in pieces of at most 64 KiB, so that a part
    // is digested or parsed without being held whole; the same checks as read().
    void stream(const std::string& name, const std::function<void(ByteView)>& sink) const;
    // The declared expanded size of an entry (0 for a missing one).
    std::uint64_t size(const std::string& name) const;

private:
    friend class ZipWriter;
    std::int64_t indexOf(const std::string& name) const;  // throws for a missing entry
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::vector<std::string> names_;
    std::string path_;
    ZipLimits limits_;
};

// An edit of an entry's bytes made while it streams: at byte offset `at` of
// the entry, the bytes `removed` (checked, "" for none) are left out and
// `insert` put in their place; precededBy, when not 0, is the byte that must
// come just before `at` (a check that offsets found by a parser are right).
struct Splice {
    std::uint64_t at = 0;
    std::string removed;
    std::string insert;
    char precededBy = 0;
};

// Streams the entry `name` of zip to sink with the splices applied (sorted by
// `at`, not overlapping), the entry never held whole. Throws Error(Internal)
// naming the entry when its bytes do not match a splice's checks.
void streamSpliced(const ZipArchive& zip, const std::string& name, const std::vector<Splice>& splices,
                   const std::function<void(ByteView)>& sink);

// A package written entry by entry into a temporary file that replaces `path`
// on commit() (core/base AtomicFile: removed on failure or Ctrl-C). Entries
// taken from another package keep their compressed data as it is (no
// expansion, no recompression); only new entries are compressed. Throws
// Error(OutputNotWritable) for I/O, Error(BadInput) naming the source for an
// entry that cannot be copied.
class ZipWriter {
public:
    explicit ZipWriter(const std::string& path);
    ~ZipWriter();
    ZipWriter(const ZipWriter&) = delete;
    ZipWriter& operator=(const ZipWriter&) = delete;

    // A new entry; stored: no compression (ODF's mimetype, ODF 1.2 part 3 3.3).
    // A name ending in '/' is a directory (data empty).
    void add(const std::string& name, ByteView data, bool stored = false);
    // A new entry whose bytes produce() hands to the sink it gets, in pieces.
    void addStreamed(const std::string& name,
                     const std::function<void(const std::function<void(ByteView)>&)>& produce);
    // The entry `name` of from, its compressed bytes, CRC and sizes unchanged.
    void copy(const ZipArchive& from, const std::string& name);
    // Writes the central directory and renames the file onto path (or hands
    // the finished file to handOff when set: AtomicFile::commit); returns the
    // package's size in bytes.
    std::uint64_t commit(const OutputHandOff& handOff = {});

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
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

}  // namespace eseal::package

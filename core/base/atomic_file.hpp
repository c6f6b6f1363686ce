// Output is never written in place: bytes go to a temporary file in the target
// directory, which commit() flushes to disk and renames over the target. If
// commit() is not reached the temporary is removed and the target is untouched,
// also when the process is interrupted (core/base/interrupt.hpp).
#pragma once

#include <cstdio>
#include <functional>
#include <string>

#include "core/base/bytes.hpp"

namespace eseal {

// An output complete under its temporary name (written, fsynced, closed),
// waiting for publish() to rename it onto its target. Until then it is one of
// the temporaries a Ctrl-C removes; dropped unpublished, it is removed.
class FinishedFile {
public:
    FinishedFile(FinishedFile&& other) noexcept;
    FinishedFile& operator=(FinishedFile&& other) noexcept;  // removes the temporary it had
    FinishedFile(const FinishedFile&) = delete;
    FinishedFile& operator=(const FinishedFile&) = delete;
    ~FinishedFile();

    // Renames the temporary onto the target, with SIGINT/SIGTERM/SIGHUP held
    // (core/base/interrupt.hpp) so a signal never falls between the rename
    // and forgetting the temporary. Throws Error(OutputNotWritable).
    void publish();
    const std::string& target() const noexcept { return target_; }
    std::uint64_t size() const noexcept { return size_; }

private:
    friend class AtomicFile;
    FinishedFile(std::string target, std::string temporary, int slot, std::uint64_t size) noexcept;
    void drop() noexcept;

    std::string target_;
    std::string tempPath_;  // empty once published or moved from
    int interruptSlot_ = -1;
    std::uint64_t size_ = 0;
};

// Where a finished output goes instead of being renamed at once: a batch that
// seals files in parallel renames them in input order from one thread. Empty:
// rename at once (AtomicFile::commit).
using OutputHandOff = std::function<void(FinishedFile)>;

class AtomicFile {
public:
    // Throws Error(Io) when the temporary cannot be created (e.g. the target
    // directory is not writable).
    explicit AtomicFile(std::string target);
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;
    ~AtomicFile();

    void write(ByteView data);
    void write(const void* data, std::size_t size);
    // Appends `length` bytes of the open file `fd` from offset `from`, copied
    // by the kernel when it can (copy_file_range: no trip through user memory,
    // a shared extent on file systems that reflink) and with the disk write
    // of each piece started at once (sync_file_range), so that commit()'s
    // fsync finds little left to wait for. `progress(size())` is called after
    // each piece, in this thread. Returns the bytes copied: fewer than
    // `length` only when the input ends early. Throws Error(OutputNotWritable)
    // naming the target or, when the input cannot be read, Error(InputUnreadable)
    // naming no file (the caller knows it).
    std::uint64_t appendFrom(int fd, std::uint64_t from, std::uint64_t length,
                             const std::function<void(std::uint64_t)>& progress);
    // Reads bytes already written back from the temporary (safe while another
    // thread appends beyond them). Returns the count read; 0 at its end.
    std::size_t readBack(std::uint64_t offset, void* data, std::size_t size) const;
    // Writes over bytes already written (a ZIP local header completed once its
    // entry's sizes and CRC are known); the file does not grow.
    void rewrite(std::uint64_t offset, ByteView data);
    // Bytes written so far.
    std::uint64_t size() const noexcept { return written_; }
    // fsync + rename onto the target; after this the object is inert.
    void commit();
    // fsync + close; the temporary then belongs to the result (size() stays
    // valid; the object is otherwise inert).
    FinishedFile finish();
    // finish() handed to handOff when it is set, else commit().
    void commit(const OutputHandOff& handOff);

    const std::string& target() const noexcept { return target_; }
    const std::string& temporaryPath() const noexcept { return tempPath_; }

private:
    std::string target_;
    std::string tempPath_;
    int fd_ = -1;
    int interruptSlot_ = -1;  // see core/base/interrupt.hpp
    std::uint64_t written_ = 0;
    bool committed_ = false;
};

// Refuses when input and output name the same file (by inode), so the input is
// never replaced by its own sealed copy.
void ensureDistinctFiles(const std::string& input, const std::string& output);

// Everything about an output that can be known before any work: it is not the
// input, it is not a folder, and its folder exists and lets us create files.
// Throws Error(Usage) for output == input, Error(OutputNotWritable) otherwise,
// with a message saying which.
void checkOutputTarget(const std::string& input, const std::string& output);

}  // namespace eseal

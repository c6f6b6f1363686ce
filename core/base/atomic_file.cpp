#include "core/base/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/base/interrupt.hpp"

namespace eseal {

namespace {
std::string errnoText() { return std::strerror(errno); }

// The umask can only be read by setting it: done once, so that threads
// creating outputs at the same time never see (and restore) the 0 another
// one set for a moment, which would leave the process without its umask.
mode_t processUmask() {
    static const mode_t mask = [] {
        const mode_t m = ::umask(0);
        ::umask(m);
        return m;
    }();
    return mask;
}
}  // namespace

AtomicFile::AtomicFile(std::string target) : target_(std::move(target)) {
    std::filesystem::path p(target_);
    std::filesystem::path dir = p.has_parent_path() ? p.parent_path() : std::filesystem::path(".");
    std::string pattern = (dir / ("." + p.filename().string() + ".eseal-XXXXXX")).string();
    {
        // A Ctrl-C between mkstemp and rememberTemporary would leave the
        // temporary behind. Nothing in this scope allocates (see InterruptsHeld).
        InterruptsHeld held;
        fd_ = ::mkstemp(pattern.data());
        if (fd_ >= 0) interruptSlot_ = rememberTemporary(pattern);
    }
    if (fd_ < 0) {
        throw Error(ErrorCategory::OutputNotWritable,
                    fill(tr("cannot create output in {dir}: "), {{"{dir}", dir.string()}}) + errnoText(),
                    target_);
    }
    tempPath_ = std::move(pattern);
    ::fchmod(fd_, 0644 & ~processUmask());
}

AtomicFile::~AtomicFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_ && !tempPath_.empty()) ::unlink(tempPath_.c_str());
    forgetTemporary(interruptSlot_);
}

void AtomicFile::write(ByteView data) { write(data.data(), data.size()); }

void AtomicFile::write(const void* data, std::size_t size) {
    const char* p = static_cast<const char*>(data);
    while (size > 0) {
        ssize_t n = ::write(fd_, p, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw Error(ErrorCategory::OutputNotWritable, tr("write failed: ") + errnoText(), target_);
        }
        p += n;
        size -= static_cast<std::size_t>(n);
        written_ += static_cast<std::uint64_t>(n);
    }
}

std::uint64_t AtomicFile::appendFrom(int fd, std::uint64_t from, std::uint64_t length,
                                     const std::function<void(std::uint64_t)>& progress) {
    // Pieces of 8 MiB: small enough for the progress to be fine-grained (a
    // reader hashing behind this copy), large enough to cost few system calls.
    constexpr std::uint64_t kPiece = 8u << 20;
    bool kernelCopy = true;
    std::vector<char> buffer;
    std::uint64_t done = 0;
    while (done < length) {
        const std::size_t want = static_cast<std::size_t>(std::min(kPiece, length - done));
        const std::uint64_t pieceStart = written_;
        ssize_t n = -1;
        if (kernelCopy) {
            // The output's own offset moves, as with write(): what follows lands after it.
            off_t in = static_cast<off_t>(from + done);
            n = ::copy_file_range(fd, &in, fd_, nullptr, want, 0);
            // Not on this kernel or between these file systems: read and write.
            if (n < 0 && (errno == ENOSYS || errno == EXDEV || errno == EINVAL || errno == EOPNOTSUPP ||
                          errno == EBADF || errno == ETXTBSY || errno == EPERM)) {
                kernelCopy = false;
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0)
                throw Error(ErrorCategory::OutputNotWritable, tr("write failed: ") + errnoText(), target_);
            written_ += static_cast<std::uint64_t>(n);
        } else {
            buffer.resize(want);
            n = ::pread(fd, buffer.data(), want, static_cast<off_t>(from + done));
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw Error(ErrorCategory::InputUnreadable, tr("read error: ") + errnoText());
            write(buffer.data(), static_cast<std::size_t>(n));
        }
        if (n == 0) break;  // the input ended
        done += static_cast<std::uint64_t>(n);
        // Start the disk write now; commit() waits for it (an advisory call:
        // a file system without it just leaves the work to fsync).
        (void)::sync_file_range(fd_, static_cast<off_t>(pieceStart), static_cast<off_t>(n),
                                SYNC_FILE_RANGE_WRITE);
        if (progress) progress(written_);
    }
    return done;
}

std::size_t AtomicFile::readBack(std::uint64_t offset, void* data, std::size_t size) const {
    for (;;) {
        ssize_t n = ::pread(fd_, data, size, static_cast<off_t>(offset));
        if (n >= 0) return static_cast<std::size_t>(n);
        if (errno != EINTR)
            throw Error(ErrorCategory::OutputNotWritable, tr("read back failed: ") + errnoText(), target_);
    }
}

void AtomicFile::rewrite(std::uint64_t offset, ByteView data) {
    if (offset + data.size() > written_)
        throw Error(ErrorCategory::Internal, "rewrite beyond the written bytes", target_);
    std::size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::pwrite(fd_, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
        if (n < 0) {
            if (errno == EINTR) continue;
            throw Error(ErrorCategory::OutputNotWritable, tr("write failed: ") + errnoText(), target_);
        }
        done += static_cast<std::size_t>(n);
    }
}

FinishedFile AtomicFile::finish() {
    if (committed_ || fd_ < 0) throw Error(ErrorCategory::Internal, "output finished twice", target_);
    if (::fsync(fd_) != 0)
        throw Error(ErrorCategory::OutputNotWritable, tr("fsync failed: ") + errnoText(), target_);
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0)
        throw Error(ErrorCategory::OutputNotWritable, tr("close failed: ") + errnoText(), target_);
    // From here the FinishedFile owns the temporary and its slot.
    committed_ = true;
    FinishedFile done(target_, std::move(tempPath_), interruptSlot_, written_);
    tempPath_.clear();
    interruptSlot_ = -1;
    return done;
}

void AtomicFile::commit() { finish().publish(); }

void AtomicFile::commit(const OutputHandOff& handOff) {
    if (handOff)
        handOff(finish());
    else
        commit();
}

FinishedFile::FinishedFile(std::string target, std::string temporary, int slot, std::uint64_t size) noexcept
    : target_(std::move(target)), tempPath_(std::move(temporary)), interruptSlot_(slot), size_(size) {}

FinishedFile::FinishedFile(FinishedFile&& other) noexcept
    : target_(std::move(other.target_)),
      tempPath_(std::move(other.tempPath_)),
      interruptSlot_(other.interruptSlot_),
      size_(other.size_) {
    other.tempPath_.clear();
    other.interruptSlot_ = -1;
}

FinishedFile& FinishedFile::operator=(FinishedFile&& other) noexcept {
    if (this == &other) return *this;
    drop();
    target_ = std::move(other.target_);
    tempPath_ = std::move(other.tempPath_);
    interruptSlot_ = other.interruptSlot_;
    size_ = other.size_;
    other.tempPath_.clear();
    other.interruptSlot_ = -1;
    return *this;
}

FinishedFile::~FinishedFile() { drop(); }

void FinishedFile::drop() noexcept {
    if (!tempPath_.empty()) ::unlink(tempPath_.c_str());
    forgetTemporary(interruptSlot_);
    tempPath_.clear();
    interruptSlot_ = -1;
}

void FinishedFile::publish() {
    if (tempPath_.empty()) throw Error(ErrorCategory::Internal, "output published twice", target_);
    int renamed = 0, error = 0;
    {
        InterruptsHeld held;
        renamed = ::rename(tempPath_.c_str(), target_.c_str());
        error = errno;
        if (renamed == 0) forgetTemporary(interruptSlot_);
    }
    if (renamed != 0) {
        errno = error;
        throw Error(ErrorCategory::OutputNotWritable, tr("rename failed: ") + errnoText(), target_);
    }
    interruptSlot_ = -1;
    tempPath_.clear();
}

void ensureDistinctFiles(const std::string& input, const std::string& output) {
    struct stat a {
    }, b{};
    if (::stat(input.c_str(), &a) == 0 && ::stat(output.c_str(), &b) == 0 && a.st_dev == b.st_dev &&
        a.st_ino == b.st_ino) {
        throw Error(ErrorCategory::Usage,
                    tr("output must not be the input file; eseal never writes in place"), output);
    }
}

void checkOutputTarget(const std::string& input, const std::string& output) {
    if (output.empty()) throw Error(ErrorCategory::Usage, tr("no output file given"), input);
    ensureDistinctFiles(input, output);
    std::error_code ec;
    const std::filesystem::path p(output);
    if (std::filesystem::is_directory(p, ec)) {
        throw Error(ErrorCategory::OutputNotWritable, tr("the output is a folder, not a file name"), output);
    }
    const std::filesystem::path dir = p.has_parent_path() ? p.parent_path() : std::filesystem::path(".");
    if (!std::filesystem::is_directory(dir, ec)) {
        throw Error(ErrorCategory::OutputNotWritable,
                    fill(tr("the output folder {dir} does not exist"), {{"{dir}", dir.string()}}), output);
    }
    // The temporary file is created in this folder (see AtomicFile).
    if (::access(dir.c_str(), W_OK | X_OK) != 0) {
        throw Error(ErrorCategory::OutputNotWritable,
                    fill(tr("cannot create files in the output folder {dir}: "), {{"{dir}", dir.string()}}) +
                        errnoText(),
                    output);
    }
}

}  // namespace eseal

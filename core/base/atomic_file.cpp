#include "core/base/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/base/interrupt.hpp"

namespace eseal {

namespace {
std::string errnoText() { return std::strerror(errno); }
}  // namespace

AtomicFile::AtomicFile(std::string target) : target_(std::move(target)) {
    std::filesystem::path p(target_);
    std::filesystem::path dir = p.has_parent_path() ? p.parent_path() : std::filesystem::path(".");
    std::string pattern = (dir / ("." + p.filename().string() + ".eseal-XXXXXX")).string();
    tempPath_.reserve(pattern.size());
    // A Ctrl-C between mkstemp and rememberTemporary would leave the temporary behind.
    InterruptsHeld held;
    fd_ = ::mkstemp(pattern.data());
    if (fd_ < 0) {
        throw Error(ErrorCategory::OutputNotWritable,
                    fill(tr("cannot create output in {dir}: "), {{"{dir}", dir.string()}}) + errnoText(),
                    target_);
    }
    tempPath_ = pattern;
    interruptSlot_ = rememberTemporary(tempPath_);
    ::fchmod(
        fd_, 0644 & ~[] {
            mode_t m = ::umask(0);
            ::umask(m);
            return m;
        }());
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

void AtomicFile::commit() {
    if (committed_) return;
    if (::fsync(fd_) != 0)
        throw Error(ErrorCategory::OutputNotWritable, tr("fsync failed: ") + errnoText(), target_);
    if (::close(fd_) != 0) {
        fd_ = -1;
        throw Error(ErrorCategory::OutputNotWritable, tr("close failed: ") + errnoText(), target_);
    }
    fd_ = -1;
    if (::rename(tempPath_.c_str(), target_.c_str()) != 0) {
        throw Error(ErrorCategory::OutputNotWritable, tr("rename failed: ") + errnoText(), target_);
    }
    committed_ = true;
    forgetTemporary(interruptSlot_);
    interruptSlot_ = -1;
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

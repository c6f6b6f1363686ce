#include "formats/pdf/pdf_input.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <utility>
#include <vector>

// qpdf 11: PointerHolder is gone from our use; silences its transition #warning.
#include <qpdf/InputSource.hh>
#include <qpdf/QPDFExc.hh>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "formats/pdf/pdf_revisions.hpp"

namespace eseal::pdf {

FileReader::FileReader(const std::string& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0)
        throw Error(ErrorCategory::InputUnreadable, std::string(tr("cannot open: ")) + std::strerror(errno),
                    path);
    struct stat st {};
    if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd_);
        fd_ = -1;
        throw Error(ErrorCategory::InputUnreadable, tr("not a regular file"), path);
    }
    size_ = static_cast<std::uint64_t>(st.st_size);
}

FileReader::~FileReader() {
    if (fd_ >= 0) ::close(fd_);
}

std::size_t FileReader::readAt(std::uint64_t offset, void* buffer, std::size_t n) const {
    if (offset >= size_) return 0;
    n = static_cast<std::size_t>(std::min<std::uint64_t>(n, size_ - offset));
    std::size_t done = 0;
    auto* out = static_cast<char*>(buffer);
    while (done < n) {
        ssize_t got = ::pread(fd_, out + done, n - done, static_cast<off_t>(offset + done));
        if (got < 0) {
            if (errno == EINTR) continue;
            throw Error(ErrorCategory::InputUnreadable,
                        std::string(tr("read failed: ")) + std::strerror(errno), path_);
        }
        if (got == 0) break;  // the file shrank under us
        done += static_cast<std::size_t>(got);
    }
    return done;
}

std::string FileReader::readString(std::uint64_t offset, std::size_t n) const {
    std::string s(n, '\0');
    s.resize(readAt(offset, s.data(), n));
    return s;
}

Cursor::Cursor(const FileReader& file, std::uint64_t pos, std::uint64_t limit)
    : file_(file), pos_(pos), limit_(std::min(limit, file.size())), buf_(16384) {}

int Cursor::peek() {
    if (pos_ >= limit_) return -1;
    if (pos_ < bufStart_ || pos_ >= bufStart_ + bufLen_) {
        bufStart_ = pos_;
        bufLen_ = file_.readAt(pos_, buf_.data(), buf_.size());
        if (bufLen_ == 0) return -1;
    }
    return static_cast<unsigned char>(buf_[static_cast<std::size_t>(pos_ - bufStart_)]);
}

int Cursor::get() {
    int c = peek();
    if (c >= 0) ++pos_;
    return c;
}

namespace {

// Behaves as qpdf's FileInputSource, but ends at `limit`: qpdf then finds the
// startxref of that revision and sees nothing appended after it.
// With a `suffix`, the bytes after `limit` are the suffix: a startxref that
// names the section the revision scan found where the file's own one misses.
class ClippedInputSource final : public InputSource {
public:
    ClippedInputSource(const std::string& path, std::uint64_t limit, std::string suffix = "")
        : file_(path), name_(path), suffix_(std::move(suffix)) {
        limit_ = static_cast<qpdf_offset_t>(std::min(limit, file_.size()));
        end_ = limit_ + static_cast<qpdf_offset_t>(suffix_.size());
    }

    qpdf_offset_t findAndSkipNextEOL() override {
        // Returns the offset of the next CR or LF and leaves the position past
        // the whole run of EOL characters (qpdf's FileInputSource contract).
        char buf[4096];
        while (true) {
            qpdf_offset_t start = pos_;
            std::size_t len = read(buf, sizeof buf);
            if (len == 0) return pos_;
            for (std::size_t i = 0; i < len; ++i) {
                if (buf[i] == '\r' || buf[i] == '\n') {
                    qpdf_offset_t eol = start + static_cast<qpdf_offset_t>(i);
                    pos_ = eol + 1;
                    char ch = 0;
                    while (read(&ch, 1) == 1) {
                        if (ch != '\r' && ch != '\n') {
                            --pos_;
                            break;
                        }
                    }
                    return eol;
                }
            }
        }
    }

    std::string const& getName() const override { return name_; }
    qpdf_offset_t tell() override { return pos_; }

    void seek(qpdf_offset_t offset, int whence) override {
        qpdf_offset_t base = 0;
        if (whence == SEEK_CUR)
            base = pos_;
        else if (whence == SEEK_END)
            base = end_;
        qpdf_offset_t target = base + offset;
        if (target < 0) throw Error(ErrorCategory::BadInput, tr("seek before the start of the file"), name_);
        pos_ = target;
    }

    void rewind() override { pos_ = 0; }

    std::size_t read(char* out, std::size_t length) override {
        last_offset = pos_;
        std::size_t done = 0;
        while (done < length && pos_ < end_) {
            std::size_t got = 0;
            if (pos_ >= limit_) {
                const std::size_t from = static_cast<std::size_t>(pos_ - limit_);
                got = std::min(length - done, suffix_.size() - from);
                std::memcpy(out + done, suffix_.data() + from, got);
            } else {
                const std::size_t n = static_cast<std::size_t>(
                    std::min<qpdf_offset_t>(static_cast<qpdf_offset_t>(length - done), limit_ - pos_));
                got = readFile(pos_, out + done, n);
                if (got < n) {  // the file shrank: end here
                    pos_ += static_cast<qpdf_offset_t>(got);
                    done += got;
                    break;
                }
            }
            pos_ += static_cast<qpdf_offset_t>(got);
            done += got;
        }
        return done;
    }

    void unreadCh(char) override {
        if (pos_ > 0) --pos_;
    }

private:
    static constexpr std::size_t kWindow = 16384;

    // n bytes at `at` (below limit_), through a window of the file: qpdf reads
    // a byte or a few at a time while it parses objects, which as one system
    // call each cost more than the parsing (25 signatures: ~105,000 reads).
    std::size_t readFile(qpdf_offset_t at, char* out, std::size_t n) {
        if (n >= kWindow) return file_.readAt(static_cast<std::uint64_t>(at), out, n);
        const qpdf_offset_t windowEnd = windowStart_ + static_cast<qpdf_offset_t>(windowLength_);
        if (at < windowStart_ || at + static_cast<qpdf_offset_t>(n) > windowEnd) {
            window_.resize(kWindow);
            const auto want = static_cast<std::size_t>(std::min<qpdf_offset_t>(kWindow, limit_ - at));
            windowStart_ = at;
            windowLength_ = file_.readAt(static_cast<std::uint64_t>(at), window_.data(), want);
        }
        const std::size_t offset = static_cast<std::size_t>(at - windowStart_);
        const std::size_t got = std::min(n, windowLength_ - std::min(windowLength_, offset));
        std::memcpy(out, window_.data() + offset, got);
        return got;
    }

    FileReader file_;
    std::vector<char> window_;
    qpdf_offset_t windowStart_ = 0;
    std::size_t windowLength_ = 0;
    std::string name_;
    std::string suffix_;
    qpdf_offset_t limit_ = 0;
    qpdf_offset_t end_ = 0;
    qpdf_offset_t pos_ = 0;
};

}  // namespace

std::shared_ptr<InputSource> openClippedInput(const std::string& path, std::uint64_t limit) {
    return std::make_shared<ClippedInputSource>(path, limit);
}

std::shared_ptr<InputSource> openRevisionInput(const std::string& path, const PdfRevision& revision) {
    if (revision.startxref == revision.declaredStartxref) return openClippedInput(path, revision.end);
    return std::make_shared<ClippedInputSource>(
        path, revision.end, "\nstartxref\n" + std::to_string(revision.startxref) + "\n%%EOF\n");
}

bool isHarmlessWarning(const QPDFExc& warning) {
    const std::string detail = warning.getMessageDetail();
    // qpdf skips white space between a startxref's offset and "xref" (node-signpdf
    // names the EOL before it) and reads the table found there as written.
    return detail.rfind("reported number of objects", 0) == 0 ||
           detail == "extraneous whitespace seen before xref";
}

}  // namespace eseal::pdf

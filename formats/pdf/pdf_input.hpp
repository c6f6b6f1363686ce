// Bounded random access to a PDF on disk, shared by the revision scanner and
// the verifier: nothing here loads a whole file into memory.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

class InputSource;  // qpdf
class QPDFExc;

namespace eseal {
struct PdfRevision;
}

namespace eseal::pdf {

// A read-only file read with pread(): no shared file position, so several
// readers (and qpdf input sources) may use the same file independently.
class FileReader {
public:
    // Throws Error(Io) naming the file when it cannot be opened or is not a
    // regular file.
    explicit FileReader(const std::string& path);
    ~FileReader();
    FileReader(const FileReader&) = delete;
    FileReader& operator=(const FileReader&) = delete;

    const std::string& path() const noexcept { return path_; }
    std::uint64_t size() const noexcept { return size_; }

    // Up to `n` bytes at `offset` (fewer at the end of the file). Throws Error(Io).
    std::size_t readAt(std::uint64_t offset, void* buffer, std::size_t n) const;
    std::string readString(std::uint64_t offset, std::size_t n) const;

private:
    std::string path_;
    int fd_ = -1;
    std::uint64_t size_ = 0;
};

// Sequential reading with a small window over a FileReader, for tokenizing
// the few structures (xref sections, trailers) the revision scanner looks at.
class Cursor {
public:
    Cursor(const FileReader& file, std::uint64_t pos, std::uint64_t limit);
    int peek();  // -1 at the limit
    int get();
    std::uint64_t tell() const noexcept { return pos_; }
    void seek(std::uint64_t pos) noexcept { pos_ = pos; }
    std::uint64_t limit() const noexcept { return limit_; }

private:
    const FileReader& file_;
    std::uint64_t pos_;
    std::uint64_t limit_;
    std::vector<char> buf_;
    std::uint64_t bufStart_ = 0;
    std::size_t bufLen_ = 0;
};

// A qpdf InputSource that shows only the first `limit` bytes of a file (one
// revision of it), read straight from disk. Throws Error(Io).
std::shared_ptr<InputSource> openClippedInput(const std::string& path, std::uint64_t limit);

// The same for one revision (pdf_revisions): when the scan found its xref
// section elsewhere than its startxref says, qpdf is shown a startxref that
// names the section found, after the revision's bytes (objects keep their offsets).
std::shared_ptr<InputSource> openRevisionInput(const std::string& path, const PdfRevision& revision);

// Whether a qpdf warning is harmless: a trailer /Size that is not one plus
// the highest object number (7.5.5), which Acrobat, iText and PDFBox write,
// or white space before "xref" where a startxref points; qpdf reads such
// files as written. Every other warning is a repair.
bool isHarmlessWarning(const QPDFExc& warning);

}  // namespace eseal::pdf

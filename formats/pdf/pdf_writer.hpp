// The bytes of one incremental update (ISO 32000-1 7.5.6): objects, then a
// cross-reference section of the same kind as the file's last one, then the
// trailer. Held in memory: its size depends on the seal image, not on the file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/bytes.hpp"
#include "formats/pdf/pdf_encrypt.hpp"

namespace eseal::pdf {

// When eseal adds the end-of-line marker after the file's %%EOF, this comment
// line follows it, so that removing the seal (eseal unseal) can give back the
// file's exact bytes: an added EOL is otherwise indistinguishable from one
// that was there.
inline constexpr std::string_view kAddedEolComment = "%eseal: EOL added\n";

class UpdateWriter {
public:
    // `base` is the size of the file the update is appended to. When the file
    // does not end with an end-of-line marker the update starts with one, so
    // the first object starts on a line of its own (7.5.6 appends after %%EOF EOL),
    // followed by kAddedEolComment (a comment, 7.2.4).
    UpdateWriter(std::uint64_t base, bool needLeadingEol);

    // "num gen obj\n" body "\nendobj\n" (7.3.10).
    void object(int num, int gen, std::string_view body);
    // A stream object; `dict` is the dictionary entries without /Length (7.3.8).
    void streamObject(int num, int gen, std::string_view dictEntries, ByteView data);
    // Objects written from here on are encrypted with `cipher` (an encrypted
    // file, 7.6): the strings of object() bodies, of streamObject() dictionaries
    // and of text(), and stream data. nullptr = in the clear. Not owned.
    void encryptWith(const ObjectCipher* cipher) noexcept { cipher_ = cipher; }
    // Inside an open object: PDF syntax whose strings are encrypted like those
    // of object() (append() writes bytes as they are: the /Contents slot).
    void text(std::string_view syntax);
    // Raw writing with a position mark, for objects whose body must be patched
    // later (the signature dictionary).
    void beginObject(int num, int gen);
    void endObject();
    void append(std::string_view text);
    void append(ByteView data);

    // Position in the update buffer (not the file) of the next byte.
    std::size_t mark() const noexcept { return buffer_.size(); }
    std::uint64_t base() const noexcept { return base_; }

    // Ends the update with a classic cross-reference table (7.5.4) and trailer
    // (7.5.5). `trailerEntries` holds /Root, /Info, /ID; /Size and /Prev are added.
    void finishWithTable(int size, std::uint64_t prev, std::string_view trailerEntries);
    // Ends the update with a cross-reference stream (7.5.8) numbered `xrefNum`,
    // which must be below `size`.
    void finishWithStream(int xrefNum, int size, std::uint64_t prev, std::string_view trailerEntries);

    Bytes& buffer() noexcept { return buffer_; }

private:
    struct Entry {
        int num;
        int gen;
        std::uint64_t offset;
    };
    void record(int num, int gen);
    void finishStartxref(std::uint64_t xrefOffset);

    std::uint64_t base_;
    Bytes buffer_;
    std::vector<Entry> entries_;
    bool open_ = false;
    int openNum_ = 0;
    int openGen_ = 0;
    const ObjectCipher* cipher_ = nullptr;
};

}  // namespace eseal::pdf

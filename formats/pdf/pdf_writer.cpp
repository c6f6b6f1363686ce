#include "formats/pdf/pdf_writer.hpp"

#include <algorithm>
#include <cstdio>

#include "core/base/error.hpp"

namespace eseal::pdf {

namespace {

std::string str(std::uint64_t v) { return std::to_string(v); }

// The (start, count) runs of consecutive object numbers (7.5.4 subsections,
// 7.5.8.2 /Index pairs). `nums` is sorted and has no duplicates.
std::vector<std::pair<int, int>> runs(const std::vector<int>& nums) {
    std::vector<std::pair<int, int>> out;
    for (int n : nums) {
        if (!out.empty() && out.back().first + out.back().second == n) {
            ++out.back().second;
        } else {
            out.emplace_back(n, 1);
        }
    }
    return out;
}

int bytesFor(std::uint64_t v) {
    int n = 1;
    while (v > 0xFF) {
        v >>= 8;
        ++n;
    }
    return n;
}

}  // namespace

UpdateWriter::UpdateWriter(std::uint64_t base, bool needLeadingEol) : base_(base) {
    if (needLeadingEol) {
        append("\n");
        append(kAddedEolComment);
    }
}

// Every error of the writer is Internal: eseal numbered or nested its own
// objects wrongly (a bug a person cannot cause), so the messages stay English.
void UpdateWriter::record(int num, int gen) {
    if (num <= 0 || gen < 0 || gen > 65535)
        throw Error(ErrorCategory::Internal, "bad object number in update");
    for (const Entry& e : entries_) {
        if (e.num == num) throw Error(ErrorCategory::Internal, "object written twice in one update");
    }
    entries_.push_back({num, gen, base_ + buffer_.size()});
}

void UpdateWriter::beginObject(int num, int gen) {
    if (open_) throw Error(ErrorCategory::Internal, "nested PDF object");
    record(num, gen);
    append(std::to_string(num) + " " + std::to_string(gen) + " obj\n");
    open_ = true;
    openNum_ = num;
    openGen_ = gen;
}

void UpdateWriter::endObject() {
    append("\nendobj\n");
    open_ = false;
}

void UpdateWriter::text(std::string_view syntax) {
    if (!open_) throw Error(ErrorCategory::Internal, "PDF text outside an object");
    if (cipher_) {
        append(cipher_->encryptStrings(openNum_, openGen_, syntax));
    } else {
        append(syntax);
    }
}

void UpdateWriter::object(int num, int gen, std::string_view body) {
    beginObject(num, gen);
    text(body);
    endObject();
}

void UpdateWriter::streamObject(int num, int gen, std::string_view dictEntries, ByteView data) {
    beginObject(num, gen);
    Bytes sealed;
    if (cipher_) {
        sealed = cipher_->encryptStream(num, gen, data);
        data = ByteView(sealed);
    }
    append("<< ");
    text(dictEntries);
    append(" /Length " + str(data.size()) + " >>\nstream\n");
    append(data);
    // 7.3.8.1: an EOL before endstream, not counted in /Length.
    append("\nendstream");
    endObject();
}

void UpdateWriter::append(std::string_view text) { buffer_.insert(buffer_.end(), text.begin(), text.end()); }

void UpdateWriter::append(ByteView data) { buffer_.insert(buffer_.end(), data.begin(), data.end()); }

void UpdateWriter::finishStartxref(std::uint64_t xrefOffset) {
    append("startxref\n" + str(xrefOffset) + "\n%%EOF\n");
}

void UpdateWriter::finishWithTable(int size, std::uint64_t prev, std::string_view trailerEntries) {
    std::sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) { return a.num < b.num; });
    std::vector<int> nums;
    for (const Entry& e : entries_) {
        if (e.num >= size) throw Error(ErrorCategory::Internal, "object number beyond /Size");
        nums.push_back(e.num);
    }
    const std::uint64_t xrefOffset = base_ + buffer_.size();
    append("xref\n");
    std::size_t i = 0;
    for (auto [start, count] : runs(nums)) {
        append(std::to_string(start) + " " + std::to_string(count) + "\n");
        for (int k = 0; k < count; ++k, ++i) {
            // 7.5.4: exactly 20 bytes: 10-digit offset, 5-digit generation, 'n', 2-byte EOL.
            char line[32];
            std::snprintf(line, sizeof line, "%010llu %05d n\r\n",
                          static_cast<unsigned long long>(entries_[i].offset), entries_[i].gen);
            append(line);
        }
    }
    append("trailer\n<< /Size " + std::to_string(size) + " ");
    append(trailerEntries);
    append(" /Prev " + str(prev) + " >>\n");
    finishStartxref(xrefOffset);
}

void UpdateWriter::finishWithStream(int xrefNum, int size, std::uint64_t prev,
                                    std::string_view trailerEntries) {
    if (xrefNum >= size) throw Error(ErrorCategory::Internal, "xref stream number beyond /Size");
    const std::uint64_t xrefOffset = base_ + buffer_.size();
    entries_.push_back({xrefNum, 0, xrefOffset});
    std::sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) { return a.num < b.num; });
    std::vector<int> nums;
    std::uint64_t maxOffset = 0;
    int maxGen = 0;
    for (const Entry& e : entries_) {
        if (e.num >= size) throw Error(ErrorCategory::Internal, "object number beyond /Size");
        nums.push_back(e.num);
        maxOffset = std::max(maxOffset, e.offset);
        maxGen = std::max(maxGen, e.gen);
    }
    // 7.5.8.2: field 1 = type (1: in use, not compressed), 2 = offset, 3 = generation.
    const int w2 = bytesFor(maxOffset), w3 = bytesFor(static_cast<std::uint64_t>(maxGen));
    Bytes data;
    for (const Entry& e : entries_) {
        data.push_back(1);
        for (int b = w2 - 1; b >= 0; --b) data.push_back(static_cast<std::uint8_t>(e.offset >> (8 * b)));
        for (int b = w3 - 1; b >= 0; --b)
            data.push_back(static_cast<std::uint8_t>(static_cast<unsigned>(e.gen) >> (8 * b)));
    }
    std::string index;
    for (auto [start, count] : runs(nums)) {
        index += (index.empty() ? "" : " ") + std::to_string(start) + " " + std::to_string(count);
    }
    std::string dict = "/Type /XRef /Size " + std::to_string(size) + " /Index [" + index + "] /W [1 " +
                       std::to_string(w2) + " " + std::to_string(w3) + "] " + std::string(trailerEntries) +
                       " /Prev " + str(prev);
    // The entry for the xref stream itself was recorded above; write it without recording again.
    open_ = true;
    append(std::to_string(xrefNum) + " 0 obj\n<< " + dict + " /Length " + str(data.size()) + " >>\nstream\n");
    append(data);
    append("\nendstream");
    endObject();
    finishStartxref(xrefOffset);
}

}  // namespace eseal::pdf

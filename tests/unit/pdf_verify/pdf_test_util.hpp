// Helpers for the PDF verification tests: small PDFs written byte by byte, and
// incremental updates appended by hand (ISO 32000-1 7.5.6), so the tests know
// every offset they check.
#pragma once

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace pdftest {

namespace fs = std::filesystem;

inline std::string readAll(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void writeAll(const fs::path& p, const std::string& data) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

inline void appendAll(const fs::path& p, const std::string& data) {
    std::ofstream out(p, std::ios::binary | std::ios::app);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

// Runs a shell command, returns its exit status and (optionally) its stdout.
inline int run(const std::string& cmd, std::string* output = nullptr) {
    std::string full = cmd + " 2>&1";
    FILE* p = ::popen(full.c_str(), "r");
    if (!p) return -1;
    std::string out;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    int status = ::pclose(p);
    if (output) *output = out;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

inline std::string quote(const fs::path& p) { return "'" + p.string() + "'"; }

// A fresh directory under the build tree's test data, removed at the end.
struct TempDir {
    fs::path path;
    explicit TempDir(const std::string& name) {
        path = fs::path(ESEAL_TEST_DATA) / "pdf_verify" / (name + "-" + std::to_string(::getpid()));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    fs::path operator/(const std::string& s) const { return path / s; }
};

// Writes "n 0 obj ... endobj" objects and a classic xref table; `eol` lets a
// test use CR LF line ends throughout.
inline std::string buildPdf(const std::map<int, std::string>& objects, int root,
                            const std::string& eol = "\n") {
    std::string out = "%PDF-1.7" + eol + "%\xe2\xe3\xcf\xd3" + eol;
    std::map<int, std::size_t> offsets;
    int maxObj = 0;
    for (const auto& [num, body] : objects) {
        offsets[num] = out.size();
        out += std::to_string(num) + " 0 obj" + eol + body + eol + "endobj" + eol;
        maxObj = std::max(maxObj, num);
    }
    std::size_t xref = out.size();
    out += "xref" + eol + "0 " + std::to_string(maxObj + 1) + eol;
    char line[32];
    // Entries are exactly 20 bytes (7.5.4): with a CR LF eol, no extra space.
    const char* tail = eol == "\r\n" ? "\r\n" : " \n";
    std::snprintf(line, sizeof line, "%010d %05d f%s", 0, 65535, tail);
    out += line;
    for (int i = 1; i <= maxObj; ++i) {
        if (offsets.count(i))
            std::snprintf(line, sizeof line, "%010zu %05d n%s", offsets[i], 0, tail);
        else
            std::snprintf(line, sizeof line, "%010d %05d f%s", 0, 0, tail);
        out += line;
    }
    out += "trailer" + eol + "<< /Size " + std::to_string(maxObj + 1) + " /Root " + std::to_string(root) +
           " 0 R >>" + eol + "startxref" + eol + std::to_string(xref) + eol + "%%EOF" + eol;
    return out;
}

// A one-page document: 1 catalog, 2 pages, 3 page, 4 content, 5 font.
inline std::map<int, std::string> onePageObjects(const std::string& text = "Hello eseal") {
    std::string content = "BT /F1 24 Tf 72 720 Td (" + text + ") Tj ET";
    return {
        {1, "<< /Type /Catalog /Pages 2 0 R >>"},
        {2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
        {3,
         "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
         "/Resources << /Font << /F1 5 0 R >> >> >>"},
        {4, "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream"},
        {5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"},
    };
}

// A one-page base file written by hand, then (optionally) rewritten by qpdf.
inline fs::path basePdf(const TempDir& dir, const std::string& name = "base",
                        const std::string& qpdfArgs = "") {
    fs::path raw = dir / (name + ".raw.pdf");
    writeAll(raw, buildPdf(onePageObjects(), 1));
    if (qpdfArgs.empty()) return raw;
    fs::path out = dir / (name + ".pdf");
    BOOST_REQUIRE_EQUAL(run("qpdf --static-id " + qpdfArgs + " " + quote(raw) + " " + quote(out)), 0);
    return out;
}
// The offset the last startxref of a file names.
inline std::uint64_t lastStartxref(const std::string& data) {
    auto p = data.rfind("startxref");
    return std::stoull(data.substr(p + 9, 30));
}

// The /Size of the last trailer or xref stream dictionary (a rough read, good
// for the files these tests make).
inline int lastSize(const std::string& data) {
    auto p = data.rfind("/Size");
    return std::stoi(data.substr(p + 5, 20));
}

// The catalog's object number named by the last trailer.
inline int lastRoot(const std::string& data) {
    auto p = data.rfind("/Root");
    return std::stoi(data.substr(p + 5, 20));
}

// Appends an incremental update with a classic xref table.
inline std::string tableUpdate(std::uint64_t base, const std::map<int, std::string>& objects, int size,
                               int root, std::uint64_t prev, const std::string& extraTrailer = "") {
    std::string out = "\n";
    std::map<int, std::uint64_t> offsets;
    for (const auto& [num, body] : objects) {
        offsets[num] = base + out.size();
        out += std::to_string(num) + " 0 obj\n" + body + "\nendobj\n";
    }
    std::uint64_t xref = base + out.size();
    out += "xref\n";
    char line[32];
    for (const auto& [num, off] : offsets) {
        out += std::to_string(num) + " 1\n";
        std::snprintf(line, sizeof line, "%010llu %05d n \n", static_cast<unsigned long long>(off), 0);
        out += line;
    }
    out += "trailer\n<< /Size " + std::to_string(size) + " /Root " + std::to_string(root) + " 0 R /Prev " +
           std::to_string(prev) + extraTrailer + " >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
    return out;
}

// Appends an incremental update whose cross-reference section is an
// uncompressed cross-reference stream (7.5.8), /W [1 4 2].
inline std::string streamUpdate(std::uint64_t base, const std::map<int, std::string>& objects, int size,
                                int root, std::uint64_t prev) {
    std::string out = "\n";
    std::map<int, std::uint64_t> offsets;
    for (const auto& [num, body] : objects) {
        offsets[num] = base + out.size();
        out += std::to_string(num) + " 0 obj\n" + body + "\nendobj\n";
    }
    int xrefNum = size;
    offsets[xrefNum] = base + out.size();
    std::string index, data;
    for (const auto& [num, off] : offsets) {
        index += std::to_string(num) + " 1 ";
        data.push_back('\x01');
        for (int shift = 24; shift >= 0; shift -= 8) data.push_back(static_cast<char>((off >> shift) & 0xff));
        data.push_back('\0');
        data.push_back('\0');
    }
    std::uint64_t xref = offsets[xrefNum];
    out += std::to_string(xrefNum) + " 0 obj\n<< /Type /XRef /Size " + std::to_string(size + 1) + " /Root " +
           std::to_string(root) + " 0 R /Prev " + std::to_string(prev) + " /W [1 4 2] /Index [" + index +
           "] /Length " + std::to_string(data.size()) + " >>\nstream\n" + data + "\nendstream\nendobj\n";
    out += "startxref\n" + std::to_string(xref) + "\n%%EOF\n";
    return out;
}

}  // namespace pdftest

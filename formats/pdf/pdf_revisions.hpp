// The revisions of a PDF: the original file and each incremental update
// (ISO 32000-1 7.5.6), found from the end of the file by following
// startxref -> xref section -> /Prev, without loading the file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace eseal {

struct PdfRevision {
    int index = 0;                // 1 = the original file
    std::uint64_t startxref = 0;  // offset of this revision's xref section
    bool xrefStream = false;      // true: cross-reference stream (7.5.8); false: table (7.5.4)
    std::uint64_t end = 0;        // offset just past this revision's %%EOF line (and its EOL)
};

// Oldest first. Throws Error(BadInput) naming the file when no valid startxref
// can be found. Hybrid-reference files (/XRefStm) count as table revisions.
std::vector<PdfRevision> scanRevisions(const std::string& path);

}  // namespace eseal

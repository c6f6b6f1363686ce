// The revisions of a PDF: the original file and each incremental update
// (ISO 32000-1 7.5.6), found from the end of the file by following
// startxref -> xref section -> /Prev, without loading the file.
//
// Files in the wild miss their cross-reference sections: a startxref or a
// /Prev a few bytes off (node-signpdf points at the EOL before "xref"), past
// the end of the file, or a linearized file's /Prev into a region that was
// overwritten. Viewers rebuild such files; the scan reads them tolerantly as
// well, and says what it had to correct (PdfRevision::repairs), so that the
// verifier never ignores a revision a viewer shows.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace eseal {

struct PdfRevision {
    int index = 0;                // 1 = the original file
    std::uint64_t startxref = 0;  // offset of this revision's xref section (as found)
    bool xrefStream = false;      // true: cross-reference stream (7.5.8); false: table (7.5.4)
    std::uint64_t end = 0;        // offset just past this revision's %%EOF line (and its EOL)
    // What this revision's startxref says; differs from `startxref` when the
    // section was found near it or by a scan of the file.
    std::uint64_t declaredStartxref = 0;
    // The sections of this revision, the one startxref names first (a
    // linearized file's first revision has two, Annex F.3.4).
    std::vector<std::uint64_t> sections;
    // How this revision's startxref or /Prev had to be corrected, in words
    // (translated); empty when the file says it exactly.
    std::vector<std::string> repairs;
};

// Oldest first. Throws Error(BadInput) naming the file when no valid startxref
// can be found. Hybrid-reference files (/XRefStm) count as table revisions.
std::vector<PdfRevision> scanRevisions(const std::string& path);

namespace pdf {

// One object's entry of a cross-reference section (7.5.4, 7.5.8.3 Table 18).
struct XrefEntry {
    int type = 0;                   // 0 free, 1 at an offset, 2 in an object stream
    int gen = 0;                    // type 0/1: generation; type 2: 0
    std::uint64_t offset = 0;       // type 1: byte offset; type 2: the object stream's number
    std::uint64_t streamIndex = 0;  // type 2: index in the object stream
};

// The objects of the document as revision `revision` (1-based) defines them,
// read from the xref sections themselves (later sections win, 7.5.6).
// nullopt with `problem` set when a section cannot be read.
std::optional<std::map<int, XrefEntry>> readXrefEntries(const std::string& path,
                                                        const std::vector<PdfRevision>& revisions,
                                                        int revision, std::string& problem);

}  // namespace pdf

}  // namespace eseal

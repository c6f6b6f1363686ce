// Whether qpdf's repair of a damaged cross-reference table is harmless: the
// objects it resolves compared with the file's own xref sections, read by
// pdf_revisions. Internal to the PDF adapter.
#pragma once

#include <string>
#include <vector>

#include "formats/pdf/pdf_revisions.hpp"

class QPDF;
class QPDFExc;

namespace eseal::pdf {

// After qpdf rebuilt the cross-reference table of `q` (opened on the first
// revisions[revision-1].end bytes) by scanning the file: "" when every object
// resolves in qpdf's table to the object the file's own xref sections give
// (the repair is harmless); else a sentence (translated) naming the first
// object that resolves differently, which readers may then show differently.
std::string xrefRepairDifference(QPDF& q, const std::string& path, const std::vector<PdfRevision>& revisions,
                                 int revision);

// The warnings after qpdf's rebuilding of the cross-reference table (those
// about objects); all of them when it rebuilt nothing. The ones before it
// ("file is damaged", "xref not found", ...) say why it rebuilt, which
// xrefRepairDifference judges.
std::vector<QPDFExc> afterXrefRepair(const std::vector<QPDFExc>& warnings);

// Whether qpdf rebuilt the cross-reference table while opening a file.
bool rebuiltXref(const std::vector<QPDFExc>& warnings);

}  // namespace eseal::pdf

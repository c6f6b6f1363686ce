// The seal picture in a Word main part (word/document.xml), found and put in
// while the part streams: one SAX pass finds the spot, the output is the
// input's bytes with a few splices. No tree is built, so memory does not
// follow the part's size (ECMA-376 part 1 17.3.1.22 w:p, 17.3.2.25 w:r,
// 17.3.3.31 w:t).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/package/zip.hpp"
#include "core/seal/placement.hpp"

namespace eseal::ooxml {

struct WordSpot;

// The UTF-8 text without white space (as a keyword is matched in every format).
std::string withoutWhiteSpace(const std::string& utf8);

// Where the seal goes: with a keyword, in the run holding the keyword's
// middle character (the occurrence-th match, paragraphs in document order,
// the paragraph's text read across its runs, white space left out as for a
// PDF); else at the end of the body's last paragraph (a new one when it has
// none). Throws Error(BadInput) naming path for a part without a body, a
// keyword that is not there (or fewer occurrences); Error(Unsupported) for a
// part not in UTF-8.
std::shared_ptr<const WordSpot> findWordSpot(const package::ZipArchive& zip, const std::string& part,
                                             const Placement& placement, const std::string& path);
// The largest wp:docPr id of the part (0 for none): the seal's is one more.
long maxDrawingId(const WordSpot& spot);
// The splices of the part that put `run` (one w:r declaring the namespaces
// it uses) at the spot; with a keyword the run holding the middle character
// is split before it (both halves keep its properties). Throws
// Error(Internal) when the part's bytes do not match what the scan found.
std::vector<package::Splice> wordSplices(const package::ZipArchive& zip, const std::string& part,
                                         const WordSpot& spot, const std::string& run);

}  // namespace eseal::ooxml

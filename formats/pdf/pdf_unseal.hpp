// Removing the last seal (撤销签章): an incremental update is undone by cutting
// the file where it began (ISO 32000-1 7.5.6), which gives back the document's
// exact bytes from before the seal.
#pragma once

#include <string>

#include "formats/format.hpp"

namespace eseal::pdf {

// Writes input without its last revision to output (atomically) when that
// revision is a seal eseal made (its signature dictionary's /Prop_Build names
// eseal) whose signature covers the whole file, so nothing follows it.
// Anything else is refused with Error(BadInput) saying why; nothing is written.
UnsealResult unsealPdf(const std::string& input, const std::string& output);

}  // namespace eseal::pdf

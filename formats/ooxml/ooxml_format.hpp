#pragma once

#include "formats/format.hpp"

namespace eseal {

// The OOXML adapter (Office Open XML packages: docx, xlsx, pptx): package
// signatures in _xmlsignatures/ as Microsoft Office writes them.
const FormatAdapter& ooxmlFormat();

}  // namespace eseal

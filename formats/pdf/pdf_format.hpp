#pragma once

#include "formats/format.hpp"

namespace eseal {

// The PDF adapter: PAdES signatures written as incremental updates.
const FormatAdapter& pdfFormat();

}  // namespace eseal

#pragma once

#include "formats/format.hpp"

namespace eseal {

// The OFD adapter (GB/T 33190): verifies the GB/T 38540 electronic signatures
// of OFD documents (e-invoices). Sealing OFD is not supported yet.
const FormatAdapter& ofdFormat();

}  // namespace eseal

#pragma once

#include "formats/format.hpp"

namespace eseal {

// The ODF adapter (OpenDocument 1.2/1.3 packages: odt, ods, odp): package
// signatures in META-INF/documentsignatures.xml as LibreOffice writes them.
const FormatAdapter& odfFormat();

}  // namespace eseal

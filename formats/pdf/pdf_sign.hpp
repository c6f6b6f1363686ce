#pragma once

#include "formats/format.hpp"

namespace eseal {

// PAdES sealing as an incremental update (ISO 32000-1 7.5.6, 12.8; ETSI EN 319 142-1).
// Stages: read the document -> place the seal -> write the update with a
// reserved /Contents -> digest the /ByteRange while copying -> sign on the key
// -> embed -> commit the output atomically.
SealResult sealPdf(const SealRequest& request, Key& key);

}  // namespace eseal

// The electronic seal `sign --seal` names: a seal file, or the name of a seal
// kept on the signing key (eseal seal store). Read before any PIN.
#pragma once

#include <string>

#include "core/seal/ses_seal.hpp"

namespace eseal::cli {

// A file that exists is read as an SES_Seal; anything else is looked up on
// the key by label, seal name or esID (seal::chooseSeal). Throws as
// seal::loadSeal, or TokenError(NotFound) naming the seals on the key.
seal::SesSeal loadSealForSigning(const std::string& option, const std::string& keySpec);

}  // namespace eseal::cli

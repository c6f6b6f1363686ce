// Choosing a seal by name among the seals kept on a key (eseal sign --seal NAME).
#pragma once

#include <string>
#include <vector>

#include "core/base/bytes.hpp"
#include "core/seal/ses_seal.hpp"

namespace eseal::seal {

struct NamedSeal {
    std::string label;  // CKA_LABEL or SKF file name
    SesSeal seal;
};

// The seal `name` means: the one whose label, name (SES_ESPropertyInfo) or
// esID is `name`. When several are, those listing one of signerCertificates
// (the key's certificates known before the PIN) are preferred: after a
// renewal the key may hold the old and the new seal of one name. Throws
// TokenError(NotFound) naming `where` and the seals there when none or more
// than one remains.
const NamedSeal& chooseSeal(const std::vector<NamedSeal>& seals, const std::string& name,
                            const std::vector<Bytes>& signerCertificates, const std::string& where);

// "'label' (name, seal ID ID, valid until YYYY-MM-DD)", for messages and lists.
std::string describeNamedSeal(const NamedSeal& s);

}  // namespace eseal::seal

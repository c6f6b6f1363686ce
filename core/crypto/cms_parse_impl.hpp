// What parseCms keeps, for the CMS files of core/crypto only.
#pragma once

#include "core/crypto/cms_parse.hpp"
#include "core/ossl/ossl.hpp"

namespace eseal {

struct ParsedCms::Impl {
    std::string error;
    ossl::CmsPtr cms;
    Bytes der;                     // the CMS without padding
    CMS_SignerInfo* si = nullptr;  // owned by cms
    int digestNid = NID_undef;
    std::string digestName, signatureName;
    std::optional<Certificate> signer;
    std::vector<Certificate> certificates;
    bool hasSignedAttributes = false;
    Bytes signedAttributes;
    Bytes unsignedAttributes;  // re-encoded DER SET OF, empty when none
    std::optional<std::time_t> signingTime;
    bool signingTimeMalformed = false;
};

}  // namespace eseal

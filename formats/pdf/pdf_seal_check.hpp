// The electronic seal (GB/T 38540 SES_Seal) a PDF signature carries in its
// signed CMS attributes (core/seal/binding.hpp): its data and binding into the
// report, and whether each widget shows the seal's own picture.
#pragma once

#include <qpdf/QPDFObjectHandle.hh>
#include <vector>

#include "core/crypto/cms_parse.hpp"
#include "core/report/report.hpp"

namespace eseal::pdf {

// Does nothing when the CMS carries no seal. Never throws: a seal that cannot
// be read makes the signature FAILED / FORMAT_FAILURE (it is signed, so it is
// the signer's), a picture on the page that is not the seal's picture FAILED /
// SIG_CONSTRAINTS_FAILURE, a picture eseal cannot decode a warning.
void checkCarriedSeal(const ParsedCms& cms, const std::vector<QPDFObjectHandle>& widgets,
                      SignatureReport& report);

}  // namespace eseal::pdf

#pragma once

#include "formats/format.hpp"

namespace eseal::ooxml {

// Everything check() promises (formats/format.hpp) for an OOXML package,
// the seal picture placed in memory.
void checkOoxmlRequest(const SealRequest& request);
// Puts the seal picture into the document at its true size (Word: a
// floating picture in front of the text at the last or the keyword's
// paragraph; Excel: a picture anchored to a cell; PowerPoint: on a slide),
// then signs the package as Microsoft Office does (ECMA-376 part 2 13:
// _xmlsignatures/origin.sigs, sig1.xml with the idPackageObject manifest,
// idOfficeObject and XAdES signed properties). Written atomically.
SealResult sealOoxml(const SealRequest& request, Key& key);

}  // namespace eseal::ooxml

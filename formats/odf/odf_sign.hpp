#pragma once

#include "formats/format.hpp"

namespace eseal::odf {

// Everything check() promises (formats/format.hpp) for an ODF package.
void checkOdfRequest(const SealRequest& request);
// Puts the seal picture in Pictures/ and a draw:frame showing it at its true
// size into content.xml (at the --keyword paragraph or cell, else at the end
// of the document), lists the picture in the manifest, then signs every
// entry but mimetype into META-INF/documentsignatures.xml. mimetype stays
// first and stored (ODF 1.2 part 3 3.3); the output is written atomically.
SealResult sealOdf(const SealRequest& request, Key& key);

}  // namespace eseal::odf

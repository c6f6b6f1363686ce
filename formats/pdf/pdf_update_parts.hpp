// Pieces every incremental update eseal writes shares (the seal, a DSS, a
// document timestamp): existing objects re-serialised with changes, and the
// trailer entries of a new revision (ISO 32000-1 7.5.5, 7.5.6, 14.4).
#pragma once

#include <map>
#include <qpdf/QPDFObjectHandle.hh>
#include <string>

#include "core/base/bytes.hpp"
#include "formats/pdf/pdf_sign_stages.hpp"
#include "formats/pdf/pdf_writer.hpp"

namespace eseal::pdf {

// An existing dictionary re-serialised with qpdf's unparse of each value,
// with some entries replaced or added.
std::string dictionaryWith(QPDFObjectHandle dict, const std::map<std::string, std::string>& overrides);

// An existing array (or none) re-serialised with `extra` appended.
std::string arrayWith(QPDFObjectHandle array, const std::string& extra);

// /Root, /Info and /ID of the new revision's trailer: /ID keeps its first
// element; the second changes with every update but is reproducible for the
// same seed (14.4: the second element identifies this version).
std::string trailerEntries(QPDFObjectHandle trailer, QPDFObjectHandle root, const std::string& seed);

// Inside an open signature dictionary: "/ByteRange [blanks] /Contents <zeros>"
// with room for `reserve` bytes of DER; records the /Contents position in
// update and returns where the /ByteRange numbers go (fillByteRange).
std::size_t writeSignatureSlot(UpdateWriter& out, std::size_t reserve, PreparedUpdate& update);

// Once update.bytes is complete: the /ByteRange (12.8.1), everything but the
// /Contents hex string, brackets included.
void fillByteRange(PreparedUpdate& update, std::size_t byteRangeAt);

// What a seal uses that a PDF 1.x reader may not know, to be declared in the
// catalog's /Extensions (ISO 32000-2 7.12) as pyHanko and Acrobat do.
struct UsedFeatures {
    bool cadesSubFilter = false;  // /SubFilter /ETSI.CAdES.detached: ESIC level 2 (ETSI EN 319 142-1)
    bool dss = false;             // a /DSS: ESIC level 1
    bool iso32002 = false;        // ECDSA on a curve ISO/TS 32002 lists (needs PDF 2.0)
    int pdfaPart = 0;             // the file claims PDF/A-N (XMP pdfaid:part); 0 when not
};
// The catalog entries (/Extensions merged with what is there, /Version raised
// where a declared extension's BaseVersion needs it, 7.12.3) that declare
// `used`; empty when the file declares it all already. A PDF 2.0 file needs
// no ESIC entry (PAdES structures are PDF 2.0); a PDF/A-1, -2 or -3 file is
// not raised to 2.0, so it gets no ISO/TS 32002 entry, and a PDF/A-1 file
// (PDF 1.4) no ESIC entry.
std::map<std::string, std::string> extensionChanges(QPDFObjectHandle root, const std::string& headerVersion,
                                                    const UsedFeatures& used);

}  // namespace eseal::pdf

// The stages of sealing a PDF, each a function that can be run and tested
// alone (docs/DESIGN.md, "Signing pipeline"):
//   planSeal        read the document, place the seal, name the field (no key, no output)
//   buildUpdate     the incremental update with /ByteRange filled and /Contents reserved
//   copyAndDigest   the input copied into the temporary output while hashing the byte range
//   makeSesSignature  --profile gbt38540: the key signs an SES_Signature over the digest
//   (CmsSigner)     the key signs the digest (core/crypto/cms_sign.hpp)
//   embedSignature  the CMS written into the reserved /Contents
//   commitUpdate    the update appended, fsync, rename
// FormatAdapter::check runs planSeal only, so every problem of the document
// shows before a PIN is asked.
#pragma once

#include <cstdio>
#include <ctime>
#include <memory>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <set>
#include <string>

#include "core/base/atomic_file.hpp"
#include "core/base/bytes.hpp"
#include "core/key/algorithms.hpp"
#include "core/key/key.hpp"
#include "core/seal/image.hpp"
#include "core/seal/request.hpp"
#include "formats/pdf/pdf_encrypt.hpp"
#include "formats/pdf/pdf_layout.hpp"
#include "formats/pdf/pdf_placement.hpp"
#include "formats/pdf/pdf_revisions.hpp"

namespace eseal::pdf {

struct FileCloser {
    void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

// The input, opened once: qpdf reads it and the copy stage streams it, so both
// see the same file.
struct InputFile {
    FilePtr file;
    std::uint64_t size = 0;
    bool endsWithEol = false;
    timespec modified{};  // st_mtim when opened: a change while sealing is refused
};
// Throws Error(InputUnreadable) when it cannot be opened or is not a regular
// file, Error(BadInput) when it is too short to be a PDF.
InputFile openInput(const std::string& path);

// What the update needs from the document, read with qpdf.
struct DocumentFacts {
    int pageCount = 0;
    int pageNumber = 0;  // 1-based, resolved
    QPDFObjectHandle page;
    QPDFObjectHandle root;
    QPDFObjectHandle trailer;
    std::set<std::string> fieldNames;  // fully qualified, every node of the field tree
    bool signedFields = false;         // a signature field with a value exists
    bool certified = false;            // the catalog has /Perms /DocMDP
    int nextObject = 0;                // first free object number (trailer /Size)
};

// Stage 1: everything decided before a byte is written or a key is used.
struct SealPlan {
    std::string input;
    InputFile in;
    std::unique_ptr<QPDF> qpdf;  // owns the objects behind doc's handles
    DocumentFacts doc;
    PdfRevision last;  // the revision the update is appended to
    std::shared_ptr<const RgbaImage> picture;
    SealBox box;                      // the first widget's (widgets.front().box)
    std::vector<WidgetPlan> widgets;  // one field; one widget, or one per occurrence / page
    std::string fieldName;
    std::optional<int> certification;    // DocMDP P value of a certification seal
    std::optional<ObjectCipher> cipher;  // an encrypted input: what the update adds is encrypted too
};
// Validates the request (mode, level, certification value), reads the
// document, places the whole seal inside the page and picks a free field name.
// Throws eseal::Error naming the file.
// `check`: only what can refuse the request (no search for a default spot's
// signature block, see layoutSeal).
SealPlan planSeal(const SealRequest& request, bool check = false);

// Stage 2 result: the update's bytes and where its signature slot is.
struct PreparedUpdate {
    Bytes bytes;                  // the whole update, /ByteRange filled, /Contents all zeros
    std::uint64_t base = 0;       // size of the input the update follows
    std::size_t contentsAt = 0;   // offset in `bytes` of the '<' of /Contents
    std::size_t contentsEnd = 0;  // offset in `bytes` just past its '>'
    std::uint64_t totalSize() const noexcept { return base + bytes.size(); }
};
// `sm2` selects /SubFilter adbe.pkcs7.detached (GM/T 0010) over
// ETSI.CAdES.detached; `reserve` is the DER size /Contents must hold;
// `iso32002`: the key is ECDSA on a curve of ISO/TS 32002 (declared in the
// catalog's /Extensions with the ESIC extension, pdf_update_parts.hpp).
PreparedUpdate buildUpdate(const SealPlan& plan, const SealRequest& request, bool sm2, std::size_t reserve,
                           std::time_t signingTime, bool iso32002 = false);

// The PDF/A part the document claims in its XMP metadata (pdfaid:part,
// ISO 19005), 0 when it claims none.
int pdfaPart(QPDFObjectHandle root);

// Stage 3: copies the input into `output` while hashing it, then hashes the
// update outside /Contents: the digest of the /ByteRange (12.8.1). The copy
// runs in a second thread, in the kernel where it can; this thread hashes the
// output's bytes right behind it, so what is signed is what was written.
// Throws Error(InputUnreadable) when the input changed meanwhile.
Bytes copyAndDigest(InputFile& in, const std::string& inputName, const PreparedUpdate& update,
                    DigestAlgorithm algorithm, AtomicFile& output);

// Stage 4a (--profile gbt38540): the GB/T 38540-2020 electronic signature
// (SES_Signature V4, 8.1) over the byte range: the request's seal, timeInfo
// the signing time, dataHash the byte range's digest `rangeDigest` (made with
// algorithm.digest), propertyInfo the byte range (byteRangeProperty); signed
// by `key` with `algorithm` (seal::signatureAlgorithmFor). It goes into the
// CMS as the unsigned attribute seal::kSesSignatureAttributeOid.
Bytes makeSesSignature(const PreparedUpdate& update, const SealRequest& request, ByteView rangeDigest,
                       std::time_t signingTime, Key& key, const SignatureAlgorithm& algorithm);

// Stage 5: the CMS as hex into /Contents. Throws Error(Internal) when it does
// not fit the reservation.
void embedSignature(PreparedUpdate& update, ByteView cms, const std::string& inputName);

// Stage 6: appends the update and renames the output into place (or hands the
// finished output to handOff: a parallel batch renames in input order).
void commitUpdate(AtomicFile& output, const PreparedUpdate& update, const OutputHandOff& handOff = {});

}  // namespace eseal::pdf

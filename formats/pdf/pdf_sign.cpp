#include "formats/pdf/pdf_sign.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <set>

#ifndef POINTERHOLDER_TRANSITION
#define POINTERHOLDER_TRANSITION 4  // qpdf 11: std::shared_ptr API only, no PointerHolder
#endif
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFObjectHandle.hh>

#include "core/base/atomic_file.hpp"
#include "core/base/error.hpp"
#include "core/base/time.hpp"
#include "core/crypto/cms_sign.hpp"
#include "core/crypto/digest.hpp"
#include "core/seal/image.hpp"
#include "formats/pdf/pdf_appearance.hpp"
#include "formats/pdf/pdf_object_io.hpp"
#include "formats/pdf/pdf_placement.hpp"
#include "formats/pdf/pdf_revisions.hpp"
#include "formats/pdf/pdf_writer.hpp"

namespace eseal {

namespace {

using pdf::UpdateWriter;

constexpr std::size_t kCopyChunk = 1 << 20;
constexpr int kMaxFieldDepth = 32;
constexpr std::size_t kMaxFieldNodes = 100000;
// Room beyond estimateCmsSize, in bytes of DER, so a slightly larger
// signature than estimated still fits.
constexpr std::size_t kContentsMargin = 256;
// /ByteRange is written before the offsets are known; this many characters
// between the brackets hold "0 a b c" for any 64-bit offsets.
constexpr std::size_t kByteRangeWidth = 1 + 3 * 21;

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
};

InputFile openInput(const std::string& path) {
    InputFile in;
    in.file.reset(std::fopen(path.c_str(), "rb"));
    if (!in.file) throw Error(ErrorCategory::InputUnreadable, "cannot open the PDF to seal", path);
    struct stat st {};
    if (::fstat(::fileno(in.file.get()), &st) != 0 || !S_ISREG(st.st_mode)) {
        throw Error(ErrorCategory::InputUnreadable, "not a regular file", path);
    }
    in.size = static_cast<std::uint64_t>(st.st_size);
    if (in.size < 8) throw Error(ErrorCategory::BadInput, "not a PDF file (too short)", path);
    if (std::fseek(in.file.get(), -1, SEEK_END) != 0) throw Error(ErrorCategory::InputUnreadable, "cannot read", path);
    int last = std::fgetc(in.file.get());
    in.endsWithEol = last == '\n' || last == '\r';
    std::rewind(in.file.get());
    return in;
}

// Everything the update needs from the document, read with qpdf.
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

Error damaged(const std::string& file, const std::string& what) {
    return Error(ErrorCategory::BadInput, "damaged PDF (" + what + "); repair it first, e.g. with qpdf",
                 file);
}

// Walks the field tree (12.7.3.1) with bounds on depth and size; /FT is inheritable.
void collectFields(QPDFObjectHandle fields, const std::string& prefix, bool parentIsSig, int depth,
                   std::set<QPDFObjGen>& seen, DocumentFacts& d) {
    if (!fields.isArray() || depth > kMaxFieldDepth) return;
    for (QPDFObjectHandle field : fields.getArrayAsVector()) {
        if (!field.isDictionary() || seen.size() > kMaxFieldNodes) continue;
        if (field.isIndirect() && !seen.insert(field.getObjGen()).second) continue;
        QPDFObjectHandle t = field.getKey("/T");
        std::string partial = t.isString() ? t.getUTF8Value() : std::string();
        std::string full = partial.empty() ? prefix : (prefix.empty() ? partial : prefix + "." + partial);
        if (!full.empty()) d.fieldNames.insert(full);
        QPDFObjectHandle ft = field.getKey("/FT");
        const bool isSig = ft.isName() ? ft.isNameAndEquals("/Sig") : parentIsSig;
        if (isSig && field.getKey("/V").isDictionary()) d.signedFields = true;
        collectFields(field.getKey("/Kids"), full, isSig, depth + 1, seen, d);
    }
}

// ISO 32000-1 12.8.2.2: a certification signature whose DocMDP transform has
// /P 1 permits no change at all, so no seal may be added.
void refuseLockedCertification(QPDFObjectHandle root, const std::string& file, bool* certified) {
    QPDFObjectHandle sig = root.getKey("/Perms").isDictionary() ? root.getKey("/Perms").getKey("/DocMDP")
                                                                : QPDFObjectHandle::newNull();
    if (!sig.isDictionary()) return;
    if (certified) *certified = true;
    QPDFObjectHandle refs = sig.getKey("/Reference");
    if (!refs.isArray()) return;
    for (QPDFObjectHandle r : refs.getArrayAsVector()) {
        if (!r.isDictionary() || !r.getKey("/TransformMethod").isNameAndEquals("/DocMDP")) continue;
        QPDFObjectHandle params = r.getKey("/TransformParams");
        QPDFObjectHandle p = params.isDictionary() ? params.getKey("/P") : QPDFObjectHandle::newNull();
        if (p.isInteger() && p.getIntValue() == 1) {
            throw Error(ErrorCategory::BadInput,
                        "the PDF is certified with no changes allowed (DocMDP /P 1); a seal would break "
                        "its certification",
                        file);
        }
    }
}

// Stage 1: read. qpdf parses; nothing of the file is loaded beyond the
// objects asked for.
DocumentFacts readDocument(QPDF& qpdf, InputFile& in, const SealRequest& request) {
    const std::string& file = request.input;
    try {
        qpdf.processFile(file.c_str(), in.file.get(), false);
    } catch (const QPDFExc& e) {
        if (e.getErrorCode() == qpdf_e_password) {
            throw Error(ErrorCategory::Unsupported,
                        "encrypted PDF: password-protected files are not supported yet", file);
        }
        throw damaged(file, e.getMessageDetail());
    } catch (const std::exception& e) {
        throw damaged(file, e.what());
    }
    if (qpdf.isEncrypted()) {
        throw Error(ErrorCategory::Unsupported, "encrypted PDF: sealing encrypted files is not supported yet",
                    file);
    }
    DocumentFacts d;
    d.trailer = qpdf.getTrailer();
    d.root = qpdf.getRoot();
    if (!d.root.isDictionary() || !d.root.isIndirect()) throw damaged(file, "no document catalog");
    const std::vector<QPDFObjectHandle>& pages = qpdf.getAllPages();
    d.pageCount = static_cast<int>(pages.size());
    const int want = request.placement.page;
    d.pageNumber = want == -1 ? d.pageCount : want;
    if (d.pageNumber < 1 || d.pageNumber > d.pageCount) {
        throw Error(ErrorCategory::BadInput,
                    "page " + std::to_string(want) + " does not exist; the document has " +
                        std::to_string(d.pageCount) + (d.pageCount == 1 ? " page" : " pages"),
                    file);
    }
    d.page = pages[static_cast<std::size_t>(d.pageNumber - 1)];
    if (!d.page.isIndirect()) throw damaged(file, "a page is not an indirect object");
    refuseLockedCertification(d.root, file, &d.certified);
    QPDFObjectHandle acro = d.root.getKey("/AcroForm");
    if (acro.isDictionary()) {
        std::set<QPDFObjGen> seen;
        collectFields(acro.getKey("/Fields"), "", false, 0, seen, d);
    }
    // 7.5.6: new objects take numbers from the trailer's /Size; the xref
    // table guards against a /Size that is too small.
    long long size = d.trailer.getKey("/Size").isInteger() ? d.trailer.getKey("/Size").getIntValue() : 0;
    for (const auto& entry : qpdf.getXRefTable())
        size = std::max<long long>(size, entry.first.getObj() + 1LL);
    if (size < 1 || size > 8000000) throw damaged(file, "trailer /Size out of range");
    d.nextObject = static_cast<int>(size);
    return d;
}

std::string chooseFieldName(const SealRequest& request, const std::set<std::string>& existing) {
    if (!request.fieldName.empty()) {
        // 12.7.3.2: a partial field name shall not contain a period.
        if (request.fieldName.find('.') != std::string::npos) {
            throw Error(ErrorCategory::BadInput, "field name must not contain '.': " + request.fieldName);
        }
        if (existing.count(request.fieldName) != 0) {
            throw Error(ErrorCategory::BadInput, "the PDF already has a field named " + request.fieldName,
                        request.input);
        }
        return request.fieldName;
    }
    for (int n = 1;; ++n) {
        std::string name = "Seal" + std::to_string(n);
        if (existing.count(name) == 0) return name;
    }
}

// An existing dictionary re-serialised with qpdf's unparse of each value,
// with some entries replaced or added.
std::string dictionaryWith(QPDFObjectHandle dict, const std::map<std::string, std::string>& overrides) {
    std::string s = "<<";
    for (const std::string& key : dict.getKeys()) {
        if (overrides.count(key) != 0) continue;
        s += " " + QPDFObjectHandle::newName(key).unparse() + " " + dict.getKey(key).unparse();
    }
    for (const auto& [key, value] : overrides)
        s += " " + QPDFObjectHandle::newName(key).unparse() + " " + value;
    return s + " >>";
}

std::string arrayWith(QPDFObjectHandle array, const std::string& extra) {
    std::string s = "[";
    if (array.isArray()) {
        for (QPDFObjectHandle item : array.getArrayAsVector()) s += item.unparse() + " ";
    }
    return s + extra + "]";
}

std::string ref(int num) { return std::to_string(num) + " 0 R"; }

// A second /ID element that changes with every update but is reproducible
// for a fixed clock (14.4: the second element identifies this version).
std::string idString(ByteView seed) {
    Bytes d = digest(DigestAlgorithm::Sha256, seed);
    d.resize(16);
    return "<" + toHex(d, true) + ">";
}

struct SignatureSlot {
    std::size_t byteRangeAt = 0;  // first character after "/ByteRange ["
    std::size_t contentsAt = 0;   // the '<' of /Contents
    std::size_t contentsEnd = 0;  // just past the '>'
};

struct UpdatePlan {
    int pageNumber = 0;
    std::string fieldName;
    pdf::SealBox box;
    SignatureSlot slot;
};

SignatureAlgorithm chooseAlgorithm(Key& key, DigestAlgorithm digestAlg) {
    for (const SignatureAlgorithm& a : key.algorithms()) {
        if (a.digest == digestAlg) return a;
    }
    // GM/T 0010: SM2 signs with SM3 whatever digest the profile names for other keys.
    for (const SignatureAlgorithm& a : key.algorithms())
        if (a.scheme == SignatureScheme::Sm2) return a;
    throw Error(ErrorCategory::Unsupported,
                std::string("the key '") + key.description() + "' cannot sign with " + toString(digestAlg));
}

}  // namespace

SealResult sealPdf(const SealRequest& request, Key& key) {
    const std::string& file = request.input;
    if (request.output.empty()) throw Error(ErrorCategory::Usage, "no output file given", file);
    if (request.placement.mode != Placement::Mode::Position) {
        throw Error(ErrorCategory::Unsupported, "only page + position placement is supported for PDF yet",
                    file);
    }
    if (request.profile.level != PadesLevel::BB) {
        throw Error(ErrorCategory::Unsupported, "only PAdES B-B signatures are supported yet", file);
    }
    const std::optional<int> certification = request.profile.certificationLevel;
    if (certification && (*certification < 1 || *certification > 3)) {
        throw Error(ErrorCategory::Usage, "certification level must be 1, 2 or 3", file);
    }
    ensureDistinctFiles(file, request.output);

    const RgbaImage image = loadPng(request.sealImage);
    const SignatureAlgorithm algorithm = chooseAlgorithm(key, request.profile.digest);
    CmsSignOptions cmsOptions;
    cmsOptions.algorithm = algorithm;
    cmsOptions.digest = algorithm.digest;
    const std::size_t reserve = estimateCmsSize(key, cmsOptions) + kContentsMargin;
    const std::time_t signingTime = request.signingTime ? *request.signingTime : now();

    InputFile in = openInput(file);
    const std::vector<PdfRevision> revisions = scanRevisions(file);
    if (revisions.empty()) throw damaged(file, "no cross-reference section");
    const PdfRevision& last = revisions.back();

    QPDF qpdf;
    qpdf.setSuppressWarnings(true);
    UpdateWriter out(in.size, !in.endsWithEol);
    UpdatePlan plan;
    try {
        DocumentFacts doc = readDocument(qpdf, in, request);

        // Stage 2: place the seal.
        const pdf::PageGeometry geometry = pdf::readPageGeometry(doc.page, file);
        const double aspect = static_cast<double>(image.height) / static_cast<double>(image.width);
        plan.box = pdf::placeSeal(geometry, request.placement, aspect, doc.pageNumber, file);
        plan.fieldName = chooseFieldName(request, doc.fieldNames);
        // 12.8.2.2.1: only one DocMDP signature, and it is the first signature.
        if (certification && (doc.signedFields || doc.certified)) {
            throw Error(ErrorCategory::BadInput,
                        "a certification signature must be the document's first signature; this PDF is "
                        "already signed",
                        file);
        }
        plan.pageNumber = doc.pageNumber;

        // Stage 3: the update, with /ByteRange and /Contents reserved.
        int next = doc.nextObject;
        pdf::AppearanceNumbers numbers;
        numbers.image = next++;
        if (image.hasTransparency()) numbers.smask = next++;
        numbers.form = next++;
        const int fieldNum = next++;
        const int sigNum = next++;
        const int xrefNum = last.xrefStream ? next++ : 0;  // 0: classic table, no object
        const int newSize = next;

        pdf::writeSealAppearance(out, image, plan.box, numbers);

        // The signature dictionary (12.8.1, Table 252).
        out.beginObject(sigNum, 0);
        const bool sm2 = algorithm.scheme == SignatureScheme::Sm2;
        out.append(std::string("<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter ") +
                   (sm2 ? "/adbe.pkcs7.detached" : "/ETSI.CAdES.detached") + " /M " +
                   pdf::textString(pdfDate(signingTime)));
        if (!request.reason.empty()) out.append(" /Reason " + pdf::textString(request.reason));
        if (!request.location.empty()) out.append(" /Location " + pdf::textString(request.location));
        if (!request.contactInfo.empty()) out.append(" /ContactInfo " + pdf::textString(request.contactInfo));
        if (certification) {
            // 12.8.2.2, Table 253/254: the DocMDP transform with its permission level.
            out.append(
                "\n/Reference [<< /Type /SigRef /TransformMethod /DocMDP /TransformParams << /Type "
                "/TransformParams /P " +
                std::to_string(*certification) + " /V /1.2 >> >>]");
        }
        out.append("\n/ByteRange [");
        plan.slot.byteRangeAt = out.mark();
        out.append(std::string(kByteRangeWidth, ' '));
        out.append("]\n/Contents ");
        plan.slot.contentsAt = out.mark();
        out.append("<" + std::string(reserve * 2, '0') + ">");
        plan.slot.contentsEnd = out.mark();
        out.append(" >>");
        out.endObject();

        // The field merged with its widget (12.5.6.19, 12.7.4.5).
        const std::string bbox = pdf::formatNumber(plan.box.x) + " " + pdf::formatNumber(plan.box.y) + " " +
                                 pdf::formatNumber(plan.box.x + plan.box.width) + " " +
                                 pdf::formatNumber(plan.box.y + plan.box.height);
        // /F 132 = Print (4) + Locked (128), Table 165.
        out.object(fieldNum, 0,
                   "<< /Type /Annot /Subtype /Widget /FT /Sig /T " + pdf::textString(plan.fieldName) +
                       " /F 132 /P " + doc.page.unparse() + " /Rect [" + bbox + "] /AP << /N " +
                       ref(numbers.form) + " >> /V " + ref(sigNum) + " >>");

        // The page's /Annots gets the widget.
        const std::string widget = ref(fieldNum);
        QPDFObjectHandle annots = doc.page.getKey("/Annots");
        std::optional<QPDFObjGen> annotsArray;
        if (annots.isIndirect() && annots.isArray()) {
            annotsArray = annots.getObjGen();
            out.object(annots.getObjectID(), annots.getGeneration(), arrayWith(annots, widget));
        } else if (annots.isNull() || annots.isArray()) {
            out.object(doc.page.getObjectID(), doc.page.getGeneration(),
                       dictionaryWith(doc.page, {{"/Annots", arrayWith(annots, widget)}}));
        } else {
            throw damaged(file, "page /Annots is not an array");
        }

        // The AcroForm's /Fields gets the field; /SigFlags 3 = SignaturesExist | AppendOnly (Table 219).
        QPDFObjectHandle acro = doc.root.getKey("/AcroForm");
        QPDFObjectHandle fields = acro.isDictionary() ? acro.getKey("/Fields") : QPDFObjectHandle::newNull();
        if (!fields.isNull() && !fields.isArray()) throw damaged(file, "/AcroForm /Fields is not an array");
        long long flags = acro.isDictionary() && acro.getKey("/SigFlags").isInteger()
                              ? acro.getKey("/SigFlags").getIntValue()
                              : 0;
        std::map<std::string, std::string> acroChanges{{"/SigFlags", std::to_string(flags | 3)}};
        if (fields.isIndirect()) {
            // A shared array that is also the page's /Annots already got the widget.
            if (!annotsArray || *annotsArray != fields.getObjGen()) {
                out.object(fields.getObjectID(), fields.getGeneration(), arrayWith(fields, widget));
            }
        } else {
            acroChanges["/Fields"] = arrayWith(fields, widget);
        }
        std::map<std::string, std::string> catalogChanges;
        if (acro.isIndirect() && acro.isDictionary()) {
            out.object(acro.getObjectID(), acro.getGeneration(), dictionaryWith(acro, acroChanges));
        } else {
            catalogChanges["/AcroForm"] = acro.isDictionary() ? dictionaryWith(acro, acroChanges)
                                                              : "<< /Fields [" + widget + "] /SigFlags 3 >>";
        }
        if (certification) {
            // 12.8.4: the catalog's /Perms names the certification signature.
            QPDFObjectHandle perms = doc.root.getKey("/Perms");
            if (perms.isIndirect())
                throw Error(ErrorCategory::Unsupported, "indirect /Perms is not supported", file);
            catalogChanges["/Perms"] = perms.isDictionary()
                                           ? dictionaryWith(perms, {{"/DocMDP", ref(sigNum)}})
                                           : "<< /DocMDP " + ref(sigNum) + " >>";
        }
        if (!catalogChanges.empty()) {
            if (doc.root.getObjGen() == doc.page.getObjGen()) throw damaged(file, "the catalog is a page");
            out.object(doc.root.getObjectID(), doc.root.getGeneration(),
                       dictionaryWith(doc.root, catalogChanges));
        }

        // Trailer entries (7.5.5, 14.4): /ID keeps its first element.
        std::string seed = std::to_string(in.size) + "|" + std::to_string(last.startxref) + "|" +
                           std::to_string(signingTime) + "|" + plan.fieldName;
        QPDFObjectHandle id = doc.trailer.getKey("/ID");
        std::string firstId;
        if (id.isArray() && id.getArrayNItems() >= 1 && id.getArrayItem(0).isString()) {
            firstId = "<" + toHex(asBytes(id.getArrayItem(0).getStringValue()), true) + ">";
        } else {
            firstId = idString(asBytes("first|" + seed));
        }
        std::string trailer = "/Root " + doc.root.unparse();
        if (doc.trailer.hasKey("/Info")) trailer += " /Info " + doc.trailer.getKey("/Info").unparse();
        trailer += " /ID [" + firstId + " " + idString(asBytes(firstId + "|" + seed)) + "]";

        if (last.xrefStream) {
            out.finishWithStream(xrefNum, newSize, last.startxref, trailer);
        } else {
            out.finishWithTable(newSize, last.startxref, trailer);
        }
        // Objects the update needed may have made qpdf repair the file.
        if (qpdf.anyWarnings()) {
            std::vector<QPDFExc> warnings = qpdf.getWarnings();
            throw damaged(file,
                          warnings.empty() ? "qpdf had to repair it" : warnings.front().getMessageDetail());
        }
    } catch (const Error&) {
        throw;
    } catch (const QPDFExc& e) {
        throw damaged(file, e.getMessageDetail());
    } catch (const std::exception& e) {
        throw damaged(file, e.what());
    }

    // The /ByteRange (12.8.1): everything but the /Contents hex string, brackets included.
    Bytes& update = out.buffer();
    const std::uint64_t total = in.size + update.size();
    const std::uint64_t a = in.size + plan.slot.contentsAt;
    const std::uint64_t b = in.size + plan.slot.contentsEnd;
    std::string ranges = "0 " + std::to_string(a) + " " + std::to_string(b) + " " + std::to_string(total - b);
    if (ranges.size() > kByteRangeWidth) throw Error(ErrorCategory::Internal, "byte range does not fit");
    std::copy(ranges.begin(), ranges.end(),
              update.begin() + static_cast<std::ptrdiff_t>(plan.slot.byteRangeAt));

    // Stage 4: copy the input into the output while digesting it.
    AtomicFile output(request.output);
    Hasher hasher(algorithm.digest);
    {
        Bytes chunk(kCopyChunk);
        std::rewind(in.file.get());
        std::uint64_t copied = 0;
        for (;;) {
            std::size_t n = std::fread(chunk.data(), 1, chunk.size(), in.file.get());
            if (n == 0) break;
            ByteView piece(chunk.data(), n);
            hasher.update(piece);
            output.write(piece);
            copied += n;
        }
        if (std::ferror(in.file.get())) throw Error(ErrorCategory::InputUnreadable, "read error", file);
        if (copied != in.size)
            throw Error(ErrorCategory::InputUnreadable, "the file changed while it was being sealed", file);
    }
    hasher.update(ByteView(update.data(), plan.slot.contentsAt));
    hasher.update(ByteView(update.data() + plan.slot.contentsEnd, update.size() - plan.slot.contentsEnd));
    const Bytes contentDigest = hasher.finish();

    // Stage 5: sign on the key, embed.
    const Bytes cms = buildDetachedCms(contentDigest, key, cmsOptions);
    const std::string hex = toHex(cms, true);
    if (hex.size() > reserve * 2) {
        throw Error(ErrorCategory::Internal,
                    "the signature (" + std::to_string(cms.size()) + " bytes) is larger than the " +
                        std::to_string(reserve) + " bytes reserved for it",
                    file);
    }
    std::copy(hex.begin(), hex.end(), update.begin() + static_cast<std::ptrdiff_t>(plan.slot.contentsAt + 1));

    // Stage 6: commit.
    output.write(update);
    output.commit();

    SealResult result;
    result.output = request.output;
    result.fieldName = plan.fieldName;
    result.outputSize = total;
    SealAppearance appearance;
    appearance.page = plan.pageNumber;
    appearance.x = plan.box.x;
    appearance.y = plan.box.y;
    appearance.width = plan.box.width;
    appearance.height = plan.box.height;
    appearance.fieldName = plan.fieldName;
    result.appearances.push_back(appearance);
    return result;
}

}  // namespace eseal

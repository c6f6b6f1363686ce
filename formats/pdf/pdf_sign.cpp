#include "formats/pdf/pdf_sign.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <set>
#include <string_view>
#include <thread>

#include "core/base/atomic_file.hpp"
#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/base/time.hpp"
#include "core/crypto/certificate.hpp"
#include "core/crypto/cms_sign.hpp"
#include "core/crypto/digest.hpp"
#include "core/crypto/timestamp.hpp"
#include "core/seal/binding.hpp"
#include "core/seal/image.hpp"
#include "core/seal/ses_signature.hpp"
#include "formats/pdf/pdf_appearance.hpp"
#include "formats/pdf/pdf_input.hpp"
#include "formats/pdf/pdf_layout.hpp"
#include "formats/pdf/pdf_ltv.hpp"
#include "formats/pdf/pdf_object_io.hpp"
#include "formats/pdf/pdf_placement.hpp"
#include "formats/pdf/pdf_revisions.hpp"
#include "formats/pdf/pdf_seal_check.hpp"
#include "formats/pdf/pdf_sign_stages.hpp"
#include "formats/pdf/pdf_update_parts.hpp"
#include "formats/pdf/pdf_writer.hpp"
#include "formats/pdf/pdf_xref_check.hpp"

namespace eseal::pdf {

namespace {

constexpr std::size_t kCopyChunk = 1 << 20;
constexpr int kMaxFieldDepth = 32;
constexpr std::size_t kMaxFieldNodes = 100000;
// Room beyond CmsSigner::maxSize, in bytes of DER, so a slightly larger
// signature than estimated still fits.
constexpr std::size_t kContentsMarginBytes = 256;

Error damaged(const std::string& file, const std::string& what) {
    return Error(ErrorCategory::BadInput,
                 fill(tr("damaged PDF ({what}); repair it first, e.g. with qpdf"), {{"{what}", what}}), file);
}

// The warning that names the damage: qpdf's generic "file is damaged" and
// "attempting to reconstruct" lines come with a precise one. "" when every
// warning is harmless.
std::string damageOf(const std::vector<QPDFExc>& warnings) {
    std::string generic;
    for (const QPDFExc& w : warnings) {
        if (isHarmlessWarning(w)) continue;
        // qpdf's own words stay English; eseal's around them are translated.
        std::string detail = w.getMessageDetail();
        if (w.getFilePosition() > 0)
            detail = fill(tr("{problem} at byte {at}"),
                          {{"{problem}", detail}, {"{at}", std::to_string(w.getFilePosition())}});
        if (detail == "file is damaged" || detail.rfind("Attempting to reconstruct", 0) == 0) {
            if (generic.empty()) generic = detail;
            continue;
        }
        return detail;
    }
    return generic;
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
                        tr("the PDF is certified with no changes allowed (DocMDP /P 1); a seal would break "
                           "its certification"),
                        file);
        }
    }
}

// ISO 32000-1 7.6.3.2, Table 22: a seal adds a signature field and its widget,
// which an encrypted file's permissions allow with bit 6 (annotations and form
// fields) together with bit 4 (create fields); the owner password allows all.
void refuseForbiddenByPermissions(QPDF& qpdf, const std::string& file) {
    if (!qpdf.isEncrypted() || qpdf.ownerPasswordMatched()) return;
    if (qpdf.allowModifyAnnotation() && qpdf.allowModifyOther()) return;
    throw Error(ErrorCategory::BadInput,
                tr("encrypted PDF: its permissions do not allow adding a signature field; sealing it needs "
                   "its owner password (--pdf-password-env or --pdf-password-file)"),
                file);
}

// Stage 1: read. qpdf parses; nothing of the file is loaded beyond the
// objects asked for.
DocumentFacts readDocument(QPDF& qpdf, InputFile& in, const SealRequest& request) {
    const std::string& file = request.input;
    const char* password = request.documentPassword ? request.documentPassword->c_str() : nullptr;
    try {
        qpdf.processFile(file.c_str(), in.file.get(), false, password);
    } catch (const QPDFExc& e) {
        if (e.getErrorCode() == qpdf_e_password) {
            throw Error(ErrorCategory::BadInput,
                        password ? tr("encrypted PDF: the password given is not its user or owner password")
                                 : tr("encrypted PDF: it opens only with its password; give it with "
                                      "--pdf-password-env or --pdf-password-file"),
                        file);
        }
        throw damaged(file, e.getMessageDetail());
    } catch (const std::exception& e) {
        throw damaged(file, e.what());
    }
    refuseForbiddenByPermissions(qpdf, file);
    DocumentFacts d;
    d.trailer = qpdf.getTrailer();
    d.root = qpdf.getRoot();
    if (!d.root.isDictionary() || !d.root.isIndirect()) throw damaged(file, tr("no document catalog"));
    const std::vector<QPDFObjectHandle>& pages = qpdf.getAllPages();
    d.pageCount = static_cast<int>(pages.size());
    const int want = request.placement.page;
    d.pageNumber = want == -1 ? d.pageCount : want;
    if (d.pageNumber < 1 || d.pageNumber > d.pageCount) {
        // Pages lost in a repair are the damage's fault, not the person's.
        if (qpdf.anyWarnings()) {
            const std::string damage = damageOf(qpdf.getWarnings());
            if (!damage.empty())
                throw damaged(file, fill(tr("{problem}; after repairing it qpdf finds {pages}"),
                                         {{"{problem}", damage}, {"{pages}", pagesText(d.pageCount)}}));
        }
        throw Error(ErrorCategory::BadInput,
                    fill(tr("page {page} does not exist; the document has {pages}"),
                         {{"{page}", std::to_string(want)}, {"{pages}", pagesText(d.pageCount)}}),
                    file);
    }
    d.page = pages[static_cast<std::size_t>(d.pageNumber - 1)];
    if (!d.page.isIndirect()) throw damaged(file, tr("a page is not an indirect object"));
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
    if (size < 1 || size > 8000000) throw damaged(file, tr("trailer /Size out of range"));
    d.nextObject = static_cast<int>(size);
    return d;
}

std::string chooseFieldName(const SealRequest& request, const std::set<std::string>& existing) {
    if (!request.fieldName.empty()) {
        // 12.7.3.2: a partial field name shall not contain a period.
        if (request.fieldName.find('.') != std::string::npos) {
            throw Error(ErrorCategory::BadInput,
                        fill(tr("field name must not contain '.': {name}"), {{"{name}", request.fieldName}}));
        }
        if (existing.count(request.fieldName) != 0) {
            throw Error(ErrorCategory::BadInput,
                        fill(tr("the PDF already has a field named {name}"), {{"{name}", request.fieldName}}),
                        request.input);
        }
        return request.fieldName;
    }
    for (int n = 1;; ++n) {
        std::string name = "Seal" + std::to_string(n);
        if (existing.count(name) == 0) return name;
    }
}

}  // namespace

InputFile openInput(const std::string& path) {
    InputFile in;
    in.file.reset(std::fopen(path.c_str(), "rb"));
    if (!in.file) throw Error(ErrorCategory::InputUnreadable, tr("cannot open the PDF to seal"), path);
    struct stat st {};
    if (::fstat(::fileno(in.file.get()), &st) != 0 || !S_ISREG(st.st_mode)) {
        throw Error(ErrorCategory::InputUnreadable, tr("not a regular file"), path);
    }
    in.size = static_cast<std::uint64_t>(st.st_size);
    in.modified = st.st_mtim;
    if (in.size < 8) throw Error(ErrorCategory::BadInput, tr("not a PDF file (too short)"), path);
    if (std::fseek(in.file.get(), -1, SEEK_END) != 0)
        throw Error(ErrorCategory::InputUnreadable, tr("cannot read"), path);
    int last = std::fgetc(in.file.get());
    in.endsWithEol = last == '\n' || last == '\r';
    std::rewind(in.file.get());
    // 7.5.2: the file begins with its header. Bytes before it (a web server's
    // or a mail program's) leave readers disagreeing on where the objects are:
    // qpdf counts the file's offsets from the header, Poppler and eseal's
    // revision reader from the file's first byte. An update appended to such a
    // file would be read differently by each, so it is refused, and sealing a
    // copy without them (qpdf rewrites the file) is suggested.
    char head[1024];
    const std::size_t got = std::fread(head, 1, sizeof head, in.file.get());
    std::rewind(in.file.get());
    const std::string_view start(head, got);
    const std::size_t header = start.find("%PDF-");
    if (header != 0 && header != std::string_view::npos) {
        throw Error(
            ErrorCategory::BadInput,
            fill(tr("the file has {n} byte(s) before its %PDF header, so PDF readers disagree on where "
                    "its objects are and a seal added to it could show differently in each; seal a copy "
                    "without them (qpdf in.pdf copy.pdf writes one)"),
                 {{"{n}", std::to_string(header)}}),
            path);
    }
    return in;
}

namespace {

void validateRequest(const SealRequest& request) {
    const std::string& file = request.input;
    if (request.profile.gbt38540Signature) {
        // GB/T 38540-2020 8.1: TBS_Sign holds the seal; 7.1: only a V4 seal has the structure it names.
        if (request.electronicSeal.empty())
            throw Error(
                ErrorCategory::Usage,
                tr("--profile gbt38540 needs an electronic seal: --seal SEAL.esl (a GB/T 38540 seal)"), file);
        if (seal::readSeal(request.electronicSeal, file).layout != seal::SealLayout::V4)
            throw Error(ErrorCategory::BadInput,
                        tr("a GB/T 38540 electronic signature needs a V4 seal; this one is GM/T 0031 V1"),
                        file);
    }
    if (request.profile.level != PadesLevel::BB && request.profile.tsaUrl.empty()) {
        throw Error(ErrorCategory::Usage, tr("PAdES B-T and above need a timestamp authority (--tsa URL)"),
                    file);
    }
    const std::optional<int> certification = request.profile.certificationLevel;
    if (certification && (*certification < 1 || *certification > 3)) {
        throw Error(ErrorCategory::Usage, tr("certification level must be 1, 2 or 3"), file);
    }
}

// qpdf reports what it had to repair as warnings; objects the seal needs that
// were repaired would be written from qpdf's guess, so the file is refused.
void refuseRepaired(QPDF& qpdf, const std::string& file, bool signedFile,
                    const std::vector<PdfRevision>& revisions) {
    if (!qpdf.anyWarnings()) return;
    std::vector<QPDFExc> warnings = qpdf.getWarnings();
    // A rebuilt xref that resolves every object as the file's own sections
    // give it changes nothing the seal is built on (pdf_xref_check).
    if (!revisions.empty() && rebuiltXref(warnings)) {
        const std::string danger = xrefRepairDifference(qpdf, file, revisions, revisions.back().index);
        if (!danger.empty()) throw Error(ErrorCategory::BadInput, "damaged PDF (" + danger + ")", file);
        warnings = afterXrefRepair(warnings);
        if (warnings.empty()) return;
    }
    std::string what = damageOf(warnings);
    if (!warnings.empty() && what.empty()) return;  // only harmless ones
    if (what.empty()) what = tr("qpdf had to repair it");
    // Repairing rewrites the file and so breaks every signature in it.
    if (signedFile)
        throw Error(ErrorCategory::BadInput,
                    fill(tr("damaged PDF ({what}); it is signed, so it cannot be repaired without breaking "
                            "its signatures, and a seal cannot be added"),
                         {{"{what}", what}}),
                    file);
    throw damaged(file, what);
}

// qpdf and the standard library report trouble with their own exceptions;
// past this point only eseal::Error leaves a stage.
template <typename F>
auto asDamaged(const std::string& file, F&& stage) {
    try {
        return stage();
    } catch (const Error&) {
        throw;
    } catch (const QPDFExc& e) {
        throw damaged(file, e.getMessageDetail());
    } catch (const std::exception& e) {
        throw damaged(file, e.what());
    }
}

}  // namespace

SealPlan planSeal(const SealRequest& request, bool check) {
    validateRequest(request);
    SealPlan plan;
    plan.input = request.input;
    plan.certification = request.profile.certificationLevel;
    plan.picture = sealPictureOf(request);
    plan.in = openInput(request.input);
    const std::vector<PdfRevision> revisions = scanRevisions(request.input);
    if (revisions.empty()) throw damaged(request.input, tr("no cross-reference section"));
    plan.last = revisions.back();
    plan.qpdf = std::make_unique<QPDF>();
    plan.qpdf->setSuppressWarnings(true);
    asDamaged(request.input, [&] {
        plan.doc = readDocument(*plan.qpdf, plan.in, request);
        plan.cipher = ObjectCipher::of(*plan.qpdf);
        const RgbaImage& image = *plan.picture;
        const double aspect = static_cast<double>(image.height) / static_cast<double>(image.width);
        plan.widgets = layoutSeal(request, plan.qpdf->getAllPages(), aspect, !check);
        plan.box = plan.widgets.front().box;
        plan.doc.page = plan.widgets.front().page;
        plan.doc.pageNumber = plan.widgets.front().pageNumber;
        for (const WidgetPlan& w : plan.widgets)
            if (!w.page.isIndirect()) throw damaged(request.input, tr("a page is not an indirect object"));
        plan.fieldName = chooseFieldName(request, plan.doc.fieldNames);
        // 12.8.2.2.1: only one DocMDP signature, and it is the first signature.
        if (plan.certification && (plan.doc.signedFields || plan.doc.certified)) {
            throw Error(ErrorCategory::BadInput,
                        tr("a certification signature must be the document's first signature; this PDF is "
                           "already signed"),
                        request.input);
        }
        refuseRepaired(*plan.qpdf, request.input, plan.doc.signedFields, revisions);
        return 0;
    });
    return plan;
}

int pdfaPart(QPDFObjectHandle root) {
    QPDFObjectHandle metadata = root.getKey("/Metadata");
    if (!metadata.isStream()) return 0;
    std::string xmp;
    try {
        const auto data = metadata.getStreamData(qpdf_dl_generalized);
        xmp.assign(data->getBuffer(), data->getBuffer() + data->getSize());
    } catch (const std::exception&) {
        return 0;  // unreadable metadata claims nothing
    }
    // <pdfaid:part>2</pdfaid:part> or pdfaid:part="2" (XMP, ISO 16684-1).
    const auto at = xmp.find("pdfaid:part");
    if (at == std::string::npos) return 0;
    for (std::size_t i = at + 11; i < xmp.size() && i < at + 40; ++i)
        if (xmp[i] >= '1' && xmp[i] <= '9') return xmp[i] - '0';
    return 0;
}

PreparedUpdate buildUpdate(const SealPlan& plan, const SealRequest& request, bool sm2, std::size_t reserve,
                           std::time_t signingTime, bool iso32002) {
    const std::string& file = plan.input;
    const DocumentFacts& doc = plan.doc;
    UpdateWriter out(plan.in.size, !plan.in.endsWithEol);
    if (plan.cipher) out.encryptWith(&*plan.cipher);
    std::size_t byteRangeAt = 0;
    PreparedUpdate update;
    update.base = plan.in.size;
    asDamaged(file, [&] {
        int next = doc.nextObject;
        AppearanceNumbers numbers;
        numbers.image = next++;
        if (plan.picture->hasTransparency()) numbers.smask = next++;
        std::vector<WidgetAppearance> looks;
        for (const WidgetPlan& w : plan.widgets) {
            numbers.forms.push_back(next++);
            looks.push_back({w.box, w.sliceFrom, w.sliceTo});
        }
        // One widget: merged with its field (12.7.4.5); several: the field's /Kids.
        const bool merged = plan.widgets.size() == 1;
        std::vector<int> widgetNums;
        for (std::size_t i = 0; i < plan.widgets.size(); ++i) widgetNums.push_back(next++);
        const int fieldNum = merged ? widgetNums.front() : next++;
        const int sigNum = next++;
        const int xrefNum = plan.last.xrefStream ? next++ : 0;  // 0: classic table, no object
        const int newSize = next;

        writeSealAppearance(out, *encodedSealImage(plan.picture), looks, numbers);

        // The signature dictionary (12.8.1, Table 252).
        out.beginObject(sigNum, 0);
        // /Prop_Build /App names the writer (Adobe's signature build dictionary);
        // eseal unseal removes only seals so marked.
        out.text(std::string("<< /Type /Sig /Filter /Adobe.PPKLite /Prop_Build ") + kSealBuildProperties +
                 " /SubFilter " + (sm2 ? "/adbe.pkcs7.detached" : "/ETSI.CAdES.detached") + " /M " +
                 encodeTextString(pdfDate(signingTime)));
        if (!request.reason.empty()) out.text(" /Reason " + encodeTextString(request.reason));
        if (!request.location.empty()) out.text(" /Location " + encodeTextString(request.location));
        if (!request.contactInfo.empty()) out.text(" /ContactInfo " + encodeTextString(request.contactInfo));
        if (plan.certification) {
            // 12.8.2.2, Table 253/254: the DocMDP transform with its permission level.
            out.text(
                "\n/Reference [<< /Type /SigRef /TransformMethod /DocMDP /TransformParams << /Type "
                "/TransformParams /P " +
                std::to_string(*plan.certification) + " /V /1.2 >> >>]");
        }
        byteRangeAt = writeSignatureSlot(out, reserve, update);
        out.append(" >>");
        out.endObject();

        // The field and its widget annotations (12.5.6.19, 12.7.4.5). /F 132 =
        // Print (4) + Locked (128), Table 165. Widgets of a field with several
        // carry its /V too, as representations of the same field without a /T
        // of their own (12.7.3.2): Poppler reads /V of each widget, not the parent's.
        const std::string fieldKeys =
            "/FT /Sig /T " + encodeTextString(plan.fieldName) + " /V " + objectRef(sigNum);
        std::string kids;
        for (std::size_t i = 0; i < plan.widgets.size(); ++i) {
            const SealBox& box = plan.widgets[i].box;
            const std::string rect = formatNumber(box.x) + " " + formatNumber(box.y) + " " +
                                     formatNumber(box.x + box.width) + " " + formatNumber(box.y + box.height);
            out.object(widgetNums[i], 0,
                       "<< /Type /Annot /Subtype /Widget " +
                           (merged ? fieldKeys + " "
                                   : "/Parent " + objectRef(fieldNum) + " /V " + objectRef(sigNum) + " ") +
                           "/F 132 /P " + QPDFObjectHandle(plan.widgets[i].page).unparse() + " /Rect [" +
                           rect + "] /AP << /N " + objectRef(numbers.forms[i]) + " >> >>");
            kids += (i ? " " : "") + objectRef(widgetNums[i]);
        }
        if (!merged) out.object(fieldNum, 0, "<< " + fieldKeys + " /Kids [" + kids + "] >>");

        // Each page's /Annots gets its widgets; an array object shared by
        // pages (or with /AcroForm /Fields) is written once with all of them.
        std::map<QPDFObjGen, std::pair<QPDFObjectHandle, std::string>>
            arrays;  // annots or fields array -> additions
        std::map<QPDFObjGen, std::pair<QPDFObjectHandle, std::string>>
            pages;  // page with a direct /Annots -> additions
        std::vector<QPDFObjGen> order;
        for (std::size_t i = 0; i < plan.widgets.size(); ++i) {
            QPDFObjectHandle page = plan.widgets[i].page;
            QPDFObjectHandle annots = page.getKey("/Annots");
            const std::string ref = objectRef(widgetNums[i]);
            if (annots.isIndirect() && annots.isArray()) {
                auto& slot = arrays[annots.getObjGen()];
                if (slot.second.empty()) slot.first = annots;
                slot.second += (slot.second.empty() ? "" : " ") + ref;
            } else if (annots.isNull() || annots.isArray()) {
                auto& slot = pages[page.getObjGen()];
                if (slot.second.empty()) {
                    slot.first = page;
                    order.push_back(page.getObjGen());
                }
                slot.second += (slot.second.empty() ? "" : " ") + ref;
            } else {
                throw damaged(file, tr("page /Annots is not an array"));
            }
        }
        const std::string field = objectRef(fieldNum);
        QPDFObjectHandle page = doc.page;
        for (const QPDFObjGen& og : order) {
            auto& [p, refs] = pages[og];
            out.object(og.getObj(), og.getGen(),
                       dictionaryWith(p, {{"/Annots", arrayWith(p.getKey("/Annots"), refs)}}));
        }

        // The AcroForm's /Fields gets the field; /SigFlags 3 = SignaturesExist | AppendOnly (Table 219).
        QPDFObjectHandle root = doc.root;
        QPDFObjectHandle acro = root.getKey("/AcroForm");
        QPDFObjectHandle fields = acro.isDictionary() ? acro.getKey("/Fields") : QPDFObjectHandle::newNull();
        if (!fields.isNull() && !fields.isArray())
            throw damaged(file, tr("/AcroForm /Fields is not an array"));
        long long flags = acro.isDictionary() && acro.getKey("/SigFlags").isInteger()
                              ? acro.getKey("/SigFlags").getIntValue()
                              : 0;
        std::map<std::string, std::string> acroChanges{{"/SigFlags", std::to_string(flags | 3)}};
        // With /NeedAppearances true viewers rebuild every widget's appearance
        // (12.7.2, Table 218) and Poppler draws a signature widget empty: the
        // seal would not show. A signed form keeps the appearances it has.
        if (acro.isDictionary() && acro.getKey("/NeedAppearances").isBool() &&
            acro.getKey("/NeedAppearances").getBoolValue())
            acroChanges["/NeedAppearances"] = "false";
        if (fields.isIndirect()) {
            auto& slot = arrays[fields.getObjGen()];
            if (slot.second.empty()) slot.first = fields;
            // A /Fields array that is also the page's /Annots has the merged widget already.
            if (!merged || (" " + slot.second + " ").find(" " + field + " ") == std::string::npos)
                slot.second += (slot.second.empty() ? "" : " ") + field;
        } else {
            acroChanges["/Fields"] = arrayWith(fields, field);
        }
        for (const auto& [og, entry] : arrays)
            out.object(og.getObj(), og.getGen(), arrayWith(entry.first, entry.second));
        std::map<std::string, std::string> catalogChanges;
        if (acro.isIndirect() && acro.isDictionary()) {
            out.object(acro.getObjectID(), acro.getGeneration(), dictionaryWith(acro, acroChanges));
        } else {
            catalogChanges["/AcroForm"] = acro.isDictionary() ? dictionaryWith(acro, acroChanges)
                                                              : "<< /Fields [" + field + "] /SigFlags 3 >>";
        }
        if (plan.certification) {
            // 12.8.4: the catalog's /Perms names the certification signature.
            QPDFObjectHandle perms = root.getKey("/Perms");
            if (perms.isIndirect())
                throw Error(ErrorCategory::Unsupported, tr("indirect /Perms is not supported"), file);
            catalogChanges["/Perms"] = perms.isDictionary()
                                           ? dictionaryWith(perms, {{"/DocMDP", objectRef(sigNum)}})
                                           : "<< /DocMDP " + objectRef(sigNum) + " >>";
        }
        // What the seal uses, declared as pyHanko and Acrobat do (ISO 32000-2 7.12).
        UsedFeatures used;
        used.cadesSubFilter = !sm2;
        used.dss = request.profile.level == PadesLevel::BLT || request.profile.level == PadesLevel::BLTA;
        used.iso32002 = iso32002;
        used.pdfaPart = pdfaPart(root);
        for (auto& [key, value] : extensionChanges(root, plan.qpdf->getPDFVersion(), used))
            catalogChanges[key] = value;
        if (!catalogChanges.empty()) {
            if (root.getObjGen() == page.getObjGen()) throw damaged(file, tr("the catalog is a page"));
            out.object(root.getObjectID(), root.getGeneration(), dictionaryWith(root, catalogChanges));
        }

        // Trailer entries (7.5.5, 14.4): /ID keeps its first element.
        const std::string seed = std::to_string(plan.in.size) + "|" + std::to_string(plan.last.startxref) +
                                 "|" + std::to_string(signingTime) + "|" + plan.fieldName;
        const std::string trailer = trailerEntries(doc.trailer, root, seed);

        if (plan.last.xrefStream) {
            out.finishWithStream(xrefNum, newSize, plan.last.startxref, trailer);
        } else {
            out.finishWithTable(newSize, plan.last.startxref, trailer);
        }
        // Objects the update needed may have made qpdf repair the file.
        refuseRepaired(*plan.qpdf, file, doc.signedFields, {});
        return 0;
    });

    update.bytes = std::move(out.buffer());
    fillByteRange(update, byteRangeAt);
    return update;
}

Bytes copyAndDigest(InputFile& in, const std::string& inputName, const PreparedUpdate& update,
                    DigestAlgorithm algorithm, AtomicFile& output) {
    // The copier publishes how far the output is written; the hasher reads
    // the output back up to there. SHA-256 is the slower of the two, so the
    // copy (and its disk write, started as it goes) costs almost no time of
    // its own. Both end before the function returns. An input of at most one
    // read-back chunk is copied first and hashed after, in this thread: a
    // thread of its own would cost more than it saves (a batch of letters).
    std::mutex lock;
    std::condition_variable moved;
    std::uint64_t written = output.size();
    bool finished = false;
    std::exception_ptr failure;
    const std::uint64_t start = output.size();
    const auto copy = [&] {
        try {
            output.appendFrom(::fileno(in.file.get()), 0, in.size, [&](std::uint64_t now) {
                const std::lock_guard<std::mutex> hold(lock);
                written = now;
                moved.notify_one();
            });
        } catch (...) {
            failure = std::current_exception();
        }
        const std::lock_guard<std::mutex> hold(lock);
        finished = true;
        moved.notify_one();
    };
    struct Joined {  // the copier ends before its state goes, also when hashing throws
        std::thread thread;
        ~Joined() {
            if (thread.joinable()) thread.join();
        }
    } copier;
    if (in.size <= kCopyChunk)
        copy();
    else
        copier.thread = std::thread(copy);
    Hasher hasher(algorithm);
    // Not larger than the input: no megabyte of zeros per one-page letter.
    Bytes chunk(static_cast<std::size_t>(std::clamp<std::uint64_t>(in.size, 1, kCopyChunk)));
    std::uint64_t hashed = start;
    for (;;) {
        std::uint64_t until = 0;
        bool done = false;
        {
            std::unique_lock<std::mutex> hold(lock);
            moved.wait(hold, [&] { return finished || written > hashed; });
            until = written;
            done = finished;
        }
        while (hashed < until) {
            const std::size_t want =
                static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), until - hashed));
            const std::size_t n = output.readBack(hashed, chunk.data(), want);
            if (n == 0) throw Error(ErrorCategory::Internal, tr("the output cannot be read back"), inputName);
            hasher.update(ByteView(chunk.data(), n));
            hashed += n;
        }
        if (done && hashed >= until) break;
    }
    if (copier.thread.joinable()) copier.thread.join();
    if (failure) {
        try {
            std::rethrow_exception(failure);
        } catch (const Error& e) {
            if (e.category() == ErrorCategory::InputUnreadable)
                throw Error(ErrorCategory::InputUnreadable, e.message(), inputName);
            throw;
        }
    }
    // Same size and modification time as when qpdf read it: the copy is the
    // document the update was built for.
    struct stat st {};
    const bool same = ::fstat(::fileno(in.file.get()), &st) == 0 &&
                      static_cast<std::uint64_t>(st.st_size) == in.size &&
                      st.st_mtim.tv_sec == in.modified.tv_sec && st.st_mtim.tv_nsec == in.modified.tv_nsec;
    if (!same || hashed - start != in.size || in.size != update.base)
        throw Error(ErrorCategory::InputUnreadable, tr("the file changed while it was being sealed"),
                    inputName);
    const Bytes& u = update.bytes;
    hasher.update(ByteView(u.data(), update.contentsAt));
    hasher.update(ByteView(u.data() + update.contentsEnd, u.size() - update.contentsEnd));
    return hasher.finish();
}

Bytes makeSesSignature(const PreparedUpdate& update, const SealRequest& request, ByteView rangeDigest,
                       std::time_t signingTime, Key& key, const SignatureAlgorithm& algorithm) {
    seal::SignatureContent content;
    content.seal = request.electronicSeal;
    content.time = signingTime;
    content.dataHash.assign(rangeDigest.begin(), rangeDigest.end());
    const std::uint64_t a = update.base + update.contentsAt;
    const std::uint64_t b = update.base + update.contentsEnd;
    content.propertyInfo = byteRangeProperty(a, b, update.totalSize() - b);
    return seal::makeSignatureV4(content, key, algorithm);
}

void embedSignature(PreparedUpdate& update, ByteView cms, const std::string& inputName) {
    const std::string hex = toHex(cms, true);
    const std::size_t room = update.contentsEnd - update.contentsAt - 2;  // between '<' and '>'
    if (hex.size() > room) {
        throw Error(ErrorCategory::Internal,
                    fill(tr("the signature ({n} bytes) is larger than the {room} bytes reserved for it"),
                         {{"{n}", std::to_string(cms.size())}, {"{room}", std::to_string(room / 2)}}),
                    inputName);
    }
    std::copy(hex.begin(), hex.end(),
              update.bytes.begin() + static_cast<std::ptrdiff_t>(update.contentsAt + 1));
}

void commitUpdate(AtomicFile& output, const PreparedUpdate& update, const OutputHandOff& handOff) {
    output.write(update.bytes);
    output.commit(handOff);
}

namespace {

// ECDSA on a curve ISO/TS 32002:2022 lists (the NIST and Brainpool curves).
// SM2 is not among them: GM/T 0031 and GB/T 38540 define its use.
bool usesIso32002Curve(const CmsSigner& signer, Key& key) {
    if (signer.algorithm().scheme != SignatureScheme::Ecdsa || key.certificateChain().empty()) return false;
    const Certificate signerCert = Certificate::fromDer(key.certificateChain().front());
    EVP_PKEY* pub = X509_get0_pubkey(signerCert.get());
    char name[64] = {};
    std::size_t length = 0;
    if (!pub || EVP_PKEY_get_group_name(pub, name, sizeof name, &length) != 1) return false;
    static const std::set<std::string> kCurves = {"prime256v1",      "secp384r1",       "secp521r1",
                                                  "brainpoolP256r1", "brainpoolP384r1", "brainpoolP512r1"};
    return kCurves.count(name) != 0;
}

}  // namespace

void checkPdfRequest(const SealRequest& request) {
    checkOutputTarget(request.input, request.output);
    (void)planSeal(request, true);
}

SealResult sealPdf(const SealRequest& request, Key& key) {
    checkOutputTarget(request.input, request.output);
    SealPlan plan = planSeal(request);

    CmsSignOptions cmsOptions;
    cmsOptions.digest = request.profile.digest;
    // The electronic seal goes inside the signed bytes (docs/DESIGN.md, "Seals inside signatures").
    if (!request.electronicSeal.empty())
        cmsOptions.extraSignedAttributes.emplace_back(seal::kSealAttributeOid, request.electronicSeal);
    if (request.profile.level != PadesLevel::BB) {
        // PAdES B-T (ETSI EN 319 142-1 5.4): a signature timestamp over the signature value.
        const std::string url = request.profile.tsaUrl;
        const DigestAlgorithm digest = request.profile.digest;
        cmsOptions.timestamp = [url, digest](ByteView value) { return requestTimestamp(url, value, digest); };
        cmsOptions.timestampReserve = kTimestampTokenReserve;
    }
    const CmsSigner signer(key, cmsOptions);
    const bool sm2 = signer.algorithm().scheme == SignatureScheme::Sm2;
    std::size_t reserve = signer.maxSize() + kContentsMarginBytes;
    const std::time_t signingTime = request.signingTime ? *request.signingTime : now();
    // --profile gbt38540: the electronic signature's dataHash is the CMS's content digest, so both
    // sign one hash of the byte range.
    std::optional<SignatureAlgorithm> sesAlgorithm;
    if (request.profile.gbt38540Signature) {
        sesAlgorithm = seal::signatureAlgorithmFor(key, signer.contentDigestAlgorithm());
        if (sesAlgorithm->digest != signer.contentDigestAlgorithm())
            throw Error(
                ErrorCategory::Unsupported,
                fill(tr("{key} cannot make a GB/T 38540 electronic signature with {digest}"),
                     {{"{key}", key.description()}, {"{digest}", toString(signer.contentDigestAlgorithm())}}),
                request.input);
        seal::SignatureContent longest;
        longest.seal = request.electronicSeal;
        longest.propertyInfo = byteRangeProperty(UINT64_MAX, UINT64_MAX, UINT64_MAX);
        // The unsigned attribute around it: SEQUENCE { OID, SET { value } } and the [1] SET OF.
        reserve += seal::maxSignatureV4Size(longest, key, *sesAlgorithm) + 64;
    }
    PreparedUpdate update =
        buildUpdate(plan, request, sm2, reserve, signingTime, usesIso32002Curve(signer, key));

    AtomicFile output(request.output);
    const Bytes contentDigest =
        copyAndDigest(plan.in, request.input, update, signer.contentDigestAlgorithm(), output);
    std::vector<UnsignedAttribute> unsignedAttributes;
    if (sesAlgorithm)
        unsignedAttributes.push_back(
            {seal::kSesSignatureAttributeOid,
             makeSesSignature(update, request, contentDigest, signingTime, key, *sesAlgorithm)});
    const Bytes cms = signer.sign(contentDigest, key, unsignedAttributes);
    embedSignature(update, cms, request.input);
    if (request.profile.level == PadesLevel::BLT || request.profile.level == PadesLevel::BLTA) {
        output.write(update.bytes);
        appendLongTermValidation(output, update, key.certificateChain(), request);
        output.commit(request.handOff);
    } else {
        commitUpdate(output, update, request.handOff);
    }

    SealResult result;
    // ISO 19005-1 6.4: PDF/A-1 allows no soft mask and no blend mode but
    // Normal; every seal is drawn with both (a picture without transparency
    // is refused) so that the text under it shows.
    if (pdfaPart(plan.doc.root) == 1)
        result.warnings.push_back(tr(
            "the file claims PDF/A-1, which forbids transparency (ISO 19005-1 6.4: no /SMask, no /BM "
            "blend mode but Normal); the seal is drawn with the multiply blend mode so that the text under "
            "it shows, so the sealed copy is no longer PDF/A-1 (PDF/A-2 and -3 allow it)"));
    result.output = request.output;
    result.fieldName = plan.fieldName;
    result.outputSize = output.size();
    for (const WidgetPlan& w : plan.widgets) {
        SealAppearance appearance;
        appearance.page = w.pageNumber;
        appearance.x = w.box.x;
        appearance.y = w.box.y;
        appearance.width = w.box.width;
        appearance.height = w.box.height;
        appearance.fieldName = plan.fieldName;
        result.appearances.push_back(appearance);
    }
    return result;
}

}  // namespace eseal::pdf

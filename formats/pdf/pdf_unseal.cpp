#include "formats/pdf/pdf_unseal.hpp"

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <set>
#include <vector>

#include "core/base/atomic_file.hpp"
#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "formats/pdf/pdf_input.hpp"
#include "formats/pdf/pdf_revisions.hpp"
#include "formats/pdf/pdf_writer.hpp"

namespace eseal::pdf {

namespace {

constexpr int kMaxDepth = 32;
constexpr std::size_t kMaxNodes = 100000;
constexpr std::size_t kCopyChunk = 1 << 20;

Error refused(const std::string& why, const std::string& file) {
    return Error(ErrorCategory::BadInput, fill(tr("cannot remove the last seal: {why}"), {{"{why}", why}}),
                 file);
}

struct SignatureField {
    std::string name;
    QPDFObjectHandle value;  // the signature dictionary
};

// Signature fields with a value, through the field tree (12.7.3.1), bounded.
void collectSignatures(QPDFObjectHandle fields, const std::string& prefix, bool parentIsSig, int depth,
                       std::set<QPDFObjGen>& seen, std::vector<SignatureField>& out) {
    if (!fields.isArray() || depth > kMaxDepth) return;
    for (QPDFObjectHandle field : fields.getArrayAsVector()) {
        if (!field.isDictionary() || seen.size() > kMaxNodes) continue;
        if (field.isIndirect() && !seen.insert(field.getObjGen()).second) continue;
        QPDFObjectHandle t = field.getKey("/T");
        const std::string partial = t.isString() ? t.getUTF8Value() : std::string();
        const std::string name = partial.empty() ? prefix : prefix.empty() ? partial : prefix + "." + partial;
        QPDFObjectHandle ft = field.getKey("/FT");
        const bool isSig = ft.isName() ? ft.isNameAndEquals("/Sig") : parentIsSig;
        if (isSig && field.getKey("/V").isDictionary()) out.push_back({name, field.getKey("/V")});
        collectSignatures(field.getKey("/Kids"), name, isSig, depth + 1, seen, out);
    }
}

// The end of the /ByteRange [0 a b c] (12.8.1), or -1 when it is not one.
long long byteRangeEnd(QPDFObjectHandle sig, long long* contentsAt) {
    QPDFObjectHandle br = sig.getKey("/ByteRange");
    if (!br.isArray() || br.getArrayNItems() != 4) return -1;
    long long v[4];
    for (int i = 0; i < 4; ++i) {
        if (!br.getArrayItem(i).isInteger()) return -1;
        v[i] = br.getArrayItem(i).getIntValue();
    }
    if (v[0] != 0 || v[1] < 0 || v[2] < v[1] || v[3] < 0) return -1;
    *contentsAt = v[1];
    return v[2] + v[3];
}

bool madeByEseal(QPDFObjectHandle sig) {
    QPDFObjectHandle build = sig.getKey("/Prop_Build");
    QPDFObjectHandle app = build.isDictionary() ? build.getKey("/App") : QPDFObjectHandle::newNull();
    return app.isDictionary() && app.getKey("/Name").isNameAndEquals("/eseal");
}

}  // namespace

UnsealResult unsealPdf(const std::string& input, const std::string& output) {
    checkOutputTarget(input, output);
    const FileReader file(input);
    const std::vector<PdfRevision> revisions = scanRevisions(input);
    if (revisions.size() < 2)
        throw refused(tr("the PDF has no incremental update, so no seal was added to it"), input);
    const PdfRevision& last = revisions.back();
    if (last.end != file.size())
        throw refused(fill(tr("the file goes on after its last revision (byte {at} of {size})"),
                           {{"{at}", std::to_string(last.end)}, {"{size}", std::to_string(file.size())}}),
                      input);
    const std::uint64_t before = revisions[revisions.size() - 2].end;

    std::vector<SignatureField> signatures;
    try {
        QPDF qpdf;
        qpdf.setSuppressWarnings(true);
        qpdf.processFile(input.c_str());
        if (qpdf.isEncrypted()) throw refused(tr("the PDF is encrypted"), input);
        for (const QPDFExc& w : qpdf.getWarnings())
            if (!isHarmlessWarning(w))
                throw refused(
                    fill(tr("the PDF is damaged ({problem})"), {{"{problem}", w.getMessageDetail()}}), input);
        QPDFObjectHandle acro = qpdf.getRoot().getKey("/AcroForm");
        std::set<QPDFObjGen> seen;
        if (acro.isDictionary()) collectSignatures(acro.getKey("/Fields"), "", false, 0, seen, signatures);
        // The signature that covers the whole file is the last revision's.
        // Widgets of one field may each carry its /V: one signature dictionary.
        std::vector<SignatureField> covering;
        std::set<QPDFObjGen> values;
        for (SignatureField& s : signatures) {
            long long contentsAt = 0;
            if (byteRangeEnd(s.value, &contentsAt) == static_cast<long long>(file.size()) &&
                contentsAt > static_cast<long long>(before) &&
                (!s.value.isIndirect() || values.insert(s.value.getObjGen()).second))
                covering.push_back(s);
        }
        if (covering.empty())
            throw refused(tr("its last revision is not a seal (no signature in it covers the whole file)"),
                          input);
        if (covering.size() > 1) throw refused(tr("two signatures claim the last revision"), input);
        if (!madeByEseal(covering.front().value))
            throw refused(
                fill(tr("the last seal (field {field}) was not made by eseal; eseal removes only its "
                        "own seals"),
                     {{"{field}", covering.front().name}}),
                input);
        signatures = covering;
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw refused(fill(tr("the PDF cannot be read ({why})"), {{"{why}", e.what()}}), input);
    }

    // An end-of-line marker eseal added after %%EOF is removed as well.
    std::uint64_t cut = before;
    if (before > 0 && file.readString(before - 1, 1) == "\n" &&
        file.readString(before, kAddedEolComment.size()) == kAddedEolComment)
        cut = before - 1;

    AtomicFile out(output);
    std::vector<char> chunk(kCopyChunk);
    for (std::uint64_t at = 0; at < cut;) {
        const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), cut - at));
        const std::size_t n = file.readAt(at, chunk.data(), want);
        if (n == 0)
            throw Error(ErrorCategory::InputUnreadable, tr("the file changed while it was read"), input);
        out.write(chunk.data(), n);
        at += n;
    }
    out.commit();
    UnsealResult result;
    result.output = output;
    result.fieldName = signatures.front().name;
    result.outputSize = cut;
    return result;
}

}  // namespace eseal::pdf

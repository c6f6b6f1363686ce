#include "formats/pdf/pdf_verify.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <set>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/base/time.hpp"
#include "core/crypto/cms_verify.hpp"
#include "core/crypto/digest.hpp"
#include "formats/pdf/pdf_diff.hpp"
#include "formats/pdf/pdf_dss.hpp"
#include "formats/pdf/pdf_encrypt.hpp"
#include "formats/pdf/pdf_fields.hpp"
#include "formats/pdf/pdf_input.hpp"
#include "formats/pdf/pdf_object_io.hpp"
#include "formats/pdf/pdf_placement.hpp"
#include "formats/pdf/pdf_revisions.hpp"
#include "formats/pdf/pdf_seal_check.hpp"
#include "formats/pdf/pdf_xref_check.hpp"

namespace eseal::pdf {

namespace {

// Whether bytes [from, to) are only white space and NUL padding (7.2.3), which
// no reader displays. Read in bounded chunks: the tail may be large.
bool onlyPadding(const pdf::FileReader& file, std::uint64_t from, std::uint64_t to) {
    constexpr std::size_t kChunk = 1 << 16;
    for (std::uint64_t at = from; at < to;) {
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, to - at));
        const std::string piece = file.readString(at, n);
        for (char c : piece)
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '\f' && c != '\0') return false;
        at += n;
    }
    return true;
}

using OH = QPDFObjectHandle;
using pdf::FileReader;

constexpr int kMaxDepth = 64;  // /Kids and /Parent chains
constexpr std::size_t kMaxSignatures = 1000;
constexpr std::uint64_t kMaxContentsBytes = 64u << 20;  // hex /Contents; a CMS is far smaller

std::string ref(QPDFObjGen og) { return pdf::objectRef(og.getObj(), og.getGen()); }

struct SigField {
    OH field;
    OH sig;
    std::string name;
    std::vector<OH> widgets;
};

// Signature fields that hold a signature, and those that do not (empty, or a
// placeholder never signed), found through the form's fields and, as a viewer
// does, through the signature widgets on the pages.
struct CollectedFields {
    std::vector<SigField> signed_;
    std::vector<SigField> unsigned_;  // sig is null (empty) or the placeholder dictionary
};

class FieldCollector {
public:
    explicit FieldCollector(QPDF& q) : q_(q) {}

    CollectedFields collect() {
        OH acro = q_.getRoot().getKey("/AcroForm");
        OH fields = acro.getKey("/Fields");
        if (fields.isArray())
            for (auto& f : fields.aitems()) walk(f, 0);
        // Signature widgets reachable only from a page (missing from /Fields).
        for (OH page : q_.getAllPages()) {
            OH annots = page.getKey("/Annots");
            if (!annots.isArray()) continue;
            for (auto& a : annots.aitems()) {
                if (count() >= kMaxSignatures) break;
                if (isName(a.getKey("/Subtype"), "/Widget")) walkUp(a);
            }
        }
        return std::move(out_);
    }

private:
    static bool isName(OH o, const char* n) { return o.isName() && o.getName() == n; }
    std::size_t count() const { return out_.signed_.size() + out_.unsigned_.size(); }

    void walk(OH node, int depth) {
        if (depth > kMaxDepth || !node.isDictionary() || count() >= kMaxSignatures) return;
        if (node.isIndirect() && !seen_.insert(node.getObjGen()).second) return;  // cycle or shared
        consider(node);
        OH kids = node.getKey("/Kids");
        if (kids.isArray())
            for (auto& kid : kids.aitems()) walk(kid, depth + 1);
    }

    // A widget found on a page: the field is the nearest node holding /V,
    // else (an empty field) the nearest one with a name.
    void walkUp(OH widget) {
        if (pdf::fieldType(widget) != "/Sig") return;
        OH node = widget;
        OH named;
        std::set<QPDFObjGen> seen;
        for (int i = 0; i < kMaxDepth && node.isDictionary(); ++i) {
            if (node.isIndirect() && !seen.insert(node.getObjGen()).second) return;
            if (node.hasKey("/V")) {
                named = node;
                break;
            }
            if (named.isNull() && node.hasKey("/T")) named = node;
            node = node.getKey("/Parent");
        }
        if (named.isNull()) named = widget;
        if (!named.isIndirect() || seen_.insert(named.getObjGen()).second) consider(named);
    }

    void consider(OH node) {
        if (pdf::fieldType(node) != "/Sig") return;
        OH v = node.getKey("/V");
        // Only a terminal field (one with /V, or without field kids) is a field of its own.
        OH kids = node.getKey("/Kids");
        bool hasFieldKids = false;
        if (kids.isArray())
            for (auto& kid : kids.aitems())
                hasFieldKids = hasFieldKids || (kid.isDictionary() && kid.hasKey("/T"));
        if (!v.isDictionary() && hasFieldKids) return;
        // A widget of a field (no name of its own) is reported with its field.
        if (!v.isDictionary() && !node.hasKey("/T") && node.getKey("/Parent").isDictionary()) return;
        if (v.isDictionary() && v.isIndirect() && !sigDicts_.insert(v.getObjGen()).second) return;
        SigField sf;
        sf.field = node;
        sf.sig = v.isDictionary() ? v : OH::newNull();
        const std::string name = pdf::fieldName(node);
        // The id of a field without a name stays English in every language:
        // scripts match it in the JSON report.
        sf.name = name.empty()
                      ? (node.isIndirect() ? "field " + ref(node.getObjGen()) : std::string("unnamed field"))
                      : name;
        if (isName(node.getKey("/Subtype"), "/Widget")) sf.widgets.push_back(node);
        if (kids.isArray())
            for (auto& kid : kids.aitems())
                if (kid.isDictionary() && !kid.hasKey("/T")) sf.widgets.push_back(kid);
        if (v.isDictionary() && pdf::holdsSignatureValue(v))
            out_.signed_.push_back(std::move(sf));
        else
            out_.unsigned_.push_back(std::move(sf));
    }

    QPDF& q_;
    std::set<QPDFObjGen> seen_;
    std::set<QPDFObjGen> sigDicts_;
    CollectedFields out_;
};

struct ByteRange {
    bool valid = false;
    std::uint64_t a = 0, b = 0, c = 0;  // [0, a) and [b, b + c)
    std::string problem;
};

ByteRange readByteRange(OH sig, std::uint64_t fileSize) {
    ByteRange r;
    OH br = sig.getKey("/ByteRange");
    if (!br.isArray() || br.getArrayNItems() != 4) {
        r.problem = tr("/ByteRange is missing or does not hold 4 numbers");
        return r;
    }
    long long v[4];
    for (int i = 0; i < 4; ++i) {
        OH item = br.getArrayItem(i);
        if (!item.isInteger() || item.getIntValue() < 0) {
            r.problem = tr("/ByteRange holds a value that is not a non-negative integer");
            return r;
        }
        v[i] = item.getIntValue();
    }
    if (v[0] != 0) {
        r.problem = tr("/ByteRange does not start at byte 0");
        return r;
    }
    r.a = static_cast<std::uint64_t>(v[1]);
    r.b = static_cast<std::uint64_t>(v[2]);
    r.c = static_cast<std::uint64_t>(v[3]);
    if (r.a >= r.b) {
        r.problem = tr("/ByteRange ranges overlap or are out of order");
        return r;
    }
    if (r.b > fileSize || r.c > fileSize - r.b) {
        r.problem = tr("/ByteRange reaches beyond the end of the file");
        return r;
    }
    r.valid = true;
    return r;
}

// ISO 32000-1 12.8.1: the gap [a, b) must be exactly the /Contents hex string,
// delimiters included. Returns the decoded bytes or sets `problem`.
std::optional<Bytes> readContentsGap(const FileReader& file, const ByteRange& r, OH sig,
                                     std::string& problem) {
    std::uint64_t len = r.b - r.a;
    if (len < 2 || len > kMaxContentsBytes) {
        problem = tr("the gap in /ByteRange is not a plausible /Contents string");
        return std::nullopt;
    }
    // The key right before the gap must be /Contents of this dictionary.
    std::uint64_t back = std::min<std::uint64_t>(r.a, 64);
    std::string before = file.readString(r.a - back, static_cast<std::size_t>(back));
    while (!before.empty() && std::string_view(" \t\r\n\f", 5).find(before.back()) != std::string_view::npos)
        before.pop_back();
    if (before.size() < 9 || before.compare(before.size() - 9, 9, "/Contents") != 0) {
        problem = tr("the gap in /ByteRange is not the /Contents entry");
        return std::nullopt;
    }
    std::string gap = file.readString(r.a, static_cast<std::size_t>(len));
    if (gap.size() != len || gap.front() != '<' || gap.back() != '>') {
        problem = tr("the gap in /ByteRange is not a hex string <...>");
        return std::nullopt;
    }
    Bytes der;
    der.reserve(static_cast<std::size_t>(len / 2));
    int high = -1;
    for (std::size_t i = 1; i + 1 < gap.size(); ++i) {
        char ch = gap[i];
        int v = -1;
        if (ch >= '0' && ch <= '9')
            v = ch - '0';
        else if (ch >= 'a' && ch <= 'f')
            v = ch - 'a' + 10;
        else if (ch >= 'A' && ch <= 'F')
            v = ch - 'A' + 10;
        else if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\f' || ch == '\0')
            continue;
        if (v < 0) {
            problem = tr("the gap in /ByteRange holds something other than hex digits");
            return std::nullopt;
        }
        if (high < 0) {
            high = v;
        } else {
            der.push_back(static_cast<std::uint8_t>(high << 4 | v));
            high = -1;
        }
    }
    if (high >= 0)
        der.push_back(static_cast<std::uint8_t>(high << 4));  // 7.3.4.3: a final odd digit is followed by 0
    OH contents = sig.getKey("/Contents");
    if (!contents.isString() || contents.getStringValue() != std::string(der.begin(), der.end())) {
        problem = tr("the gap in /ByteRange does not hold this signature's /Contents");
        return std::nullopt;
    }
    return der;
}

// The digests of the signatures' byte ranges (12.8.1). Each first range starts
// at byte 0 and runs to the signature's /Contents, so in signing order each is
// a prefix of the next: the running digest of that prefix is kept per
// algorithm and copied at each signature's gap, and a file with n signatures
// is read about once instead of n times. A range that starts before the
// running digest's position (another order) starts a new one.
class RangeDigests {
public:
    explicit RangeDigests(const FileReader& file) : file_(file) {}

    Bytes of(const ByteRange& r, DigestAlgorithm alg) {
        auto it = running_.find(alg);
        if (it == running_.end() || it->second.at > r.a)
            it = running_.insert_or_assign(alg, Running{Hasher(alg), 0}).first;
        Running& run = it->second;
        try {
            feed(run.hasher, run.at, r.a - run.at);
        } catch (...) {
            running_.erase(it);  // part of the prefix was fed
            throw;
        }
        run.at = r.a;
        Hasher rest = run.hasher.copy();
        feed(rest, r.b, r.c);
        return rest.finish();
    }

private:
    struct Running {
        Hasher hasher;
        std::uint64_t at;  // the hasher holds the digest of bytes [0, at)
    };

    void feed(Hasher& h, std::uint64_t from, std::uint64_t len) {
        buf_.resize(1 << 16);
        while (len > 0) {
            std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(len, buf_.size()));
            std::size_t got = file_.readAt(from, buf_.data(), n);
            if (got != n)
                throw Error(ErrorCategory::InputUnreadable, tr("the file changed while it was read"),
                            file_.path());
            h.update(buf_.data(), got);
            from += got;
            len -= got;
        }
    }

    const FileReader& file_;
    std::map<DigestAlgorithm, Running> running_;
    std::vector<char> buf_;
};

// DocMDP level of a certification signature (12.8.2.2): /Reference entries
// with /TransformMethod /DocMDP, /TransformParams /P (default 2).
int docMdpLevel(OH sig) {
    OH refs = sig.getKey("/Reference");
    if (!refs.isArray()) return 0;
    for (auto& r : refs.aitems()) {
        OH tm = r.getKey("/TransformMethod");
        if (!tm.isName() || tm.getName() != "/DocMDP") continue;
        OH p = r.getKey("/TransformParams").getKey("/P");
        if (p.isInteger() && p.getIntValue() >= 1 && p.getIntValue() <= 3)
            return static_cast<int>(p.getIntValue());
        return 2;
    }
    return 0;
}

void fail(SignatureReport& s, SubIndication sub, const std::string& error) {
    s.verdict.worsenTo(Indication::Failed, sub);
    s.errors.push_back(error);
}

std::string joinNames(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

std::string revisionList(const std::vector<int>& revs) {
    std::string out;
    for (int r : revs) out += (out.empty() ? "" : ", ") + std::to_string(r);
    return out;
}

std::map<QPDFObjGen, int> annotPages(QPDF& q) {
    std::map<QPDFObjGen, int> out;
    int n = 0;
    for (OH page : q.getAllPages()) {
        ++n;
        OH annots = page.getKey("/Annots");
        if (!annots.isArray()) continue;
        for (auto& a : annots.aitems())
            if (a.isIndirect()) out.emplace(a.getObjGen(), n);
    }
    return out;
}

// The seal's centre in mm from the top-left of the page as displayed, and its
// displayed size: the inverse of what `eseal sign --at` does (ISO 32000-1
// 14.11.2 crop box, 7.7.3.3 /Rotate clockwise).
void displayedMm(QPDFObjectHandle page, SealAppearance& a) {
    pdf::PageGeometry g;
    try {
        g = pdf::readPageGeometry(page, "");
    } catch (const Error&) {
        return;  // an unusable page box: the report gives points only
    }
    const double cx = a.x + a.width / 2, cy = a.y + a.height / 2;
    double dx = 0, dy = 0, w = a.width, h = a.height;
    switch (g.rotate) {
        case 90:
            dx = cy - g.lly, dy = cx - g.llx, std::swap(w, h);
            break;
        case 180:
            dx = g.urx - cx, dy = cy - g.lly;
            break;
        case 270:
            dx = g.ury - cy, dy = g.urx - cx, std::swap(w, h);
            break;
        default:
            dx = cx - g.llx, dy = g.ury - cy;
            break;
    }
    const double mm = g.userUnit * 25.4 / 72;
    a.hasMm = true;
    a.centreXMm = dx * mm;
    a.centreYMm = dy * mm;
    a.widthMm = w * mm;
    a.heightMm = h * mm;
}

void appearances(QPDF& q, const SigField& f, const std::map<QPDFObjGen, int>& onPage, SignatureReport& s) {
    std::map<QPDFObjGen, int> pageNumbers;
    int n = 0;
    for (OH page : q.getAllPages()) pageNumbers.emplace(page.getObjGen(), ++n);
    for (OH w : f.widgets) {
        OH rect = w.getKey("/Rect");
        if (!rect.isArray() || rect.getArrayNItems() != 4) continue;
        double v[4];
        bool ok = true;
        for (int i = 0; i < 4; ++i) {
            OH item = rect.getArrayItem(i);
            if (!item.isNumber())
                ok = false;
            else
                v[i] = item.getNumericValue();
            if (ok && !std::isfinite(v[i])) ok = false;
        }
        if (!ok) continue;
        SealAppearance a;
        a.x = std::min(v[0], v[2]);
        a.y = std::min(v[1], v[3]);
        a.width = std::fabs(v[2] - v[0]);
        a.height = std::fabs(v[3] - v[1]);
        if (a.width == 0 || a.height == 0) continue;  // invisible signature
        a.fieldName = f.name;
        if (w.isIndirect()) {
            auto it = onPage.find(w.getObjGen());
            if (it != onPage.end()) a.page = it->second;
        }
        if (a.page == 0) {
            OH p = w.getKey("/P");
            auto it = p.isIndirect() ? pageNumbers.find(p.getObjGen()) : pageNumbers.end();
            if (it != pageNumbers.end()) a.page = it->second;
        }
        if (a.page > 0) displayedMm(q.getAllPages().at(static_cast<std::size_t>(a.page - 1)), a);
        s.appearances.push_back(a);
    }
}

// The page a widget is on: listed in a page's /Annots, else its /P.
int widgetPage(QPDF& q, OH w, const std::map<QPDFObjGen, int>& onPage) {
    if (w.isIndirect()) {
        auto it = onPage.find(w.getObjGen());
        if (it != onPage.end()) return it->second;
    }
    OH p = w.getKey("/P");
    if (!p.isIndirect()) return 0;
    int n = 0;
    for (OH page : q.getAllPages()) {
        ++n;
        if (page.getObjGen() == p.getObjGen()) return n;
    }
    return 0;
}

// Empty signature fields and placeholders (12.7.4.5): reported, never judged.
std::vector<UnsignedField> unsignedFields(QPDF& q, const std::vector<SigField>& fields,
                                          const std::map<QPDFObjGen, int>& onPage) {
    std::vector<UnsignedField> out;
    for (const auto& f : fields) {
        UnsignedField u;
        u.name = f.name;
        OH sig = f.sig;
        u.state = sig.isDictionary() ? "placeholder" : "empty";
        for (OH w : f.widgets) {
            if (u.page == 0) u.page = widgetPage(q, w, onPage);
            u.visible = u.visible || pdf::widgetVisible(w);
        }
        out.push_back(std::move(u));
    }
    return out;
}

// A signature field with its byte range, so the fields can be reported in the
// order their signatures were made (by where their ranges end).
struct FieldInSigningOrder {
    SigField field;
    ByteRange range;
    bool inTail = false;  // found only in bytes the revision scan could not read
};

// Signature fields a viewer finds in the whole file, rebuilt by qpdf, that the
// document up to the last readable revision does not hold: signatures made in
// updates eseal cannot read as revisions (pdfsig lists them).
void addTailSignatures(QPDF& whole, std::uint64_t fileSize, std::vector<FieldInSigningOrder>& sigs) {
    std::set<std::pair<std::uint64_t, std::uint64_t>> known;
    std::set<QPDFObjGen> knownDicts;
    for (const auto& s : sigs) {
        if (s.range.valid) known.emplace(s.range.b, s.range.c);
        if (s.field.sig.isIndirect()) knownDicts.insert(s.field.sig.getObjGen());
    }
    for (auto& f : FieldCollector(whole).collect().signed_) {
        ByteRange r = readByteRange(f.sig, fileSize);
        if (r.valid ? !known.emplace(r.b, r.c).second
                    : f.sig.isIndirect() && knownDicts.count(f.sig.getObjGen()))
            continue;
        if (sigs.size() >= kMaxSignatures) break;
        sigs.push_back({f, r, true});
    }
}

// A file encrypted with a user password, read without it (ISO 32000-1 7.6.3.3:
// nothing decrypts without the user or the owner password). The document a
// seal covers cannot be read, so no seal is judged: each signature found in
// the stored structure is INDETERMINATE / SIGNED_DATA_NOT_FOUND, never PASSED
// nor FAILED, with what its CMS tells about itself (signer, time).
Report encryptedWithoutPassword(Report report, const std::string& path, const FileReader& file,
                                const PdfRevision& last, bool passwordGiven) {
    const std::string why =
        passwordGiven
            ? tr("the PDF is encrypted with a user password, and the password given is neither its "
                 "user nor its owner password; eseal cannot read what its seals cover, so it neither "
                 "confirms nor refutes them")
            : tr("the PDF is encrypted with a user password (a password to open it); without it eseal "
                 "cannot read what its seals cover, so it neither confirms nor refutes them: give it "
                 "with --pdf-password-env or --pdf-password-file");
    report.errors.push_back(why);
    try {
        QPDF raw;
        raw.setSuppressWarnings(true);
        raw.processInputSource(withoutEncryption(openRevisionInput(path, last)));
        CollectedFields fields = FieldCollector(raw).collect();
        std::vector<SigField>& found = fields.signed_;
        // Every object read as stored and no signature among them: the file
        // carries none (an object stream, encrypted, cannot be decoded: a warning).
        bool unread = false;  // qpdf could not read something (not a key asked of a wrong type)
        for (const QPDFExc& w : raw.getWarnings()) unread = unread || w.getErrorCode() != qpdf_e_object;
        if (found.empty() && !unread) {
            report.errors.back() =
                tr("the PDF is encrypted with a user password (a password to open it); its structure, which "
                   "is not encrypted, holds no signature");
            return report;
        }
        for (SigField& f : found) {
            SignatureReport s;
            // The field names are encrypted strings: the field is named by its object.
            s.id = f.field.isIndirect() ? "field " + ref(f.field.getObjGen()) : std::string("unnamed field");
            OH subFilter = f.sig.getKey("/SubFilter");
            s.format = subFilter.isName() ? subFilter.getName().substr(1) : "";
            const ByteRange range = readByteRange(f.sig, report.fileSize);
            if (range.valid) {
                const std::uint64_t signedEnd = range.b + range.c;
                s.coverage = signedEnd == report.fileSize ? Coverage::EntireFile : Coverage::EarlierRevision;
                s.coverageDetail = fill(tr("bytes 0-{a} and {b}-{c} of {size}"),
                                        {{"{a}", std::to_string(range.a - 1)},
                                         {"{b}", std::to_string(range.b)},
                                         {"{c}", std::to_string(signedEnd - 1)},
                                         {"{size}", std::to_string(report.fileSize)}});
                std::string problem;
                if (auto cms = readContentsGap(file, range, f.sig, problem)) {
                    // Only the facts: a verdict needs the document.
                    SignatureReport facts;
                    try {
                        contentUnreadable(parseCms(*cms), {}, why).recordIn(facts);
                    } catch (const std::exception&) {
                    }
                    s.signer = facts.signer;
                    s.digestAlgorithm = facts.digestAlgorithm;
                    s.signatureAlgorithm = facts.signatureAlgorithm;
                    s.signingTime = facts.signingTime;
                    s.signingTimeSource = facts.signingTimeSource;
                }
            }
            s.verdict.worsenTo(Indication::Indeterminate, SubIndication::SignedDataNotFound);
            s.errors.push_back(why);
            report.signatures.push_back(std::move(s));
        }
    } catch (const std::exception&) {
        report.signatures.clear();
    }
    if (report.signatures.empty()) {
        // Not "no signature": fields in encrypted object streams cannot be seen.
        SignatureReport s;
        s.id = "encrypted document";  // English in every language, as "unnamed field"
        s.verdict.worsenTo(Indication::Indeterminate, SubIndication::SignedDataNotFound);
        s.errors.push_back(why);
        s.errors.push_back(
            tr("without the password eseal found no signature in the parts of the file that are not "
               "encrypted; whether it carries seals cannot be told"));
        report.signatures.push_back(std::move(s));
    }
    return report;
}

}  // namespace

namespace detail {
Report verifyPdfUnguarded(const std::string& path, const TrustStore& trust, const VerifyOptions& options);
}

Report detail::verifyPdfUnguarded(const std::string& path, const TrustStore& trust,
                                  const VerifyOptions& options) {
    Report report;
    report.file = path;
    report.format = "PDF";
    auto unreadable = [&](const std::string& why) {
        report.readable = false;
        report.errors.push_back(why);
        report.signatures.clear();
        return report;
    };

    std::unique_ptr<FileReader> file;
    std::vector<PdfRevision> revisions;
    try {
        file = std::make_unique<FileReader>(path);
        report.fileSize = file->size();
        if (file->size() == 0) return unreadable(tr("the file is empty"));
        revisions = scanRevisions(path);
    } catch (const Error& e) {
        return unreadable(e.message());
    } catch (const std::exception& e) {
        return unreadable(e.what());
    }
    report.revisions = static_cast<int>(revisions.size());
    const PdfRevision& last = revisions.back();
    // Bytes after the last revision the scan could read. A viewer repairs the
    // file and may display them (an update whose startxref is off is the known
    // forgery), so they are never ignored: every seal that does not cover them
    // is at best INDETERMINATE (below). White space and NUL padding show nothing.
    const bool unanalysedTail = last.end < report.fileSize && !onlyPadding(*file, last.end, report.fileSize);

    RangeDigests digests(*file);
    // The document as readers show it: all revisions, not what follows the
    // last %%EOF. Its own instance: qpdf's page helpers may normalise objects
    // in memory, which must not leak into the revision comparison.
    // An encrypted file opens with the password given or the empty user
    // password (7.6.3.3): the objects are read decrypted for the field search
    // and the difference analysis, while the signatures are checked on the
    // file's own bytes (the byte range covers the encrypted bytes, 12.8.1).
    std::shared_ptr<const SecretString> password = options.documentPassword;
    bool passwordNotNeeded = false;  // a password was given, but the file opens without one
    auto qp = std::make_unique<QPDF>();
    std::string repaired;
    try {
        qp->setSuppressWarnings(true);
        try {
            qp->processInputSource(pdf::openRevisionInput(path, last),
                                   password ? password->c_str() : nullptr);
        } catch (const QPDFExc& e) {
            if (e.getErrorCode() != qpdf_e_password || !password) throw;
            // One password for a folder of files: some of them open without it.
            qp = std::make_unique<QPDF>();
            qp->setSuppressWarnings(true);
            try {
                qp->processInputSource(pdf::openRevisionInput(path, last));
            } catch (const QPDFExc& without) {
                if (without.getErrorCode() == qpdf_e_password) throw e;
                throw;
            }
            password.reset();
            passwordNotNeeded = true;
        }
        qp->getRoot();
    } catch (const QPDFExc& e) {
        if (e.getErrorCode() == qpdf_e_password)
            return encryptedWithoutPassword(std::move(report), path, *file, last, password != nullptr);
        return unreadable(fill(tr("not a readable PDF: {why}"), {{"{why}", e.getMessageDetail()}}));
    } catch (const std::exception& e) {
        return unreadable(fill(tr("not a readable PDF: {why}"), {{"{why}", e.what()}}));
    }
    pdf::RevisionDocuments docs(path, revisions, password);

    QPDF& q = *qp;
    const bool encrypted = q.isEncrypted();
    std::vector<FieldInSigningOrder> sigs;
    std::map<QPDFObjGen, int> onPage;
    try {
        CollectedFields fields = FieldCollector(q).collect();
        for (auto& f : fields.signed_) sigs.push_back({f, readByteRange(f.sig, report.fileSize)});
        onPage = annotPages(q);
        report.unsignedFields = unsignedFields(q, fields.unsigned_, onPage);
    } catch (const std::exception& e) {
        return unreadable(fill(tr("the document structure cannot be read: {why}"), {{"{why}", e.what()}}));
    }
    // What follows the last readable revision, as a viewer rebuilds it.
    QPDF whole;
    if (unanalysedTail) {
        try {
            whole.setSuppressWarnings(true);
            whole.processInputSource(pdf::openClippedInput(path, report.fileSize),
                                     password ? password->c_str() : nullptr);
            addTailSignatures(whole, report.fileSize, sigs);
        } catch (const std::exception&) {
            // Nothing more to find: the tail is reported for every seal below.
        }
    }
    // qpdf reports damage it worked around as warnings, found while reading objects.
    // A /Size that is off is no damage (isHarmlessWarning).
    // A rebuilt cross-reference table is harmless when every object resolves
    // as the file's own sections (read tolerantly) give it; otherwise readers
    // may show other objects than the ones signed (xrefDanger, below).
    std::string xrefDanger;
    std::string xrefRebuilt;
    if (q.anyWarnings()) {
        auto all = q.getWarnings();
        if (pdf::rebuiltXref(all)) {
            xrefDanger = pdf::xrefRepairDifference(q, path, revisions, last.index);
            if (xrefDanger.empty())
                xrefRebuilt =
                    tr("the file's cross-reference data is damaged and was rebuilt by scanning the "
                       "file; every object resolves as the file's own cross-reference sections give it");
            all = pdf::afterXrefRepair(all);
        }
        std::vector<QPDFExc> w;
        for (auto& x : all)
            if (!pdf::isHarmlessWarning(x)) w.push_back(x);
        if (!w.empty())
            repaired =
                fill(w.size() > 1 ? tr("the file is damaged and was read with repairs ({problem}, and {n} "
                                       "more problems)")
                                  : tr("the file is damaged and was read with repairs ({problem})"),
                     {{"{problem}", w.front().getMessageDetail()}, {"{n}", std::to_string(w.size() - 1)}});
    }
    std::stable_sort(
        sigs.begin(), sigs.end(), [](const FieldInSigningOrder& x, const FieldInSigningOrder& y) {
            auto key = [](const FieldInSigningOrder& o) {
                return o.range.valid ? o.range.b + o.range.c : std::numeric_limits<std::uint64_t>::max();
            };
            return key(x) < key(y);
        });

    // Validation data of the document (PAdES B-LT): used offline for every signature.
    const pdf::DssContents dss = pdf::readDss(q);

    // The signature the catalog's /Perms /DocMDP names is the certification (12.8.2.2.1).
    QPDFObjGen permsDocMdp;
    try {
        OH perms = q.getRoot().getKey("/Perms").getKey("/DocMDP");
        if (perms.isIndirect()) permsDocMdp = perms.getObjGen();
    } catch (const std::exception&) {
    }
    std::vector<std::string> earlier;  // signatures made before the current one

    pdf::RevisionDiffer differ(docs);
    for (auto& [f, range, inTail] : sigs) {
        SignatureReport s;
        s.id = f.name;
        const bool certification =
            docMdpLevel(f.sig) > 0 || (f.sig.isIndirect() && f.sig.getObjGen() == permsDocMdp);
        if (certification && !earlier.empty())
            // ISO 32000-1 12.8.2.2.1: a document has at most one certification
            // signature, and it must be the first; one added later would set
            // the rules for signatures made before it.
            fail(
                s, SubIndication::SigConstraintsFailure,
                fill(tr("this is a certification signature (DocMDP), but it was added after the signature(s) "
                        "{names}; a certification must be the first signature of a document (ISO 32000-1 "
                        "12.8.2.2.1)"),
                     {{"{names}", joinNames(earlier)}}));
        earlier.push_back(f.name);
        try {
            OH sig = f.sig;
            OH subFilter = sig.getKey("/SubFilter");
            s.format = subFilter.isName() ? subFilter.getName().substr(1) : "";
            s.reason = pdf::textString(sig.getKey("/Reason"));
            s.location = pdf::textString(sig.getKey("/Location"));
            s.contactInfo = pdf::textString(sig.getKey("/ContactInfo"));
            appearances(q, f, onPage, s);
            if (!repaired.empty()) s.warnings.push_back(repaired);
            for (const auto& rev : revisions)
                for (const auto& r : rev.repairs) s.warnings.push_back(r);
            if (!xrefRebuilt.empty()) s.warnings.push_back(xrefRebuilt);
            if (!xrefDanger.empty()) {
                s.verdict.worsenTo(Indication::Indeterminate, SubIndication::FormatFailure);
                s.errors.push_back(xrefDanger);
            }
            if (encrypted && password)
                s.warnings.push_back(
                    tr("the PDF is encrypted and was opened with the password given; its objects were read "
                       "decrypted, its signatures checked on the encrypted bytes"));
            else if (encrypted)
                s.warnings.push_back(
                    tr("the PDF is encrypted and opens without a password; its objects were read "
                       "decrypted, its signatures checked on the encrypted bytes"));
            if (passwordNotNeeded)
                s.warnings.push_back(tr("the password given is not this file's; it opens without one"));

            if (!range.valid) {
                s.coverage = Coverage::BrokenRange;
                fail(s, SubIndication::FormatFailure, range.problem);
                report.signatures.push_back(std::move(s));
                continue;
            }
            s.coverageDetail =
                fill(tr("bytes 0-{a} and {b}-{c} of {size}"), {{"{a}", std::to_string(range.a - 1)},
                                                               {"{b}", std::to_string(range.b)},
                                                               {"{c}", std::to_string(range.b + range.c - 1)},
                                                               {"{size}", std::to_string(report.fileSize)}});
            std::string problem;
            auto cms = readContentsGap(*file, range, sig, problem);
            if (!cms) {
                s.coverage = Coverage::BrokenRange;
                fail(s, SubIndication::FormatFailure, problem);
                report.signatures.push_back(std::move(s));
                continue;
            }

            // Coverage: the signed bytes must end where a revision ends.
            std::uint64_t signedEnd = range.b + range.c;
            const PdfRevision* closes = nullptr;
            for (const auto& rev : revisions) {
                // A signer may leave the EOL after %%EOF outside the range.
                if (signedEnd <= rev.end && rev.end - signedEnd <= 2) {
                    std::string tail =
                        file->readString(signedEnd, static_cast<std::size_t>(rev.end - signedEnd));
                    if (tail.find_first_not_of("\r\n") == std::string::npos) {
                        closes = &rev;
                        break;
                    }
                }
            }
            if (inTail || (signedEnd > last.end && unanalysedTail)) {
                // Made in an update the scan could not read: what it signs, and
                // what changed after it, cannot be analysed.
                s.coverage = signedEnd == report.fileSize ? Coverage::EntireFile : Coverage::EarlierRevision;
                s.laterChangesChecked = false;
                s.verdict.worsenTo(Indication::Indeterminate, SubIndication::FormatFailure);
                s.errors.push_back(fill(
                    tr("this signature was found in bytes {from}-{to} of the file, which eseal could not "
                       "analyse as revisions; viewers that rebuild the file show it, but what it signs "
                       "and what changed after it are not checked"),
                    {{"{from}", std::to_string(last.end)}, {"{to}", std::to_string(report.fileSize - 1)}}));
            } else if (signedEnd == report.fileSize) {
                s.coverage = Coverage::EntireFile;
                s.revision = closes ? closes->index : static_cast<int>(revisions.size());
            } else if (closes) {
                s.coverage = Coverage::EarlierRevision;
                s.revision = closes->index;
                for (const auto& rev : revisions)
                    if (rev.index > closes->index) s.laterRevisions.push_back(rev.index);
                if (unanalysedTail) {
                    s.laterChangesChecked = false;
                    s.verdict.worsenTo(Indication::Indeterminate, SubIndication::FormatFailure);
                    s.errors.push_back(
                        fill(tr("the file holds {n} bytes after byte {at} that eseal could not analyse as a "
                                "revision; this seal does not cover them, and viewers and qpdf may display "
                                "them as part of the document"),
                             {{"{n}", std::to_string(report.fileSize - last.end)},
                              {"{at}", std::to_string(last.end)}}));
                } else if (last.end < report.fileSize) {
                    s.warnings.push_back(fill(tr("{n} bytes of white space after the last %%EOF are not "
                                                 "covered by this seal; they change nothing a reader shows"),
                                              {{"{n}", std::to_string(report.fileSize - last.end)}}));
                }
            } else {
                s.coverage = Coverage::BrokenRange;
            }

            // Whatever the CMS says, a range that does not sign a revision fails (12.8.1);
            // decided first, so its sub-indication is the one kept.
            if (s.coverage == Coverage::BrokenRange)
                s.verdict.worsenTo(Indication::Failed, SubIndication::FormatFailure);

            // The byte range's digest with an algorithm, read once per algorithm (the CMS's and an
            // electronic signature's are usually the same); nullopt when it cannot be read.
            std::map<DigestAlgorithm, std::optional<Bytes>> rangeDigests;
            const auto rangeDigest = [&](DigestAlgorithm a) -> std::optional<Bytes> {
                auto [at, fresh] = rangeDigests.try_emplace(a);
                if (fresh) {
                    try {
                        at->second = digests.of(range, a);
                    } catch (const std::exception&) {
                    }
                }
                return at->second;
            };
            if (s.format == "ETSI.RFC3161") {
                // A document timestamp (ISO 32000-2 12.8.5): the token's imprint is the digest of the byte
                // range.
                pdf::checkDocumentTimestamp(*cms, rangeDigest, trust, dss, s);
            } else if (s.format == "adbe.x509.rsa_sha1") {
                s.verdict.worsenTo(Indication::Indeterminate);
                s.errors.push_back(fill(tr("signatures of type {format} are not verified by eseal yet"),
                                        {{"{format}", s.format}}));
            } else {
                const ParsedCms parsed = parseCms(*cms);
                CmsVerifyOptions cmsOptions;
                cmsOptions.validationTime = options.validationTime;
                cmsOptions.online = options.online;
                cmsOptions.aia = options.aia.get();
                cmsOptions.extraCertificates = dss.certificates;
                cmsOptions.revocation.push_back(dss.revocation);
                for (const auto& p : dss.problems) s.warnings.push_back(p);
                OH m = sig.getKey("/M");
                if (m.isString()) cmsOptions.claimedSigningTime = parsePdfDate(m.getStringValue());
                CmsVerification result;
                if (const auto alg = parsed.digestAlgorithm()) {
                    // The digest of the byte range, streamed here (12.8.1); a read
                    // failure stays in the format.
                    std::optional<Bytes> digest;
                    std::string readError;
                    try {
                        digest = digests.of(range, *alg);
                        rangeDigests[*alg] = digest;
                    } catch (const std::exception& e) {
                        readError = e.what();
                    }
                    result = digest ? verifyCms(parsed, *digest, trust, cmsOptions)
                                    : contentUnreadable(parsed, cmsOptions, readError);
                } else {
                    result = verifyCms(parsed, {}, trust, cmsOptions);
                }
                result.recordIn(s);
                checkCarriedSeal(parsed, f.widgets, s);
                checkCarriedSesSignature(parsed, rangeDigest, byteRangeProperty(range.a, range.b, range.c),
                                         cmsOptions.claimedSigningTime, s);
                s.format = subFilter.isName() ? subFilter.getName().substr(1) : s.format;
            }

            if (s.coverage == Coverage::BrokenRange) {
                s.laterChangesChecked = false;
                s.errors.push_back(fill(tr("the signed range ends at byte {at}, which is neither the end of "
                                           "the file nor the end of a revision"),
                                        {{"{at}", std::to_string(signedEnd)}}));
                report.signatures.push_back(std::move(s));
                continue;
            }

            if (!s.laterRevisions.empty()) {
                int level = docMdpLevel(sig);
                pdf::DiffOutcome diff =
                    differ.changesAfter(s.revision, level, pdf::readFieldLock(sig, f.field));
                s.modifications = diff.modifications;
                for (const std::string& why : diff.refusals)
                    fail(s, SubIndication::SigConstraintsFailure, why);
                if (!diff.complete) {
                    s.laterChangesChecked = false;
                    s.verdict.worsenTo(Indication::Indeterminate);
                    s.errors.push_back(tr("the changes made after this seal could not be fully checked: ") +
                                       diff.problem);
                }
                if (diff.refusals.empty() && diff.complete)
                    s.warnings.push_back(fill(tr("revision(s) {list} added after this seal made only changes "
                                                 "a seal allows (signatures, validation data)"),
                                              {{"{list}", revisionList(s.laterRevisions)}}));
            }
        } catch (const std::exception& e) {
            s.laterChangesChecked = false;
            s.verdict.worsenTo(Indication::Indeterminate);
            s.errors.push_back(std::string(tr("this signature could not be checked: ")) + e.what());
        }
        report.signatures.push_back(std::move(s));
    }
    return report;
}

Report verifyPdf(const std::string& path, const TrustStore& trust, const VerifyOptions& options) {
    // A verdict is a value: nothing may escape, not even a bug or exhaustion.
    try {
        return detail::verifyPdfUnguarded(path, trust, options);
    } catch (const std::exception& e) {
        Report report;
        report.file = path;
        report.format = "PDF";
        report.readable = false;
        report.errors.push_back(fill(tr("the file could not be verified: {why}"), {{"{why}", e.what()}}));
        return report;
    }
}

}  // namespace eseal::pdf

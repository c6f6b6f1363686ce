#include "formats/pdf/pdf_xref_check.hpp"

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFXRefEntry.hh>

#include "core/base/i18n.hpp"
#include "formats/pdf/pdf_input.hpp"

namespace eseal::pdf {

namespace {

constexpr const char* kReconstructing = "Attempting to reconstruct cross-reference table";

std::string entryText(const XrefEntry& e) {
    if (e.type == 2)
        return fill(tr("entry {i} of object stream {n}"),
                    {{"{i}", std::to_string(e.streamIndex)}, {"{n}", std::to_string(e.offset)}});
    if (e.type == 1) return fill(tr("byte {at}"), {{"{at}", std::to_string(e.offset)}});
    return tr("no object (free)");
}

}  // namespace

bool rebuiltXref(const std::vector<QPDFExc>& warnings) {
    for (const QPDFExc& w : warnings)
        if (w.getMessageDetail().rfind(kReconstructing, 0) == 0) return true;
    return false;
}

std::vector<QPDFExc> afterXrefRepair(const std::vector<QPDFExc>& warnings) {
    for (std::size_t i = 0; i < warnings.size(); ++i)
        if (warnings[i].getMessageDetail().rfind(kReconstructing, 0) == 0)
            return std::vector<QPDFExc>(warnings.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                                        warnings.end());
    return warnings;
}

std::string xrefRepairDifference(QPDF& q, const std::string& path, const std::vector<PdfRevision>& revisions,
                                 int revision) {
    std::string problem;
    auto entries = readXrefEntries(path, revisions, revision, problem);
    if (!entries)
        return fill(tr("the file's cross-reference data is damaged and was rebuilt by scanning the file, and "
                       "eseal cannot read the file's own cross-reference sections to compare ({problem})"),
                    {{"{problem}", problem}});
    const std::map<QPDFObjGen, QPDFXRefEntry> table = q.getXRefTable();
    std::map<int, const std::pair<const QPDFObjGen, QPDFXRefEntry>*> byNumber;
    for (const auto& item : table) byNumber.emplace(item.first.getObj(), &item);
    FileReader file(path);
    auto differs = [&](int num, const XrefEntry& want, const std::string& got) {
        return fill(
            tr("the file's cross-reference data is damaged and was rebuilt by scanning the file, and "
               "the rebuilt table resolves object {obj} to {got}, while the file's own cross-reference "
               "section gives {want}; readers that rebuild the file may show content other than what "
               "its cross-reference sections (and a signature over them) describe"),
            {{"{obj}", std::to_string(num)}, {"{got}", got}, {"{want}", entryText(want)}});
    };
    for (const auto& [num, want] : *entries) {
        if (num == 0) continue;
        auto it = byNumber.find(num);
        if (want.type == 0) {
            if (it != byNumber.end() && it->second->second.getType() != 0)
                return differs(num, want, tr("an object"));
            continue;
        }
        if (it == byNumber.end()) return differs(num, want, tr("no object"));
        const QPDFObjGen og = it->second->first;
        const QPDFXRefEntry& got = it->second->second;
        XrefEntry have;
        have.type = got.getType();
        if (have.type == 1) {
            have.offset = static_cast<std::uint64_t>(got.getOffset());
            have.gen = og.getGen();
        } else if (have.type == 2) {
            have.offset = static_cast<std::uint64_t>(got.getObjStreamNumber());
            have.streamIndex = static_cast<std::uint64_t>(got.getObjStreamIndex());
        }
        bool same = have.type == want.type;
        if (same && want.type == 1) {
            // A writer may point at the white space before "n g obj".
            std::uint64_t at = want.offset;
            if (at < have.offset && have.offset - at <= 64) {
                const std::string gap = file.readString(at, static_cast<std::size_t>(have.offset - at));
                if (gap.find_first_not_of(std::string(" \t\r\n\f\0", 6)) == std::string::npos)
                    at = have.offset;
            }
            same = at == have.offset && have.gen == want.gen;
        } else if (same && want.type == 2) {
            same = have.offset == want.offset && have.streamIndex == want.streamIndex;
        }
        if (!same) return differs(num, want, entryText(have));
    }
    return "";
}

}  // namespace eseal::pdf

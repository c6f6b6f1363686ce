#define BOOST_TEST_MODULE pdf_diff
// The difference analysis reuses what it read of one revision for the next
// (ObjectGraph in pdf_diff.cpp): an object no update touched is not parsed
// again. These tests pin down that reuse: what a page shows after revision
// N+1 must be what N+1 makes it show, also when the object that changed is
// reached through a parent that did not change, and what did not change is
// never reported.
#include <unistd.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <functional>
#include <set>

#include "core/report/report.hpp"
#include "formats/pdf/pdf_diff.hpp"
#include "formats/pdf/pdf_revisions.hpp"
#include "pdf_test_util.hpp"

using namespace pdftest;
using eseal::Modification;
using eseal::pdf::DiffOutcome;
using eseal::pdf::RevisionDiffer;
using eseal::pdf::RevisionDocuments;

namespace {

std::string form(const std::string& colour) {
    std::string paint = colour + " rg 0 0 1 1 re f";
    return "<< /Type /XObject /Subtype /Form /BBox [0 0 1 1] /Length " + std::to_string(paint.size()) +
           " >>\nstream\n" + paint + "\nendstream";
}

std::string resources(int xobject) {
    return "<< /Font << /F1 5 0 R >> /XObject << /X1 " + std::to_string(xobject) + " 0 R >> >>";
}

// The page (3) draws /X1 from its resources 6, an indirect dictionary: in the
// original 6 names the form 7; the form 8 is there but nothing shows it. The
// interactive form is the indirect dictionary 10.
std::map<int, std::string> originalObjects() {
    std::string content = "q 100 0 0 100 100 100 cm /X1 Do Q BT /F1 24 Tf 72 720 Td (Hello eseal) Tj ET";
    return {
        {1, "<< /Type /Catalog /Pages 2 0 R /AcroForm 10 0 R >>"},
        {2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
        {3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources 6 0 R >>"},
        {4, "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream"},
        {5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"},
        {6, resources(7)},
        {7, form("0 0 1")},
        {8, form("1 0 0")},
        {10, "<< /Fields [] >>"},
    };
}

// An object stream (7.5.7) holding `objects` (no streams), as object text.
std::string objectStream(const std::map<int, std::string>& objects) {
    std::string header, body;
    for (const auto& [num, text] : objects) {
        header += std::to_string(num) + " " + std::to_string(body.size()) + " ";
        body += text + "\n";
    }
    std::string data = header + "\n" + body;
    return "<< /Type /ObjStm /N " + std::to_string(objects.size()) + " /First " +
           std::to_string(header.size() + 1) + " /Length " + std::to_string(data.size()) + " >>\nstream\n" +
           data + "\nendstream";
}

// The original with 6 and 10 in the object stream 11 and an uncompressed
// cross-reference stream 12 (7.5.8, /W [1 4 2]).
std::string originalWithObjectStream(const std::map<int, std::string>& objects) {
    std::map<int, std::string> plain = objects;
    std::map<int, std::string> packed{{6, plain[6]}, {10, plain[10]}};
    plain.erase(6);
    plain.erase(10);
    plain[11] = objectStream(packed);
    std::string out = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
    std::map<int, std::size_t> offsets;
    for (const auto& [num, body] : plain) {
        offsets[num] = out.size();
        out += std::to_string(num) + " 0 obj\n" + body + "\nendobj\n";
    }
    const std::size_t xref = out.size();
    auto entry = [](std::string& d, int type, std::uint64_t field2, int field3) {
        d.push_back(static_cast<char>(type));
        for (int shift = 24; shift >= 0; shift -= 8) d.push_back(static_cast<char>((field2 >> shift) & 0xff));
        d.push_back(static_cast<char>((field3 >> 8) & 0xff));
        d.push_back(static_cast<char>(field3 & 0xff));
    };
    std::string data;
    for (int num = 0; num <= 12; ++num) {
        if (num == 12)
            entry(data, 1, xref, 0);
        else if (offsets.count(num))
            entry(data, 1, offsets[num], 0);
        else if (packed.count(num))
            entry(data, 2, 11, static_cast<int>(std::distance(packed.begin(), packed.find(num))));
        else
            entry(data, 0, 0, num == 0 ? 65535 : 0);
    }
    out += "12 0 obj\n<< /Type /XRef /Size 13 /Root 1 0 R /W [1 4 2] /Length " + std::to_string(data.size()) +
           " >>\nstream\n" + data + "\nendstream\nendobj\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
    return out;
}

// Appends one update with a classic xref table (7.5.6).
void update(const fs::path& f, const std::map<int, std::string>& objects) {
    std::string data = readAll(f);
    const int size = std::max(lastSize(data), objects.rbegin()->first + 1);
    appendAll(f, tableUpdate(data.size(), objects, size, 1, lastStartxref(data)));
}

std::string describe(const DiffOutcome& d) {
    std::string out = d.complete ? "" : "incomplete: " + d.problem;
    for (const auto& m : d.modifications)
        out += "\n  r" + std::to_string(m.revision) + " " + toString(m.kind) + " " + m.object + " " +
               (m.allowed ? "allowed" : "NOT allowed") + ": " + m.description;
    return out;
}

std::vector<Modification> ofRevision(const DiffOutcome& d, int revision) {
    std::vector<Modification> out;
    for (const auto& m : d.modifications)
        if (m.revision == revision) out.push_back(m);
    return out;
}

bool reports(const std::vector<Modification>& ms, const std::string& object, bool allowed) {
    return std::any_of(ms.begin(), ms.end(),
                       [&](const Modification& m) { return m.object == object && m.allowed == allowed; });
}

bool onlyObjects(const std::vector<Modification>& ms, const std::set<std::string>& objects) {
    return std::all_of(ms.begin(), ms.end(), [&](const Modification& m) { return objects.count(m.object); });
}

// Revision 2 makes the page show 8 instead of 7 by changing only 6, which the
// unchanged page 3 refers to; revision 3 changes `target` and hangs it under
// the form's /DR, where resources may change (form filling). A seal at
// revision 1 and one at revision 2 share one differ, as verifyPdf does, so the
// second seal's comparison reads revision 2 from what the first one kept.
struct Layout {
    std::string name;
    bool objectStream;
};

DiffOutcome secondSealChanges(const Layout& layout, const TempDir& dir, int target, DiffOutcome* firstSeal,
                              DiffOutcome* fresh) {
    fs::path f = dir / (layout.name + "-" + std::to_string(target) + ".pdf");
    auto objects = originalObjects();
    writeAll(f, layout.objectStream ? originalWithObjectStream(objects) : buildPdf(objects, 1));
    const std::string form3 =
        "<< /Fields [] /DR << /XObject << /Z " + std::to_string(target) + " 0 R >> >> >>";
    if (layout.objectStream) {
        // The object stream is rewritten in place: 6 keeps its entry (stream
        // 11, index 0) and reads differently all the same.
        update(f, {{11, objectStream({{6, resources(8)}, {10, objects[10]}})}});
        update(f, {{11, objectStream({{6, resources(8)}, {10, form3}})}, {target, form("0 1 0")}});
    } else {
        update(f, {{6, resources(8)}});
        // The page is written again unchanged: a new offset, the same object.
        update(f, {{3, objects[3]}, {10, form3}, {target, form("0 1 0")}});
    }
    std::string check;
    BOOST_REQUIRE_MESSAGE(run("qpdf --check " + quote(f), &check) == 0, check);

    auto revisions = eseal::scanRevisions(f.string());
    BOOST_REQUIRE_EQUAL(revisions.size(), 3u);
    RevisionDocuments docs(f.string(), revisions);
    RevisionDiffer differ(docs);
    *firstSeal = differ.changesAfter(1, 0);
    DiffOutcome second = differ.changesAfter(2, 0);

    // The same comparison with nothing kept from revision 1.
    RevisionDocuments freshDocs(f.string(), revisions);
    RevisionDiffer freshDiffer(freshDocs);
    *fresh = freshDiffer.changesAfter(2, 0);
    return second;
}

// Runs `check` on each layout (classic tables; an object stream rewritten in
// place) with revision 3 changing `target`, in the context of what the seals saw.
void eachLayout(const std::string& dirName, int target,
                const std::function<void(const DiffOutcome& first, const DiffOutcome& second)>& check) {
    TempDir dir(dirName);
    for (const Layout& layout : {Layout{"table", false}, Layout{"objstm", true}}) {
        DiffOutcome first, fresh;
        DiffOutcome second = secondSealChanges(layout, dir, target, &first, &fresh);
        BOOST_TEST_CONTEXT(layout.name << "\nfirst seal:" << describe(first) << "\nsecond seal:"
                                       << describe(second) << "\nfresh:" << describe(fresh)) {
            BOOST_TEST(first.complete);
            BOOST_TEST(second.complete);
            // Revision 2 changed what the page shows: 6 (read from the
            // rewritten object stream in that layout).
            BOOST_TEST(reports(ofRevision(first, 2), "6 0 R", false));
            check(first, second);
            BOOST_TEST(describe(second) == describe(fresh));
        }
    }
}

}  // namespace

BOOST_AUTO_TEST_CASE(object_changed_under_an_unchanged_parent_is_seen) {
    // Attack: revision 3 changes 8, which the page shows since revision 2,
    // and presents it as a form resource.
    eachLayout("diff-graph", 8, [](const DiffOutcome&, const DiffOutcome& second) {
        auto r3 = ofRevision(second, 3);
        BOOST_TEST(reports(r3, "8 0 R", false));
        BOOST_TEST(!second.refusals.empty());
        BOOST_TEST(onlyObjects(r3, {"8 0 R", "10 0 R"}));
    });
}

BOOST_AUTO_TEST_CASE(object_no_page_shows_any_more_may_change) {
    // The benign twin: revision 3 changes 7, which no page shows since
    // revision 2, into a form resource; the objects it wrote again unchanged
    // (the page, 6 in the object stream) are no change.
    eachLayout("diff-graph-benign", 7, [](const DiffOutcome&, const DiffOutcome& second) {
        auto r3 = ofRevision(second, 3);
        BOOST_TEST(reports(r3, "7 0 R", true));
        BOOST_TEST(second.refusals.empty());
        for (const auto& m : r3) BOOST_TEST(m.allowed);
        BOOST_TEST(onlyObjects(r3, {"7 0 R", "10 0 R"}));
    });
}

// ---- Form filling (12.7.4) after a seal, DocMDP P2 (12.8.2.2.2) and FieldMDP (12.8.2.4) ----

namespace {

using eseal::pdf::FieldLock;

// Two text fields, each its own widget on page 3: Name (6, appearance 8),
// still empty, and Amount (7, appearance 9), holding 1. `pageDraws8`: the page's own resources also name
// 8 and its content draws it. `dangling`: the page's resources name 40, which
// does not exist (a reference to it reads as null, 7.3.10).
std::map<int, std::string> formObjects(bool pageDraws8 = false, bool dangling = false) {
    std::string content =
        std::string(pageDraws8 ? "q 50 0 0 50 0 0 cm /X8 Do Q " : "") + "BT /F1 24 Tf 72 760 Td (Form) Tj ET";
    std::string xobjects = std::string(pageDraws8 ? " /X8 8 0 R" : "") + (dangling ? " /X40 40 0 R" : "");
    return {
        {1, "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [6 0 R 7 0 R] /DA (/F1 0 Tf 0 g) >> >>"},
        {2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
        {3,
         "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 "
         "5 0 R >>" +
             (xobjects.empty() ? std::string() : " /XObject <<" + xobjects + " >>") +
             " >> /Annots [6 0 R 7 0 R] >>"},
        {4, "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream"},
        {5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"},
        {6,
         "<< /FT /Tx /T (Name) /Type /Annot /Subtype /Widget /Rect [100 700 300 720] /P 3 0 R /F 4 "
         "/AP << /N 8 0 R >> >>"},
        {7,
         "<< /FT /Tx /T (Amount) /Type /Annot /Subtype /Widget /Rect [100 650 300 670] /P 3 0 R /F 4 "
         "/V (1) /AP << /N 9 0 R >> >>"},
        {8, form("0 0 0")},
        {9, form("0 0 0")},
    };
}

struct Filled {
    fs::path file;
    std::vector<eseal::PdfRevision> revisions;
};

// The original, then one update with `objects`; both checked by qpdf.
Filled fillIn(const TempDir& dir, const std::string& name, const std::map<int, std::string>& original,
              const std::map<int, std::string>& objects) {
    Filled f{dir / (name + ".pdf"), {}};
    writeAll(f.file, buildPdf(original, 1));
    update(f.file, objects);
    std::string check;
    BOOST_REQUIRE_MESSAGE(run("qpdf --check " + quote(f.file), &check) == 0, check);
    f.revisions = eseal::scanRevisions(f.file.string());
    BOOST_REQUIRE_EQUAL(f.revisions.size(), 2u);
    return f;
}

DiffOutcome changes(const Filled& f, int docMdp, const FieldLock& lock = {}) {
    RevisionDocuments docs(f.file.string(), f.revisions);
    RevisionDiffer differ(docs);
    return differ.changesAfter(1, docMdp, lock);
}

FieldLock lockOf(FieldLock::Action action, std::vector<std::string> fields = {}) {
    FieldLock l;
    l.action = action;
    l.fields = std::move(fields);
    return l;
}

const std::string kFilledName =
    "<< /FT /Tx /T (Name) /Type /Annot /Subtype /Widget /Rect [100 700 300 720] /P 3 0 R /F 4 /V (Alice) "
    "/AP << /N 10 0 R >> >>";

}  // namespace

BOOST_AUTO_TEST_CASE(filling_in_a_field_is_form_filling) {
    TempDir dir("diff-fill");
    // Name gets a value and a new appearance stream (10).
    Filled f = fillIn(dir, "fill", formObjects(), {{6, kFilledName}, {10, form("0 0 1")}});
    for (int p : {0, 2, 3}) {
        DiffOutcome d = changes(f, p);
        BOOST_TEST_CONTEXT("P=" << p << describe(d)) {
            BOOST_TEST(d.complete);
            BOOST_TEST(d.refusals.empty());
            BOOST_TEST(reports(d.modifications, "6 0 R", true));
            BOOST_TEST(reports(d.modifications, "10 0 R", true));
            BOOST_TEST(onlyObjects(d.modifications, {"6 0 R", "10 0 R"}));
        }
    }
    // P=1: no change at all (12.8.2.2.2 Table 254).
    BOOST_TEST(!changes(f, 1).refusals.empty());

    // FieldMDP: a lock on Name refuses it, with the lock named; a lock on
    // other fields does not.
    for (const FieldLock& lock :
         {lockOf(FieldLock::Action::All), lockOf(FieldLock::Action::Include, {"Name"}),
          lockOf(FieldLock::Action::Exclude, {"Amount"})}) {
        DiffOutcome d = changes(f, 2, lock);
        BOOST_TEST_CONTEXT(lock.describe() << describe(d)) {
            BOOST_TEST(!d.refusals.empty());
            BOOST_TEST(reports(d.modifications, "6 0 R", false));
            BOOST_TEST(reports(d.modifications, "10 0 R", false));
            for (const auto& why : d.refusals) BOOST_TEST(why.find("12.8.2.4") != std::string::npos, why);
        }
    }
    for (const FieldLock& lock :
         {lockOf(FieldLock::Action::Include, {"Amount"}), lockOf(FieldLock::Action::Exclude, {"Name"})}) {
        DiffOutcome d = changes(f, 2, lock);
        BOOST_TEST_CONTEXT(lock.describe() << describe(d)) { BOOST_TEST(d.refusals.empty()); }
    }
}

BOOST_AUTO_TEST_CASE(appearance_rewritten_in_place_is_form_filling) {
    // Some writers fill a field by rewriting its appearance stream (8) in place.
    TempDir dir("diff-fill-inplace");
    std::string name = kFilledName;
    name.replace(name.find("10 0 R"), 6, "8 0 R");
    Filled f = fillIn(dir, "inplace", formObjects(), {{6, name}, {8, form("0 0 1")}});
    DiffOutcome d = changes(f, 2);
    BOOST_TEST_CONTEXT(describe(d)) {
        BOOST_TEST(d.refusals.empty());
        BOOST_TEST(reports(d.modifications, "8 0 R", true));
    }
    // Without a new value, the appearance stream alone changed: not form filling.
    Filled g = fillIn(dir, "apponly", formObjects(), {{8, form("0 0 1")}});
    DiffOutcome e = changes(g, 2);
    BOOST_TEST_CONTEXT(describe(e)) { BOOST_TEST(reports(e.modifications, "8 0 R", false)); }
}

BOOST_AUTO_TEST_CASE(what_filling_may_not_change) {
    TempDir dir("diff-fill-attacks");
    struct Case {
        std::string name;
        std::map<int, std::string> original;
        std::map<int, std::string> update;
        std::string refused;  // the object reported as not allowed
    };
    std::string moved = kFilledName;
    moved.replace(moved.find("[100 700 300 720]"), 17, "[0 0 595 842]");
    std::string shared = kFilledName;
    shared.replace(shared.find("10 0 R"), 6, "8 0 R");
    std::string sharedWithField = kFilledName;
    sharedWithField.replace(sharedWithField.find("10 0 R"), 6, "9 0 R");
    std::string dangling = kFilledName;
    dangling.replace(dangling.find("10 0 R"), 6, "40 0 R");
    const std::vector<Case> cases{
        // The widget grows over the whole page: more than a value.
        {"rect", formObjects(), {{6, moved}, {10, form("1 1 1")}}, "6 0 R"},
        // The appearance rewritten in place is also drawn by the page itself.
        {"shared", formObjects(true), {{6, shared}, {8, form("1 1 1")}}, "8 0 R"},
        // The appearance rewritten in place is also the one the widget of
        // the field Amount shows: filling in Name changes what Amount shows.
        {"shared-with-field", formObjects(), {{6, sharedWithField}, {9, form("1 1 1")}}, "9 0 R"},
        // The new appearance is the object the page's resources named before it existed.
        {"dangling", formObjects(false, true), {{6, dangling}, {40, form("1 1 1")}}, "40 0 R"},
        // A value the seal covered is replaced, not filled in (Shadow Replace).
        {"replace",
         formObjects(),
         {{7,
           "<< /FT /Tx /T (Amount) /Type /Annot /Subtype /Widget /Rect [100 650 300 670] /P 3 0 R /F 4 "
           "/V (1000000) /AP << /N 10 0 R >> >>"},
          {10, form("1 1 1")}},
         "7 0 R"},
    };
    for (const Case& c : cases) {
        Filled f = fillIn(dir, c.name, c.original, c.update);
        DiffOutcome d = changes(f, 2);
        BOOST_TEST_CONTEXT(c.name << describe(d)) {
            BOOST_TEST(!d.refusals.empty());
            BOOST_TEST(reports(d.modifications, c.refused, false));
        }
    }
}

// ---- New objects nothing uses (superseded validation data of an LTA update) ----

namespace {

// Revision 2 adds the tree 20 -> 21 -> 22 and, when `owner` is set, changes
// that older object to refer to 20.
DiffOutcome newTree(const TempDir& dir, const std::string& name, int owner) {
    fs::path f = dir / (name + ".pdf");
    auto objects = originalObjects();
    writeAll(f, buildPdf(objects, 1));
    std::map<int, std::string> rev2{
        {20, "<< /Kids [21 0 R] >>"}, {21, "<< /Certs [22 0 R] >>"}, {22, form("0 0 0")}};
    if (owner) rev2[owner] = form("1 0 0").replace(2, 0, " /Next 20 0 R");
    update(f, rev2);
    std::string check;
    BOOST_REQUIRE_MESSAGE(run("qpdf --check " + quote(f), &check) == 0, check);
    auto revisions = eseal::scanRevisions(f.string());
    BOOST_REQUIRE_EQUAL(revisions.size(), 2u);
    RevisionDocuments docs(f.string(), revisions);
    RevisionDiffer differ(docs);
    return differ.changesAfter(1, 0);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_tree_nothing_reaches_is_unused_also_below_its_top) {
    // An LTA update that writes a new /DSS leaves the old VRI entries and
    // their streams behind: 20 is unreferenced, 21 and 22 only through it.
    TempDir dir("diff-unused-tree");
    DiffOutcome d = newTree(dir, "unreached", 0);
    BOOST_TEST_CONTEXT(describe(d)) {
        BOOST_TEST(d.complete);
        BOOST_TEST(d.refusals.empty());
        BOOST_TEST(d.modifications.size() == 3u);
        for (const auto& m : d.modifications) {
            BOOST_TEST(m.allowed);
            BOOST_TEST(std::string(toString(m.kind)) == "unused");
        }
    }
}

BOOST_AUTO_TEST_CASE(a_tree_an_older_object_reaches_is_judged_down_to_its_leaves) {
    // The twin: the older object 8 now refers to 20, so 20, 21 and 22 are in
    // use and, being nothing the rules know, are not allowed.
    TempDir dir("diff-reached-tree");
    DiffOutcome d = newTree(dir, "reached", 8);
    BOOST_TEST_CONTEXT(describe(d)) {
        BOOST_TEST(d.complete);
        BOOST_TEST(!d.refusals.empty());
        for (const char* og : {"8 0 R", "20 0 R", "21 0 R", "22 0 R"})
            BOOST_TEST(reports(d.modifications, og, false));
    }
}

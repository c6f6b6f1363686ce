#include "formats/pdf/pdf_diff.hpp"

#include <algorithm>
#include <cstring>
#include <deque>
#include <iterator>
#include <optional>
#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFXRefEntry.hh>
#include <set>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "formats/pdf/pdf_fields.hpp"
#include "formats/pdf/pdf_input.hpp"
#include "formats/pdf/pdf_object_io.hpp"

namespace eseal::pdf {

namespace {

using OH = QPDFObjectHandle;
using K = ModificationKind;

constexpr int kMaxDepth = 64;                // nesting of /Kids, /Parent, page tree
constexpr std::size_t kMaxObjects = 100000;  // objects compared over all revision pairs

struct BudgetExceeded {};

std::string ref(QPDFObjGen og) { return objectRef(og.getObj(), og.getGen()); }

bool isName(OH o, const char* name) { return o.isName() && o.getName() == name; }

// The values of a dictionary or array, not following references.
void directRefs(OH o, std::set<QPDFObjGen>& out, int depth = 0) {
    if (depth > kMaxDepth) return;
    if (depth > 0 && o.isIndirect()) {
        out.insert(o.getObjGen());
        return;
    }
    if (o.isStream()) {
        directRefs(o.getDict(), out, depth + 1);
    } else if (o.isArray()) {
        for (auto& item : o.aitems()) directRefs(item, out, depth + 1);
    } else if (o.isDictionary()) {
        for (auto& [key, value] : o.ditems()) directRefs(value, out, depth + 1);
    }
}

// The objects o refers to, not counting the back-links /P and /Parent (which
// point up the page or field tree, not at what o uses).
std::set<QPDFObjGen> forwardRefs(OH o) {
    std::set<QPDFObjGen> refs;
    OH dict = o.isStream() ? o.getDict() : o;
    if (dict.isDictionary()) {
        for (auto& [key, value] : dict.ditems())
            if (key != "/P" && key != "/Parent") directRefs(value, refs, 1);
    } else {
        directRefs(o, refs, 0);
    }
    return refs;
}

// The new objects the newer revision uses: those the trailer (/Root, /Info,
// /Encrypt) or a changed older object refers to, and what such a new object
// refers to in turn. A tree of new objects that nothing reaches is unused
// down to its leaves, as the validation data an LTA update supersedes (ETSI
// EN 319 142-1 5.4: a later DSS replaces the one before); a referenced new
// object is judged by what it is.
std::set<QPDFObjGen> reachedAddedObjects(QPDF& q1, const std::set<QPDFObjGen>& changed,
                                         const std::set<QPDFObjGen>& added) {
    std::set<QPDFObjGen> refs;
    directRefs(q1.getTrailer(), refs, 0);
    for (const auto& og : changed)
        if (!added.count(og)) directRefs(q1.getObject(og), refs, 0);
    std::deque<QPDFObjGen> todo(refs.begin(), refs.end());
    std::set<QPDFObjGen> reached;
    while (!todo.empty()) {
        const QPDFObjGen og = todo.front();
        todo.pop_front();
        if (!added.count(og) || !reached.insert(og).second) continue;
        std::set<QPDFObjGen> next;
        directRefs(q1.getObject(og), next, 0);
        todo.insert(todo.end(), next.begin(), next.end());
    }
    return reached;
}

// Structure of one revision's document that the classification needs.
struct Roles {
    QPDFObjGen root;
    QPDFObjGen info;
    QPDFObjGen acroForm;  // when indirect
    QPDFObjGen fieldsArray;
    std::map<QPDFObjGen, int> pages;        // page object -> 1-based number
    std::set<QPDFObjGen> pageTree;          // /Pages nodes
    std::map<QPDFObjGen, int> contents;     // content streams (and arrays) -> page
    std::map<QPDFObjGen, int> annotArrays;  // indirect /Annots arrays -> page
    std::map<QPDFObjGen, int> annots;       // annotations -> page
    std::set<QPDFObjGen> fields;            // every field node (and its widgets)
    std::set<QPDFObjGen> sigFields;         // fields of type /Sig (inherited)
    std::set<QPDFObjGen> sigDicts;          // their /V values
};

void walkPageTree(OH node, Roles& r, std::set<QPDFObjGen>& seen, int depth, int& pageNo) {
    if (depth > kMaxDepth || !node.isDictionary()) return;
    if (node.isIndirect() && !seen.insert(node.getObjGen()).second) return;
    OH kids = node.getKey("/Kids");
    if (isName(node.getKey("/Type"), "/Pages") || kids.isArray()) {
        if (node.isIndirect()) r.pageTree.insert(node.getObjGen());
        if (kids.isArray())
            for (auto& kid : kids.aitems()) walkPageTree(kid, r, seen, depth + 1, pageNo);
        return;
    }
    int page = ++pageNo;
    if (node.isIndirect()) r.pages[node.getObjGen()] = page;
    OH contents = node.getKey("/Contents");
    if (contents.isIndirect()) r.contents[contents.getObjGen()] = page;
    if (contents.isArray())
        for (auto& c : contents.aitems())
            if (c.isIndirect()) r.contents[c.getObjGen()] = page;
    OH annots = node.getKey("/Annots");
    if (annots.isIndirect()) r.annotArrays[annots.getObjGen()] = page;
    if (annots.isArray())
        for (auto& a : annots.aitems())
            if (a.isIndirect()) r.annots[a.getObjGen()] = page;
}

void walkFields(OH node, Roles& r, std::set<QPDFObjGen>& seen, int depth) {
    if (depth > kMaxDepth || !node.isDictionary() || !node.isIndirect()) return;
    if (!seen.insert(node.getObjGen()).second) return;
    r.fields.insert(node.getObjGen());
    if (fieldType(node) == "/Sig") {
        r.sigFields.insert(node.getObjGen());
        OH v = node.getKey("/V");
        if (v.isIndirect()) r.sigDicts.insert(v.getObjGen());
    }
    OH kids = node.getKey("/Kids");
    if (kids.isArray())
        for (auto& kid : kids.aitems()) walkFields(kid, r, seen, depth + 1);
}

Roles rolesOf(QPDF& q) {
    Roles r;
    OH trailer = q.getTrailer();
    OH root = trailer.getKey("/Root");
    r.root = root.getObjGen();
    r.info = trailer.getKey("/Info").getObjGen();
    std::set<QPDFObjGen> seen;
    int pageNo = 0;
    walkPageTree(root.getKey("/Pages"), r, seen, 0, pageNo);
    OH acro = root.getKey("/AcroForm");
    if (acro.isIndirect()) r.acroForm = acro.getObjGen();
    OH fields = acro.getKey("/Fields");
    if (fields.isIndirect()) r.fieldsArray = fields.getObjGen();
    seen.clear();
    if (fields.isArray())
        for (auto& f : fields.aitems()) walkFields(f, r, seen, 0);
    // Signature widgets that are on a page but missing from /Fields.
    for (auto& [og, page] : r.annots) {
        OH a = q.getObject(og);
        if (fieldType(a) == "/Sig") walkFields(a, r, seen, 0);
    }
    return r;
}

}  // namespace

// What one object refers to (forwardRefs), kept from one revision to the next
// while the object is the same: an object whose cross-reference entry no
// update touched reads as the same bytes, so only what a revision rewrote is
// parsed again (ISO 32000-1 7.5.6: an update appends; it cannot change bytes).
struct ObjectGraph {
    struct Node {
        bool indirect = false;
        std::vector<QPDFObjGen> refs;
        // Objects its reading depends on besides its own bytes: a stream's
        // indirect /Length, and the object stream holding it with what that
        // stream's dictionary refers to (/Length, /Filter, /DecodeParms).
        std::vector<QPDFObjGen> deps;
    };
    int revision = 0;  // the revision the nodes describe; 0: none yet
    std::map<QPDFObjGen, Node> nodes;

    // Moves the graph from revision-1 to revision: forgets every object the
    // update touched (or whose reading depends on one it touched).
    void advance(const std::set<QPDFObjGen>& touched) {
        for (auto it = nodes.begin(); it != nodes.end();) {
            bool stale = touched.count(it->first) > 0;
            for (const auto& d : it->second.deps) stale = stale || touched.count(d) > 0;
            it = stale ? nodes.erase(it) : std::next(it);
        }
    }
};

namespace {

ObjectGraph::Node graphNode(QPDF& q, const std::map<QPDFObjGen, QPDFXRefEntry>& xref, QPDFObjGen og, OH o) {
    ObjectGraph::Node n;
    n.indirect = o.isIndirect();
    std::set<QPDFObjGen> refs = forwardRefs(o);
    n.refs.assign(refs.begin(), refs.end());
    if (o.isStream()) {
        OH length = o.getDict().getKey("/Length");
        if (length.isIndirect()) n.deps.push_back(length.getObjGen());
    }
    auto e = xref.find(og);
    if (e != xref.end() && e->second.getType() == 2) {
        QPDFObjGen holder(e->second.getObjStreamNumber(), 0);
        n.deps.push_back(holder);
        OH s = q.getObject(holder);
        if (s.isStream()) {
            std::set<QPDFObjGen> streamRefs;
            directRefs(s.getDict(), streamRefs, 0);
            n.deps.insert(n.deps.end(), streamRefs.begin(), streamRefs.end());
        }
    }
    return n;
}

// Every object the pages of a document draw with: their resources and
// content, and each annotation with its appearance streams; not through
// /Parent or /P, which lead back into the page tree. What each object refers
// to comes from `graph` when an earlier revision already read it.
template <typename Spend>
std::set<QPDFObjGen> pageUsedObjects(QPDF& q, const std::map<QPDFObjGen, QPDFXRefEntry>& xref, const Roles& r,
                                     ObjectGraph& graph, Spend spend) {
    std::set<QPDFObjGen> seen;
    std::deque<QPDFObjGen> todo;  // indirect objects still to visit
    auto follow = [&](const auto& refs) {
        for (const auto& og : refs)
            if (!seen.count(og) && !r.pages.count(og) && !r.pageTree.count(og)) todo.push_back(og);
    };
    auto start = [&](OH o) {
        if (o.isIndirect())
            todo.push_back(o.getObjGen());
        else
            follow(forwardRefs(o));
    };
    for (const auto& [og, page] : r.pages) {
        OH p = q.getObject(og);
        start(p.getKey("/Resources"));
        start(p.getKey("/Contents"));
    }
    for (const auto& [og, page] : r.annots) todo.push_back(og);
    while (!todo.empty()) {
        QPDFObjGen og = todo.front();
        todo.pop_front();
        auto it = graph.nodes.find(og);
        OH o;
        const bool indirect =
            it != graph.nodes.end() ? it->second.indirect : (o = q.getObject(og)).isIndirect();
        if (indirect) {
            if (!seen.insert(og).second) continue;
            spend(1);
        }
        if (it == graph.nodes.end()) it = graph.nodes.emplace(og, graphNode(q, xref, og, o)).first;
        follow(it->second.refs);
    }
    return seen;
}

bool isStructure(OH o) {
    if (!o.isStream()) return false;
    OH type = o.getDict().getKey("/Type");
    return isName(type, "/XRef") || isName(type, "/ObjStm");
}

bool sameEntry(const QPDFXRefEntry& a, const QPDFXRefEntry& b) {
    if (a.getType() != b.getType()) return false;
    if (a.getType() == 1) return a.getOffset() == b.getOffset();
    if (a.getType() == 2)
        return a.getObjStreamNumber() == b.getObjStreamNumber() &&
               a.getObjStreamIndex() == b.getObjStreamIndex();
    return true;
}

bool sameObject(OH a, OH b) {
    if (a.isStream() != b.isStream()) return false;
    if (!a.isStream()) return a.unparseResolved() == b.unparseResolved();
    if (a.getDict().unparse() != b.getDict().unparse()) return false;
    auto da = a.getRawStreamData();
    auto db = b.getRawStreamData();
    return da->getSize() == db->getSize() &&
           std::memcmp(da->getBuffer(), db->getBuffer(), da->getSize()) == 0;
}

// The entries of an array given directly or by reference, as object numbers.
std::vector<QPDFObjGen> arrayRefs(OH a) {
    std::vector<QPDFObjGen> out;
    if (!a.isArray()) return out;
    for (auto& item : a.aitems()) out.push_back(item.isIndirect() ? item.getObjGen() : QPDFObjGen());
    return out;
}

// True when `after` keeps every entry of `before` and each added entry is in `allowed`.
bool onlyAppends(OH before, OH after, const std::set<QPDFObjGen>& allowed) {
    auto b = arrayRefs(before);
    auto a = arrayRefs(after);
    std::multiset<QPDFObjGen> remaining(a.begin(), a.end());
    for (const auto& og : b) {
        auto it = remaining.find(og);
        if (it == remaining.end()) return false;
        remaining.erase(it);
    }
    for (const auto& og : remaining)
        if (!allowed.count(og)) return false;
    return true;
}

struct Classifier {
    int revision;
    QPDF& q0;
    QPDF& q1;
    const Roles& r0;
    const Roles& r1;
    const std::set<QPDFObjGen>& changed;  // new or changed in this revision
    std::set<QPDFObjGen> newSig;          // added signature fields, widgets, signature dicts, appearances
    std::set<QPDFObjGen> dss;             // /DSS and what it holds (ETSI EN 319 142-1 5.4)
    std::set<QPDFObjGen> formResources;   // AcroForm /DR
    std::set<QPDFObjGen> metadata;        // /Info
    std::set<QPDFObjGen> pageUsed;        // what the pages of the older revision use
    std::set<QPDFObjGen> pageUsed1;       // ... and of the newer one
    std::set<QPDFObjGen> ltaCatalog;      // what /Extensions, /MarkInfo, /Version hold (pyHanko: LTA updates)
    std::set<QPDFObjGen> moved;           // new objects equal by content to what a page used before
    std::set<QPDFObjGen> newAnnots;       // added annotations other than signature widgets, and their objects
    std::set<std::pair<QPDFObjGen, std::string>> sameByContent;  // page keys that moved, not changed
    std::set<QPDFObjGen>
        shownUnsigned;  // new signature fields that carry no signature but show an appearance
    std::vector<ClassifiedChange> out;
    // Form filling (12.7.4; DocMDP P2, 12.8.2.2.2): the fields and widgets of
    // which only the value or the appearance changed, and the new or changed
    // objects their /V and /AP now use, each with the field's fully qualified
    // name, so that a FieldMDP lock (12.8.2.4) can refuse it.
    std::map<QPDFObjGen, std::string> filled{};
    std::map<QPDFObjGen, std::string> replaced{};  // the same changes to a field that had a value
    std::map<QPDFObjGen, std::string> filledObjects{};
    std::map<QPDFObjGen, QPDFObjGen> filledBy{};  // ... and the field whose /V or /AP reached each
    // What the appearance streams (/AP, 12.5.5) of each annotation show, in
    // either revision: object -> the annotations (read when a filled field needs it).
    std::optional<std::map<QPDFObjGen, std::set<QPDFObjGen>>> shownBy{};
    bool shownByComplete = true;
    // What the pages' content and resources use in either revision, not
    // through annotations (read when a filled field needs it); an object they
    // share with a field's appearance is no form filling.
    std::optional<std::set<QPDFObjGen>> drawn{};
    bool drawnComplete = true;
    std::size_t compareBudget = kMaxObjects;  // indirect objects sameContent may resolve

    void add(ModificationKind kind, QPDFObjGen og, const std::string& description, ChangeLevel level,
             const std::string& field = "") {
        Modification m;
        m.revision = revision;
        m.kind = kind;
        m.object = og.getObj() ? ref(og) : "";
        m.description = description;
        m.allowed = level <= ChangeLevel::FormFilling;
        out.push_back({std::move(m), level, field});
    }

    // The level of a change from its kind: allowed ones are form filling and
    // signing unless they are validation data (ETSI EN 319 142-1 5.4).
    void add(ModificationKind kind, QPDFObjGen og, const std::string& description, bool allowed,
             const std::string& field = "") {
        ChangeLevel level = ChangeLevel::Other;
        if (allowed)
            level = kind == K::Dss || kind == K::Metadata ? ChangeLevel::LtaUpdates
                    : kind == K::Unused                   ? ChangeLevel::None
                                                          : ChangeLevel::FormFilling;
        else if (kind == K::Annotation)
            level = ChangeLevel::Annotations;
        add(kind, og, description, level, field);
    }

    // Whether b (newer revision) shows what a (older one) showed, compared by
    // content, not by reference: the same object, or equal values whose
    // references are again equal. New objects met on the way go to `into`.
    bool sameContent(OH a, OH b, std::set<QPDFObjGen>& into,
                     std::set<std::pair<QPDFObjGen, QPDFObjGen>>& assumed, int depth = 0) {
        if (depth > kMaxDepth) return false;
        if (a.isIndirect() || b.isIndirect()) {
            if (compareBudget == 0) return false;  // too much to compare: a change
            --compareBudget;
        }
        if (a.isIndirect() && b.isIndirect()) {
            if (a.getObjGen() == b.getObjGen()) return true;  // a change to it is judged on its own
            if (!assumed.insert({a.getObjGen(), b.getObjGen()}).second) return true;
        }
        if (b.isIndirect() && changed.count(b.getObjGen())) into.insert(b.getObjGen());
        if (a.getTypeCode() != b.getTypeCode()) return false;
        if (a.isStream()) {
            if (!sameContent(a.getDict(), b.getDict(), into, assumed, depth + 1)) return false;
            auto da = a.getRawStreamData();
            auto db = b.getRawStreamData();
            return da->getSize() == db->getSize() &&
                   std::memcmp(da->getBuffer(), db->getBuffer(), da->getSize()) == 0;
        }
        if (a.isArray()) {
            if (a.getArrayNItems() != b.getArrayNItems()) return false;
            for (int i = 0; i < a.getArrayNItems(); ++i)
                if (!sameContent(a.getArrayItem(i), b.getArrayItem(i), into, assumed, depth + 1))
                    return false;
            return true;
        }
        if (a.isDictionary()) {
            if (a.getKeys() != b.getKeys()) return false;
            for (const auto& k : a.getKeys())
                if (!sameContent(a.getKey(k), b.getKey(k), into, assumed, depth + 1)) return false;
            return true;
        }
        return a.unparse() == b.unparse();
    }

    // A description in the reader's language (tr(), fill()); {n} is the revision.
    std::string say(const char* msgid, std::vector<std::pair<std::string, std::string>> values = {}) const {
        values.emplace_back("{n}", std::to_string(revision));
        return fill(tr(msgid), values);
    }

    // A change whose description already says that it came after the seal.
    void addAfterSeal(ModificationKind kind, QPDFObjGen og, const std::string& description, bool allowed) {
        add(kind, og, description, allowed);
        out.back().saysAfterSeal = true;
    }

    static std::string subtypeOf(OH annot) {
        OH st = annot.getKey("/Subtype");
        return st.isName() ? st.getName().substr(1) : std::string("untyped");
    }

    // Whether an annotation can paint over the page (12.5.6): free text,
    // stamps, shapes, ink, redactions, widgets and anything unknown can; the
    // comment kinds (notes, text markup, links, attachments) mark the page
    // without hiding it. A certification with P 3 allows only those.
    static bool canCoverContent(OH annot) {
        static const std::set<std::string> comments{
            "/Text",     "/Link",      "/Popup", "/Highlight",      "/Underline",
            "/Squiggly", "/StrikeOut", "/Caret", "/FileAttachment", "/Sound"};
        OH st = annot.getKey("/Subtype");
        return !st.isName() || !comments.count(st.getName());
    }

    // The field or one of its widgets (kids without a name) is visible.
    static bool showsAppearance(OH field) {
        if (widgetVisible(field)) return true;
        OH kids = field.getKey("/Kids");
        if (kids.isArray())
            for (auto& kid : kids.aitems())
                if (kid.isDictionary() && !kid.hasKey("/T") && widgetVisible(kid)) return true;
        return false;
    }

    std::string fieldLabel(OH field, QPDFObjGen og) const {
        const std::string name = fieldName(field);
        return name.empty() ? ref(og) : "'" + name + "' (" + ref(og) + ")";
    }

    // Objects reachable from `start` through objects this revision added or
    // changed, not through /P or /Parent and never into pages, content
    // streams, the catalog or existing fields and annotations: those have
    // their own rules.
    bool stops(QPDFObjGen og) const {
        return og == r1.root || og == r0.root || r1.pages.count(og) || r0.pages.count(og) ||
               r1.pageTree.count(og) || r0.pageTree.count(og) || r1.contents.count(og) ||
               r0.contents.count(og) || r0.fields.count(og) || r0.annots.count(og) || r0.sigDicts.count(og) ||
               r0.annotArrays.count(og);
    }

    void reachChanged(OH start, std::set<QPDFObjGen>& into) {
        std::deque<std::pair<OH, int>> todo{{start, 0}};
        while (!todo.empty()) {
            auto [o, depth] = todo.front();
            todo.pop_front();
            if (depth > kMaxDepth) continue;
            if (o.isIndirect()) {
                QPDFObjGen og = o.getObjGen();
                if (!changed.count(og) || into.count(og) || (depth > 0 && stops(og))) continue;
                into.insert(og);
            }
            std::set<QPDFObjGen> refs = forwardRefs(o);
            for (const auto& og : refs) todo.emplace_back(q1.getObject(og), depth + 1);
        }
    }

    // The keys filling in a field changes: its value (/V; /I, the selected
    // items of a choice field, 12.7.4.4) and its widgets' appearance (/AP,
    // and /AS, the state of a check box or radio button, 12.5.5, 12.7.4.2.3).
    static bool onlyFillKeys(OH f0, OH f1) {
        std::set<std::string> keys = f0.getKeys();
        for (auto& k : f1.getKeys()) keys.insert(k);
        for (const auto& k : keys)
            if (f0.getKey(k).unparse() != f1.getKey(k).unparse() && k != "/V" && k != "/I" && k != "/AP" &&
                k != "/AS")
                return false;
        return true;
    }

    // A field's value, inherited through /Parent (12.7.3.1 Table 220).
    static OH inheritedValue(OH node) {
        for (int i = 0; i < kMaxDepth && node.isDictionary(); ++i) {
            if (node.hasKey("/V")) return node.getKey("/V");
            node = node.getKey("/Parent");
        }
        return OH::newNull();
    }

    // No value yet: none, an empty text, or a check box or radio button off
    // (12.7.4.2.3: the off state is named Off).
    static bool emptyValue(OH v) {
        return v.isNull() || (v.isString() && v.getStringValue().empty()) || isName(v, "/Off");
    }

    // Every indirect object reached from `todo` through forwardRefs, not into
    // pages or the page tree, each given once to `reached`; each spends budget.
    template <typename Reached>
    static void walk(QPDF& q, const Roles& r, std::deque<std::pair<OH, int>> todo, std::set<QPDFObjGen>& seen,
                     std::size_t& budget, Reached reached) {
        while (!todo.empty()) {
            auto [o, depth] = todo.front();
            todo.pop_front();
            if (depth > kMaxDepth) continue;
            if (o.isIndirect()) {
                const QPDFObjGen og = o.getObjGen();
                if (r.pages.count(og) || r.pageTree.count(og) || !seen.insert(og).second) continue;
                if (budget == 0) throw BudgetExceeded{};
                --budget;
                reached(og);
            }
            for (const auto& next : forwardRefs(o)) todo.emplace_back(q.getObject(next), depth + 1);
        }
    }

    static void drawnBy(QPDF& q, const Roles& r, std::set<QPDFObjGen>& seen, std::size_t& budget) {
        std::deque<std::pair<OH, int>> todo;
        for (const auto& [og, page] : r.pages) {
            OH p = q.getObject(og);
            todo.emplace_back(p.getKey("/Resources"), 0);
            todo.emplace_back(p.getKey("/Contents"), 0);
        }
        // Resources a page inherits (7.7.3.4).
        for (const auto& og : r.pageTree) todo.emplace_back(q.getObject(og).getKey("/Resources"), 0);
        walk(q, r, std::move(todo), seen, budget, [](QPDFObjGen) {});
    }

    static void appearancesOf(QPDF& q, const Roles& r, std::map<QPDFObjGen, std::set<QPDFObjGen>>& into,
                              std::size_t& budget) {
        for (const auto& [annot, page] : r.annots) {
            std::set<QPDFObjGen> seen;
            walk(q, r, {{q.getObject(annot).getKey("/AP"), 0}}, seen, budget,
                 [&, a = annot](QPDFObjGen og) { into[og].insert(a); });
        }
    }

    // Whether an annotation other than the field's own widgets (the field, or
    // its kids) shows og through its appearance, before or after this
    // revision: rewriting it would change what that annotation shows, which
    // filling in this field does not allow.
    bool shownByOtherAnnotations(QPDFObjGen og, QPDFObjGen fieldOg) {
        if (!shownBy) {
            shownBy.emplace();
            std::size_t budget = kMaxObjects;
            try {
                appearancesOf(q0, r0, *shownBy, budget);
                appearancesOf(q1, r1, *shownBy, budget);
            } catch (const BudgetExceeded&) {
                shownByComplete = false;  // too much to tell: shared, as far as anyone knows
            }
        }
        if (!shownByComplete) return true;
        auto it = shownBy->find(og);
        if (it == shownBy->end()) return false;
        std::set<QPDFObjGen> own{fieldOg};
        for (QPDF* q : {&q0, &q1}) {
            OH kids = q->getObject(fieldOg).getKey("/Kids");
            if (kids.isArray())
                for (auto& kid : kids.aitems())
                    if (kid.isIndirect()) own.insert(kid.getObjGen());
        }
        return std::any_of(it->second.begin(), it->second.end(),
                           [&](const QPDFObjGen& annot) { return !own.count(annot); });
    }

    bool drawnByPages(QPDFObjGen og) {
        if (!drawn) {
            drawn.emplace();
            std::size_t budget = kMaxObjects;
            try {
                drawnBy(q0, r0, *drawn, budget);
                drawnBy(q1, r1, *drawn, budget);
            } catch (const BudgetExceeded&) {
                drawnComplete = false;  // too much to tell: shared, as far as anyone knows
            }
        }
        return !drawnComplete || drawn->count(og) > 0;
    }

    // An object of a filled field's value or appearance that no page draws
    // itself: form filling, in the name of that field. msgid has {ref}, {field}.
    bool filling(QPDFObjGen og, const char* msgid) {
        auto it = filledObjects.find(og);
        if (it == filledObjects.end() || drawnByPages(og) || shownByOtherAnnotations(og, filledBy.at(og)))
            return false;
        add(K::FormField, og, say(msgid, {{"{ref}", ref(og)}, {"{field}", it->second}}),
            ChangeLevel::FormFilling, it->second);
        return true;
    }

    void prepare() {
        // A signature field is new when it was no signature field before, or
        // when it was an empty one that is now signed.
        for (const auto& og : r1.sigFields) {
            // Checked first: what the field held before is read only when this
            // revision changed it (an existing signature's /V is large to parse).
            if (!changed.count(og)) continue;
            OH f1 = q1.getObject(og);
            bool existed = r0.sigFields.count(og) > 0;
            bool wasEmpty = existed && !q0.getObject(og).getKey("/V").isDictionary();
            if (existed && !wasEmpty) continue;
            reachChanged(f1, newSig);
            // A field that shows a picture without a signature can cover what
            // an earlier seal covered (Sneaky Signature, IEEE S&P 2021).
            if (!holdsSignatureValue(f1.getKey("/V")) && showsAppearance(f1)) shownUnsigned.insert(og);
        }
        // Fields other than signature fields whose value or appearance alone changed.
        for (const auto& og : r0.fields) {
            if (!changed.count(og) || r0.sigFields.count(og) || !r1.fields.count(og) ||
                r1.sigFields.count(og))
                continue;
            OH f0 = q0.getObject(og);
            OH f1 = q1.getObject(og);
            if (!f0.isDictionary() || !f1.isDictionary() || !onlyFillKeys(f0, f1)) continue;
            const std::string name = fieldName(f1);
            // A value the seal covered is not filled in but replaced: what the
            // sealer saw is gone (Shadow Replace, NDSS 2021).
            if (!emptyValue(inheritedValue(f0))) {
                replaced.emplace(og, name);
                continue;
            }
            filled.emplace(og, name);
            std::set<QPDFObjGen> uses;
            reachChanged(f1.getKey("/V"), uses);
            reachChanged(f1.getKey("/AP"), uses);
            for (const auto& u : uses)
                if (filledObjects.emplace(u, name).second) filledBy.emplace(u, og);
        }
        OH root1 = q1.getTrailer().getKey("/Root");
        reachChanged(root1.getKey("/DSS"), dss);
        reachChanged(root1.getKey("/AcroForm").getKey("/DR"), formResources);
        reachChanged(q1.getTrailer().getKey("/Info"), metadata);
        reachChanged(root1.getKey("/Metadata"), metadata);
        for (const auto& [og, page] : r1.annots)
            if (!r0.annots.count(og) && !newSig.count(og) && changed.count(og))
                reachChanged(q1.getObject(og), newAnnots);
        for (const char* k : {"/Extensions", "/MarkInfo", "/Version"})
            reachChanged(root1.getKey(k), ltaCatalog);
        // A page whose /Resources or /Contents now names other objects with
        // the same content shows the same thing (compare by content).
        for (const auto& [og, number] : r0.pages) {
            if (!changed.count(og) || !r1.pages.count(og)) continue;
            OH p0 = q0.getObject(og);
            OH p1 = q1.getObject(og);
            for (const char* k : {"/Resources", "/Contents"}) {
                OH v0 = p0.getKey(k);
                OH v1 = p1.getKey(k);
                if (v0.unparse() == v1.unparse()) continue;
                std::set<QPDFObjGen> reached;
                std::set<std::pair<QPDFObjGen, QPDFObjGen>> assumed;
                if (!sameContent(v0, v1, reached, assumed)) continue;
                sameByContent.insert({og, k});
                moved.insert(reached.begin(), reached.end());
            }
        }
    }

    void catalog(OH c0, OH c1, QPDFObjGen og) {
        std::set<std::string> keys = c0.getKeys();
        for (auto& k : c1.getKeys()) keys.insert(k);
        for (const auto& k : keys) {
            OH v0 = c0.getKey(k);
            OH v1 = c1.getKey(k);
            if (v0.unparse() == v1.unparse()) continue;
            if (k == "/DSS") {
                add(K::Dss, og, say("revision {n} added or updated the document security store (/DSS)"),
                    true);
            } else if (k == "/Metadata") {
                add(K::Metadata, og, say("revision {n} changed the document's metadata stream (/Metadata)"),
                    true);
            } else if (k == "/Extensions" || k == "/Version" || k == "/MarkInfo") {
                // Written by signers and LTV tools with a DSS or a timestamp (ISO 32000-1 7.2.1
                // Table 28 /Version and /MarkInfo, ISO 32000-2 7.12 developer extensions, as
                // pyHanko's LTA updates): no change to what a page shows.
                add(K::Catalog, og,
                    say("revision {n} changed the document catalog entry {key} ({ref})",
                        {{"{key}", k}, {"{ref}", ref(og)}}),
                    ChangeLevel::LtaUpdates);
            } else if (k == "/AcroForm") {
                acroForm(v0, v1, og, true);
            } else if (k == "/Perms" && v0.isNull() && v1.isDictionary() && v1.getKeys().size() == 1 &&
                       v1.getKey("/DocMDP").isIndirect() && newSig.count(v1.getKey("/DocMDP").getObjGen())) {
                // A certification for the new signature (12.8.2.2.1); whether it may
                // be one (it must be the first) is judged with that signature.
                add(K::Signature, og,
                    say("revision {n} made the new signature a certification (/Perms /DocMDP, {ref})",
                        {{"{ref}", ref(og)}}),
                    ChangeLevel::FormFilling);
            } else {
                add(K::Catalog, og,
                    say("revision {n} changed the document catalog entry {key} ({ref})",
                        {{"{key}", k}, {"{ref}", ref(og)}}),
                    false);
            }
        }
    }

    void acroForm(OH a0, OH a1, QPDFObjGen og, bool inCatalog) {
        if (!a1.isDictionary()) {
            add(K::FormField, og, say("revision {n} removed the interactive form (/AcroForm)"), false);
            return;
        }
        std::set<std::string> keys = a1.getKeys();
        if (a0.isDictionary())
            for (auto& k : a0.getKeys()) keys.insert(k);
        bool changedAny = false;
        for (const auto& k : keys) {
            OH v0 = a0.isDictionary() ? a0.getKey(k) : OH::newNull();
            OH v1 = a1.getKey(k);
            if (v0.unparse() == v1.unparse()) continue;
            if (k == "/Fields") {
                if (!v1.isIndirect() && !onlyAppends(v0, v1, newSig)) {
                    add(K::FormField, og,
                        say("revision {n} changed the form's field list other than by adding a signature"),
                        false);
                    return;
                }
                if (v1.isIndirect() && v0.isIndirect()) {
                    add(K::FormField, og, say("revision {n} replaced the form's field list"), false);
                    return;
                }
            } else if (k == "/DA" || k == "/NeedAppearances") {
                // Defaults for filling in fields (12.7.2 Table 218): form filling.
                add(K::FormField, og,
                    say("revision {n} changed the form entry {key} ({ref})",
                        {{"{key}", k}, {"{ref}", ref(og)}}),
                    ChangeLevel::FormFilling);
                continue;
            } else if (k != "/SigFlags" && k != "/DR") {
                add(K::FormField, og,
                    say("revision {n} changed the form entry {key} ({ref})",
                        {{"{key}", k}, {"{ref}", ref(og)}}),
                    false);
                return;
            }
            changedAny = true;
        }
        if (changedAny)
            add(K::SignatureAdded, og,
                inCatalog
                    ? say("revision {n} updated the interactive form in the catalog for a new signature")
                    : say("revision {n} updated the interactive form for a new signature"),
                true);
    }

    // An /Annots array that changed other than by a new signature widget:
    // annotations (DocMDP P3), unless a form field's widget (a seal) left it.
    void annotationsChanged(OH before, OH after, QPDFObjGen og, const std::string& where) {
        auto kept = arrayRefs(after);
        std::set<QPDFObjGen> still(kept.begin(), kept.end());
        for (const auto& item : arrayRefs(before))
            if (!still.count(item) && r0.fields.count(item))
                return add(K::Annotation, og,
                           say("revision {n} removed the widget {ref} of a form field from {where}",
                               {{"{ref}", ref(item)}, {"{where}", where}}),
                           ChangeLevel::Other);
        add(K::Annotation, og, say("revision {n} changed the annotations of {where}", {{"{where}", where}}),
            false);
    }

    void page(OH p0, OH p1, QPDFObjGen og, int number) {
        std::set<std::string> keys = p0.getKeys();
        for (auto& k : p1.getKeys()) keys.insert(k);
        const std::string where =
            fill(tr("page {page} ({ref})"), {{"{page}", std::to_string(number)}, {"{ref}", ref(og)}});
        bool annotsOk = false;
        for (const auto& k : keys) {
            OH v0 = p0.getKey(k);
            OH v1 = p1.getKey(k);
            if (v0.unparse() == v1.unparse()) continue;
            if (sameByContent.count({og, k})) {
                add(K::Page, og,
                    say("revision {n} moved {key} of {where} to other objects with the same content",
                        {{"{key}", k}, {"{where}", where}}),
                    ChangeLevel::None);
            } else if (k == "/Contents" || k == "/Resources") {
                addAfterSeal(K::PageContent, og,
                             say("revision {n} changed the content of {where} after this seal was applied",
                                 {{"{where}", where}}),
                             false);
            } else if (k == "/Annots") {
                if (onlyAppends(v0, v1, newSig)) {
                    annotsOk = true;
                } else {
                    annotationsChanged(v0, v1, og, where);
                }
            } else {
                add(K::Page, og,
                    say("revision {n} changed {key} of {where}", {{"{key}", k}, {"{where}", where}}), false);
            }
        }
        if (annotsOk)
            add(K::AnnotationAdded, og,
                say("revision {n} added a signature widget to {where}", {{"{where}", where}}), true);
    }

    void field(OH f0, OH f1, QPDFObjGen og, bool isAnnot, int pageNo) {
        // Signing a field that was empty: /V and its appearance may be set (12.7.4.5).
        bool wasEmptySig =
            r0.sigFields.count(og) && !f0.getKey("/V").isDictionary() && f1.getKey("/V").isDictionary();
        const std::string name = fieldName(f1.isDictionary() ? f1 : f0);
        if (shownUnsigned.count(og)) {
            add(K::FormField, og,
                say("revision {n} gave the signature field {field} an appearance without signing it; it can "
                    "cover what "
                    "the seal covered",
                    {{"{field}", fieldLabel(f1, og)}}),
                ChangeLevel::Other, name);
            return;
        }
        std::set<std::string> keys = f0.getKeys();
        for (auto& k : f1.getKeys()) keys.insert(k);
        std::vector<std::string> bad;
        for (const auto& k : keys) {
            if (f0.getKey(k).unparse() == f1.getKey(k).unparse()) continue;
            if (wasEmptySig && (k == "/V" || k == "/AP" || k == "/AS" || k == "/M")) continue;
            bad.push_back(k);
        }
        if (bad.empty()) {
            add(K::SignatureAdded, og,
                say("revision {n} signed the empty signature field {field}",
                    {{"{field}", fieldLabel(f1, og)}}),
                true, name);
            return;
        }
        std::string list;
        for (const auto& k : bad) list += (list.empty() ? "" : ", ") + k;
        if (replaced.count(og)) {
            add(K::FormField, og,
                say("revision {n} replaced the value of the form field {field} that the seal covered "
                    "({keys}); "
                    "filling in a form may set a value, not change one (Shadow Replace, NDSS 2021)",
                    {{"{keys}", list}, {"{field}", fieldLabel(f0, og)}}),
                ChangeLevel::Other, name);
            return;
        }
        if (filled.count(og)) {
            const std::string label = name.empty() ? ref(og) : "'" + name + "' (" + ref(og) + ")";
            add(K::FormField, og,
                say(pageNo ? "revision {n} filled in the form field {field} on page {page} ({keys})"
                           : "revision {n} filled in the form field {field} ({keys})",
                    {{"{keys}", list}, {"{field}", label}, {"{page}", std::to_string(pageNo)}}),
                ChangeLevel::FormFilling, name);
            return;
        }
        bool isField = r0.fields.count(og) > 0;
        const char* msgid =
            isField ? (pageNo ? "revision {n} changed {keys} of the form field {field} on page {page}"
                              : "revision {n} changed {keys} of the form field {field}")
                    : (pageNo ? "revision {n} changed {keys} of the annotation {field} on page {page}"
                              : "revision {n} changed {keys} of the annotation {field}");
        add(isField ? K::FormField : K::Annotation, og,
            say(msgid, {{"{keys}", list},
                        {"{field}", isField ? fieldLabel(f0, og) : ref(og)},
                        {"{page}", std::to_string(pageNo)}}),
            false, isField ? name : std::string());
        (void)isAnnot;
    }

    void classifyChanged(QPDFObjGen og) {
        OH o0 = q0.getObject(og);
        OH o1 = q1.getObject(og);
        if (og == r0.root) return catalog(o0, o1, og);
        if (og.getObj() && og == r0.acroForm) return acroForm(o0, o1, og, false);
        if (og.getObj() && og == r0.fieldsArray) {
            if (onlyAppends(o0, o1, newSig))
                add(K::SignatureAdded, og,
                    say("revision {n} added a signature field to the form's field list"), true);
            else
                add(K::FormField, og, say("revision {n} changed the form's field list"), false);
            return;
        }
        if (auto it = r0.pages.find(og); it != r0.pages.end()) return page(o0, o1, og, it->second);
        if (r0.pageTree.count(og)) {
            add(K::Page, og, say("revision {n} changed the page tree ({ref})", {{"{ref}", ref(og)}}), false);
            return;
        }
        if (auto it = r0.annotArrays.find(og); it != r0.annotArrays.end()) {
            const std::string where = fill(tr("page {page}"), {{"{page}", std::to_string(it->second)}});
            if (onlyAppends(o0, o1, newSig))
                add(K::AnnotationAdded, og,
                    say("revision {n} added a signature widget to {where}", {{"{where}", where}}), true);
            else
                annotationsChanged(o0, o1, og, where);
            return;
        }
        if (auto it = r0.contents.find(og); it != r0.contents.end()) {
            addAfterSeal(
                K::PageContent, og,
                say("revision {n} changed the content of page {page} ({ref}) after this seal was applied",
                    {{"{page}", std::to_string(it->second)}, {"{ref}", ref(og)}}),
                false);
            return;
        }
        if (r0.sigDicts.count(og)) {
            add(K::Signature, og,
                say("revision {n} changed the existing signature dictionary {ref}", {{"{ref}", ref(og)}}),
                false);
            return;
        }
        if (r0.fields.count(og) || r0.annots.count(og)) {
            auto a = r0.annots.find(og);
            return field(o0, o1, og, a != r0.annots.end(), a != r0.annots.end() ? a->second : 0);
        }
        // An appearance stream of a filled field rewritten in place (no page draws it itself).
        if (filling(og,
                    "revision {n} changed object {ref} of the value or appearance of the form field "
                    "'{field}'"))
            return;
        // An existing object that a page shows (its resources, content or an
        // annotation's appearance) is never allowed to change, whatever else
        // now refers to it.
        if (!pageUsed.count(og)) {
            if (dss.count(og))
                return add(K::Dss, og, say("revision {n} updated validation data in /DSS"), true);
            if (metadata.count(og))
                return add(K::Metadata, og, say("revision {n} updated the document information"), true);
            if (ltaCatalog.count(og))
                return add(
                    K::Catalog, og,
                    say("revision {n} updated {ref} of the catalog's extensions", {{"{ref}", ref(og)}}),
                    ChangeLevel::LtaUpdates);
            if (newSig.count(og))
                return add(K::SignatureAdded, og, say("revision {n} updated the new signature's objects"),
                           true);
            if (formResources.count(og))
                return add(K::FormResources, og, say("revision {n} updated the form's resources"), true);
        }
        add(K::Other, og, say("revision {n} changed object {ref}", {{"{ref}", ref(og)}}), false);
    }

    void classifyNew(QPDFObjGen og, const std::set<QPDFObjGen>& referenced) {
        if (shownUnsigned.count(og)) {
            auto it = r1.annots.find(og);
            return add(
                K::FormField, og,
                say(it != r1.annots.end()
                        ? "revision {n} added the signature field {field} on page {page}, which carries no "
                          "signature but shows an appearance that can cover what the seal covered"
                        : "revision {n} added the signature field {field}, which carries no signature but "
                          "shows "
                          "an appearance that can cover what the seal covered",
                    {{"{field}", fieldLabel(q1.getObject(og), og)},
                     {"{page}", it != r1.annots.end() ? std::to_string(it->second) : ""}}),
                ChangeLevel::Other);
        }
        if (r1.sigDicts.count(og) && newSig.count(og))
            return add(K::SignatureAdded, og,
                       say("revision {n} added a signature ({ref})", {{"{ref}", ref(og)}}), true);
        if (r1.sigFields.count(og) && newSig.count(og))
            return add(K::SignatureAdded, og,
                       say("revision {n} added the signature field {ref}", {{"{ref}", ref(og)}}), true);
        if (newSig.count(og))
            return add(K::SignatureAdded, og,
                       say("revision {n} added an object of a new signature ({ref})", {{"{ref}", ref(og)}}),
                       true);
        // Annotations added (allowed by DocMDP P3 only, 12.8.2.2.2 Table 254).
        if (newAnnots.count(og)) {
            auto it = r1.annots.find(og);
            OH annot = q1.getObject(og);
            if (it != r1.annots.end() && canCoverContent(annot))
                return add(K::Annotation, og,
                           say("revision {n} added a {subtype} annotation to page {page} ({ref}), which can "
                               "cover what the "
                               "seal covered (Evil Annotation, IEEE S&P 2021)",
                               {{"{subtype}", subtypeOf(annot)},
                                {"{page}", std::to_string(it->second)},
                                {"{ref}", ref(og)}}),
                           ChangeLevel::Other);
            return add(K::Annotation, og,
                       it != r1.annots.end()
                           ? say("revision {n} added an annotation to page {page} ({ref})",
                                 {{"{page}", std::to_string(it->second)}, {"{ref}", ref(og)}})
                           : say("revision {n} added object {ref} of a new annotation", {{"{ref}", ref(og)}}),
                       ChangeLevel::Annotations);
        }
        if (filling(og,
                    "revision {n} added object {ref} for the value or appearance of the form field "
                    "'{field}'"))
            return;
        if (moved.count(og))
            return add(K::Page, og,
                       say("revision {n} added object {ref}, equal to what the page showed before",
                           {{"{ref}", ref(og)}}),
                       ChangeLevel::None);
        // A new object that a page now draws with, other than the new
        // signature's appearance: either the page was changed (reported on its
        // own) or an old reference to a missing object, which read as null
        // (7.3.10), now finds content.
        if (pageUsed1.count(og))
            return add(K::PageContent, og,
                       say("revision {n} added object {ref}, which a page shows", {{"{ref}", ref(og)}}),
                       false);
        if (dss.count(og)) return add(K::Dss, og, say("revision {n} added validation data to /DSS"), true);
        if (formResources.count(og))
            return add(K::FormResources, og, say("revision {n} added a form resource"), true);
        if (metadata.count(og))
            return add(K::Metadata, og, say("revision {n} added document information"), true);
        if (ltaCatalog.count(og))
            return add(K::Catalog, og,
                       say("revision {n} added {ref} to the catalog's extensions", {{"{ref}", ref(og)}}),
                       ChangeLevel::LtaUpdates);
        if (auto it = r1.contents.find(og); it != r1.contents.end())
            return add(K::PageContent, og,
                       say("revision {n} added content to page {page} ({ref})",
                           {{"{page}", std::to_string(it->second)}, {"{ref}", ref(og)}}),
                       false);
        if (auto it = r1.annots.find(og); it != r1.annots.end())
            return add(K::Annotation, og,
                       say("revision {n} added an annotation to page {page} ({ref})",
                           {{"{page}", std::to_string(it->second)}, {"{ref}", ref(og)}}),
                       false);
        if (r1.pages.count(og) || r1.pageTree.count(og))
            return add(K::Page, og, say("revision {n} added a page ({ref})", {{"{ref}", ref(og)}}), false);
        if (r1.fields.count(og))
            return add(K::FormField, og, say("revision {n} added the form field {ref}", {{"{ref}", ref(og)}}),
                       false);
        if (og == r1.root)
            return add(K::Catalog, og, say("revision {n} replaced the document catalog"), false);
        if (og == r1.acroForm) return acroForm(OH::newNull(), q1.getObject(og), og, false);
        if (og == r1.fieldsArray || r1.annotArrays.count(og)) {
            // A new array object for /Fields or a page's /Annots: it may hold
            // only what was there before plus the new signature's objects (the
            // owner's change is checked on its own).
            bool ok = true;
            for (const auto& item : arrayRefs(q1.getObject(og)))
                if (!newSig.count(item) && !r0.fields.count(item) && !r0.annots.count(item)) ok = false;
            if (og == r1.fieldsArray)
                return add(ok ? K::SignatureAdded : K::FormField, og,
                           (ok ? say("revision {n} added a signature field to the form's field list")
                               : say("revision {n} changed the form's field list")),
                           ok);
            const std::string pageOf =
                fill(tr("page {page}"), {{"{page}", std::to_string(r1.annotArrays.at(og))}});
            return add(ok ? K::AnnotationAdded : K::Annotation, og,
                       (ok ? say("revision {n} added a signature widget to {where}", {{"{where}", pageOf}})
                           : say("revision {n} changed the annotations of {where}", {{"{where}", pageOf}})),
                       ok);
        }
        if (!referenced.count(og))
            return add(K::Unused, og,
                       say("revision {n} added object {ref}, which nothing uses", {{"{ref}", ref(og)}}),
                       true);
        add(K::Other, og, say("revision {n} added object {ref}", {{"{ref}", ref(og)}}), false);
    }
};

}  // namespace

RevisionDocuments::RevisionDocuments(std::string path, std::vector<PdfRevision> revisions,
                                     std::shared_ptr<const SecretString> password)
    : path_(std::move(path)), revisions_(std::move(revisions)), password_(std::move(password)) {}

RevisionDocuments::~RevisionDocuments() = default;

QPDF& RevisionDocuments::open(int revision) {
    if (revision < 1 || static_cast<std::size_t>(revision) > revisions_.size())
        throw Error(ErrorCategory::Internal, "no revision " + std::to_string(revision), path_);
    auto& slot = open_[revision];
    if (!slot) {
        auto q = std::make_shared<QPDF>();
        q->setSuppressWarnings(true);
        // A revision must read as written: no reconstruction of a damaged xref.
        q->setAttemptRecovery(false);
        q->processInputSource(openRevisionInput(path_, revisions_[static_cast<std::size_t>(revision - 1)]),
                              password_ ? password_->c_str() : nullptr);
        slot = q;
    }
    return *slot;
}

void RevisionDocuments::close(int revision) { open_.erase(revision); }

struct RevisionFacts {
    Roles roles;
    std::set<QPDFObjGen> pageUsed;
};

template <typename Spend>
const RevisionFacts& RevisionDiffer::facts(int revision, QPDF& q,
                                           const std::map<QPDFObjGen, QPDFXRefEntry>& xref,
                                           const std::set<QPDFObjGen>* touched, Spend spend) {
    std::unique_ptr<RevisionFacts>& slot = facts_[revision];
    if (!slot) {
        // The object graph read for the revision before serves this one but
        // for what this update touched; otherwise it is read from scratch.
        ObjectGraph& graph = *graph_;
        if (graph.revision != revision) {
            if (touched && graph.revision == revision - 1)
                graph.advance(*touched);
            else
                graph.nodes.clear();
            graph.revision = revision;
        }
        auto f = std::make_unique<RevisionFacts>();
        f->roles = rolesOf(q);
        spend(f->roles.pages.size() + f->roles.fields.size());
        f->pageUsed = pageUsedObjects(q, xref, f->roles, graph, spend);
        slot = std::move(f);
    }
    return *slot;
}

RevisionDiffer::RevisionDiffer(RevisionDocuments& docs)
    : docs_(docs), graph_(std::make_unique<ObjectGraph>()), budget_(kMaxObjects) {}
RevisionDiffer::~RevisionDiffer() = default;

const RevisionDiffer::PairResult& RevisionDiffer::pair(int revision) {
    auto it = pairs_.find(revision);
    if (it != pairs_.end()) return it->second;
    PairResult result;
    try {
        QPDF& q0 = docs_.open(revision - 1);
        QPDF& q1 = docs_.open(revision);
        auto x0 = q0.getXRefTable();
        auto x1 = q1.getXRefTable();
        auto spend = [&](std::size_t n) {
            if (n > budget_) throw BudgetExceeded{};
            budget_ -= n;
        };
        spend(x1.size());

        // Objects whose cross-reference entry this revision set. An object
        // stream rewritten in place changes every object it holds.
        std::set<QPDFObjGen> candidates;
        std::set<int> rewrittenStreams;
        for (const auto& [og, entry] : x1) {
            auto old = x0.find(og);
            if (old == x0.end() || !sameEntry(old->second, entry)) {
                candidates.insert(og);
                if (entry.getType() == 1) rewrittenStreams.insert(og.getObj());
            }
        }
        for (const auto& [og, entry] : x1)
            if (entry.getType() == 2 && rewrittenStreams.count(entry.getObjStreamNumber()))
                candidates.insert(og);

        // What the update touched: entries set or removed, and what the object
        // streams it touched hold. Everything else reads as in revision-1
        // (ObjectGraph also follows what an object's reading depends on).
        // Encryption keys every object's reading, so an encrypted file is
        // read afresh for each revision.
        std::set<QPDFObjGen> touched = candidates;
        for (const auto& [og, entry] : x0)
            if (!x1.count(og)) touched.insert(og);
        for (const auto& [og, entry] : x1)
            if (entry.getType() == 2 && touched.count(QPDFObjGen(entry.getObjStreamNumber(), 0)))
                touched.insert(og);
        const bool reuse = !q0.isEncrypted() && !q1.isEncrypted();

        std::set<QPDFObjGen> changed;
        std::set<QPDFObjGen> added;
        for (const auto& og : candidates) {
            OH o1 = q1.getObject(og);
            // Cross-reference and object streams are structure, not content
            // (7.5.7, 7.5.8); what an object stream holds is compared object
            // by object. Only a structure stream that replaces another one is
            // skipped, so that no content stream can hide as one.
            if (isStructure(o1) && (!x0.count(og) || isStructure(q0.getObject(og)))) continue;
            if (!x0.count(og)) {
                changed.insert(og);
                added.insert(og);
                continue;
            }
            spend(1);
            if (!sameObject(q0.getObject(og), o1)) changed.insert(og);
        }

        const RevisionFacts& f0 = facts(revision - 1, q0, x0, nullptr, spend);
        const RevisionFacts& f1 = facts(revision, q1, x1, reuse ? &touched : nullptr, spend);
        const Roles& r0 = f0.roles;
        const Roles& r1 = f1.roles;
        Classifier c{revision, q0, q1, r0, r1, changed, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}};
        c.prepare();
        c.pageUsed = f0.pageUsed;
        c.pageUsed1 = f1.pageUsed;

        if (r0.root != r1.root)
            c.add(K::Catalog, r1.root, c.say("revision {n} replaced the document catalog"), false);
        const std::set<QPDFObjGen> referenced = reachedAddedObjects(q1, changed, added);
        for (const auto& og : changed) {
            if (added.count(og))
                c.classifyNew(og, referenced);
            else
                c.classifyChanged(og);
        }
        for (const auto& [og, entry] : x0)
            if (!x1.count(og))
                c.add(K::Other, og, c.say("revision {n} deleted object {ref}", {{"{ref}", ref(og)}}), false);
        result.modifications = std::move(c.out);
    } catch (const BudgetExceeded&) {
        result.complete = false;
        result.problem =
            fill(tr("the later revisions change more objects than eseal compares (limit {limit})"),
                 {{"{limit}", std::to_string(kMaxObjects)}});
    } catch (const std::exception& e) {
        result.complete = false;
        result.problem = fill(tr("revision {n} cannot be compared with the one before: {error}"),
                              {{"{n}", std::to_string(revision)}, {"{error}", e.what()}});
    }
    // Revision-1 is the older side of this pair only; the newer side stays
    // open for the next pair. Reopened when asked again.
    docs_.close(revision - 1);
    return pairs_.emplace(revision, std::move(result)).first->second;
}

DiffOutcome RevisionDiffer::changesAfter(int signedRevision, int docMdpLevel, const FieldLock& lock) {
    DiffOutcome out;
    int last = static_cast<int>(docs_.revisions().size());
    for (int k = signedRevision + 1; k <= last; ++k) {
        const PairResult& p = pair(k);
        // DocMDP P=1: nothing may change but validation data (12.8.2.2.2,
        // ETSI EN 319 142-1 5.4); P=2 (and no certification) form filling and
        // signing; P=3 also annotations.
        const ChangeLevel allowedUpTo = docMdpLevel == 1   ? ChangeLevel::LtaUpdates
                                        : docMdpLevel == 3 ? ChangeLevel::Annotations
                                                           : ChangeLevel::FormFilling;
        for (const ClassifiedChange& c : p.modifications) {
            Modification m = c.modification;
            m.allowed = c.level <= allowedUpTo;
            // The sentence a refusal states: the change, and that it came after the seal.
            const std::string afterSeal = c.saysAfterSeal ? m.description
                                                          : fill(tr("{change} after this seal was applied"),
                                                                 {{"{change}", m.description}});
            if (!c.field.empty() && lock.locks(c.field)) {
                // FieldMDP (12.8.2.4): the seal made this field read-only.
                m.allowed = false;
                m.description =
                    fill(tr("{change}; the field '{field}' is locked by this seal (FieldMDP {lock}, "
                            "ISO 32000-1 12.8.2.4)"),
                         {{"{change}", afterSeal}, {"{field}", c.field}, {"{lock}", lock.describe()}});
                out.refusals.push_back(m.description);
            } else if (!m.allowed) {
                out.refusals.push_back(afterSeal);
            }
            out.modifications.push_back(std::move(m));
        }
        if (!p.complete) {
            out.complete = false;
            if (out.problem.empty()) out.problem = p.problem;
        }
    }
    return out;
}

}  // namespace eseal::pdf

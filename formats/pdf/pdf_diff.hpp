// What the incremental updates after a signed revision changed, and whether a
// signature's permissions allow it (ISO 32000-1 12.8.2.2 DocMDP; the model is
// pyHanko's difference analysis). Internal to the PDF adapter.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <qpdf/QPDFObjGen.hh>
#include <qpdf/QPDFXRefEntry.hh>
#include <set>
#include <string>
#include <vector>

#include "core/base/secret.hpp"
#include "core/report/report.hpp"
#include "formats/pdf/pdf_fields.hpp"
#include "formats/pdf/pdf_revisions.hpp"

class QPDF;

namespace eseal::pdf {

// Opens the revisions of one file, each as the document it was when that
// revision was the last one (qpdf sees only the file's first `end` bytes).
// An encrypted file's revisions open with `password` (its user or owner
// password; null: the empty user password).
class RevisionDocuments {
public:
    RevisionDocuments(std::string path, std::vector<PdfRevision> revisions,
                      std::shared_ptr<const SecretString> password = nullptr);
    ~RevisionDocuments();
    RevisionDocuments(const RevisionDocuments&) = delete;
    RevisionDocuments& operator=(const RevisionDocuments&) = delete;

    // 1-based revision index. Throws (qpdf's or eseal's exceptions) when the
    // revision cannot be read.
    QPDF& open(int revision);
    // Releases a revision's document (and the objects read from it).
    void close(int revision);
    const std::vector<PdfRevision>& revisions() const noexcept { return revisions_; }

private:
    std::string path_;
    std::vector<PdfRevision> revisions_;
    std::shared_ptr<const SecretString> password_;
    std::map<int, std::shared_ptr<QPDF>> open_;
};

// What a change needs, in the order of the DocMDP permissions (ISO 32000-1
// 12.8.2.2.2 Table 254; validation data: ETSI EN 319 142-1 5.4): nothing a
// reader sees, LTV updates, form filling and signing, annotations, anything else.
enum class ChangeLevel { None, LtaUpdates, FormFilling, Annotations, Other };

struct ClassifiedChange {
    Modification modification;  // allowed as for DocMDP P2
    ChangeLevel level;
    std::string field;           // fully qualified name of the form field it changed, "" when none
    bool saysAfterSeal = false;  // the description already says the change came after the seal
};

struct DiffOutcome {
    std::vector<Modification> modifications;
    // Why the changes that are not allowed fail the signature, one sentence
    // each in the order of `modifications` (translated; they say the change
    // came after the seal).
    std::vector<std::string> refusals;
    bool complete = true;  // false: the work limit was reached or a revision could not be read
    std::string problem;   // why it is not complete
};

// Changes made by revisions signedRevision+1 .. last. Results per revision
// pair are cached, so several signatures share the work.
struct RevisionFacts;  // one revision's structure and what its pages use (pdf_diff.cpp)
struct ObjectGraph;    // what each object read so far refers to, for one revision (pdf_diff.cpp)

class RevisionDiffer {
public:
    explicit RevisionDiffer(RevisionDocuments& docs);
    ~RevisionDiffer();
    RevisionDiffer(const RevisionDiffer&) = delete;
    RevisionDiffer& operator=(const RevisionDiffer&) = delete;

    // docMdpLevel is the DocMDP permission P of a certification signature
    // (12.8.2.2.2): 1 no changes, 2 form filling and signing, 3 also
    // annotations; 0 = no DocMDP transform (treated as 2). LTV updates are
    // allowed at every level; annotations only at 3 (an annotation can hide or
    // replace what the seal covered: Evil Annotation, IEEE S&P 2021).
    // A change to a field the signature locks (FieldMDP, 12.8.2.4) is never
    // allowed, whatever its level.
    DiffOutcome changesAfter(int signedRevision, int docMdpLevel, const FieldLock& lock = {});

private:
    struct PairResult {
        std::vector<ClassifiedChange> modifications;
        bool complete = true;
        std::string problem;
    };
    const PairResult& pair(int revision);  // revision-1 -> revision
    // Computed once per revision: revision k is the newer side of pair k and
    // the older side of pair k+1.
    // touched: what revision's update set or removed, when the object graph of
    // revision-1 may be reused for it (nullptr: read it afresh).
    template <typename Spend>
    const RevisionFacts& facts(int revision, QPDF& q, const std::map<QPDFObjGen, QPDFXRefEntry>& xref,
                               const std::set<QPDFObjGen>* touched, Spend spend);

    RevisionDocuments& docs_;
    std::map<int, PairResult> pairs_;
    std::map<int, std::unique_ptr<RevisionFacts>> facts_;
    std::unique_ptr<ObjectGraph> graph_;
    std::size_t budget_;
};

}  // namespace eseal::pdf

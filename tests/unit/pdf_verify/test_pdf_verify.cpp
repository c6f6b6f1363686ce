#define BOOST_TEST_MODULE pdf_verify
#include <unistd.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <functional>

#include "core/report/report.hpp"
#include "formats/pdf/pdf_revisions.hpp"
#include "formats/pdf/pdf_verify.hpp"
#include "pdf_test_util.hpp"

namespace eseal {
// For Boost.Test's messages.
std::ostream& operator<<(std::ostream& o, Indication i) { return o << toString(i); }
std::ostream& operator<<(std::ostream& o, SubIndication i) { return o << toString(i); }
std::ostream& operator<<(std::ostream& o, Coverage c) { return o << toString(c); }
}  // namespace eseal

using namespace pdftest;
using eseal::Coverage;
using eseal::Indication;
using eseal::Report;
using eseal::SignatureReport;
using eseal::SubIndication;

namespace {

const fs::path kPki = ESEAL_TEST_PKI;

eseal::TrustPolicy testPolicy() {
    eseal::TrustPolicy p;
    p.useSystemStore = false;
    p.trustFiles = {(kPki / "trust.pem").string()};
    return p;
}

Report verify(const fs::path& f) {
    static const eseal::TrustStore trust(testPolicy());
    return eseal::pdf::verifyPdf(f.string(), trust, {});
}

std::string describe(const Report& r) {
    std::string out = "readable=" + std::to_string(r.readable) + " revisions=" + std::to_string(r.revisions);
    for (const auto& e : r.errors) out += "\n  file error: " + e;
    for (const auto& s : r.signatures) {
        out += "\n  " + s.id + ": " + eseal::toString(s.verdict.indication()) + "/" +
               eseal::toString(s.verdict.subIndication()) + " coverage=" + eseal::toString(s.coverage) +
               " rev=" + std::to_string(s.revision);
        for (const auto& e : s.errors) out += "\n    error: " + e;
        for (const auto& w : s.warnings) out += "\n    warning: " + w;
        for (const auto& m : s.modifications)
            out += "\n    mod r" + std::to_string(m.revision) + " " + toString(m.kind) + " " + m.object +
                   " " + (m.allowed ? "allowed" : "NOT allowed") + ": " + m.description;
    }
    return out;
}

// One NSS database for pdfsig, holding signer-rsa (RSA: Poppler's ECDSA
// signing is unreliable) and the test root as a trusted CA.
struct Nss {
    fs::path dir;
    Nss() {
        dir = fs::path(ESEAL_TEST_DATA) / "pdf_verify" / ("nss-" + std::to_string(::getpid()));
        fs::remove_all(dir);
        fs::create_directories(dir);
        std::string db = "sql:" + dir.string();
        std::string out;
        BOOST_REQUIRE_MESSAGE(run("certutil -N --empty-password -d " + db, &out) == 0, out);
        BOOST_REQUIRE_MESSAGE(
            run("pk12util -i " + quote(kPki / "signer-rsa.p12") + " -W test -d " + db, &out) == 0, out);
        BOOST_REQUIRE_MESSAGE(
            run("certutil -A -n eseal-test-root -t CT,C,C -i " + quote(kPki / "root-ca.crt") + " -d " + db,
                &out) == 0,
            out);
    }
    ~Nss() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    // pdfsig -add-signature: Poppler signs with its own incremental update.
    void sign(const fs::path& in, const fs::path& out, const std::string& field,
              const std::string& reason = "") {
        std::string log;
        std::string cmd = "pdfsig -add-signature -nssdir sql:" + dir.string() + " -nick signer-rsa" +
                          " -new-signature-field-name " + field +
                          (reason.empty() ? "" : " -reason '" + reason + "'") + " " + quote(in) + " " +
                          quote(out);
        run(cmd, &log);
        BOOST_REQUIRE_MESSAGE(fs::exists(out), cmd + "\n" + log);
    }
    // pdfsig's own verdict, one entry per signature: "valid" or the text it printed.
    std::vector<std::string> check(const fs::path& f) {
        std::string log;
        run("pdfsig -nssdir sql:" + dir.string() + " " + quote(f), &log);
        std::vector<std::string> out;
        const std::string key = "Signature Validation: ";
        for (auto p = log.find(key); p != std::string::npos; p = log.find(key, p + 1)) {
            std::string verdict = log.substr(p + key.size(), log.find('\n', p) - p - key.size());
            out.push_back(verdict == "Signature is Valid." ? "valid" : verdict);
        }
        return out;
    }
};

Nss& nss() {
    static Nss instance;
    return instance;
}

// The text of an object as qpdf prints it.
std::string showObject(const fs::path& f, int num) {
    std::string out;
    BOOST_REQUIRE_EQUAL(run("qpdf --show-object=" + std::to_string(num) + " " + quote(f), &out), 0);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
}

bool hasModification(const SignatureReport& s, const std::string& kind, int revision, bool allowed) {
    return std::any_of(s.modifications.begin(), s.modifications.end(), [&](const eseal::Modification& m) {
        return toString(m.kind) == kind && m.revision == revision && m.allowed == allowed;
    });
}

// Replaces the /ByteRange array of the (only) signature with `values`,
// padded to the same length so nothing else moves.
void rewriteByteRange(const fs::path& f, const std::string& values) {
    std::string data = readAll(f);
    auto p = data.rfind("/ByteRange");
    BOOST_REQUIRE(p != std::string::npos);
    auto open = data.find('[', p);
    auto close = data.find(']', open);
    std::string repl = values;
    BOOST_REQUIRE(repl.size() <= close - open - 1);
    repl.resize(close - open - 1, ' ');
    data.replace(open + 1, repl.size(), repl);
    writeAll(f, data);
}

struct Range {
    std::uint64_t a, b, c;
};
Range byteRange(const fs::path& f) {
    std::string data = readAll(f);
    auto p = data.rfind("/ByteRange");
    std::istringstream in(data.substr(data.find('[', p) + 1, 100));
    std::uint64_t zero;
    Range r{};
    in >> zero >> r.a >> r.b >> r.c;
    return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(pdfsig_signature_passes_and_pdfsig_agrees) {
    TempDir dir("v-pdfsig");
    fs::path signedPdf = dir / "signed.pdf";
    nss().sign(basePdf(dir), signedPdf, "Seal1", "盖章 test");
    BOOST_REQUIRE((nss().check(signedPdf) == std::vector<std::string>{"valid"}));

    Report r = verify(signedPdf);
    BOOST_TEST_CONTEXT(describe(r)) {
        BOOST_TEST(r.readable);
        BOOST_TEST(r.format == "PDF");
        BOOST_TEST(r.fileSize == fs::file_size(signedPdf));
        BOOST_TEST(r.revisions == 2);
        BOOST_REQUIRE_EQUAL(r.signatures.size(), 1u);
        const SignatureReport& s = r.signatures[0];
        BOOST_TEST(s.id == "Seal1");
        BOOST_TEST(s.verdict.indication() == Indication::Passed);
        BOOST_TEST(s.verdict.subIndication() == SubIndication::None);
        BOOST_TEST(s.errors.empty());
        BOOST_TEST(s.coverage == Coverage::EntireFile);
        BOOST_TEST(s.revision == 2);
        BOOST_TEST(s.laterRevisions.empty());
        BOOST_TEST(s.modifications.empty());
        BOOST_TEST(s.format == "adbe.pkcs7.detached");
        BOOST_TEST(s.reason == "盖章 test");  // pdfsig writes it UTF-16BE with a BOM
        BOOST_TEST(s.digestMatches);
        BOOST_TEST(s.signatureValid);
        BOOST_REQUIRE(s.signer.has_value());
        BOOST_TEST(s.signer->commonName == "测试单位 RSA 签章人");
        BOOST_TEST(eseal::verifyExitCode(r) == 0);
        BOOST_TEST(s.appearances.empty());  // pdfsig's widget has a zero /Rect
    }
}

BOOST_AUTO_TEST_CASE(linearized_and_object_stream_inputs) {
    TempDir dir("v-lin");
    for (const std::string args : {"--linearize", "--object-streams=generate"}) {
        fs::path signedPdf = dir / "signed.pdf";
        fs::remove(signedPdf);
        nss().sign(basePdf(dir, "b", args), signedPdf, "Seal1");
        BOOST_REQUIRE((nss().check(signedPdf) == std::vector<std::string>{"valid"}));
        Report r = verify(signedPdf);
        BOOST_TEST_CONTEXT(args << "\n" << describe(r)) {
            BOOST_TEST(r.revisions == 2);
            BOOST_REQUIRE_EQUAL(r.signatures.size(), 1u);
            BOOST_TEST(r.signatures[0].verdict.indication() == Indication::Passed);
            BOOST_TEST(r.signatures[0].coverage == Coverage::EntireFile);
        }
    }
}

BOOST_AUTO_TEST_CASE(flipped_byte_in_signed_range_is_hash_failure) {
    TempDir dir("v-flip");
    fs::path signedPdf = dir / "signed.pdf";
    nss().sign(basePdf(dir), signedPdf, "Seal1");
    std::string data = readAll(signedPdf);
    auto p = data.find("Hello eseal");
    BOOST_REQUIRE(p != std::string::npos && p < byteRange(signedPdf).a);
    data[p] = 'J';
    writeAll(signedPdf, data);
    BOOST_TEST((nss().check(signedPdf) != std::vector<std::string>{"valid"}));

    Report r = verify(signedPdf);
    BOOST_TEST_CONTEXT(describe(r)) {
        BOOST_REQUIRE_EQUAL(r.signatures.size(), 1u);
        BOOST_TEST(r.signatures[0].verdict.indication() == Indication::Failed);
        BOOST_TEST(r.signatures[0].verdict.subIndication() == SubIndication::HashFailure);
        BOOST_TEST(!r.signatures[0].digestMatches);
        BOOST_TEST(eseal::verifyExitCode(r) == 1);
    }
}

BOOST_AUTO_TEST_CASE(update_that_changes_page_content_fails) {
    TempDir dir("v-forge");
    for (bool streamXref : {false, true}) {
        fs::path signedPdf = dir / "signed.pdf";
        fs::remove(signedPdf);
        nss().sign(basePdf(dir), signedPdf, "Seal1");
        std::string data = readAll(signedPdf);
        std::string page = showObject(signedPdf, 3);
        auto c = page.find("/Contents 4 0 R");
        BOOST_REQUIRE(c != std::string::npos);
        int size = lastSize(data);
        int content = size;
        page.replace(c, 15, "/Contents " + std::to_string(content) + " 0 R");
        std::string forged = "BT /F1 24 Tf 72 720 Td (Forged text) Tj ET";
        std::map<int, std::string> objs{{content, "<< /Length " + std::to_string(forged.size()) +
                                                      " >>\nstream\n" + forged + "\nendstream"},
                                        {3, page}};
        std::string update = streamXref ? streamUpdate(data.size(), objs, size + 1, 1, lastStartxref(data))
                                        : tableUpdate(data.size(), objs, size + 1, 1, lastStartxref(data));
        appendAll(signedPdf, update);
        BOOST_REQUIRE_EQUAL(run("qpdf --check " + quote(signedPdf)), 0);
        std::string text;
        run("pdftotext " + quote(signedPdf) + " -", &text);
        BOOST_REQUIRE(text.find("Forged text") != std::string::npos);

        Report r = verify(signedPdf);
        BOOST_TEST_CONTEXT((streamXref ? "stream xref\n" : "table xref\n") << describe(r)) {
            BOOST_TEST(r.revisions == 3);
            BOOST_REQUIRE_EQUAL(r.signatures.size(), 1u);
            const SignatureReport& s = r.signatures[0];
            BOOST_TEST(s.verdict.indication() == Indication::Failed);
            BOOST_TEST(s.verdict.subIndication() == SubIndication::SigConstraintsFailure);
            BOOST_TEST(s.coverage == Coverage::EarlierRevision);
            BOOST_TEST(s.revision == 2);
            BOOST_TEST(s.laterRevisions == std::vector<int>{3});
            BOOST_TEST(s.digestMatches);  // the signed revision itself is intact
            BOOST_TEST(hasModification(s, "page-content", 3, false));
            bool named = std::any_of(s.errors.begin(), s.errors.end(), [](const std::string& e) {
                return e.find("revision 3") != std::string::npos && e.find("page 1") != std::string::npos;
            });
            BOOST_TEST(named);
            BOOST_TEST(eseal::verifyExitCode(r) == 1);
        }
    }
}

BOOST_AUTO_TEST_CASE(second_pdfsig_signature_is_an_allowed_change) {
    TempDir dir("v-two");
    fs::path one = dir / "one.pdf";
    fs::path two = dir / "two.pdf";
    nss().sign(basePdf(dir), one, "Seal1");
    nss().sign(one, two, "Seal2");
    BOOST_REQUIRE((nss().check(two) == std::vector<std::string>{"valid", "valid"}));

    Report r = verify(two);
    BOOST_TEST_CONTEXT(describe(r)) {
        BOOST_TEST(r.revisions == 3);
        BOOST_REQUIRE_EQUAL(r.signatures.size(), 2u);
        const SignatureReport& first = r.signatures[0];
        const SignatureReport& second = r.signatures[1];
        BOOST_TEST(first.id == "Seal1");
        BOOST_TEST(second.id == "Seal2");
        BOOST_TEST(first.verdict.indication() != Indication::Failed);
        BOOST_TEST(second.verdict.indication() != Indication::Failed);
        BOOST_TEST(first.verdict.indication() == Indication::Passed);
        BOOST_TEST(second.verdict.indication() == Indication::Passed);
        BOOST_TEST(first.coverage == Coverage::EarlierRevision);
        BOOST_TEST(first.revision == 2);
        BOOST_TEST(first.laterRevisions == std::vector<int>{3});
        BOOST_TEST(!first.modifications.empty());
        for (const auto& m : first.modifications) {
            BOOST_TEST_INFO(m.description);
            BOOST_TEST(m.allowed);
            BOOST_TEST(m.revision == 3);
        }
        BOOST_TEST(hasModification(first, "signature-added", 3, true));
        BOOST_TEST(!first.warnings.empty());
        BOOST_TEST(second.coverage == Coverage::EntireFile);
        BOOST_TEST(second.revision == 3);
        BOOST_TEST(second.modifications.empty());
        BOOST_TEST(eseal::verifyExitCode(r) == 0);
    }
}

BOOST_AUTO_TEST_CASE(broken_byte_ranges_are_format_failures) {
    TempDir dir("v-range");
    fs::path good = dir / "signed.pdf";
    nss().sign(basePdf(dir), good, "Seal1");
    Range r = byteRange(good);
    std::uint64_t size = fs::file_size(good);
    BOOST_REQUIRE_EQUAL(r.b + r.c, size);
    auto s = [](std::uint64_t v) { return std::to_string(v); };
    const std::vector<std::pair<std::string, std::string>> variants{
        {"gap not at /Contents", "0 " + s(r.a - 20) + " " + s(r.b - 20) + " " + s(r.c + 20)},
        {"gap inside the hex string", "0 " + s(r.a + 2) + " " + s(r.b) + " " + s(r.c)},
        {"overlapping", "0 " + s(r.b) + " " + s(r.a) + " " + s(r.c)},
        {"beyond EOF", "0 " + s(r.a) + " " + s(r.b) + " " + s(r.c + 1000)},
        {"not starting at 0", "5 " + s(r.a) + " " + s(r.b) + " " + s(r.c)},
        {"negative", "0 " + s(r.a) + " " + s(r.b) + " -1"},
        {"three numbers", "0 " + s(r.a) + " " + s(r.b)},
        {"short of the end", "0 " + s(r.a) + " " + s(r.b) + " " + s(r.c - 10)},
    };
    for (const auto& [name, values] : variants) {
        fs::path f = dir / "broken.pdf";
        fs::copy_file(good, f, fs::copy_options::overwrite_existing);
        rewriteByteRange(f, values);
        Report rep = verify(f);
        BOOST_TEST_CONTEXT(name << "\n" << describe(rep)) {
            BOOST_REQUIRE_EQUAL(rep.signatures.size(), 1u);
            BOOST_TEST(rep.signatures[0].verdict.indication() == Indication::Failed);
            BOOST_TEST(rep.signatures[0].verdict.subIndication() == SubIndication::FormatFailure);
            BOOST_TEST(rep.signatures[0].coverage == Coverage::BrokenRange);
            BOOST_TEST(eseal::verifyExitCode(rep) == 1);
        }
    }
}

// Bytes after the last revision are never ignored (a repairing viewer may show
// them): the seal that does not cover them is INDETERMINATE, saying why.
BOOST_AUTO_TEST_CASE(trailing_garbage_is_not_covered) {
    TempDir dir("v-garbage");
    fs::path f = dir / "signed.pdf";
    nss().sign(basePdf(dir), f, "Seal1");
    appendAll(f, std::string("\n% trailing bytes\n") + std::string(100, 'x'));
    Report r = verify(f);
    BOOST_TEST_CONTEXT(describe(r)) {
        BOOST_REQUIRE_EQUAL(r.signatures.size(), 1u);
        BOOST_TEST(r.signatures[0].coverage == Coverage::EarlierRevision);
        BOOST_TEST(r.signatures[0].verdict.indication() == Indication::Indeterminate);
        BOOST_TEST(r.signatures[0].verdict.subIndication() == SubIndication::FormatFailure);
        BOOST_REQUIRE(!r.signatures[0].errors.empty());
        BOOST_TEST(r.signatures[0].errors.back().find("could not analyse") != std::string::npos);
        BOOST_TEST(r.signatures[0].digestMatches);
    }
}

BOOST_AUTO_TEST_CASE(unreadable_inputs) {
    TempDir dir("v-bad");
    fs::path base = basePdf(dir);
    std::string data = readAll(base);
    std::vector<std::pair<std::string, fs::path>> cases;
    cases.emplace_back("missing", dir / "missing.pdf");
    writeAll(dir / "empty.pdf", "");
    cases.emplace_back("empty", dir / "empty.pdf");
    writeAll(dir / "garbage.pdf", "This is not a PDF at all.\n" + std::string(5000, 'z'));
    cases.emplace_back("garbage", dir / "garbage.pdf");
    writeAll(dir / "truncated.pdf", data.substr(0, data.size() / 2));
    cases.emplace_back("truncated", dir / "truncated.pdf");
    fs::create_directories(dir / "dir.pdf");
    cases.emplace_back("a directory", dir / "dir.pdf");
    for (const auto& [name, f] : cases) {
        Report r = verify(f);
        BOOST_TEST_CONTEXT(name << "\n" << describe(r)) {
            BOOST_TEST(!r.readable);
            BOOST_TEST(!r.errors.empty());
            BOOST_TEST(r.signatures.empty());
            BOOST_TEST(eseal::verifyExitCode(r) == 4);
        }
    }
    // Encrypted with a user password: without it only the structure can be
    // read, all of it here (no object streams), and it holds no signature.
    BOOST_REQUIRE_EQUAL(run("qpdf --encrypt user owner 256 -- " + quote(base) + " " + quote(dir / "enc.pdf")),
                        0);
    Report closed = verify(dir / "enc.pdf");
    BOOST_TEST_CONTEXT(describe(closed)) {
        BOOST_TEST(closed.readable);
        BOOST_TEST(closed.signatures.empty());
        BOOST_REQUIRE_EQUAL(closed.errors.size(), 1u);
        BOOST_TEST(closed.errors[0].find("encrypted with a user password") != std::string::npos);
        BOOST_TEST(eseal::verifyExitCode(closed) == 3);
    }
    // In object streams, which are encrypted, nothing can be told: INDETERMINATE.
    BOOST_REQUIRE_EQUAL(run("qpdf --object-streams=generate --encrypt user owner 256 -- " + quote(base) +
                            " " + quote(dir / "enc-os.pdf")),
                        0);
    Report packed = verify(dir / "enc-os.pdf");
    BOOST_TEST_CONTEXT(describe(packed)) {
        BOOST_REQUIRE_EQUAL(packed.signatures.size(), 1u);
        BOOST_TEST(packed.signatures[0].id == "encrypted document");
        BOOST_TEST(packed.signatures[0].verdict.indication() == Indication::Indeterminate);
        BOOST_TEST(eseal::verifyExitCode(packed) == 2);
    }
    // Encrypted with an empty user password: it opens like a viewer opens it,
    // and carries no signature (exit 3).
    BOOST_REQUIRE_EQUAL(run("qpdf --encrypt '' owner 256 -- " + quote(base) + " " + quote(dir / "enc2.pdf")),
                        0);
    Report open = verify(dir / "enc2.pdf");
    BOOST_TEST_CONTEXT(describe(open)) {
        BOOST_TEST(open.readable);
        BOOST_TEST(eseal::verifyExitCode(open) == 3);
    }
}

BOOST_AUTO_TEST_CASE(pdf_without_signatures) {
    TempDir dir("v-none");
    for (const std::string args : {"", "--linearize"}) {
        Report r = verify(basePdf(dir, "b", args));
        BOOST_TEST_CONTEXT(describe(r)) {
            BOOST_TEST(r.readable);
            BOOST_TEST(r.errors.empty());
            BOOST_TEST(r.signatures.empty());
            BOOST_TEST(r.revisions == 1);
            BOOST_TEST(eseal::verifyExitCode(r) == 3);
        }
    }
}

namespace {

// A pdfsig-signed one-page file (1 catalog, 3 page, 4 content, 5 font,
// 6 AcroForm, 11 signature field + widget, 14 /Annots array, 16 signature).
fs::path signedFixture(const TempDir& dir, const std::string& name) {
    fs::path f = dir / (name + ".pdf");
    nss().sign(basePdf(dir, name + "-base"), f, "Seal1");
    BOOST_REQUIRE(showObject(f, 11).find("/FT /Sig") != std::string::npos);
    BOOST_REQUIRE(showObject(f, 14).find("11 0 R") != std::string::npos);
    return f;
}

// The integer that follows the first `key` in `s`.
int numberAfter(const std::string& s, const std::string& key) {
    auto p = s.find(key);
    BOOST_REQUIRE_MESSAGE(p != std::string::npos, "'" + key + "' not in " + s);
    return std::stoi(s.substr(p + key.size(), 20));
}

std::string replaced(std::string s, const std::string& from, const std::string& to) {
    auto p = s.find(from);
    BOOST_REQUIRE_MESSAGE(p != std::string::npos, "'" + from + "' not in " + s);
    return s.replace(p, from.size(), to);
}

}  // namespace

BOOST_AUTO_TEST_CASE(later_changes_a_seal_does_not_allow) {
    TempDir dir("v-diff");
    struct Case {
        std::string name;
        std::string kind;  // the not-allowed modification expected
        std::function<std::map<int, std::string>(const fs::path&, int size)> objects;
    };
    const std::vector<Case> cases{
        {"catalog /OpenAction", "catalog",
         [](const fs::path& f, int) {
             return std::map<int, std::string>{{1, replaced(showObject(f, 1), "/Type /Catalog",
                                                            "/Type /Catalog /OpenAction [3 0 R /Fit]")}};
         }},
        {"a text annotation", "annotation",
         [](const fs::path&, int size) {
             return std::map<int, std::string>{
                 {size, "<< /Type /Annot /Subtype /Text /Rect [10 10 50 50] /Contents (added later) >>"},
                 {14, "[ 11 0 R " + std::to_string(size) + " 0 R ]"}};
         }},
        {"field renamed", "form-field",
         [](const fs::path& f, int) {
             return std::map<int, std::string>{{11, replaced(showObject(f, 11), "/T (Seal1)", "/T (Other)")}};
         }},
        {"page resources", "page-content",
         [](const fs::path& f, int) {
             return std::map<int, std::string>{
                 {3, replaced(showObject(f, 3), "/F1 5 0 R", "/F1 5 0 R /F2 5 0 R")}};
         }},
        {"page rotated", "page",
         [](const fs::path& f, int) {
             return std::map<int, std::string>{
                 {3, replaced(showObject(f, 3), "/Type /Page", "/Type /Page /Rotate 90")}};
         }},
        {"content stream rewritten", "page-content",
         [](const fs::path&, int) {
             std::string c = "BT /F1 24 Tf 72 720 Td (Other text) Tj ET";
             return std::map<int, std::string>{
                 {4, "<< /Length " + std::to_string(c.size()) + " >>\nstream\n" + c + "\nendstream"}};
         }},
        {"page font changed and listed in /DR", "other",
         [](const fs::path& f, int) {
             return std::map<int, std::string>{
                 {5, "<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>"},
                 {6, replaced(showObject(f, 6), "/popplerfont 10 0 R", "/popplerfont 10 0 R /F9 5 0 R")}};
         }},
        {"font changed", "other",
         [](const fs::path&, int) {
             return std::map<int, std::string>{{5, "<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>"}};
         }},
    };
    for (const auto& c : cases) {
        fs::path f = signedFixture(dir, "d");
        std::string data = readAll(f);
        int size = lastSize(data);
        auto objs = c.objects(f, size);
        int newSize = std::max(size, objs.rbegin()->first + 1);
        appendAll(f, tableUpdate(data.size(), objs, newSize, 1, lastStartxref(data)));
        BOOST_REQUIRE_EQUAL(run("qpdf --check " + quote(f)), 0);
        Report r = verify(f);
        BOOST_TEST_CONTEXT(c.name << "\n" << describe(r)) {
            BOOST_REQUIRE_EQUAL(r.signatures.size(), 1u);
            const SignatureReport& s = r.signatures[0];
            BOOST_TEST(s.verdict.indication() == Indication::Failed);
            BOOST_TEST(s.verdict.subIndication() == SubIndication::SigConstraintsFailure);
            BOOST_TEST(hasModification(s, c.kind, 3, false));
            BOOST_TEST(!s.errors.empty());
        }
    }

    // An object freed by a later revision (7.5.4 free entry).
    {
        fs::path f = signedFixture(dir, "free");
        std::string data = readAll(f);
        std::uint64_t xref = data.size() + 1;
        appendAll(f, "\nxref\n5 1\n0000000000 00001 f \ntrailer\n<< /Size " + std::to_string(lastSize(data)) +
                         " /Root 1 0 R /Prev " + std::to_string(lastStartxref(data)) + " >>\nstartxref\n" +
                         std::to_string(xref) + "\n%%EOF\n");
        Report r = verify(f);
        BOOST_TEST_CONTEXT("freed object\n" << describe(r)) {
            BOOST_REQUIRE_EQUAL(r.revisions, 3);
            BOOST_REQUIRE_EQUAL(r.signatures.size(), 1u);
            BOOST_TEST(r.signatures[0].verdict.indication() == Indication::Failed);
            BOOST_TEST(hasModification(r.signatures[0], "other", 3, false));
        }
    }
}

BOOST_AUTO_TEST_CASE(later_changes_a_seal_allows) {
    TempDir dir("v-allowed");
    // Validation data (PAdES B-LT adds /DSS, ETSI EN 319 142-1 5.4) and a
    // revision that rewrites an object unchanged.
    fs::path f = signedFixture(dir, "dss");
    std::string data = readAll(f);
    int size = lastSize(data);
    std::string cert = readAll(kPki / "signer-rsa.der");
    std::map<int, std::string> objs{
        {1, replaced(showObject(f, 1), "/Type /Catalog",
                     "/Type /Catalog /DSS " + std::to_string(size) + " 0 R")},
        {size, "<< /Certs [" + std::to_string(size + 1) + " 0 R] >>"},
        {size + 1, "<< /Length " + std::to_string(cert.size()) + " >>\nstream\n" + cert + "\nendstream"},
        {5, showObject(f, 5)},
    };
    appendAll(f, tableUpdate(data.size(), objs, size + 2, 1, lastStartxref(data)));
    BOOST_REQUIRE_EQUAL(run("qpdf --check " + quote(f)), 0);
    Report r = verify(f);
    BOOST_TEST_CONTEXT(describe(r)) {
        BOOST_REQUIRE_EQUAL(r.signatures.size(), 1u);
        const SignatureReport& s = r.signatures[0];
        BOOST_TEST(s.verdict.indication() == Indication::Passed);
        BOOST_TEST(s.coverage == Coverage::EarlierRevision);
        BOOST_TEST(hasModification(s, "dss", 3, true));
        for (const auto& m : s.modifications) BOOST_TEST(m.allowed);
        // The font rewritten with the same content is no change at all.
        for (const auto& m : s.modifications) BOOST_TEST(m.object != "5 0 R");
        BOOST_TEST(!s.warnings.empty());
    }
}

// A page's /Resources moved into new objects, compared by content: nested new
// objects with the same content are no change; an added self-reference (the
// comparison must end) or a font swapped deep inside is a change.
BOOST_AUTO_TEST_CASE(resources_compared_by_content) {
    TempDir dir("v-moved");
    struct Case {
        std::string name;
        std::string font;  // the new /Font dictionary object
        bool same;
    };
    for (const Case& c : {Case{"nested", "<< /F1 5 0 R >>", true},
                          Case{"self reference", "<< /F1 5 0 R /Self @ 0 R >>", false},
                          Case{"other font", "<< /F1 4 0 R >>", false}}) {
        fs::path f = signedFixture(dir, "m");
        std::string data = readAll(f);
        const int size = lastSize(data);
        std::string font = c.font;
        if (auto at = font.find('@'); at != std::string::npos) font.replace(at, 1, std::to_string(size + 1));
        std::map<int, std::string> objs{
            {3, replaced(showObject(f, 3), "/Resources << /Font << /F1 5 0 R >> >>",
                         "/Resources " + std::to_string(size) + " 0 R")},
            {size, "<< /Font " + std::to_string(size + 1) + " 0 R >>"},
            {size + 1, font},
        };
        appendAll(f, tableUpdate(data.size(), objs, size + 2, 1, lastStartxref(data)));
        BOOST_REQUIRE_EQUAL(run("qpdf --check " + quote(f)), 0);
        Report r = verify(f);
        BOOST_TEST_CONTEXT(c.name << "\n" << describe(r)) {
            BOOST_REQUIRE_EQUAL(r.signatures.size(), 1u);
            const SignatureReport& s = r.signatures[0];
            if (c.same) {
                BOOST_TEST(s.verdict.indication() == Indication::Passed);
                BOOST_TEST(hasModification(s, "page", 3, true));
            } else {
                BOOST_TEST(s.verdict.indication() == Indication::Failed);
                BOOST_TEST(hasModification(s, "page-content", 3, false));
            }
        }
    }
}

// A trailer /Size that is not one plus the highest object number (7.5.5;
// Acrobat, iText 7 and PDFBox write it) is no damage: qpdf only warns.
BOOST_AUTO_TEST_CASE(trailer_size_off_is_not_damage) {
    TempDir dir("v-size");
    fs::path f = signedFixture(dir, "size");
    std::string data = readAll(f);
    const int size = lastSize(data);
    appendAll(f, tableUpdate(data.size(), {{5, showObject(f, 5)}}, size + 7, 1, lastStartxref(data)));
    std::string check;
    run("qpdf --check " + quote(f), &check);
    BOOST_TEST_REQUIRE(check.find("reported number of objects") != std::string::npos, check);
    Report r = verify(f);
    BOOST_TEST_CONTEXT(describe(r)) {
        BOOST_REQUIRE_EQUAL(r.signatures.size(), 1u);
        BOOST_TEST(r.signatures[0].verdict.indication() == Indication::Passed);
        for (const auto& w : r.signatures[0].warnings) BOOST_TEST(w.find("damaged") == std::string::npos, w);
    }
}

BOOST_AUTO_TEST_CASE(fields_widgets_and_hostile_structure) {
    TempDir dir("v-fields");
    // Hand-made: a signature field with two widgets (one on page 1 via
    // /Annots, one on page 2 only via /P), a /Kids cycle, a /Parent cycle.
    std::map<int, std::string> objs{
        {1, "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [6 0 R 11 0 R 13 0 R] /SigFlags 3 >> >>"},
        {2, "<< /Type /Pages /Kids [3 0 R 7 0 R] /Count 2 >>"},
        {3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [8 0 R] >>"},
        {7, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"},
        {6, "<< /FT /Sig /T (Parent) /Kids [8 0 R 9 0 R] /V 10 0 R >>"},
        {8, "<< /Type /Annot /Subtype /Widget /Parent 6 0 R /Rect [200 100 100 50] /P 3 0 R >>"},
        {9, "<< /Type /Annot /Subtype /Widget /Parent 6 0 R /Rect [10 20 30 40] /P 7 0 R >>"},
        {10,
         "<< /Type /Sig /SubFilter /ETSI.CAdES.detached /ByteRange [0 10 20 30] /Contents <01> "
         "/Reason <FEFF76D67AE0> /Location (Beijing) >>"},
        {11, "<< /T (Loop) /Kids [12 0 R 11 0 R] >>"},
        {12, "<< /Parent 11 0 R /Kids [11 0 R 12 0 R] >>"},
        {13, "<< /Parent 14 0 R /T (Cycle) /V 15 0 R >>"},
        {14, "<< /Parent 13 0 R /FT /Sig >>"},
        {15, "<< /Type /Sig /Contents <01> >>"},
    };
    fs::path f = dir / "fields.pdf";
    writeAll(f, buildPdf(objs, 1));
    BOOST_REQUIRE_EQUAL(run("qpdf --check " + quote(f)), 0);
    Report r = verify(f);
    BOOST_TEST_CONTEXT(describe(r)) {
        BOOST_TEST(r.readable);
        BOOST_REQUIRE_EQUAL(r.signatures.size(), 2u);
        const SignatureReport* parent = nullptr;
        for (const auto& s : r.signatures) {
            BOOST_TEST(s.verdict.indication() == Indication::Failed);
            BOOST_TEST(s.verdict.subIndication() == SubIndication::FormatFailure);
            BOOST_TEST(s.coverage == Coverage::BrokenRange);
            if (s.id == "Parent") parent = &s;
        }
        BOOST_REQUIRE(parent);
        BOOST_TEST(parent->reason == "盖章");  // UTF-16BE with BOM
        BOOST_TEST(parent->location == "Beijing");
        BOOST_TEST(parent->format == "ETSI.CAdES.detached");
        BOOST_REQUIRE_EQUAL(parent->appearances.size(), 2u);
        const auto& a = parent->appearances[0];
        BOOST_TEST(a.page == 1);
        BOOST_TEST(a.x == 100);
        BOOST_TEST(a.y == 50);
        BOOST_TEST(a.width == 100);
        BOOST_TEST(a.height == 50);
        BOOST_TEST(a.fieldName == "Parent");
        BOOST_TEST(parent->appearances[1].page == 2);
        BOOST_TEST(parent->appearances[1].width == 20);
        BOOST_TEST(eseal::verifyExitCode(r) == 1);
    }
}

BOOST_AUTO_TEST_CASE(mutated_and_truncated_files_never_throw) {
    TempDir dir("v-fuzz");
    fs::path good = dir / "signed.pdf";
    nss().sign(basePdf(dir), good, "Seal1");
    const std::string data = readAll(good);
    const Range range = byteRange(good);
    std::uint32_t seed = 12345;
    auto rnd = [&seed](std::uint32_t n) {
        seed = seed * 1664525u + 1013904223u;
        return (seed >> 8) % n;
    };
    fs::path f = dir / "m.pdf";
    int readable = 0;
    for (int i = 0; i < 150; ++i) {
        std::string m = data;
        // Hit the structure: the first revision's objects and xref, the
        // signature dictionary and the last xref / trailer.
        std::size_t region = rnd(3);
        std::size_t at = region == 0 ? rnd(static_cast<std::uint32_t>(std::min<std::size_t>(900, m.size())))
                         : region == 1
                             ? static_cast<std::size_t>(range.b) + rnd(static_cast<std::uint32_t>(range.c))
                             : m.size() - 1 - rnd(600);
        for (std::uint32_t k = 0, n = 1 + rnd(4); k < n && at + k < m.size(); ++k)
            m[at + k] = static_cast<char>("0123456789 /<>[]()RnfobjxrefstartxrefEOF%\r\n\0"[rnd(45)]);
        writeAll(f, m);
        Report r;
        BOOST_CHECK_NO_THROW(r = verify(f));
        if (r.readable) ++readable;
        int code = eseal::verifyExitCode(r);
        BOOST_TEST((code >= 0 && code <= 4));
    }
    for (int i = 0; i < 30; ++i) {
        writeAll(f, data.substr(0, rnd(static_cast<std::uint32_t>(data.size()))));
        BOOST_CHECK_NO_THROW(verify(f));
    }
    BOOST_TEST(readable > 0);
}

BOOST_AUTO_TEST_CASE(rewritten_object_stream_changes_are_found) {
    // A later revision redefines only an object stream (7.5.7): every object
    // it holds changes although their own xref entries stay the same.
    TempDir dir("v-objstm");
    fs::path f = dir / "signed.pdf";
    nss().sign(basePdf(dir, "os", "--object-streams=generate"), f, "Seal1");
    std::string pages;
    BOOST_REQUIRE_EQUAL(run("qpdf --show-pages " + quote(f), &pages), 0);
    // The page itself is rewritten by pdfsig; its parent (the page tree root)
    // stays in the object stream. /Rotate there is inherited (7.7.3.4).
    std::string pageText = showObject(f, numberAfter(pages, "page 1: "));
    int page = numberAfter(pageText, "/Parent ");
    std::string xref;
    BOOST_REQUIRE_EQUAL(run("qpdf --show-xref " + quote(f), &xref), 0);
    std::string entry = "\n" + std::to_string(page) + "/0: compressed; stream = ";
    BOOST_REQUIRE_MESSAGE(xref.find(entry) != std::string::npos, xref);
    int stream = numberAfter(xref, entry);
    std::string dict = showObject(f, stream);
    std::size_t first = static_cast<std::size_t>(numberAfter(dict, "/First "));
    std::string body;
    BOOST_REQUIRE_EQUAL(
        run("qpdf --show-object=" + std::to_string(stream) + " --filtered-stream-data " + quote(f), &body),
        0);
    std::istringstream header(body.substr(0, first));
    std::vector<std::pair<int, std::size_t>> entries;
    int num;
    std::size_t off;
    while (header >> num >> off) entries.emplace_back(num, off);
    std::string newHeader, newObjects;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        std::size_t from = first + entries[i].second;
        std::size_t to = i + 1 < entries.size() ? first + entries[i + 1].second : body.size();
        std::string text = body.substr(from, to - from);
        if (entries[i].first == page) text = replaced(text, "/Type /Pages", "/Rotate 90 /Type /Pages");
        newHeader += std::to_string(entries[i].first) + " " + std::to_string(newObjects.size()) + " ";
        newObjects += text + "\n";
    }
    std::string data = newHeader + "\n" + newObjects;
    std::string objstm = "<< /Type /ObjStm /N " + std::to_string(entries.size()) + " /First " +
                         std::to_string(newHeader.size() + 1) + " /Length " + std::to_string(data.size()) +
                         " >>\nstream\n" + data + "\nendstream";
    std::string file = readAll(f);
    appendAll(
        f, tableUpdate(file.size(), {{stream, objstm}}, lastSize(file), lastRoot(file), lastStartxref(file)));
    std::string check;
    BOOST_REQUIRE_MESSAGE(run("qpdf --check " + quote(f), &check) == 0, check);
    BOOST_REQUIRE(showObject(f, page).find("/Rotate 90") != std::string::npos);

    Report r = verify(f);
    BOOST_TEST_CONTEXT(describe(r)) {
        BOOST_REQUIRE_EQUAL(r.signatures.size(), 1u);
        BOOST_TEST(r.signatures[0].verdict.indication() == Indication::Failed);
        BOOST_TEST(r.signatures[0].verdict.subIndication() == SubIndication::SigConstraintsFailure);
        BOOST_TEST(hasModification(r.signatures[0], "page", 3, false));
    }
}

BOOST_AUTO_TEST_CASE(pdfsig_signing_existing_empty_fields) {
    // Two empty signature fields prepared in the original; pdfsig fills one
    // per revision. Filling a prepared field is allowed (12.8.2.2.2, P=2).
    TempDir dir("v-empty");
    auto objs = onePageObjects();
    objs[1] = "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [6 0 R 7 0 R] /SigFlags 3 >> >>";
    objs[3] =
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> /Annots [6 0 R 7 0 R] >>";
    objs[6] = "<< /FT /Sig /T (Seal1) /Type /Annot /Subtype /Widget /Rect [100 100 200 150] /P 3 0 R /F 4 >>";
    objs[7] = "<< /FT /Sig /T (Seal2) /Type /Annot /Subtype /Widget /Rect [400 150 300 100] /P 3 0 R /F 4 >>";
    fs::path base = dir / "fields.pdf";
    writeAll(base, buildPdf(objs, 1));
    BOOST_REQUIRE_EQUAL(run("qpdf --check " + quote(base)), 0);
    fs::path one = dir / "one.pdf";
    fs::path two = dir / "two.pdf";
    std::string log;
    run("pdfsig -nssdir sql:" + nss().dir.string() + " -nick signer-rsa -sign Seal1 " + quote(base) + " " +
            quote(one),
        &log);
    run("pdfsig -nssdir sql:" + nss().dir.string() + " -nick signer-rsa -sign Seal2 " + quote(one) + " " +
            quote(two),
        &log);
    BOOST_REQUIRE_MESSAGE(fs::exists(two), log);
    BOOST_REQUIRE((nss().check(two) == std::vector<std::string>{"valid", "valid"}));

    Report r = verify(two);
    BOOST_TEST_CONTEXT(describe(r)) {
        BOOST_TEST(r.revisions == 3);
        BOOST_REQUIRE_EQUAL(r.signatures.size(), 2u);
        BOOST_TEST(r.signatures[0].id == "Seal1");
        BOOST_TEST(r.signatures[0].verdict.indication() == Indication::Passed);
        BOOST_TEST(r.signatures[0].coverage == Coverage::EarlierRevision);
        BOOST_TEST(hasModification(r.signatures[0], "signature-added", 3, true));
        for (const auto& m : r.signatures[0].modifications) BOOST_TEST(m.allowed);
        BOOST_TEST(r.signatures[1].id == "Seal2");
        BOOST_TEST(r.signatures[1].verdict.indication() == Indication::Passed);
        BOOST_TEST(r.signatures[1].coverage == Coverage::EntireFile);
        // Visible widgets: the seal's place on the page, /Rect normalised.
        BOOST_REQUIRE_EQUAL(r.signatures[1].appearances.size(), 1u);
        const auto& a = r.signatures[1].appearances[0];
        BOOST_TEST(a.page == 1);
        BOOST_TEST(a.x == 300);
        BOOST_TEST(a.y == 100);
        BOOST_TEST(a.width == 100);
        BOOST_TEST(a.height == 50);
        BOOST_TEST(eseal::verifyExitCode(r) == 0);
    }
}

BOOST_AUTO_TEST_CASE(defining_a_dangling_reference_later_is_found) {
    // The original's page names an XObject that does not exist (null); a
    // later revision defines it and so adds content to the page.
    TempDir dir("v-dangling");
    auto objs = onePageObjects();
    std::string content = "q 100 0 0 100 100 100 cm /X1 Do Q BT /F1 24 Tf 72 720 Td (Hello eseal) Tj ET";
    objs[3] =
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> /XObject << /X1 40 0 R >> >> >>";
    objs[4] = "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream";
    fs::path base = dir / "dangling.pdf";
    writeAll(base, buildPdf(objs, 1));
    fs::path f = dir / "signed.pdf";
    nss().sign(base, f, "Seal1");
    std::string data = readAll(f);
    std::string form = "0 0 1 rg 0 0 1 1 re f";
    appendAll(f, tableUpdate(data.size(),
                             {{40, "<< /Type /XObject /Subtype /Form /BBox [0 0 1 1] /Length " +
                                       std::to_string(form.size()) + " >>\nstream\n" + form + "\nendstream"}},
                             41, 1, lastStartxref(data)));
    Report r = verify(f);
    BOOST_TEST_CONTEXT(describe(r)) {
        BOOST_REQUIRE_EQUAL(r.signatures.size(), 1u);
        BOOST_TEST(r.signatures[0].verdict.indication() == Indication::Failed);
        BOOST_TEST(hasModification(r.signatures[0], "page-content", 3, false));
    }
}

BOOST_AUTO_TEST_CASE(form_filling_after_a_seal_and_field_locks) {
    // A form with an empty text field (Name) and an empty signature field
    // that pdfsig signs; a later revision fills in Name with a value and an
    // appearance. Form filling is allowed (DocMDP P2 and no certification,
    // 12.8.2.2.2), unless the seal's field locks Name (FieldMDP through the
    // field's /Lock, 12.7.4.5 Table 233, 12.8.2.4).
    TempDir dir("v-fill");
    for (const std::string lock : {"", "/Lock << /Type /SigFieldLock /Action /Include /Fields [(Name)] >>",
                                   "/Lock << /Type /SigFieldLock /Action /Include /Fields [(Other)] >>"}) {
        BOOST_TEST_CONTEXT("lock: " << lock) {
            auto objs = onePageObjects();
            const std::string paint = "0 0 0 rg 0 0 1 1 re f";
            objs[1] =
                "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [6 0 R 7 0 R] /SigFlags 3 /DA (/F1 0 Tf "
                "0 g) >> >>";
            objs[3] =
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                "/Resources << /Font << /F1 5 0 R >> >> /Annots [6 0 R 7 0 R] >>";
            objs[6] =
                "<< /FT /Tx /T (Name) /Type /Annot /Subtype /Widget /Rect [100 600 300 620] /P 3 0 R /F 4 "
                "/AP << /N 8 0 R >> >>";
            objs[7] =
                "<< /FT /Sig /T (Seal1) /Type /Annot /Subtype /Widget /Rect [400 100 500 150] /P 3 0 R /F "
                "4 " +
                lock + " >>";
            objs[8] = "<< /Type /XObject /Subtype /Form /BBox [0 0 1 1] /Length " +
                      std::to_string(paint.size()) + " >>\nstream\n" + paint + "\nendstream";
            fs::path base = dir / "form.pdf";
            writeAll(base, buildPdf(objs, 1));
            fs::path f = dir / "signed.pdf";
            fs::remove(f);
            std::string log;
            run("pdfsig -nssdir sql:" + nss().dir.string() + " -nick signer-rsa -sign Seal1 " + quote(base) +
                    " " + quote(f),
                &log);
            BOOST_REQUIRE_MESSAGE(fs::exists(f), log);
            if (!lock.empty()) BOOST_REQUIRE(showObject(f, 7).find("/Lock") != std::string::npos);

            std::string data = readAll(f);
            const int ap = lastSize(data);
            const std::string blue = "0 0 1 rg 0 0 1 1 re f";
            appendAll(f, tableUpdate(
                             data.size(),
                             {{6,
                               "<< /FT /Tx /T (Name) /Type /Annot /Subtype /Widget /Rect [100 600 300 620] "
                               "/P 3 0 R /F 4 /V (Alice) /AP << /N " +
                                   std::to_string(ap) + " 0 R >> >>"},
                              {ap, "<< /Type /XObject /Subtype /Form /BBox [0 0 1 1] /Length " +
                                       std::to_string(blue.size()) + " >>\nstream\n" + blue + "\nendstream"}},
                             ap + 1, lastRoot(data), lastStartxref(data)));
            std::string check;
            BOOST_REQUIRE_MESSAGE(run("qpdf --check " + quote(f), &check) == 0, check);
            // pdfsig: the signature itself stays valid (it judges no later revision).
            BOOST_TEST((nss().check(f) == std::vector<std::string>{"valid"}));

            Report r = verify(f);
            BOOST_TEST_CONTEXT(describe(r)) {
                BOOST_REQUIRE_EQUAL(r.signatures.size(), 1u);
                const SignatureReport& s = r.signatures[0];
                const bool locked = lock.find("(Name)") != std::string::npos;
                BOOST_TEST(s.coverage == Coverage::EarlierRevision);
                BOOST_TEST(hasModification(s, "form-field", 3, !locked));
                if (locked) {
                    BOOST_TEST(s.verdict.indication() == Indication::Failed);
                    BOOST_TEST(s.verdict.subIndication() == SubIndication::SigConstraintsFailure);
                    BOOST_TEST(std::any_of(s.errors.begin(), s.errors.end(), [](const std::string& e) {
                        return e.find("'Name' is locked by this seal") != std::string::npos;
                    }));
                } else {
                    BOOST_TEST(s.verdict.indication() == Indication::Passed);
                    BOOST_TEST(eseal::verifyExitCode(r) == 0);
                }
            }
        }
    }
}

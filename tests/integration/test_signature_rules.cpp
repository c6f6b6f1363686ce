// Signature fields that hold no signature, certification order and FieldMDP
// locks, on real incremental updates: eseal seals letter.pdf, then
// tests/integration/append-signature.py adds or signs signature fields with
// openssl cms (as other signers would) and append-change.py makes later
// changes. Every file is also checked by qpdf --check and pdfsig; what pdfsig
// says is recorded in the messages.
#define BOOST_TEST_MODULE integ_signature_rules
#include <boost/test/unit_test.hpp>
#include <sstream>

#include "tests/integration/support.hpp"

using namespace integ;

namespace {

fs::path sealedLetter(const TempDir& dir) {
    const fs::path out = dir / "sealed.pdf";
    RunResult r = sign({inputsDir() / "letter.pdf"}, {"-o", out.string()}, "signer-ec", {"--at", "151,212"});
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    return out;
}

// append-signature.py IN OUT ARGS..., signing with signer-rsa.
void runAppendSignature(const fs::path& in, const fs::path& out, const std::vector<std::string>& args) {
    std::vector<std::string> argv{"/usr/bin/python3",
                                  std::string(ESEAL_INTEG_DIR) + "/append-signature.py",
                                  in.string(),
                                  out.string(),
                                  "--key",
                                  (pkiDir() / "signer-rsa.key").string(),
                                  "--cert",
                                  (pkiDir() / "signer-rsa.crt").string(),
                                  "--chain",
                                  (pkiDir() / "ca-chain.pem").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    RunResult u = run(argv);
    BOOST_REQUIRE_MESSAGE(u.exitCode == 0, u.describe());
}

// The same; the file must pass qpdf --check.
fs::path appendSignature(const fs::path& in, const fs::path& out, const std::vector<std::string>& args) {
    runAppendSignature(in, out, args);
    std::string qpdfOut;
    BOOST_REQUIRE_MESSAGE(qpdfCheck(out, &qpdfOut), qpdfOut);
    return out;
}

// The same, for a file qpdf --check may warn about as given (node-signpdf's
// early startxref: "extraneous whitespace seen before xref"); any other
// warning or error fails.
fs::path appendDamagedSignature(const fs::path& in, const fs::path& out,
                                const std::vector<std::string>& args) {
    runAppendSignature(in, out, args);
    RunResult q = run({"/usr/bin/qpdf", "--check", out.string()});
    BOOST_CHECK_MESSAGE(q.exitCode == 0 || q.exitCode == 3, q.describe());
    std::istringstream lines(q.out + q.err);
    for (std::string line; std::getline(lines, line);) {
        if (line.find("WARNING") == std::string::npos && line.find("ERROR") == std::string::npos) continue;
        BOOST_CHECK_MESSAGE(line.find("extraneous whitespace seen before xref") != std::string::npos,
                            "qpdf --check: " << line);
    }
    return out;
}

const nlohmann::json* findUnsigned(const nlohmann::json& report, const std::string& name) {
    auto list = report.find("unsignedFields");
    if (list == report.end() || !list->is_array()) return nullptr;
    for (const auto& f : *list)
        if (f.value("name", std::string()) == name) return &f;
    return nullptr;
}

std::string pdfsigSays(const PdfsigResult& p) {
    std::string out;
    for (const auto& s : p.signatures) out += " [" + s.fieldName + ": " + s.validation + "]";
    return out.empty() ? " (no signature)" : out;
}

bool anyModification(const nlohmann::json& sig, const std::string& needle, bool allowed) {
    for (const auto& m : sig.value("modifications", nlohmann::json::array()))
        if (m.value("allowed", !allowed) == allowed &&
            m.value("description", std::string()).find(needle) != std::string::npos)
            return true;
    return false;
}

fs::path realWorld(const std::string& rel) {
    return sourceDir() / ".." / "shared" / "testdata" / "realworld-pdf" / rel;
}

}  // namespace

// EU DSS's file with two signature dictionaries that were prepared and never
// signed (/Contents all zeros): two unsigned fields, no signature, exit 3.
// pdfsig lists them as signatures that fail to validate.
BOOST_AUTO_TEST_CASE(placeholders_of_a_real_file_are_unsigned_fields) {
    const fs::path f = realWorld("dss/pdf-with-two-empty-sigs.pdf");
    if (!fs::exists(f)) {
        BOOST_TEST_MESSAGE("skipped: " << f << " is not there");
        return;
    }
    Verified v = verifyJson(f);
    BOOST_CHECK_MESSAGE(v.run.exitCode == 3, v.run.describe());
    BOOST_REQUIRE_MESSAGE(v.report.is_object(), v.run.describe());
    BOOST_CHECK_EQUAL(v.report.value("indication", std::string()), "NO_SIGNATURE");
    BOOST_CHECK(v.report.value("signatures", nlohmann::json::array({1})).empty());
    for (const char* name : {"Signature1", "Signature2"}) {
        const auto* u = findUnsigned(v.report, name);
        BOOST_REQUIRE_MESSAGE(u != nullptr, v.report.dump(1));
        BOOST_CHECK_EQUAL(u->value("state", std::string()), "placeholder");
        BOOST_CHECK_EQUAL(u->value("page", 0), 1);
    }
    RunResult t = eseal({"verify", f.string(), "--no-system-trust"});
    BOOST_CHECK_EQUAL(t.exitCode, 3);
    BOOST_CHECK_MESSAGE(t.out.find("Unsigned field Signature1: not signed") != std::string::npos, t.out);
    BOOST_CHECK_MESSAGE(t.out.find("only 2 unsigned signature field(s)") != std::string::npos, t.out);
    BOOST_CHECK(t.out.find("FAILED") == std::string::npos);
    PdfsigResult p = pdfsig(f);
    BOOST_TEST_MESSAGE("pdfsig on " << f.filename() << ":" << pdfsigSays(p));
    BOOST_CHECK_EQUAL(p.signatures.size(), 2u);
    for (const auto& s : p.signatures) BOOST_CHECK(!s.valid);
}

// An empty field and a placeholder added after our seal, both invisible:
// preparing a field is form filling, the seal stays PASSED, exit 0, and the
// fields are listed as unsigned, not counted as signatures.
BOOST_AUTO_TEST_CASE(empty_and_placeholder_fields_after_a_seal_keep_it) {
    TempDir dir("unsigned");
    const fs::path sealed = sealedLetter(dir);
    const fs::path empty = appendSignature(sealed, dir / "empty.pdf", {"--field", "Later", "--empty"});
    const fs::path holder =
        appendSignature(empty, dir / "holder.pdf", {"--field", "Holder", "--placeholder"});
    for (const auto& [file, names] : std::vector<std::pair<fs::path, std::vector<std::string>>>{
             {empty, {"Later"}}, {holder, {"Later", "Holder"}}}) {
        BOOST_TEST_CONTEXT(file.filename()) {
            Verified v = verifyJson(file);
            BOOST_CHECK_MESSAGE(v.run.exitCode == 0, v.run.describe());
            BOOST_REQUIRE(v.report.is_object());
            BOOST_CHECK_EQUAL(v.report.value("indication", std::string()), "PASSED");
            BOOST_CHECK_EQUAL(v.report.value("signatures", nlohmann::json::array()).size(), 1u);
            const auto* s = findSignature(v.report, "Seal1");
            BOOST_REQUIRE(s != nullptr);
            BOOST_CHECK_EQUAL(s->value("indication", std::string()), "PASSED");
            BOOST_CHECK_EQUAL(v.report.value("unsignedFields", nlohmann::json::array()).size(), names.size());
            for (const auto& n : names) {
                const auto* u = findUnsigned(v.report, n);
                BOOST_REQUIRE_MESSAGE(u != nullptr, v.report.dump(1));
                BOOST_CHECK_EQUAL(u->value("state", std::string()), n == "Holder" ? "placeholder" : "empty");
                BOOST_CHECK(!u->value("visible", true));
            }
            PdfsigResult p = pdfsig(file);
            BOOST_TEST_MESSAGE("pdfsig on " << file.filename() << ":" << pdfsigSays(p));
            BOOST_REQUIRE(!p.signatures.empty());
            BOOST_CHECK(p.signatures[0].valid);
            RunResult t =
                eseal({"verify", file.string(), "--trust", trustPem().string(), "--no-system-trust"});
            BOOST_CHECK_EQUAL(t.exitCode, 0);
            BOOST_CHECK_MESSAGE(t.out.find("Unsigned field Later: not signed (an empty signature field)") !=
                                    std::string::npos,
                                t.out);
        }
    }
}

// A certification (DocMDP) must be the first signature (ISO 32000-1
// 12.8.2.2.1): one added after our approval seal is FAILED, while the seal
// itself stays intact. The benign twin, a certification first and our seal
// after it, passes both. pdfsig validates the bytes of both and does not see
// the order.
BOOST_AUTO_TEST_CASE(certification_after_an_approval_is_not_passed) {
    TempDir dir("certify");
    const fs::path sealed = sealedLetter(dir);
    const fs::path late = appendSignature(sealed, dir / "late.pdf", {"--field", "Cert", "--certify", "2"});
    Verified v = verifyJson(late);
    BOOST_CHECK_MESSAGE(v.run.exitCode == 1, v.run.describe());
    BOOST_REQUIRE(v.report.is_object());
    BOOST_CHECK_EQUAL(v.report.value("indication", std::string()), "FAILED");
    const auto* cert = findSignature(v.report, "Cert");
    BOOST_REQUIRE_MESSAGE(cert != nullptr, v.report.dump(1));
    BOOST_CHECK_EQUAL(cert->value("indication", std::string()), "FAILED");
    BOOST_CHECK_EQUAL(cert->value("subIndication", std::string()), "SIG_CONSTRAINTS_FAILURE");
    BOOST_CHECK(cert->value("digestMatches", false));
    BOOST_CHECK_MESSAGE(
        cert->value("errors", nlohmann::json::array()).dump().find("must be the first") != std::string::npos,
        cert->dump(1));
    const auto* seal = findSignature(v.report, "Seal1");
    BOOST_REQUIRE(seal != nullptr);
    BOOST_CHECK_EQUAL(seal->value("indication", std::string()), "PASSED");
    PdfsigResult p = pdfsig(late);
    BOOST_TEST_MESSAGE("pdfsig on the late certification:" << pdfsigSays(p));
    BOOST_REQUIRE_EQUAL(p.signatures.size(), 2u);

    // Twin: certified first (P 2), then sealed by eseal.
    const fs::path certified = appendSignature(inputsDir() / "letter.pdf", dir / "certified.pdf",
                                               {"--field", "Cert", "--certify", "2"});
    const fs::path twin = dir / "twin.pdf";
    RunResult r = sign({certified}, {"-o", twin.string()}, "signer-ec", {"--at", "151,212"});
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    std::string qpdfOut;
    BOOST_CHECK_MESSAGE(qpdfCheck(twin, &qpdfOut), qpdfOut);
    Verified t = verifyJson(twin);
    BOOST_CHECK_MESSAGE(t.run.exitCode == 0, t.run.describe());
    BOOST_REQUIRE(t.report.is_object());
    BOOST_CHECK_EQUAL(t.report.value("indication", std::string()), "PASSED");
    PdfsigResult pt = pdfsig(twin);
    BOOST_REQUIRE_EQUAL(pt.signatures.size(), 2u);
    for (const auto& s : pt.signatures) BOOST_CHECK_MESSAGE(s.valid, s.validation);
}

// FieldMDP (ISO 32000-1 12.8.2.4): a signature that locks the empty field
// Seal2 is FAILED when Seal2 is signed later, with a sentence naming the
// field; locking another field, or excluding Seal2, lets it pass.
BOOST_AUTO_TEST_CASE(fieldmdp_locks_are_judged) {
    TempDir dir("fieldmdp");
    const fs::path prepared =
        appendSignature(inputsDir() / "letter.pdf", dir / "prepared.pdf", {"--field", "Seal2", "--empty"});
    struct Case {
        std::string lock;
        bool passes;
    };
    const std::vector<Case> cases{
        {"Include:Seal2", false}, {"All", false}, {"Include:Other", true}, {"Exclude:Seal2", true}};
    int n = 0;
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.lock) {
            const std::string stem = "lock" + std::to_string(++n);
            const fs::path locked =
                appendSignature(prepared, dir / (stem + "-a.pdf"), {"--field", "Lock1", "--lock", c.lock});
            const fs::path after = appendSignature(locked, dir / (stem + "-b.pdf"), {"--field", "Seal2"});
            Verified v = verifyJson(after);
            BOOST_REQUIRE_MESSAGE(v.report.is_object(), v.run.describe());
            const auto* lock = findSignature(v.report, "Lock1");
            const auto* second = findSignature(v.report, "Seal2");
            BOOST_REQUIRE_MESSAGE(lock != nullptr && second != nullptr, v.report.dump(1));
            // The test PKI's signer-rsa chains to the trusted root.
            BOOST_CHECK_EQUAL(second->value("indication", std::string()), "PASSED");
            PdfsigResult p = pdfsig(after);
            BOOST_TEST_MESSAGE("pdfsig with lock " << c.lock << ":" << pdfsigSays(p));
            BOOST_REQUIRE_EQUAL(p.signatures.size(), 2u);
            for (const auto& s : p.signatures) BOOST_CHECK_MESSAGE(s.valid, s.validation);
            if (c.passes) {
                BOOST_CHECK_MESSAGE(v.run.exitCode == 0, v.run.describe());
                BOOST_CHECK_EQUAL(lock->value("indication", std::string()), "PASSED");
            } else {
                BOOST_CHECK_MESSAGE(v.run.exitCode == 1, v.run.describe());
                BOOST_CHECK_EQUAL(lock->value("indication", std::string()), "FAILED");
                BOOST_CHECK_EQUAL(lock->value("subIndication", std::string()), "SIG_CONSTRAINTS_FAILURE");
                BOOST_CHECK_MESSAGE(anyModification(*lock, "the field 'Seal2' is locked by this seal", false),
                                    lock->dump(1));
                RunResult t =
                    eseal({"verify", after.string(), "--trust", trustPem().string(), "--no-system-trust"});
                BOOST_CHECK_MESSAGE(t.out.find("'Seal2' is locked by this seal") != std::string::npos, t.out);
            }
        }
    }
}

// Sneaky Signature (IEEE S&P 2021): a signature field added after the seal
// that shows a picture over the page but holds no signature. It is no
// signature, and it makes the seal FAILED; the same field invisible is the
// benign twin above.
BOOST_AUTO_TEST_CASE(a_visible_unsigned_field_after_a_seal_fails_it) {
    TempDir dir("sneaky");
    const fs::path sealed = sealedLetter(dir);
    for (const char* how : {"--empty", "--placeholder"}) {
        BOOST_TEST_CONTEXT(how) {
            const fs::path f = appendSignature(sealed, dir / (std::string(how + 2) + ".pdf"),
                                               {"--field", "Cover", how, "--rect", "60,500,540,760",
                                                "--appearance", "The amount is 9,000,000 EUR"});
            Verified v = verifyJson(f);
            BOOST_CHECK_MESSAGE(v.run.exitCode == 1, v.run.describe());
            BOOST_REQUIRE(v.report.is_object());
            const auto* s = findSignature(v.report, "Seal1");
            BOOST_REQUIRE(s != nullptr);
            BOOST_CHECK_EQUAL(s->value("indication", std::string()), "FAILED");
            BOOST_CHECK_MESSAGE(anyModification(*s, "'Cover'", false), s->dump(1));
            const auto* u = findUnsigned(v.report, "Cover");
            BOOST_REQUIRE_MESSAGE(u != nullptr, v.report.dump(1));
            BOOST_CHECK(u->value("visible", false));
            PdfsigResult p = pdfsig(f);
            BOOST_TEST_MESSAGE("pdfsig on the sneaky field (" << how << "):" << pdfsigSays(p));
            BOOST_REQUIRE(!p.signatures.empty());
            BOOST_CHECK(p.signatures[0].valid);  // pdfsig judges the signed bytes only
        }
    }
}

// Signed encrypted PDFs (an empty user password, as viewers open them): the
// signature is checked on the file's own bytes, the objects are read
// decrypted. A file Poppler signed after qpdf encrypted it passes, as pdfsig
// says; a page change appended to it fails. The real-world files (Acrobat
// Sign, a Belgian eID) verify intact with an untrusted root here (exit 2),
// where pdfsig says "Signature is Valid." too.
BOOST_AUTO_TEST_CASE(signed_encrypted_files_are_verified) {
    TempDir dir("encrypted");
    const fs::path enc = dir / "enc.pdf";
    BOOST_REQUIRE_EQUAL(run({"qpdf", "--encrypt", "", "owner", "256", "--",
                             (inputsDir() / "letter.pdf").string(), enc.string()})
                            .exitCode,
                        0);
    const fs::path signedEnc = dir / "enc-signed.pdf";
    run({"pdfsig", "-add-signature", "-nssdir", "sql:" + nssDb().string(), "-nick", "signer-rsa",
         "-new-signature-field-name", "S1", enc.string(), signedEnc.string()});
    BOOST_REQUIRE(fs::exists(signedEnc));
    std::string qpdfOut;
    BOOST_CHECK_MESSAGE(qpdfCheck(signedEnc, &qpdfOut), qpdfOut);
    PdfsigResult p = pdfsig(signedEnc);
    BOOST_REQUIRE_EQUAL(p.signatures.size(), 1u);
    BOOST_CHECK(p.signatures[0].valid && p.signatures[0].totalDocument);
    Verified v = verifyJson(signedEnc);
    BOOST_CHECK_MESSAGE(v.run.exitCode == 0, v.run.describe());
    BOOST_REQUIRE(v.report.is_object());
    const auto* s = findSignature(v.report, "S1");
    BOOST_REQUIRE_MESSAGE(s != nullptr, v.report.dump(1));
    BOOST_CHECK_EQUAL(s->value("indication", std::string()), "PASSED");
    BOOST_CHECK_MESSAGE(
        s->value("warnings", nlohmann::json::array()).dump().find("encrypted") != std::string::npos,
        s->dump(1));

    const fs::path changed = dir / "enc-changed.pdf";
    RunResult u = run({"/usr/bin/python3", std::string(ESEAL_INTEG_DIR) + "/append-change.py",
                       signedEnc.string(), changed.string(), "content"});
    BOOST_REQUIRE_MESSAGE(u.exitCode == 0, u.describe());
    Verified c = verifyJson(changed);
    BOOST_CHECK_MESSAGE(c.run.exitCode == 1, c.run.describe());
    PdfsigResult pc = pdfsig(changed);
    BOOST_TEST_MESSAGE("pdfsig on the changed encrypted file:" << pdfsigSays(pc));

    for (const char* rel : {"qpdf/minimal-signed-restricted.pdf",
                            "dss/edition_protected_signing_allowed_with_field_signed.pdf"}) {
        const fs::path f = realWorld(rel);
        if (!fs::exists(f)) continue;
        BOOST_TEST_CONTEXT(rel) {
            Verified r = verifyJson(f);
            BOOST_CHECK_MESSAGE(r.run.exitCode == 2, r.run.describe());
            BOOST_REQUIRE(r.report.is_object());
            BOOST_CHECK(r.report.value("readable", false));
            const auto sigs = r.report.value("signatures", nlohmann::json::array());
            BOOST_REQUIRE_EQUAL(sigs.size(), 1u);
            BOOST_CHECK(sigs[0].value("digestMatches", false));
            BOOST_CHECK(sigs[0].value("signatureValid", false));
            BOOST_CHECK_EQUAL(sigs[0].value("coverage", std::string()), "entire-file");
            BOOST_CHECK_EQUAL(sigs[0].value("subIndication", std::string()), "NO_CERTIFICATE_CHAIN_FOUND");
            PdfsigResult pr = pdfsig(f);
            BOOST_REQUIRE_EQUAL(pr.signatures.size(), 1u);
            BOOST_CHECK_MESSAGE(pr.signatures[0].valid, pr.signatures[0].validation);
        }
    }
}

// node-signpdf writes each update's startxref one byte early (at the EOL
// before "xref") and repeats that offset as the next update's /Prev; pdfsig
// reads such files. eseal reads them too: the seal and both later signatures
// are found, as pdfsig finds them, and the corrected offsets are named.
BOOST_AUTO_TEST_CASE(node_signpdf_style_signatures_are_found) {
    TempDir dir("node-signpdf");
    const fs::path sealed = sealedLetter(dir);
    const fs::path one =
        appendDamagedSignature(sealed, dir / "one.pdf", {"--field", "Node1", "--startxref-eol"});
    const fs::path two =
        appendDamagedSignature(one, dir / "two.pdf", {"--field", "Node2", "--startxref-eol"});
    PdfsigResult p = pdfsig(two);
    BOOST_TEST_MESSAGE("pdfsig on the node-signpdf style file:" << pdfsigSays(p));
    BOOST_REQUIRE_EQUAL(p.signatures.size(), 3u);
    for (const auto& s : p.signatures) BOOST_CHECK_MESSAGE(s.valid, s.validation);
    Verified v = verifyJson(two);
    BOOST_REQUIRE_MESSAGE(v.report.is_object(), v.run.describe());
    BOOST_CHECK_EQUAL(v.report.value("signatures", nlohmann::json::array()).size(), 3u);
    BOOST_CHECK_EQUAL(v.report.value("revisions", 0), 4);
    for (const char* name : {"Seal1", "Node1", "Node2"}) {
        const auto* s = findSignature(v.report, name);
        BOOST_REQUIRE_MESSAGE(s != nullptr, name << ": " << v.report.dump(1));
        BOOST_CHECK_MESSAGE(s->value("indication", std::string()) == "PASSED", s->dump(1));
        BOOST_CHECK(s->value("digestMatches", false));
    }
    const auto* seal = findSignature(v.report, "Seal1");
    BOOST_REQUIRE(seal != nullptr);
    BOOST_CHECK_MESSAGE(seal->value("warnings", nlohmann::json::array()).dump().find("startxref at byte") !=
                            std::string::npos,
                        seal->dump(1));
    BOOST_CHECK_MESSAGE(v.run.exitCode == 0, v.run.describe());

    // eseal seals such a file; pdfsig finds four valid signatures and qpdf
    // --check says no more than it said of the input.
    const fs::path resealed = dir / "resealed.pdf";
    RunResult r = sign({two}, {"-o", resealed.string()}, "signer-ec", {"--at", "151,150"});
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    PdfsigResult p2 = pdfsig(resealed);
    BOOST_REQUIRE_EQUAL(p2.signatures.size(), 4u);
    for (const auto& s : p2.signatures) BOOST_CHECK_MESSAGE(s.valid, s.validation);
    Verified v2 = verifyJson(resealed);
    BOOST_CHECK_MESSAGE(v2.run.exitCode == 0, v2.run.describe());
    BOOST_CHECK_EQUAL(v2.report.value("signatures", nlohmann::json::array()).size(), 4u);
}

// A damaged form: a signature whose field is on the page's /Annots but not in
// the form's /Fields is found, as pdfsig finds it, and judged like any other.
BOOST_AUTO_TEST_CASE(signature_missing_from_fields_is_found) {
    TempDir dir("not-in-fields");
    const fs::path sealed = sealedLetter(dir);
    const fs::path f = appendSignature(sealed, dir / "hidden.pdf", {"--field", "Stray", "--not-in-fields"});
    PdfsigResult p = pdfsig(f);
    BOOST_TEST_MESSAGE("pdfsig on the damaged form:" << pdfsigSays(p));
    Verified v = verifyJson(f);
    BOOST_REQUIRE(v.report.is_object());
    BOOST_CHECK_EQUAL(v.report.value("signatures", nlohmann::json::array()).size(), p.signatures.size());
    const auto* s = findSignature(v.report, "Stray");
    BOOST_REQUIRE_MESSAGE(s != nullptr, v.report.dump(1));
    BOOST_CHECK_EQUAL(s->value("indication", std::string()), "PASSED");
    const auto* seal = findSignature(v.report, "Seal1");
    BOOST_REQUIRE(seal != nullptr);
    BOOST_CHECK_EQUAL(seal->value("indication", std::string()), "PASSED");
}

// The published attacks on PDF signatures, each built from a file eseal
// sealed by tests/integration/make-attack.py (append-signature.py for the
// certification they need), each next to a benign twin that must pass:
// Universal Signature Forgery, Incremental Saving Attack and Signature
// Wrapping (PDF Insecurity, CCS 2019), Shadow hide / replace /
// hide-and-replace (NDSS 2021), Evil Annotation (IEEE S&P 2021). Sneaky
// Signature is in test_signature_rules.cpp; ISA with a page change and with
// a startxref that is off in test_tamper.cpp. No attack may come out PASSED.
// What pdfsig says of each file is printed (--log_level=message).
#define BOOST_TEST_MODULE integ_attacks
#include <boost/test/unit_test.hpp>

#include "tests/integration/support.hpp"

using namespace integ;

namespace {

fs::path sealFile(const fs::path& in, const fs::path& out) {
    RunResult r = sign({in}, {"-o", out.string()}, "signer-ec", {"--at", "151,212"});
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    return out;
}

fs::path attack(const fs::path& in, const fs::path& out, const std::string& kind) {
    RunResult u = run({"/usr/bin/python3", std::string(ESEAL_INTEG_DIR) + "/make-attack.py", in.string(),
                       out.string(), kind});
    BOOST_REQUIRE_MESSAGE(u.exitCode == 0, u.describe());
    return out;
}

std::string pdfsigSays(const fs::path& f) {
    PdfsigResult p = pdfsig(f);
    std::string out;
    for (const auto& s : p.signatures)
        out += " [" + s.fieldName + ": " + s.validation +
               (s.totalDocument ? ", total document" : ", not total") + "]";
    return out.empty() ? " (no signature)" : out;
}

// The attack is not PASSED, overall and for the field `field` when it is
// still reported as a signature; `exit` is the exit code expected.
void expectDefended(const fs::path& f, const std::string& field, int exitCode,
                    const std::string& errorPart = "") {
    BOOST_TEST_CONTEXT(f.filename()) {
        Verified v = verifyJson(f);
        BOOST_TEST_MESSAGE(f.filename() << ": eseal exit " << v.run.exitCode << ", pdfsig:" << pdfsigSays(f));
        BOOST_CHECK_MESSAGE(v.run.exitCode == exitCode, v.run.describe());
        BOOST_REQUIRE_MESSAGE(v.report.is_object(), v.run.describe());
        BOOST_CHECK_NE(v.report.value("indication", std::string()), "PASSED");
        const auto* s = findSignature(v.report, field);
        if (s != nullptr) {
            BOOST_CHECK_NE(s->value("indication", std::string()), "PASSED");
            if (!errorPart.empty())
                BOOST_CHECK_MESSAGE(
                    s->value("errors", nlohmann::json::array()).dump().find(errorPart) != std::string::npos,
                    s->dump(1));
        } else {
            // The signature value is gone: no signature is left to pass.
            BOOST_CHECK_EQUAL(v.report.value("indication", std::string()), "NO_SIGNATURE");
        }
    }
}

void expectPassed(const fs::path& f, std::size_t pdfsigCount) {
    BOOST_TEST_CONTEXT(f.filename()) {
        Verified v = verifyJson(f);
        BOOST_CHECK_MESSAGE(v.run.exitCode == 0, v.run.describe());
        BOOST_REQUIRE_MESSAGE(v.report.is_object(), v.run.describe());
        BOOST_CHECK_EQUAL(v.report.value("indication", std::string()), "PASSED");
        for (const auto& s : v.report.value("signatures", nlohmann::json::array()))
            BOOST_CHECK_EQUAL(s.value("indication", std::string()), "PASSED");
        std::string qpdfOut;
        BOOST_CHECK_MESSAGE(qpdfCheck(f, &qpdfOut), qpdfOut);
        PdfsigResult p = pdfsig(f);
        BOOST_REQUIRE_EQUAL(p.signatures.size(), pdfsigCount);
        for (const auto& s : p.signatures) BOOST_CHECK_MESSAGE(s.valid, s.validation);
    }
}

fs::path appendChange(const fs::path& in, const fs::path& out, const std::string& changes) {
    RunResult u = run({"/usr/bin/python3", std::string(ESEAL_INTEG_DIR) + "/append-change.py", in.string(),
                       out.string(), changes});
    BOOST_REQUIRE_MESSAGE(u.exitCode == 0, u.describe());
    return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(pdf_insecurity_attacks_are_not_passed) {
    TempDir dir("insecurity");
    const fs::path sealed = sealFile(inputsDir() / "letter.pdf", dir / "sealed.pdf");
    // Benign twins: the seal as made, and LTV data added after it.
    expectPassed(sealed, 1);
    expectPassed(appendChange(sealed, dir / "twin-dss.pdf", "dss"), 1);

    // USF: no signature value is left (a placeholder), or no byte range.
    expectDefended(attack(sealed, dir / "usf-zero.pdf", "usf-zero-contents"), "Seal1", 3);
    expectDefended(attack(sealed, dir / "usf-br.pdf", "usf-no-byterange"), "Seal1", 1, "/ByteRange");
    expectDefended(attack(sealed, dir / "usf-null.pdf", "usf-null-contents"), "Seal1", 3);
    // ISA without a cross-reference section: bytes eseal cannot analyse.
    expectDefended(attack(sealed, dir / "isa.pdf", "isa-no-xref"), "Seal1", 2, "could not analyse");
    // SWA: the byte range's gap holds more than the signature value.
    expectDefended(attack(sealed, dir / "swa.pdf", "swa"), "Seal1", 1, "gap");
}

BOOST_AUTO_TEST_CASE(shadow_attacks_are_not_passed) {
    TempDir dir("shadow");
    // The attacker prepares the document before it is sealed.
    const fs::path prepared = attack(inputsDir() / "letter.pdf", dir / "prepared.pdf", "prep-shadow");
    std::string qpdfOut;
    BOOST_REQUIRE_MESSAGE(qpdfCheck(prepared, &qpdfOut), qpdfOut);
    const fs::path sealed = sealFile(prepared, dir / "sealed.pdf");
    expectPassed(sealed, 1);
    expectPassed(appendChange(sealed, dir / "twin-ltv.pdf", "dss,extensions"), 1);

    expectDefended(attack(sealed, dir / "hide.pdf", "shadow-hide"), "Seal1", 1);
    expectDefended(attack(sealed, dir / "replace.pdf", "shadow-replace"), "Seal1", 1, "'Amount'");
    // The catalog the trailer now names has no form: the document shown carries no
    // signature at all (pdfsig sees none either), so nothing is PASSED.
    expectDefended(attack(sealed, dir / "hide-replace.pdf", "shadow-hide-replace"), "Seal1", 3);
}

// A certification with P 3 allows annotations (ISO 32000-1 12.8.2.2.2), but
// not those that can paint over the page: a FreeText box hiding the text is
// FAILED, a sticky note passes.
BOOST_AUTO_TEST_CASE(evil_annotation_is_not_passed) {
    TempDir dir("eaa");
    const fs::path certified = dir / "certified.pdf";
    RunResult c =
        run({"/usr/bin/python3", std::string(ESEAL_INTEG_DIR) + "/append-signature.py",
             (inputsDir() / "letter.pdf").string(), certified.string(), "--key",
             (pkiDir() / "signer-rsa.key").string(), "--cert", (pkiDir() / "signer-rsa.crt").string(),
             "--chain", (pkiDir() / "ca-chain.pem").string(), "--field", "Cert", "--certify", "3"});
    BOOST_REQUIRE_MESSAGE(c.exitCode == 0, c.describe());
    expectPassed(certified, 1);
    expectPassed(attack(certified, dir / "note.pdf", "eaa-note"), 1);
    expectDefended(attack(certified, dir / "freetext.pdf", "eaa-freetext"), "Cert", 1, "Evil Annotation");
}

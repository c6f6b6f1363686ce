// Verification of changed and broken files: a flipped byte in the signed
// range, an incremental update that changes the page after sealing, and files
// that are not PDFs at all.
#define BOOST_TEST_MODULE integ_tamper
#include <boost/test/unit_test.hpp>
#include <cstdlib>

#include "tests/integration/support.hpp"

using namespace integ;

namespace {

// A sealed copy of letter.pdf in dir.
fs::path sealedLetter(const TempDir& dir) {
    const fs::path out = dir / "sealed.pdf";
    RunResult r = sign({inputsDir() / "letter.pdf"}, {"-o", out.string()}, "signer-ec", {"--at", "151,212"});
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    BOOST_REQUIRE(fs::exists(out));
    return out;
}

void expectFailed(const fs::path& file, const std::string& what) {
    BOOST_TEST_CONTEXT(what) {
        Verified v = verifyJson(file);
        BOOST_CHECK_MESSAGE(v.run.exitCode == 1, v.run.describe());
        BOOST_REQUIRE_MESSAGE(v.report.is_object(), v.run.describe());
        BOOST_CHECK_EQUAL(v.report.value("indication", std::string()), "FAILED");
        const auto* s = findSignature(v.report, "Seal1");
        BOOST_REQUIRE_MESSAGE(s != nullptr, v.report.dump(1));
        BOOST_CHECK_EQUAL(s->value("indication", std::string()), "FAILED");
        BOOST_CHECK_MESSAGE(!s->value("digestMatches", true), s->dump(1));
        BOOST_CHECK_EQUAL(s->value("subIndication", std::string()), "HASH_FAILURE");
        BOOST_CHECK(!s->value("errors", nlohmann::json::array()).empty());

        PdfsigResult p = pdfsig(file);
        BOOST_REQUIRE_EQUAL(p.signatures.size(), 1u);
        BOOST_CHECK_MESSAGE(!p.signatures[0].valid, "pdfsig still says " << p.signatures[0].validation);
    }
}

}  // namespace

BOOST_AUTO_TEST_CASE(flipped_byte_in_first_range_fails) {
    TempDir dir("flip1");
    const fs::path sealed = sealedLetter(dir);
    std::string bytes = readFile(sealed);
    const ByteRange br = lastByteRange(bytes);
    BOOST_REQUIRE_MESSAGE(br.a == 0 && br.b > 0 && br.c > br.b && br.c + br.d == bytes.size(),
                          "odd /ByteRange " << br.a << " " << br.b << " " << br.c << " " << br.d);

    // A byte of the binary comment on line 2 (ISO 32000-1 7.5.2): no structure changes.
    std::string f1 = bytes;
    BOOST_REQUIRE(f1[9] == '%');
    f1[11] = static_cast<char>(f1[11] ^ 0x01);
    writeFile(dir / "comment.pdf", f1);
    expectFailed(dir / "comment.pdf", "binary comment byte flipped");

    // A byte of the chart image's sample data: the page looks different.
    std::string f2 = bytes;
    auto img = f2.find("/Subtype/Image");
    if (img == std::string::npos) img = f2.find("/Subtype /Image");
    BOOST_REQUIRE_MESSAGE(img != std::string::npos && img < br.b, "no image XObject in letter.pdf");
    auto data = f2.find("stream", img);
    BOOST_REQUIRE(data != std::string::npos && data + 100 < br.b);
    f2[data + 60] = static_cast<char>(f2[data + 60] ^ 0x20);
    writeFile(dir / "image.pdf", f2);
    expectFailed(dir / "image.pdf", "image byte flipped");
}

BOOST_AUTO_TEST_CASE(flipped_byte_in_second_range_fails) {
    TempDir dir("flip2");
    const fs::path sealed = sealedLetter(dir);
    std::string bytes = readFile(sealed);
    const ByteRange br = lastByteRange(bytes);
    // The end-of-line after an "endobj" behind /Contents becomes a space: same
    // length, same meaning to a parser (7.2.2 white-space), different bytes.
    auto e = bytes.find("endobj", br.c);
    BOOST_REQUIRE_MESSAGE(e != std::string::npos, "no endobj after /Contents");
    const std::size_t at = e + 6;
    BOOST_REQUIRE(at < bytes.size() && (bytes[at] == '\n' || bytes[at] == '\r'));
    bytes[at] = ' ';
    writeFile(dir / "eol.pdf", bytes);
    expectFailed(dir / "eol.pdf", "EOL in the second range changed");
}

BOOST_AUTO_TEST_CASE(changed_signature_value_fails) {
    TempDir dir("flipsig");
    const fs::path sealed = sealedLetter(dir);
    std::string bytes = readFile(sealed);
    const ByteRange br = lastByteRange(bytes);
    // /Contents is "<hex>" between the ranges; its DER starts at br.b + 1 with a
    // SEQUENCE of long-form length "3082LLLL" (RFC 5652 ContentInfo). Without
    // unsigned attributes the SignerInfo's signature value ends the DER: change a
    // byte 10 bytes before the end.
    BOOST_REQUIRE(bytes[br.b] == '<');
    const std::string head = bytes.substr(br.b + 1, 8);
    BOOST_REQUIRE_MESSAGE(head.rfind("3082", 0) == 0, "CMS does not start with 3082: " << head);
    const std::size_t derLen = 4 + std::stoul(head.substr(4), nullptr, 16);
    const std::size_t at = br.b + 1 + 2 * (derLen - 10);
    BOOST_REQUIRE(at < br.c);
    bytes[at] = bytes[at] == '0' ? '1' : '0';
    writeFile(dir / "sig.pdf", bytes);
    Verified v = verifyJson(dir / "sig.pdf");
    BOOST_CHECK_MESSAGE(v.run.exitCode == 1, v.run.describe());
    BOOST_REQUIRE(v.report.is_object());
    BOOST_CHECK_EQUAL(v.report.value("indication", std::string()), "FAILED");
    const auto* s = findSignature(v.report, "Seal1");
    BOOST_REQUIRE(s != nullptr);
    BOOST_CHECK(s->value("digestMatches", false));  // the document bytes are intact
    BOOST_CHECK(!s->value("signatureValid", true));
    BOOST_CHECK_EQUAL(s->value("subIndication", std::string()), "SIG_CRYPTO_FAILURE");
    PdfsigResult p = pdfsig(dir / "sig.pdf");
    BOOST_CHECK(p.signatures.empty() || !p.signatures[0].valid);
}

BOOST_AUTO_TEST_CASE(page_changed_in_a_later_revision_is_not_passed) {
    TempDir dir("update");
    const fs::path sealed = sealedLetter(dir);
    const fs::path changed = dir / "changed.pdf";
    RunResult u = run({"/usr/bin/python3", std::string(ESEAL_INTEG_DIR) + "/append-update.py",
                       sealed.string(), changed.string()});
    BOOST_REQUIRE_MESSAGE(u.exitCode == 0, u.describe());
    const std::string pageObj = std::to_string(std::stoi(u.out)) + " 0 R";
    // The update itself is a well-formed PDF revision (independent checks).
    std::string qpdfOut;
    BOOST_REQUIRE_MESSAGE(qpdfCheck(changed, &qpdfOut), qpdfOut);
    PdfsigResult p = pdfsig(changed);
    BOOST_REQUIRE_EQUAL(p.signatures.size(), 1u);
    BOOST_CHECK(p.signatures[0].valid);
    BOOST_CHECK_MESSAGE(!p.signatures[0].totalDocument, "pdfsig should see bytes after the signed range");

    Verified v = verifyJson(changed);
    BOOST_CHECK_MESSAGE(v.run.exitCode == 1 || v.run.exitCode == 2, v.run.describe());
    BOOST_REQUIRE_MESSAGE(v.report.is_object(), v.run.describe());
    BOOST_CHECK_NE(v.report.value("indication", std::string()), "PASSED");
    BOOST_CHECK_EQUAL(v.report.value("revisions", 0), 3);
    const auto* s = findSignature(v.report, "Seal1");
    BOOST_REQUIRE_MESSAGE(s != nullptr, v.report.dump(1));
    BOOST_CHECK_NE(s->value("indication", std::string()), "PASSED");
    BOOST_CHECK_EQUAL(s->value("coverage", std::string()), "earlier-revision");
    BOOST_CHECK(s->value("digestMatches", false));  // the signed bytes themselves are intact
    BOOST_CHECK_EQUAL(s->value("revision", 0), 2);
    BOOST_CHECK(s->value("laterRevisions", nlohmann::json::array()) == nlohmann::json::array({3}));
    const auto mods = s->value("modifications", nlohmann::json::array());
    bool named = false;
    for (const auto& m : mods) {
        if (m.value("revision", 0) == 3 && m.value("kind", std::string()) == "page-content" &&
            !m.value("allowed", true))
            named = true;
    }
    BOOST_CHECK_MESSAGE(named, "no disallowed page-content modification in revision 3 (page "
                                   << pageObj << "): " << mods.dump(1));
}

BOOST_AUTO_TEST_CASE(unsigned_file_exits_3) {
    Verified v = verifyJson(inputsDir() / "letter.pdf");
    BOOST_CHECK_MESSAGE(v.run.exitCode == 3, v.run.describe());
    BOOST_REQUIRE(v.report.is_object());
    BOOST_CHECK_EQUAL(v.report.value("indication", std::string()), "NO_SIGNATURE");
    BOOST_CHECK(v.report.value("signatures", nlohmann::json::array({1})).empty());
}

BOOST_AUTO_TEST_CASE(unreadable_inputs_exit_4) {
    TempDir dir("bad");
    const std::string letter = readFile(inputsDir() / "letter.pdf");
    writeFile(dir / "empty.pdf", "");
    writeFile(dir / "truncated.pdf", letter.substr(0, 600));
    std::string garbage;
    std::uint32_t x = 2463534242u;  // xorshift32: fixed garbage
    for (int i = 0; i < 50000; ++i) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        garbage += static_cast<char>(x & 0xff);
    }
    writeFile(dir / "garbage.pdf", garbage);
    writeFile(dir / "text.pdf", "this is not a PDF\n");
    const std::vector<fs::path> files{dir / "empty.pdf", dir / "truncated.pdf", dir / "garbage.pdf",
                                      dir / "text.pdf", dir / "missing.pdf"};
    for (const auto& f : files) {
        BOOST_TEST_CONTEXT(f.filename().string()) {
            Verified v = verifyJson(f);
            BOOST_CHECK_MESSAGE(v.run.exitCode == 4, v.run.describe());
            if (v.report.is_object()) {
                BOOST_CHECK(!v.report.value("readable", true));
                BOOST_CHECK_EQUAL(v.report.value("indication", std::string()), "UNREADABLE");
                BOOST_CHECK(!v.report.value("errors", nlohmann::json::array()).empty());
            } else {
                BOOST_CHECK_MESSAGE(v.run.err.find(f.filename().string()) != std::string::npos,
                                    "no JSON and stderr does not name the file: " << v.run.err);
            }
            // Without --json too, and the message names the file.
            RunResult t = eseal({"verify", f.string(), "--trust", trustPem().string(), "--no-system-trust"});
            BOOST_CHECK_MESSAGE(t.exitCode == 4, t.describe());
            BOOST_CHECK_MESSAGE((t.out + t.err).find(f.filename().string()) != std::string::npos,
                                "output does not name the file");
        }
    }
}

// A file that opens only with its password, given none: its structure (never
// encrypted, ISO 32000-1 7.6.1) is read and holds no signature; the report says
// it is encrypted. (Signed ones are INDETERMINATE: integ_encrypted.)
BOOST_AUTO_TEST_CASE(encrypted_input_without_its_password) {
    Verified v = verifyJson(inputsDir() / "encrypted.pdf");
    BOOST_CHECK_MESSAGE(v.run.exitCode == 3, v.run.describe());
    BOOST_REQUIRE(v.report.is_object());
    BOOST_CHECK_EQUAL(v.report.value("indication", std::string()), "NO_SIGNATURE");
    BOOST_CHECK_MESSAGE(
        v.report.value("errors", nlohmann::json::array()).dump().find("encrypted with a user password") !=
            std::string::npos,
        v.run.out);
}

BOOST_AUTO_TEST_CASE(several_files_exit_code_is_the_worst) {
    TempDir dir("multi");
    const fs::path sealed = sealedLetter(dir);
    const fs::path broken = dir / "broken.pdf";
    std::string bytes = readFile(sealed);
    bytes[11] = static_cast<char>(bytes[11] ^ 0x01);
    writeFile(broken, bytes);
    // Any FAILED makes the exit code 1, whatever the other files say.
    Verified f = verifyJson({sealed, broken});
    BOOST_CHECK_MESSAGE(f.run.exitCode == 1, f.run.describe());
    // The mixed case of PASSED + no signature has no fixed code in docs/CLI.md: only the reports.
    Verified v = verifyJson({sealed, inputsDir() / "letter.pdf"});
    BOOST_REQUIRE_MESSAGE(v.report.is_array() && v.report.size() == 2, v.run.out.substr(0, 2000));
    BOOST_CHECK_EQUAL(v.report[0].value("indication", std::string()), "PASSED");
    BOOST_CHECK_EQUAL(v.report[1].value("indication", std::string()), "NO_SIGNATURE");
}

// An update appended after the seal whose startxref is a few bytes off, or
// points past the end, is skipped by a strict xref walk, yet every viewer
// repairs the file and shows the appended page content. eseal reads the xref
// chain tolerantly as well: the update is a revision, its page change is
// judged (not allowed after a seal: FAILED), and the corrected startxref is
// named. Bytes that cannot be read as a revision at all (an update without an
// xref section) are never ignored either: the seal is at best INDETERMINATE
// with a sentence saying the file holds content eseal could not analyse
// (integ_attacks, isa-no-xref).
BOOST_AUTO_TEST_CASE(update_with_a_wrong_startxref_is_not_passed) {
    TempDir dir("xref-off");
    const fs::path sealed = sealedLetter(dir);
    const int sealedRevisions = verifyJson(sealed).report.value("revisions", 0);
    for (const char* off : {"3", "-5", "-1", "100000"}) {
        BOOST_TEST_CONTEXT("startxref off by " << off) {
            const fs::path changed = dir / (std::string("changed") + off + ".pdf");
            RunResult u = run({"/usr/bin/python3", std::string(ESEAL_INTEG_DIR) + "/append-update.py",
                               sealed.string(), changed.string(), "--startxref-off", off});
            BOOST_REQUIRE_MESSAGE(u.exitCode == 0, u.describe());
            // Poppler sees that the signature no longer covers the whole file.
            PdfsigResult p = pdfsig(changed);
            BOOST_REQUIRE_EQUAL(p.signatures.size(), 1u);
            BOOST_CHECK_MESSAGE(!p.signatures[0].totalDocument, "pdfsig: " << p.run.describe());
            Verified v = verifyJson(changed);
            BOOST_CHECK_MESSAGE(v.run.exitCode == 1, v.run.describe());
            BOOST_REQUIRE_MESSAGE(v.report.is_object(), v.run.describe());
            BOOST_CHECK_EQUAL(v.report.value("revisions", 0), sealedRevisions + 1);
            const auto* s = findSignature(v.report, "Seal1");
            BOOST_REQUIRE_MESSAGE(s != nullptr, v.report.dump(1));
            BOOST_CHECK_EQUAL(s->value("indication", std::string()), "FAILED");
            BOOST_CHECK_EQUAL(s->value("subIndication", std::string()), "SIG_CONSTRAINTS_FAILURE");
            bool pageChange = false;
            for (const auto& m : s->value("modifications", nlohmann::json::array()))
                pageChange = pageChange || !m.value("allowed", true);
            BOOST_CHECK_MESSAGE(pageChange, s->dump(1));
            BOOST_CHECK_MESSAGE(
                s->value("warnings", nlohmann::json::array()).dump().find("startxref at byte") !=
                    std::string::npos,
                s->dump(1));

            // Such a file can be sealed (qpdf's rebuilt xref resolves every object
            // as the file's own sections do); the new update's /Prev names the
            // section found, so qpdf --check finds nothing wrong with the output.
            const fs::path resealed = dir / (std::string("resealed") + off + ".pdf");
            RunResult r = sign({changed}, {"-o", resealed.string()}, "signer-ec", {"--at", "60,60"});
            BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
            std::string qpdfOut;
            BOOST_CHECK_MESSAGE(qpdfCheck(resealed, &qpdfOut), qpdfOut);
            PdfsigResult p2 = pdfsig(resealed);
            BOOST_REQUIRE_EQUAL(p2.signatures.size(), 2u);
            for (const auto& sig : p2.signatures) BOOST_CHECK_MESSAGE(sig.valid, p2.run.describe());
            Verified v2 = verifyJson(resealed);
            const auto* seal2 = v2.report.is_object() ? findSignature(v2.report, "Seal2") : nullptr;
            BOOST_REQUIRE_MESSAGE(seal2 != nullptr, v2.run.describe());
            BOOST_CHECK_EQUAL(seal2->value("indication", std::string()), "PASSED");
        }
    }
}

// The benign twin: white space and NUL padding after the last %%EOF (some
// writers pad files) change nothing a viewer shows, so the seal still PASSES.
BOOST_AUTO_TEST_CASE(padding_after_the_last_eof_still_passes) {
    TempDir dir("padding");
    const fs::path sealed = sealedLetter(dir);
    const fs::path padded = dir / "padded.pdf";
    writeFile(padded, readFile(sealed) + std::string("\r\n  \n") + std::string(64, '\0'));
    Verified v = verifyJson(padded);
    BOOST_CHECK_MESSAGE(v.run.exitCode == 0, v.run.describe());
    const auto* s = v.report.is_object() ? findSignature(v.report, "Seal1") : nullptr;
    BOOST_REQUIRE_MESSAGE(s != nullptr, v.run.describe());
    BOOST_CHECK_EQUAL(s->value("indication", std::string()), "PASSED");
}

// Seals whose updates have no readable cross-reference section at all (the
// "xref" keywords overwritten, as in a damaged file EU DSS tests with): the
// revision scan stops before them, yet a viewer rebuilds the file and shows
// them. eseal lists every signature pdfsig lists; those it cannot place in a
// revision are INDETERMINATE with a sentence saying so, never PASSED, and the
// seal before them does not cover the bytes it could not analyse.
BOOST_AUTO_TEST_CASE(seals_in_unreadable_updates_are_listed) {
    TempDir dir("xref-lost");
    fs::path in = sealedLetter(dir);
    for (int i = 2; i <= 3; ++i) {
        const fs::path out = dir / ("sealed" + std::to_string(i) + ".pdf");
        RunResult r = sign({in}, {"-o", out.string()}, "signer-ec", {"--at", std::to_string(40 * i) + ",60"});
        BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
        in = out;
    }
    std::string data = readFile(in);
    // The sections of the two last updates: the last two startxref values.
    std::vector<std::size_t> sections;
    for (std::size_t at = data.find("startxref"); at != std::string::npos;
         at = data.find("startxref", at + 1))
        sections.push_back(std::stoul(data.substr(at + 9, 24)));
    BOOST_REQUIRE_GE(sections.size(), 3u);
    for (std::size_t k = sections.size() - 2; k < sections.size(); ++k) {
        BOOST_REQUIRE_EQUAL(data.substr(sections[k], 4), "xref");
        data.replace(sections[k], 4, "XXXX");
    }
    const fs::path damaged = dir / "damaged.pdf";
    writeFile(damaged, data);
    PdfsigResult p = pdfsig(damaged);
    BOOST_REQUIRE_EQUAL(p.signatures.size(), 3u);
    Verified v = verifyJson(damaged);
    BOOST_REQUIRE_MESSAGE(v.report.is_object(), v.run.describe());
    const auto sigs = v.report.value("signatures", nlohmann::json::array());
    BOOST_CHECK_EQUAL(sigs.size(), p.signatures.size());
    BOOST_CHECK_NE(v.report.value("indication", std::string()), "PASSED");
    int inTail = 0;
    for (const auto& s : sigs) {
        BOOST_CHECK_MESSAGE(s.value("indication", std::string()) != "PASSED", s.dump(1));
        if (s.value("errors", nlohmann::json::array()).dump().find("could not analyse as revisions") !=
            std::string::npos)
            ++inTail;
    }
    BOOST_CHECK_EQUAL(inTail, 2);
    const auto* first = findSignature(v.report, "Seal1");
    BOOST_REQUIRE_MESSAGE(first != nullptr, v.report.dump(1));
    BOOST_CHECK_MESSAGE(
        first->value("errors", nlohmann::json::array()).dump().find("could not analyse") != std::string::npos,
        first->dump(1));
}

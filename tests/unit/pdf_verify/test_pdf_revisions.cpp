#define BOOST_TEST_MODULE pdf_revisions
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFXRefEntry.hh>

#include "core/base/error.hpp"
#include "formats/pdf/pdf_input.hpp"
#include "formats/pdf/pdf_revisions.hpp"
#include "formats/pdf/pdf_xref_check.hpp"
#include "pdf_test_util.hpp"

using namespace pdftest;
using eseal::PdfRevision;
using eseal::scanRevisions;

BOOST_AUTO_TEST_CASE(plain_table_file_is_one_revision) {
    TempDir dir("rev-plain");
    fs::path f = basePdf(dir, "plain");
    std::string data = readAll(f);
    auto revs = scanRevisions(f.string());
    BOOST_REQUIRE_EQUAL(revs.size(), 1u);
    BOOST_TEST(revs[0].index == 1);
    BOOST_TEST(!revs[0].xrefStream);
    BOOST_TEST(revs[0].startxref == lastStartxref(data));
    BOOST_TEST(revs[0].end == data.size());
}

BOOST_AUTO_TEST_CASE(qpdf_rewritten_and_object_streams) {
    TempDir dir("rev-qpdf");
    for (const std::string args : {"", "--object-streams=generate", "--qdf"}) {
        fs::path f = basePdf(dir, "q", args.empty() ? "--object-streams=disable" : args);
        std::string data = readAll(f);
        auto revs = scanRevisions(f.string());
        BOOST_REQUIRE_EQUAL(revs.size(), 1u);
        BOOST_TEST(revs[0].xrefStream == (args == "--object-streams=generate"));
        BOOST_TEST(revs[0].startxref == lastStartxref(data));
        BOOST_TEST(revs[0].end == data.size());
    }
}

BOOST_AUTO_TEST_CASE(linearized_file_is_one_revision) {
    TempDir dir("rev-lin");
    for (const std::string args : {"--linearize", "--linearize --object-streams=generate"}) {
        fs::path f = basePdf(dir, "lin", args);
        std::string data = readAll(f);
        BOOST_REQUIRE(data.find("/Linearized") != std::string::npos);
        auto revs = scanRevisions(f.string());
        BOOST_REQUIRE_EQUAL(revs.size(), 1u);
        BOOST_TEST(revs[0].end == data.size());
        // The final startxref names the first-page section near the start (Annex F).
        BOOST_TEST(revs[0].startxref == lastStartxref(data));
        BOOST_TEST(revs[0].startxref < data.size() / 2);

        // An update appended to a linearized file is the second revision.
        std::string update = tableUpdate(data.size(), {{99, "<< /Foo 1 >>"}}, 100, 1, revs[0].startxref);
        // qpdf numbers the catalog itself: use its root from the trailer.
        auto rootPos = data.find("/Root");
        int root = std::stoi(data.substr(rootPos + 5, 10));
        update = tableUpdate(data.size(), {{99, "<< /Foo 1 >>"}}, 100, root, revs[0].startxref);
        appendAll(f, update);
        auto revs2 = scanRevisions(f.string());
        BOOST_REQUIRE_EQUAL(revs2.size(), 2u);
        BOOST_TEST(revs2[0].end == data.size());
        BOOST_TEST(revs2[1].end == data.size() + update.size());
        BOOST_TEST(run("qpdf --check " + quote(f)) == 0);
    }
}

BOOST_AUTO_TEST_CASE(hand_appended_table_and_stream_updates) {
    TempDir dir("rev-upd");
    fs::path f = basePdf(dir, "upd");
    std::string data = readAll(f);
    std::uint64_t end1 = data.size();
    std::uint64_t sx1 = lastStartxref(data);

    std::string u2 = tableUpdate(end1, {{6, "<< /Note (two) >>"}}, 7, 1, sx1);
    appendAll(f, u2);
    std::uint64_t end2 = end1 + u2.size();
    std::uint64_t sx2 = lastStartxref(readAll(f));

    std::string u3 = streamUpdate(end2, {{7, "<< /Note (three) >>"}}, 8, 1, sx2);
    appendAll(f, u3);
    std::uint64_t end3 = end2 + u3.size();

    // A hybrid-style trailer (/XRefStm) is still a table revision.
    std::uint64_t sx3 = lastStartxref(readAll(f));
    std::string u4 =
        tableUpdate(end3, {{10, "<< /Note (four) >>"}}, 11, 1, sx3, " /XRefStm " + std::to_string(sx3));
    appendAll(f, u4);
    std::uint64_t end4 = end3 + u4.size();

    BOOST_REQUIRE_EQUAL(run("qpdf --check " + quote(f)), 0);
    auto revs = scanRevisions(f.string());
    BOOST_REQUIRE_EQUAL(revs.size(), 4u);
    BOOST_TEST(revs[0].end == end1);
    BOOST_TEST(revs[1].end == end2);
    BOOST_TEST(revs[2].end == end3);
    BOOST_TEST(revs[3].end == end4);
    BOOST_TEST(!revs[0].xrefStream);
    BOOST_TEST(!revs[1].xrefStream);
    BOOST_TEST(revs[2].xrefStream);
    BOOST_TEST(!revs[3].xrefStream);
    for (int i = 0; i < 4; ++i) BOOST_TEST(revs[static_cast<std::size_t>(i)].index == i + 1);
    BOOST_TEST(revs[1].startxref == sx2);
}

BOOST_AUTO_TEST_CASE(trailing_garbage_is_not_a_revision) {
    TempDir dir("rev-garbage");
    fs::path f = basePdf(dir, "g");
    std::string data = readAll(f);
    // Garbage, including a startxref that names nothing valid.
    appendAll(f, "\x00\x00 some junk\nstartxref\n12\n%%EOF\n" + std::string(3000, 'x'));
    auto revs = scanRevisions(f.string());
    BOOST_REQUIRE_EQUAL(revs.size(), 1u);
    BOOST_TEST(revs[0].end == data.size());
    BOOST_TEST(revs[0].end < fs::file_size(f));
}

BOOST_AUTO_TEST_CASE(crlf_and_whitespace_variants) {
    TempDir dir("rev-crlf");
    fs::path f = dir / "crlf.pdf";
    std::string data = buildPdf(onePageObjects(), 1, "\r\n");
    writeAll(f, data);
    BOOST_REQUIRE_EQUAL(run("qpdf --check " + quote(f)), 0);
    auto revs = scanRevisions(f.string());
    BOOST_REQUIRE_EQUAL(revs.size(), 1u);
    BOOST_TEST(revs[0].end == data.size());  // includes the CR LF after %%EOF

    // "startxref  123   %%EOF" on one line, spaces and a lone CR.
    std::string s = data.substr(0, data.rfind("startxref"));
    std::uint64_t sx = lastStartxref(data);
    s += "startxref   " + std::to_string(sx) + "  \t%%EOF  \r";
    writeAll(f, s);
    revs = scanRevisions(f.string());
    BOOST_REQUIRE_EQUAL(revs.size(), 1u);
    BOOST_TEST(revs[0].end == s.size());

    // No EOL at all after %%EOF.
    s.pop_back();
    while (s.back() == ' ') s.pop_back();
    writeAll(f, s);
    revs = scanRevisions(f.string());
    BOOST_REQUIRE_EQUAL(revs.size(), 1u);
    BOOST_TEST(revs[0].end == s.size());
}

BOOST_AUTO_TEST_CASE(no_startxref_is_bad_input_naming_the_file) {
    TempDir dir("rev-none");
    fs::path f = dir / "none.pdf";
    std::string data = buildPdf(onePageObjects(), 1);
    writeAll(f, data.substr(0, data.rfind("startxref")));
    try {
        scanRevisions(f.string());
        BOOST_FAIL("no exception");
    } catch (const eseal::Error& e) {
        BOOST_TEST((e.category() == eseal::ErrorCategory::BadInput));
        BOOST_TEST(std::string(e.what()).find(f.string()) != std::string::npos);
        BOOST_TEST(e.file() == f.string());
    }
    // A startxref pointing at something that is not an xref section, in a
    // file that has none: nothing a viewer could rebuild either.
    const std::string noXref = data.substr(0, data.rfind("\nxref") + 1);
    writeAll(f, noXref + "trailer\n<< /Root 1 0 R >>\nstartxref\n9\n%%EOF\n");
    BOOST_CHECK_THROW(scanRevisions(f.string()), eseal::Error);
    writeAll(f, "");
    BOOST_CHECK_THROW(scanRevisions(f.string()), eseal::Error);
    BOOST_CHECK_THROW(scanRevisions((dir / "missing.pdf").string()), eseal::Error);
}

BOOST_AUTO_TEST_CASE(eof_marker_inside_a_stream_is_ignored) {
    TempDir dir("rev-instream");
    fs::path f = dir / "s.pdf";
    auto objs = onePageObjects();
    // A stream whose data carries marker-like text, including a startxref that
    // names the real (future) xref offset would be caught by /Prev; here it
    // names offset 0 and a bare %%EOF.
    std::string payload = "%%EOF\nstartxref\n0\n%%EOF\nstartxref\n15\n%%EOF\n";
    objs[6] = "<< /Length " + std::to_string(payload.size()) + " >>\nstream\n" + payload + "\nendstream";
    std::string data = buildPdf(objs, 1);
    writeAll(f, data);
    BOOST_REQUIRE_EQUAL(run("qpdf --check " + quote(f)), 0);
    auto revs = scanRevisions(f.string());
    BOOST_REQUIRE_EQUAL(revs.size(), 1u);
    BOOST_TEST(revs[0].end == data.size());

    // In an update, a stream that contains a copy of revision 1's own marker
    // (a valid startxref) does not create a revision.
    std::uint64_t sx1 = lastStartxref(data);
    std::string fake = "startxref\n" + std::to_string(sx1) + "\n%%EOF\n";
    std::string u2 = tableUpdate(
        data.size(),
        {{7, "<< /Length " + std::to_string(fake.size()) + " >>\nstream\n" + fake + "\nendstream"}}, 8, 1,
        sx1);
    appendAll(f, u2);
    revs = scanRevisions(f.string());
    BOOST_REQUIRE_EQUAL(revs.size(), 2u);
    BOOST_TEST(revs[0].end == data.size());
    BOOST_TEST(revs[1].end == data.size() + u2.size());
}

namespace {

// Replaces the last "startxref N" of `data` by "startxref N+off".
std::string moveStartxref(const std::string& data, long long off) {
    const auto p = data.rfind("startxref");
    const std::uint64_t sx = lastStartxref(data);
    const auto eof = data.find("%%EOF", p);
    return data.substr(0, p) + "startxref\n" + std::to_string(static_cast<long long>(sx) + off) + "\n" +
           data.substr(eof);
}

std::string joined(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += s + "\n";
    return out;
}

}  // namespace

// A startxref a few bytes off, or past the end of the file: the section is
// found near it, else as the last one before that %%EOF; the repair is named.
BOOST_AUTO_TEST_CASE(startxref_that_misses_is_corrected_and_named) {
    TempDir dir("rev-off");
    fs::path base = basePdf(dir, "b");
    const std::string data = readAll(base);
    const std::uint64_t sx1 = lastStartxref(data);
    const std::string u2 = tableUpdate(data.size(), {{6, "<< /Note (two) >>"}}, 7, 1, sx1);
    const std::string good = data + u2;
    const std::uint64_t sx2 = lastStartxref(good);
    for (long long off : {-1LL, 3LL, -5LL, 100000LL}) {
        BOOST_TEST_CONTEXT("startxref off by " << off) {
            fs::path f = dir / ("off" + std::to_string(off) + ".pdf");
            const std::string bad = moveStartxref(good, off);
            writeAll(f, bad);
            auto revs = scanRevisions(f.string());
            BOOST_REQUIRE_EQUAL(revs.size(), 2u);
            BOOST_TEST(revs[1].startxref == sx2);
            BOOST_TEST(revs[1].declaredStartxref ==
                       static_cast<std::uint64_t>(static_cast<long long>(sx2) + off));
            BOOST_TEST(revs[1].end == bad.size());
            BOOST_REQUIRE_EQUAL(revs[1].repairs.size(), 1u);
            BOOST_TEST(revs[1].repairs[0].find(std::to_string(sx2)) != std::string::npos,
                       joined(revs[1].repairs));
            BOOST_TEST(revs[0].repairs.empty());
            // qpdf, shown the corrected startxref, reads the revision as written.
            QPDF q;
            q.setSuppressWarnings(true);
            q.setAttemptRecovery(false);
            q.processInputSource(eseal::pdf::openRevisionInput(f.string(), revs[1]));
            BOOST_TEST(q.getObjectByID(6, 0).getKey("/Note").getStringValue() == "two");
            BOOST_TEST(!q.anyWarnings());
        }
    }
}

// node-signpdf writes every startxref (and so every /Prev) one byte early, at
// the EOL before "xref"; qpdf reads that with a harmless warning.
BOOST_AUTO_TEST_CASE(node_signpdf_style_offsets_are_read) {
    TempDir dir("rev-node");
    fs::path f = basePdf(dir, "n");
    std::string data = readAll(f);
    const std::uint64_t sx1 = lastStartxref(data);
    std::string u2 = tableUpdate(data.size(), {{6, "<< /Note (two) >>"}}, 7, 1, sx1);
    data = moveStartxref(data + u2, -1);
    const std::uint64_t sx2 = lastStartxref(data) + 1;
    std::string u3 = tableUpdate(data.size(), {{7, "<< /Note (three) >>"}}, 8, 1, sx2 - 1);
    data = moveStartxref(data + u3, -1);
    writeAll(f, data);
    auto revs = scanRevisions(f.string());
    BOOST_REQUIRE_EQUAL(revs.size(), 3u);
    BOOST_TEST(revs[1].startxref == sx2);
    BOOST_TEST(revs[2].startxref == lastStartxref(data) + 1);
    BOOST_TEST(revs[2].repairs.size() == 2u, joined(revs[2].repairs));  // its startxref and its /Prev
    QPDF q;
    q.setSuppressWarnings(true);
    q.processInputSource(eseal::pdf::openRevisionInput(f.string(), revs[2]));
    BOOST_TEST(q.getObjectByID(7, 0).getKey("/Note").getStringValue() == "three");
    for (const auto& w : q.getWarnings()) BOOST_TEST(eseal::pdf::isHarmlessWarning(w), w.what());
}

// A /Prev far off: the previous section is the one the previous %%EOF names.
BOOST_AUTO_TEST_CASE(prev_far_off_is_corrected) {
    TempDir dir("rev-prev");
    fs::path f = basePdf(dir, "p");
    std::string data = readAll(f);
    const std::uint64_t sx1 = lastStartxref(data);
    std::string u2 = tableUpdate(data.size(), {{6, "<< /Note (two) >>"}}, 7, 1, sx1);
    std::string u3 = tableUpdate(data.size() + u2.size(), {{7, "<< /Note (three) >>"}}, 8, 1, 5);
    writeAll(f, data + u2 + u3);
    auto revs = scanRevisions(f.string());
    BOOST_REQUIRE_EQUAL(revs.size(), 3u);
    BOOST_TEST(revs[1].startxref == lastStartxref(data + u2));
    BOOST_TEST(revs[2].repairs.size() == 1u, joined(revs[2].repairs));

    // qpdf rebuilds the xref of such a file; every object resolves as the
    // sections eseal read give it, so the repair is harmless.
    QPDF q;
    q.setSuppressWarnings(true);
    q.processInputSource(eseal::pdf::openRevisionInput(f.string(), revs[2]));
    auto warnings = q.getWarnings();
    BOOST_REQUIRE(eseal::pdf::rebuiltXref(warnings));
    BOOST_TEST(eseal::pdf::xrefRepairDifference(q, f.string(), revs, 3) == "");
}

// The entries eseal reads from tables, compressed xref streams and object
// streams are the ones qpdf reads from a file it opens without repair.
BOOST_AUTO_TEST_CASE(xref_entries_match_qpdf) {
    TempDir dir("rev-entries");
    for (const std::string args : {"--object-streams=disable", "--object-streams=generate",
                                   "--linearize --object-streams=generate", "--linearize"}) {
        BOOST_TEST_CONTEXT(args) {
            fs::path f = basePdf(dir, "e", args);
            std::string data = readAll(f);
            const std::string u2 = tableUpdate(data.size(), {{6, "<< /Note (two) >>"}}, lastSize(data) + 1,
                                               lastRoot(data), lastStartxref(data));
            if (args.find("generate") == std::string::npos) appendAll(f, u2);
            auto revs = scanRevisions(f.string());
            std::string problem;
            auto entries =
                eseal::pdf::readXrefEntries(f.string(), revs, static_cast<int>(revs.size()), problem);
            BOOST_REQUIRE_MESSAGE(entries, problem);
            QPDF q;
            q.setSuppressWarnings(true);
            q.processFile(f.string().c_str());
            const auto table = q.getXRefTable();
            std::size_t inUse = 0;
            for (const auto& [num, e] : *entries) {
                if (e.type == 0) continue;
                ++inUse;
                auto it = table.find(QPDFObjGen(num, e.gen));
                BOOST_REQUIRE_MESSAGE(it != table.end(), "object " << num);
                BOOST_TEST(it->second.getType() == e.type, "object " << num);
                if (e.type == 1) BOOST_TEST(static_cast<std::uint64_t>(it->second.getOffset()) == e.offset);
                if (e.type == 2) {
                    BOOST_TEST(static_cast<std::uint64_t>(it->second.getObjStreamNumber()) == e.offset);
                    BOOST_TEST(static_cast<std::uint64_t>(it->second.getObjStreamIndex()) == e.streamIndex);
                }
            }
            BOOST_TEST(inUse == table.size());
        }
    }
}

// A rebuilt xref that resolves an object to other bytes than the signed
// revision's section (a second "6 0 obj" the xref does not name, picked by
// a reconstruction) is named, object and places.
BOOST_AUTO_TEST_CASE(rebuilt_xref_that_resolves_differently_is_named) {
    TempDir dir("rev-danger");
    fs::path f = basePdf(dir, "d");
    std::string data = readAll(f);
    const std::uint64_t base = data.size();
    std::string u2 = tableUpdate(base, {{6, "<< /Note (signed) >>"}}, 8, 1, lastStartxref(data));
    // A shadow definition of object 6 after the one the section names, in no
    // xref, seen only by a reader that rebuilds the table; object 7, named
    // at a wrong offset, makes qpdf rebuild it.
    const auto xrefAt = u2.find("xref\n");
    u2.insert(xrefAt, "6 0 obj\n<< /Note (shadow) >>\nendobj\n7 0 obj\n<< /Note (seven) >>\nendobj\n");
    u2.insert(u2.find("trailer"), "7 1\n0000000011 00000 n \n");
    u2 = u2.substr(0, u2.rfind("startxref")) + "startxref\n" + std::to_string(base + u2.find("xref\n")) +
         "\n%%EOF\n";
    data += u2;
    writeAll(f, data);
    auto revs = scanRevisions(f.string());
    BOOST_REQUIRE_EQUAL(revs.size(), 2u);
    QPDF q;
    q.setSuppressWarnings(true);
    q.processInputSource(eseal::pdf::openRevisionInput(f.string(), revs[1]));
    q.getObjectByID(7, 0).getKey("/Note");
    auto warnings = q.getWarnings();
    BOOST_REQUIRE(eseal::pdf::rebuiltXref(warnings));
    const std::string d = eseal::pdf::xrefRepairDifference(q, f.string(), revs, 2);
    BOOST_TEST(d.find("object 6") != std::string::npos, d);
}

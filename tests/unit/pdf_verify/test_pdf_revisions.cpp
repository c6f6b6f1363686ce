#define BOOST_TEST_MODULE pdf_revisions
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include "core/base/error.hpp"
#include "formats/pdf/pdf_revisions.hpp"
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
    // A startxref pointing at something that is not an xref section.
    writeAll(f, data.substr(0, data.rfind("startxref")) + "startxref\n9\n%%EOF\n");
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

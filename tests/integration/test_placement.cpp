// Placement the way seal users work: keyword seals (关键字盖章) on a LibreOffice
// letter with Chinese text, cross-page seals (骑缝章) rebuilt from the page
// renders, the multiply blend that keeps text under the seal readable, seals
// shown under /NeedAppearances, removing the last seal, and sealing a folder.
// Every sealed file is checked by eseal verify, pdfsig and qpdf --check; where a
// seal is drawn is checked with pdftotext -bbox, pikepdf and pdftoppm.
#define BOOST_TEST_MODULE integ_placement
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <sstream>

#include "tests/integration/support.hpp"

using namespace integ;

namespace {

const std::string kUnit = "某某市人民政府办公室";

std::string checker() { return std::string(ESEAL_INTEG_DIR) + "/placement_check.py"; }

nlohmann::json pyJson(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"/usr/bin/python3", checker()};
    argv.insert(argv.end(), args.begin(), args.end());
    RunResult r = run(argv);
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    return nlohmann::json::parse(r.out);
}

struct Box {
    double x0 = 0, top = 0, x1 = 0, bottom = 0;
    double cx() const { return (x0 + x1) / 2; }
    double cy() const { return (top + bottom) / 2; }
};

// The boxes pdftotext -bbox gives the word `text` on `page` (points, top-left origin).
std::vector<Box> wordBoxes(const fs::path& pdf, int page, const std::string& text) {
    RunResult r = run(
        {"pdftotext", "-bbox", "-f", std::to_string(page), "-l", std::to_string(page), pdf.string(), "-"});
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    std::vector<Box> boxes;
    std::istringstream in(r.out);
    std::string line;
    while (std::getline(in, line)) {
        const auto gt = line.find('>'), end = line.find("</word>");
        if (line.find("<word") == std::string::npos || gt == std::string::npos || end == std::string::npos)
            continue;
        if (line.substr(gt + 1, end - gt - 1) != text) continue;
        Box b;
        auto attr = [&](const std::string& name) {
            const auto at = line.find(name + "=\"");
            return std::stod(line.substr(at + name.size() + 2));
        };
        b.x0 = attr("xMin");
        b.top = attr("yMin");
        b.x1 = attr("xMax");
        b.bottom = attr("yMax");
        boxes.push_back(b);
    }
    return boxes;
}

// The widgets of `field` as pikepdf reads them: page and rect from the top-left.
std::vector<std::pair<int, Box>> widgets(const fs::path& pdf, const std::string& field) {
    std::vector<std::pair<int, Box>> out;
    for (const auto& w : pyJson({"widgets", pdf.string(), field})) {
        const auto& r = w["rect"];
        out.push_back({w["page"].get<int>(),
                       Box{r[0].get<double>(), r[1].get<double>(), r[2].get<double>(), r[3].get<double>()}});
    }
    return out;
}

std::string inputOf(const std::string& name) { return (inputsDir() / name).string(); }

}  // namespace

BOOST_AUTO_TEST_CASE(keyword_last_occurrence_centres_the_seal_on_the_unit_name) {
    TempDir dir("kw");
    const fs::path out = dir / "sealed.pdf";
    RunResult r = sign({inputOf("official.pdf")}, {"-o", out.string()}, "signer-rsa",
                       {"--keyword", kUnit, "--occurrence", "last"});
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    checkSealed(out, "Seal1", "signer-rsa", 1);
    // The signature block on page 2, as Poppler's pdftotext finds it.
    const std::vector<Box> words = wordBoxes(inputOf("official.pdf"), 2, kUnit);
    BOOST_REQUIRE_EQUAL(words.size(), 1u);
    const auto ws = widgets(out, "Seal1");
    BOOST_REQUIRE_EQUAL(ws.size(), 1u);
    BOOST_CHECK_EQUAL(ws[0].first, 2);
    BOOST_CHECK_SMALL(ws[0].second.cx() - words[0].cx(), 0.5);
    BOOST_CHECK_SMALL(ws[0].second.cy() - words[0].cy(), 0.5);
    BOOST_CHECK_SMALL((ws[0].second.x1 - ws[0].second.x0) - 42 * 72 / 25.4, 0.1);  // --size default 42 mm
}

BOOST_AUTO_TEST_CASE(keyword_offset_and_numbered_occurrence) {
    TempDir dir("kwoff");
    const fs::path out = dir / "sealed.pdf";
    // The date under the unit name, moved 5 mm left and 10 mm up; the first "2026" is the date's.
    RunResult r =
        sign({inputOf("official.pdf")}, {"-o", out.string()}, "signer-ec",
             {"--keyword", "2026年12月3日", "--occurrence", "1", "--offset", "-5，-10", "--size", "38"});
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    checkSealed(out, "Seal1", "signer-ec", 1);
    const std::vector<Box> year = wordBoxes(inputOf("official.pdf"), 2, "2026");
    const std::vector<Box> day = wordBoxes(inputOf("official.pdf"), 2, "日");
    BOOST_REQUIRE(!year.empty() && !day.empty());
    const auto ws = widgets(out, "Seal1");
    BOOST_REQUIRE_EQUAL(ws.size(), 1u);
    const double mm = 72 / 25.4;
    BOOST_CHECK_SMALL(ws[0].second.cx() - ((year[0].x0 + day.back().x1) / 2 - 5 * mm), 0.5);
    BOOST_CHECK_SMALL(ws[0].second.cy() - (year[0].cy() - 10 * mm), 0.5);
}

BOOST_AUTO_TEST_CASE(keyword_all_is_one_signature_with_a_widget_per_occurrence) {
    TempDir dir("kwall");
    const fs::path out = dir / "sealed.pdf";
    RunResult r = sign({inputOf("official.pdf")}, {"-o", out.string()}, "signer-rsa",
                       {"--keyword", kUnit, "--occurrence", "all", "--size", "30"});
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    // pdfsig lists the field once per widget, every one valid.
    nlohmann::json rep = checkSealed(out, "Seal1", "signer-rsa", 3);
    BOOST_CHECK_EQUAL(rep["signatures"].size(), 1u);
    BOOST_CHECK_EQUAL(rep["signatures"][0]["appearances"].size(), 3u);
    const auto ws = widgets(out, "Seal1");
    BOOST_REQUIRE_EQUAL(ws.size(), 3u);
    // Header and text on page 1, the signature block on page 2.
    BOOST_CHECK_EQUAL(ws[0].first, 1);
    BOOST_CHECK_EQUAL(ws[1].first, 1);
    BOOST_CHECK_EQUAL(ws[2].first, 2);
    BOOST_CHECK_SMALL(ws[2].second.cx() - wordBoxes(inputOf("official.pdf"), 2, kUnit).at(0).cx(), 0.5);
}

BOOST_AUTO_TEST_CASE(keyword_not_found_names_the_text_and_pages_and_writes_nothing) {
    TempDir dir("kwmiss");
    const fs::path out = dir / "sealed.pdf";
    RunResult r =
        sign({inputOf("official.pdf")}, {"-o", out.string()}, "signer-rsa", {"--keyword", "财务专用章"});
    BOOST_CHECK_EQUAL(r.exitCode, 4);
    BOOST_CHECK_MESSAGE(r.err.find("财务专用章") != std::string::npos, r.err);
    BOOST_CHECK_MESSAGE(r.err.find("pages 1-2") != std::string::npos, r.err);
    BOOST_CHECK(!fs::exists(out));
    BOOST_CHECK(listDir(dir.path).empty());
    // An occurrence past the last: the count is named.
    r = sign({inputOf("official.pdf")}, {"-o", out.string()}, "signer-rsa",
             {"--keyword", kUnit, "--occurrence", "4"});
    BOOST_CHECK_EQUAL(r.exitCode, 4);
    BOOST_CHECK_MESSAGE(r.err.find("occurs 3 times") != std::string::npos, r.err);
    BOOST_CHECK(!fs::exists(out));
    // Options that do not go together are usage errors.
    r = sign({inputOf("official.pdf")}, {"-o", out.string()}, "signer-rsa",
             {"--keyword", kUnit, "--at", "10,10"});
    BOOST_CHECK_EQUAL(r.exitCode, 64);
    r = sign({inputOf("official.pdf")}, {"-o", out.string()}, "signer-rsa", {"--occurrence", "2"});
    BOOST_CHECK_EQUAL(r.exitCode, 64);
}

BOOST_AUTO_TEST_CASE(cross_page_strips_rebuild_the_seal) {
    TempDir dir("cross2");
    const fs::path seal = dir / "asymmetric.png";
    RunResult m = run({"/usr/bin/python3", checker(), "asymmetric-seal", seal.string()});
    BOOST_REQUIRE_MESSAGE(m.exitCode == 0, m.describe());
    const fs::path three = dir / "three.pdf";
    RunResult q = run(
        {"qpdf", "--empty", "--pages", inputOf("official.pdf"), inputOf("letter.pdf"), "--", three.string()});
    BOOST_REQUIRE_MESSAGE(q.exitCode == 0, q.describe());
    struct Case {
        std::string name;
        fs::path in;
        std::vector<std::string> extra;
        std::size_t pages;
        bool reversed;  // left edge: the first page shows the rightmost strip
    };
    const std::vector<Case> cases{
        {"twopage-right", inputOf("twopage.pdf"), {"--cross-page"}, 2, false},
        {"three-left", three, {"--cross-page", "--edge", "left", "--y", "80"}, 3, true},
        {"three-range", three, {"--cross-page", "--pages", "2-3"}, 2, false},
    };
    for (const Case& c : cases) {
        BOOST_TEST_CONTEXT(c.name) {
            const fs::path out = dir / (c.name + ".pdf");
            std::vector<std::string> args{
                "sign",   c.in.string(), "-o",        out.string(), "--key", keyUri("signer-rsa"),
                "--seal", seal.string(), "--pin-env", kPinVar};
            args.insert(args.end(), c.extra.begin(), c.extra.end());
            RunResult r = eseal(args);
            BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
            nlohmann::json rep = checkSealed(out, "Seal1", "signer-rsa", c.pages);
            BOOST_CHECK_EQUAL(rep["signatures"].size(), 1u);
            BOOST_CHECK_EQUAL(rep["signatures"][0]["appearances"].size(), c.pages);
            const auto ws = widgets(out, "Seal1");
            BOOST_REQUIRE_EQUAL(ws.size(), c.pages);
            for (const auto& [page, box] : ws) {
                // Flush with the page edge (A4: 595.3 pt wide).
                if (c.reversed)
                    BOOST_CHECK_SMALL(box.x0, 0.01);
                else
                    BOOST_CHECK_SMALL(box.x1 - 595.304, 0.01);
            }
            if (c.name == "three-left") BOOST_CHECK_SMALL(ws[0].second.cy() - 80 * 72 / 25.4, 0.01);
            // The renders of the strips, side by side, are the seal.
            const nlohmann::json cmp = pyJson({"crosspage", out.string(), "Seal1", seal.string(), "100"});
            BOOST_TEST_MESSAGE(c.name << ": " << cmp.dump());
            BOOST_CHECK_EQUAL(cmp["strips"].get<std::size_t>(), c.pages);
            const double right = c.reversed ? cmp["iouReversed"].get<double>() : cmp["iou"].get<double>();
            const double wrong = c.reversed ? cmp["iou"].get<double>() : cmp["iouReversed"].get<double>();
            BOOST_CHECK_MESSAGE(right > 0.85, "red pixels of the rebuilt seal match only " << right);
            BOOST_CHECK_MESSAGE(wrong < 0.6, "the strips in the wrong order match too well: " << wrong);
            if (!c.reversed) BOOST_CHECK_LT(cmp["meanDiff"].get<double>(), 15.0);
        }
    }
}

BOOST_AUTO_TEST_CASE(cross_page_needs_two_pages) {
    TempDir dir("cross1");
    const fs::path out = dir / "sealed.pdf";
    RunResult r = sign({inputOf("letter.pdf")}, {"-o", out.string()}, "signer-rsa", {"--cross-page"});
    BOOST_CHECK_EQUAL(r.exitCode, 4);
    BOOST_CHECK_MESSAGE(r.err.find("at least two pages") != std::string::npos, r.err);
    BOOST_CHECK(!fs::exists(out));
    r = sign({inputOf("twopage.pdf")}, {"-o", out.string()}, "signer-rsa",
             {"--cross-page", "--pages", "2-2"});
    BOOST_CHECK_EQUAL(r.exitCode, 64);
    r = sign({inputOf("twopage.pdf")}, {"-o", out.string()}, "signer-rsa",
             {"--cross-page", "--pages", "1-3"});
    BOOST_CHECK_EQUAL(r.exitCode, 4);
    r = sign({inputOf("twopage.pdf")}, {"-o", out.string()}, "signer-rsa", {"--cross-page", "--edge", "top"});
    BOOST_CHECK_EQUAL(r.exitCode, 64);
    BOOST_CHECK(!fs::exists(out));
}

// Multiply blend (ISO 32000-1 11.3.5.2): black text under the red seal stays
// black. With the normal blend the opaque parts of the seal paint it red.
BOOST_AUTO_TEST_CASE(text_under_the_seal_stays_dark) {
    TempDir dir("ink");
    const fs::path out = dir / "sealed.pdf";
    // Over the first line of the text on page 1, which the seal's ring and bar cross.
    RunResult r = sign({inputOf("official.pdf")}, {"-o", out.string()}, "signer-rsa",
                       {"--keyword", "各区县人民政府", "--size", "40"});
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    checkSealed(out, "Seal1", "signer-rsa", 1);
    const auto ws = widgets(out, "Seal1");
    BOOST_REQUIRE_EQUAL(ws.size(), 1u);
    constexpr int kDpi = 100;
    const double s = kDpi / 72.0;
    const Raster before = render(inputOf("official.pdf"), 1, kDpi), after = render(out, 1, kDpi);
    BOOST_REQUIRE(before.width == after.width && before.height == after.height);
    long dark = 0, stillDark = 0, turnedRed = 0;
    const Box& b = ws[0].second;
    for (int y = static_cast<int>(b.top * s); y < static_cast<int>(b.bottom * s); ++y) {
        for (int x = static_cast<int>(b.x0 * s); x < static_cast<int>(b.x1 * s); ++x) {
            const std::size_t i = (static_cast<std::size_t>(y) * before.width + x) * 3;
            const int maxBefore = std::max({before.rgb[i], before.rgb[i + 1], before.rgb[i + 2]});
            if (maxBefore > 60) continue;  // not black text
            ++dark;
            const int maxAfter = std::max({after.rgb[i], after.rgb[i + 1], after.rgb[i + 2]});
            if (maxAfter <= 80) ++stillDark;
            if (after.isRed(x, y)) ++turnedRed;
        }
    }
    // The seal must cover some text and some of it must be under red ink.
    BOOST_REQUIRE_GT(dark, 200);
    long redInBox = 0;
    for (int y = static_cast<int>(b.top * s); y < static_cast<int>(b.bottom * s); ++y)
        for (int x = static_cast<int>(b.x0 * s); x < static_cast<int>(b.x1 * s); ++x)
            redInBox += after.isRed(x, y);
    BOOST_REQUIRE_GT(redInBox, 1000);
    BOOST_CHECK_MESSAGE(stillDark >= dark * 98 / 100,
                        stillDark << " of " << dark << " dark text pixels stay dark");
    BOOST_CHECK_EQUAL(turnedRed, 0);
}

// LibreOffice form exports set /NeedAppearances true; Poppler then redraws
// every widget and draws a signature widget empty. The seal must still show.
BOOST_AUTO_TEST_CASE(seal_shows_in_a_form_with_need_appearances) {
    TempDir dir("needap");
    const fs::path in = dir / "form.pdf", out = dir / "sealed.pdf";
    RunResult m =
        run({"/usr/bin/python3", checker(), "need-appearances", inputOf("letter.pdf"), in.string()});
    BOOST_REQUIRE_MESSAGE(m.exitCode == 0, m.describe());
    RunResult r = sign({in}, {"-o", out.string()}, "signer-ec", {"--at", "100,100"});
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    checkSealed(out, "Seal1", "signer-ec", 1);
    const Raster before = render(in, 1, 50), after = render(out, 1, 50);
    long fresh = 0;
    for (int y = 0; y < after.height; ++y)
        for (int x = 0; x < after.width; ++x) fresh += after.isRed(x, y) && !before.isRed(x, y);
    BOOST_CHECK_MESSAGE(fresh > 500, "only " << fresh << " new red pixels: the seal is not shown");
}

BOOST_AUTO_TEST_CASE(unseal_gives_back_the_exact_bytes) {
    TempDir dir("unseal");
    const fs::path once = dir / "once.pdf", twice = dir / "twice.pdf", cross = dir / "cross.pdf";
    BOOST_REQUIRE_EQUAL(sign({inputOf("official.pdf")}, {"-o", once.string()}, "signer-rsa", {}).exitCode, 0);
    BOOST_REQUIRE_EQUAL(sign({once}, {"-o", twice.string()}, "signer-ec", {"--at", "60,60"}).exitCode, 0);
    BOOST_REQUIRE_EQUAL(
        sign({inputOf("twopage.pdf")}, {"-o", cross.string()}, "signer-rsa", {"--cross-page"}).exitCode, 0);
    // A file without an end-of-line after %%EOF: the one eseal adds goes too.
    const fs::path noEol = dir / "noeol.pdf", noEolSealed = dir / "noeol-sealed.pdf";
    std::string bytes = readFile(inputOf("letter.pdf"));
    while (!bytes.empty() && (bytes.back() == '\n' || bytes.back() == '\r')) bytes.pop_back();
    writeFile(noEol, bytes);
    BOOST_REQUIRE_EQUAL(sign({noEol}, {"-o", noEolSealed.string()}, "signer-rsa", {}).exitCode, 0);
    const std::vector<std::pair<fs::path, fs::path>> cases{{twice, once},
                                                           {once, inputOf("official.pdf")},
                                                           {cross, inputOf("twopage.pdf")},
                                                           {noEolSealed, noEol}};
    int n = 0;
    for (const auto& [sealed, original] : cases) {
        const fs::path out = dir / ("removed" + std::to_string(++n) + ".pdf");
        RunResult r = eseal({"unseal", sealed.string(), "-o", out.string()});
        BOOST_CHECK_MESSAGE(r.exitCode == 0, r.describe());
        BOOST_CHECK_MESSAGE(fs::exists(out) && sha256File(out) == sha256File(original),
                            sealed.filename() << " without its last seal is not " << original.filename());
        BOOST_CHECK_MESSAGE(run({"cmp", out.string(), original.string()}).exitCode == 0, "cmp differs");
    }
    // The once-sealed file, given back from the twice-sealed one, still verifies.
    checkSealed(dir / "removed1.pdf", "Seal1", "signer-rsa", 1);
}

BOOST_AUTO_TEST_CASE(unseal_refuses_what_is_not_an_eseal_seal) {
    TempDir dir("unseal-no");
    const fs::path out = dir / "out.pdf";
    struct Refusal {
        fs::path in;
        std::string why;
    };
    // A seal with a later change appended.
    const fs::path sealed = dir / "sealed.pdf", changed = dir / "changed.pdf";
    BOOST_REQUIRE_EQUAL(sign({inputOf("letter.pdf")}, {"-o", sealed.string()}, "signer-rsa", {}).exitCode, 0);
    RunResult u = run({"/usr/bin/python3", std::string(ESEAL_INTEG_DIR) + "/append-update.py",
                       sealed.string(), changed.string()});
    BOOST_REQUIRE_MESSAGE(u.exitCode == 0, u.describe());
    const std::vector<Refusal> refusals{
        {inputOf("letter.pdf"), "no incremental update"},
        {inputOf("pdfsig-signed.pdf"), "not made by eseal"},
        {inputOf("mutool-signed.pdf"), "not made by eseal"},
        {changed, "not a seal"},
    };
    for (const Refusal& f : refusals) {
        BOOST_TEST_CONTEXT(f.in.filename()) {
            RunResult r = eseal({"unseal", f.in.string(), "-o", out.string()});
            BOOST_CHECK_EQUAL(r.exitCode, 4);
            BOOST_CHECK_MESSAGE(r.err.find(f.why) != std::string::npos, r.err);
            BOOST_CHECK(!fs::exists(out));
        }
    }
    BOOST_CHECK(listDir(dir.path).size() == 2);                          // sealed.pdf, changed.pdf
    BOOST_CHECK_EQUAL(eseal({"unseal", sealed.string()}).exitCode, 64);  // -o is required
}

BOOST_AUTO_TEST_CASE(a_folder_is_sealed_into_out_dir) {
    TempDir dir("folder");
    const fs::path in = dir / "in", out = dir / "out";
    fs::create_directories(in);
    for (const char* name : {"a.pdf", "b.pdf", "c.pdf"}) fs::copy_file(inputOf("letter.pdf"), in / name);
    fs::copy_file(inputOf("encrypted.pdf"), in / "d-encrypted.pdf");
    writeFile(in / "notes.txt", "not a document\n");
    RunResult r = eseal({"sign", in.string(), "--out-dir", out.string(), "--key", keyUri("signer-rsa"),
                         "--seal", sealPng().string(), "--pin-env", kPinVar});
    BOOST_CHECK_EQUAL(r.exitCode, 4);  // the encrypted one fails; the others are sealed
    BOOST_CHECK_MESSAGE(r.out.find("sealed 3, failed 1, skipped 1") != std::string::npos, r.describe());
    BOOST_CHECK_MESSAGE(r.err.find("d-encrypted.pdf") != std::string::npos, r.err);
    // No progress bar without a terminal.
    BOOST_CHECK_MESSAGE(r.err.find('[') == std::string::npos, r.err);
    BOOST_CHECK(listDir(out) == (std::vector<std::string>{"a.pdf", "b.pdf", "c.pdf"}));
    for (const char* name : {"a.pdf", "b.pdf", "c.pdf"}) checkSealed(out / name, "Seal1", "signer-rsa", 1);
    // A folder without --out-dir, or into itself, is a usage error.
    r = eseal({"sign", in.string(), "--key", keyUri("signer-rsa"), "--seal", sealPng().string(), "--pin-env",
               kPinVar});
    BOOST_CHECK_EQUAL(r.exitCode, 64);
    r = eseal({"sign", in.string(), "--out-dir", in.string(), "--key", keyUri("signer-rsa"), "--seal",
               sealPng().string(), "--pin-env", kPinVar});
    BOOST_CHECK_EQUAL(r.exitCode, 64);
}

namespace {

// The catalog as qpdf --show-object prints it (keys sorted).
std::string catalogOf(const fs::path& pdf) {
    RunResult t = run({"qpdf", "--show-object=trailer", pdf.string()});
    BOOST_REQUIRE_MESSAGE(t.exitCode == 0, t.describe());
    const auto at = t.out.find("/Root ");
    BOOST_REQUIRE(at != std::string::npos);
    std::istringstream refs(t.out.substr(at + 6));
    int num = 0, gen = 0;
    refs >> num >> gen;
    RunResult c =
        run({"qpdf", "--show-object=" + std::to_string(num) + "," + std::to_string(gen), pdf.string()});
    BOOST_REQUIRE_MESSAGE(c.exitCode == 0, c.describe());
    return c.out;
}

}  // namespace

// GB/T 9704-2012 7.3.5.1: with no spot named, the seal goes on the last page over
// the unit's name and the date (centred on the date, the name and date below its
// middle), as pdftotext -bbox finds them in the LibreOffice letter.
BOOST_AUTO_TEST_CASE(default_spot_is_over_the_unit_name_and_date_on_the_last_page) {
    TempDir dir("gbt9704");
    const fs::path out = dir / "sealed.pdf";
    RunResult r = sign({inputOf("official.pdf")}, {"-o", out.string()}, "signer-rsa");
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    BOOST_CHECK_MESSAGE(r.out.find("page 2)") != std::string::npos, r.out);
    checkSealed(out, "Seal1", "signer-rsa", 1);
    const std::vector<Box> unit = wordBoxes(inputOf("official.pdf"), 2, kUnit);
    const std::vector<Box> year = wordBoxes(inputOf("official.pdf"), 2, "2026");
    const std::vector<Box> day = wordBoxes(inputOf("official.pdf"), 2, "日");
    BOOST_REQUIRE(unit.size() == 1 && !year.empty() && !day.empty());
    const Box date{year.back().x0, year.back().top, day.back().x1, day.back().bottom};
    const auto ws = widgets(out, "Seal1");
    BOOST_REQUIRE_EQUAL(ws.size(), 1u);
    BOOST_CHECK_EQUAL(ws[0].first, 2);
    const Box& s = ws[0].second;
    BOOST_CHECK_SMALL(s.cx() - date.cx(), 1.0);    // centred on the date
    BOOST_CHECK_SMALL(s.cy() - unit[0].top, 1.0);  // the name and date below the seal's middle
    // The name and the whole date under the seal, its top edge above the name.
    for (const Box& b : {unit[0], date}) {
        BOOST_CHECK_LT(s.top, b.top);
        BOOST_CHECK_GT(s.bottom, b.bottom);
    }
    BOOST_CHECK_LT(s.x0, date.x0);
    BOOST_CHECK_GT(s.x1, date.x1);
    // ETSI.CAdES.detached in a PDF 1.x file: declared with the ESIC extension (level 2).
    const std::string catalog = catalogOf(out);
    BOOST_CHECK_MESSAGE(catalog.find("/ESIC << /BaseVersion /1.7 /ExtensionLevel 2") != std::string::npos,
                        catalog);
    BOOST_CHECK_MESSAGE(catalog.find("/ISO_") == std::string::npos, catalog);
    // official.pdf is PDF 1.6: raised to the extension's BaseVersion (ISO 32000-2 7.12.3).
    BOOST_CHECK_MESSAGE(catalog.find("/Version /1.7") != std::string::npos, catalog);
}

// Without a date on the last page the seal goes to its lower right (30 mm from the
// right, 50 mm from the bottom); ECDSA P-256 is declared as ISO/TS 32002 (PDF 2.0).
BOOST_AUTO_TEST_CASE(default_spot_without_a_date_is_the_lower_right_of_the_last_page) {
    TempDir dir("lowerright");
    const fs::path out = dir / "sealed.pdf";
    // Two A4 pages without text (twopage.pdf ends with a date, so it gets the GB/T spot).
    const fs::path in = dir / "blank.pdf";
    RunResult made = run({"/usr/bin/python3", "-c",
                          "import pikepdf,sys\np=pikepdf.new()\nfor i in range(2): "
                          "p.add_blank_page(page_size=(595.3,841.9))\np.save(sys.argv[1])",
                          in.string()});
    BOOST_REQUIRE_MESSAGE(made.exitCode == 0, made.describe());
    RunResult r = sign({in}, {"-o", out.string()}, "signer-ec");
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    checkSealed(out, "Seal1", "signer-ec", 1);
    const auto ws = widgets(out, "Seal1");
    BOOST_REQUIRE_EQUAL(ws.size(), 1u);
    BOOST_CHECK_EQUAL(ws[0].first, 2);
    const double mm = 72 / 25.4;
    BOOST_CHECK_SMALL(ws[0].second.x1 - (595.3 - 30 * mm), 1.5);
    BOOST_CHECK_SMALL(ws[0].second.bottom - (841.9 - 50 * mm), 1.5);
    const std::string catalog = catalogOf(out);
    BOOST_CHECK_MESSAGE(catalog.find("/ExtensionLevel 32002") != std::string::npos, catalog);
    BOOST_CHECK_MESSAGE(catalog.find("/ISO_ [") != std::string::npos, catalog);
    BOOST_CHECK_MESSAGE(catalog.find("/Version /2.0") != std::string::npos, catalog);
    // A second seal finds the extensions declared and the first seal stays valid.
    const fs::path twice = dir / "twice.pdf";
    r = sign({out}, {"-o", twice.string()}, "signer-rsa", {"--page", "1"});
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    checkSealed(twice, "Seal2", "signer-rsa", 2);
    const std::string again = catalogOf(twice);
    BOOST_CHECK_MESSAGE(again.find("/ExtensionLevel 32002") != std::string::npos, again);
}

// PDF/A (issue 6): a PDF/A-1 file cannot stay PDF/A-1 (the seal's /SMask and multiply blend mode), which the
// person is told; it is not raised to another PDF version. A PDF/A-3 file keeps PDF 1.7:
// ECDSA gets no ISO/TS 32002 entry (PDF 2.0), the ESIC entry stays.
BOOST_AUTO_TEST_CASE(pdfa_files_say_what_the_seal_does_to_their_claim) {
    TempDir dir("pdfa");
    const fs::path data = sourceDir() / "tests" / "data" / "pdfa";
    const fs::path one = dir / "pdfa1.pdf", three = dir / "pdfa3.pdf";
    RunResult r = sign({data / "crazyones-pdfa.pdf"}, {"-o", one.string()}, "signer-rsa");
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    BOOST_CHECK_MESSAGE(
        r.err.find("PDF/A-1") != std::string::npos && r.err.find("/SMask") != std::string::npos &&
            r.err.find("/BM") != std::string::npos && r.err.find("multiply") != std::string::npos,
        r.err);
    checkSealed(one, "Seal1", "signer-rsa", 1);
    std::string catalog = catalogOf(one);
    BOOST_CHECK_MESSAGE(catalog.find("/ESIC") == std::string::npos, catalog);
    BOOST_CHECK_MESSAGE(catalog.find("/Version") == std::string::npos, catalog);

    r = sign({data / "PDFA3A.pdf"}, {"-o", three.string()}, "signer-ec");
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    BOOST_CHECK_MESSAGE(r.err.find("PDF/A") == std::string::npos, r.err);
    checkSealed(three, "Seal1", "signer-ec", 1);
    catalog = catalogOf(three);
    BOOST_CHECK_MESSAGE(catalog.find("/ISO_") == std::string::npos, catalog);
    BOOST_CHECK_MESSAGE(catalog.find("/Version /2.0") == std::string::npos, catalog);
    BOOST_CHECK_MESSAGE(catalog.find("/ESIC << /BaseVersion /1.7 /ExtensionLevel 2") != std::string::npos,
                        catalog);
}

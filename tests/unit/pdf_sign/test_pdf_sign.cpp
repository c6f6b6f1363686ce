// sealPdf end to end: every output is checked by tools that are not eseal
// (pdfsig, qpdf --check, pdftoppm) and for the incremental-update property.
#define BOOST_TEST_MODULE test_pdf_sign
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>
#include <qpdf/QPDFWriter.hh>
#include <sstream>
#include <string>

#include "core/base/error.hpp"
#include "core/crypto/digest.hpp"
#include "core/crypto/sm2.hpp"
#include "core/ossl/ossl.hpp"
#include "core/report/report.hpp"
#include "core/seal/image.hpp"
#include "core/seal/ses_seal.hpp"
#include "core/token/pkcs12_key.hpp"
#include "formats/pdf/pdf_object_io.hpp"
#include "formats/pdf/pdf_placement.hpp"
#include "formats/pdf/pdf_sign.hpp"
#include "formats/pdf/pdf_verify.hpp"

namespace fs = std::filesystem;
using namespace eseal;

namespace {

struct CommandResult {
    int status = -1;
    std::string output;
};

CommandResult run(const std::string& command) {
    CommandResult r;
    std::FILE* p = ::popen((command + " 2>&1").c_str(), "r");
    BOOST_REQUIRE_MESSAGE(p != nullptr, "cannot run " + command);
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
    int st = ::pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

std::string quote(const std::string& s) { return "'" + s + "'"; }

std::string slurp(const std::string& path) {
    Bytes b = readFile(path);
    return std::string(b.begin(), b.end());
}

void spit(const std::string& path, const std::string& data) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << data;
}

// One scratch directory per build tree.
const std::string& workDir() {
    static const std::string dir = [] {
        // Wiped at the start, kept after the run for inspection.
        std::string d = std::string(ESEAL_TEST_DATA) + "/pdf_sign";
        fs::remove_all(d);
        fs::create_directories(d);
        return d;
    }();
    return dir;
}

std::string pathFor(const std::string& name) { return workDir() + "/" + name; }

// A red disc with a blue mark near its top, on a transparent background: the
// mark shows which way is up in the rendered page.
const std::string& sealPng() {
    static const std::string path = [] {
        RgbaImage img;
        img.width = 200;
        img.height = 200;
        img.pixels.assign(200 * 200 * 4, 0);
        for (std::uint32_t y = 0; y < 200; ++y) {
            for (std::uint32_t x = 0; x < 200; ++x) {
                std::uint8_t* p = &img.pixels[(y * 200 + x) * 4];
                double dx = x + 0.5 - 100, dy = y + 0.5 - 100;
                if (dx * dx + dy * dy > 90.0 * 90.0) continue;
                bool mark = x >= 85 && x < 115 && y >= 20 && y < 50;
                p[0] = mark ? 0 : 230;
                p[1] = 0;
                p[2] = mark ? 230 : 0;
                p[3] = 255;
            }
        }
        Bytes png = encodePng(img);
        std::string p = pathFor("seal.png");
        spit(p, std::string(png.begin(), png.end()));
        return p;
    }();
    return path;
}

struct PdfSpec {
    int pages = 1;
    int rotate = 0;        // on the /Pages node, so it is inherited
    bool cropBox = false;  // CropBox [50 100 545 742]
    bool objectStreams = false;
    bool linearize = false;
};

std::string makePdf(const std::string& name, const PdfSpec& spec) {
    QPDF q;
    q.emptyPDF();
    QPDFObjectHandle font = q.makeIndirectObject(
        QPDFObjectHandle::parse("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"));
    QPDFPageDocumentHelper pages(q);
    for (int i = 1; i <= spec.pages; ++i) {
        QPDFObjectHandle page = q.makeIndirectObject(
            QPDFObjectHandle::parse(&q, "<< /Type /Page /MediaBox [0 0 595 842] /Resources << /Font << /F1 " +
                                            font.unparse() + " >> >> >>"));
        page.replaceKey("/Contents",
                        QPDFObjectHandle::newStream(&q, "BT /F1 24 Tf 72 720 Td (eseal test page " +
                                                            std::to_string(i) + ") Tj ET\n"));
        if (spec.cropBox) page.replaceKey("/CropBox", QPDFObjectHandle::parse("[50 100 545 742]"));
        pages.addPage(QPDFPageObjectHelper(page), false);
    }
    if (spec.rotate != 0) {
        q.getRoot().getKey("/Pages").replaceKey("/Rotate", QPDFObjectHandle::newInteger(spec.rotate));
    }
    q.getTrailer().replaceKey("/Info",
                              q.makeIndirectObject(QPDFObjectHandle::parse("<< /Title (eseal test) >>")));
    std::string path = pathFor(name);
    QPDFWriter w(q, path.c_str());
    w.setStaticID(true);
    w.setObjectStreamMode(spec.objectStreams ? qpdf_o_generate : qpdf_o_disable);
    w.setLinearization(spec.linearize);
    w.write();
    return path;
}

// Appends a hand-written incremental update (a new /Info) to a classic-xref file.
std::string addHandUpdate(const std::string& from, const std::string& name) {
    std::string data = slurp(from);
    QPDF q;
    q.processFile(from.c_str());
    QPDFObjectHandle trailer = q.getTrailer();
    long long size = trailer.getKey("/Size").getIntValue();
    std::size_t at = data.rfind("startxref");
    BOOST_REQUIRE(at != std::string::npos);
    long long prev = std::stoll(data.substr(at + 9));
    std::string update;
    std::size_t offset = data.size();
    update += std::to_string(size) + " 0 obj\n<< /Title (updated by hand) >>\nendobj\n";
    std::size_t xref = data.size() + update.size();
    char entry[32];
    std::snprintf(entry, sizeof entry, "%010zu 00000 n\r\n", offset);
    update += "xref\n" + std::to_string(size) + " 1\n" + entry;
    update += "trailer\n<< /Size " + std::to_string(size + 1) + " /Root " +
              trailer.getKey("/Root").unparse() + " /Info " + std::to_string(size) + " 0 R /ID " +
              trailer.getKey("/ID").unparse() + " /Prev " + std::to_string(prev) + " >>\nstartxref\n" +
              std::to_string(xref) + "\n%%EOF";  // no final EOL
    std::string path = pathFor(name);
    spit(path, data + update);
    return path;
}

std::unique_ptr<Key> key(const std::string& name) {
    FixedPin pin("test");
    return openPkcs12Key(std::string(ESEAL_TEST_PKI) + "/" + name + ".p12", pin);
}

SealRequest request(const std::string& in, const std::string& out, int page, double xMm, double yMm) {
    SealRequest r;
    r.input = in;
    r.output = out;
    r.sealImage = sealPng();
    r.placement.page = page;
    r.placement.xMm = xMm;
    r.placement.yMm = yMm;
    r.placement.sizeMm = 40;
    r.reason = "测试盖章";
    r.location = "Beijing";
    return r;
}

struct PdfsigSignature {
    bool valid = false;
    bool total = false;
};

std::vector<PdfsigSignature> pdfsig(const std::string& path) {
    CommandResult r = run("pdfsig -nocert " + quote(path));
    BOOST_TEST_MESSAGE(r.output);
    std::vector<PdfsigSignature> sigs;
    std::istringstream lines(r.output);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind("Signature #", 0) == 0) sigs.emplace_back();
        if (sigs.empty()) continue;
        if (line.find("Signature Validation: Signature is Valid.") != std::string::npos)
            sigs.back().valid = true;
        if (line.find("- Total document signed") != std::string::npos) sigs.back().total = true;
    }
    return sigs;
}

struct Blob {
    int count = 0;
    double cx = 0, cy = 0;
    double minX = 1e9, maxX = -1e9, minY = 1e9, maxY = -1e9;
};

// Renders one page's crop box at 36 dpi (as a viewer shows it) and finds the red and the blue pixels, in mm
// from the top-left of the page as displayed.
std::pair<Blob, Blob> renderSeal(const std::string& pdf, int page,
                                 const std::vector<std::pair<double, double>>& otherSeals) {
    const std::string prefix = pdf + ".render";
    CommandResult r = run("pdftoppm -r 36 -f " + std::to_string(page) + " -l " + std::to_string(page) +
                          " -cropbox -singlefile -png " + quote(pdf) + " " + quote(prefix));
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.output);
    Bytes png = readFile(prefix + ".png");
    RgbaImage img = decodePng(png, prefix + ".png");
    const double mmPerPixel = 25.4 / 36;
    Blob red, blue;
    for (std::uint32_t y = 0; y < img.height; ++y) {
        for (std::uint32_t x = 0; x < img.width; ++x) {
            const std::uint8_t* p = &img.pixels[(static_cast<std::size_t>(y) * img.width + x) * 4];
            Blob* b = nullptr;
            if (p[0] > 180 && p[1] < 90 && p[2] < 90) b = &red;
            if (p[2] > 180 && p[0] < 90 && p[1] < 90) b = &blue;
            if (!b) continue;
            double mx = (x + 0.5) * mmPerPixel, my = (y + 0.5) * mmPerPixel;
            bool other = false;
            for (auto [ox, oy] : otherSeals)
                other = other || (std::fabs(mx - ox) < 22 && std::fabs(my - oy) < 22);
            if (other) continue;
            ++b->count;
            b->cx += mx;
            b->cy += my;
            b->minX = std::min(b->minX, mx);
            b->maxX = std::max(b->maxX, mx);
            b->minY = std::min(b->minY, my);
            b->maxY = std::max(b->maxY, my);
        }
    }
    for (Blob* b : {&red, &blue}) {
        if (b->count > 0) {
            b->cx /= b->count;
            b->cy /= b->count;
        }
    }
    return {red, blue};
}

std::string sha256File(const std::string& path) {
    std::string d = slurp(path);
    return toHex(digest(DigestAlgorithm::Sha256, asBytes(d)));
}

// All independent checks of one sealed output.
void checkSealed(const std::string& in, const std::string& out, const SealResult& result, int page,
                 double xMm, double yMm, const std::vector<std::pair<double, double>>& otherSeals = {}) {
    const std::size_t expectedSignatures = otherSeals.size() + 1;
    BOOST_TEST(result.output == out);
    BOOST_TEST(result.outputSize == fs::file_size(out));
    BOOST_REQUIRE(result.appearances.size() == 1u);
    BOOST_TEST(result.appearances[0].fieldName == result.fieldName);

    const std::string inBytes = slurp(in), outBytes = slurp(out);
    BOOST_TEST_REQUIRE(outBytes.size() > inBytes.size());
    BOOST_TEST(outBytes.compare(0, inBytes.size(), inBytes) == 0, "input is a prefix of the output");

    auto sigs = pdfsig(out);
    BOOST_TEST_REQUIRE(sigs.size() == expectedSignatures);
    for (std::size_t i = 0; i < sigs.size(); ++i)
        BOOST_TEST(sigs[i].valid, "signature " << i + 1 << " valid");
    BOOST_TEST(sigs.back().total, "newest signature covers the whole file");
    for (std::size_t i = 0; i + 1 < sigs.size(); ++i) BOOST_TEST(!sigs[i].total);

    // The project's own verifier, trusting the test root only.
    TrustPolicy policy;
    policy.useSystemStore = false;
    policy.trustFiles.push_back(std::string(ESEAL_TEST_PKI) + "/trust.pem");
    Report report = pdf::verifyPdf(out, TrustStore(policy), {});
    BOOST_TEST_REQUIRE(report.signatures.size() == expectedSignatures, toText(report));
    for (const SignatureReport& s : report.signatures) {
        BOOST_TEST((s.verdict.indication() == Indication::Passed), s.id << ": " << toText(report));
    }
    BOOST_TEST(report.signatures.back().id == result.fieldName);
    BOOST_TEST((report.signatures.back().coverage == Coverage::EntireFile));

    CommandResult check = run("qpdf --check " + quote(out));
    BOOST_TEST(check.status == 0, check.output);

    auto [red, blue] = renderSeal(out, page, otherSeals);
    BOOST_TEST_REQUIRE(red.count > 100);
    BOOST_TEST(std::fabs(red.cx - xMm) < 2.0, "red centre x " << red.cx << " mm, want " << xMm);
    // The blue mark pulls nothing much; the disc's centre is at the seal centre.
    BOOST_TEST(std::fabs(red.cy - yMm) < 2.5, "red centre y " << red.cy << " mm, want " << yMm);
    // Nothing red far from the seal (40 mm wide: radius 18 mm plus antialiasing).
    BOOST_TEST(red.minX > xMm - 21);
    BOOST_TEST(red.maxX < xMm + 21);
    BOOST_TEST(red.minY > yMm - 21);
    BOOST_TEST(red.maxY < yMm + 21);
    // Upright: the blue mark is above the centre as the reader sees it.
    BOOST_TEST_REQUIRE(blue.count > 5);
    BOOST_TEST(std::fabs(blue.cx - xMm) < 2.0, "blue mark x " << blue.cx);
    BOOST_TEST(blue.cy < yMm - 8, "blue mark y " << blue.cy << " should be above " << yMm);
}

void checkNoOutput(const std::string& out) { BOOST_TEST(!fs::exists(out), out << " must not exist"); }

}  // namespace

BOOST_AUTO_TEST_SUITE(pdf_sign)

BOOST_AUTO_TEST_CASE(text_strings) {
    BOOST_TEST(pdf::encodeTextString("Beijing (HQ)") == "(Beijing \\(HQ\\))");
    BOOST_TEST(pdf::encodeTextString("盖章") == "<FEFF76D67AE0>");
    BOOST_TEST(pdf::formatNumber(1.0 / 3) == "0.3333");
    BOOST_TEST(pdf::formatNumber(-2.5) == "-2.5");
    BOOST_TEST(pdf::formatNumber(1e-9) == "0");
    BOOST_CHECK_THROW(pdf::encodeTextString("\xC3"), Error);
}

// Hand-computed rectangles: crop box [100 200 400 600] (300 x 400 units),
// /UserUnit 2 (1 unit = 2/72 inch), seal 20 mm wide, twice as high as wide.
BOOST_AUTO_TEST_CASE(placement_math) {
    const double u = 72 / 25.4 / 2;  // units per mm
    pdf::PageGeometry g;
    g.llx = 100;
    g.lly = 200;
    g.urx = 400;
    g.ury = 600;
    g.userUnit = 2;
    Placement p;
    p.xMm = 30;
    p.yMm = 40;
    p.sizeMm = 20;
    struct Want {
        int rotate;
        double cx, cy, w, h;
    };
    for (Want want : {Want{0, 100 + 30 * u, 600 - 40 * u, 20 * u, 40 * u},
                      Want{90, 100 + 40 * u, 200 + 30 * u, 40 * u, 20 * u},
                      Want{180, 400 - 30 * u, 200 + 40 * u, 20 * u, 40 * u},
                      Want{270, 400 - 40 * u, 600 - 30 * u, 40 * u, 20 * u}}) {
        BOOST_TEST_CONTEXT("rotate " << want.rotate) {
            g.rotate = want.rotate;
            pdf::SealBox b = pdf::placeSeal(g, p, 2.0, 1, "x.pdf");
            BOOST_TEST(std::fabs(b.x + b.width / 2 - want.cx) < 1e-9);
            BOOST_TEST(std::fabs(b.y + b.height / 2 - want.cy) < 1e-9);
            BOOST_TEST(std::fabs(b.width - want.w) < 1e-9);
            BOOST_TEST(std::fabs(b.height - want.h) < 1e-9);
        }
    }
    p.xMm = 300 / u + 1;  // just past the right edge when upright
    g.rotate = 0;
    BOOST_CHECK_THROW(pdf::placeSeal(g, p, 1, 1, "x.pdf"), Error);
    g.rotate = 90;  // 400 units across when turned
    BOOST_CHECK_NO_THROW(pdf::placeSeal(g, p, 1, 1, "x.pdf"));
    p.sizeMm = 0;
    BOOST_CHECK_THROW(pdf::placeSeal(g, p, 1, 1, "x.pdf"), Error);
}

// The default spot (30 mm from the right, 50 mm from the bottom) on a page too
// small for it moves inwards until the whole seal is on the page; a spot the
// person named never moves.
BOOST_AUTO_TEST_CASE(default_spot_on_a_small_page) {
    const double u = 72 / 25.4;
    pdf::PageGeometry g;  // 70 x 140 mm, shown 140 x 70 mm (/Rotate 270)
    g.urx = 70 * u;
    g.ury = 140 * u;
    g.rotate = 270;
    Placement named;
    named.sizeMm = 42;
    named.xMm = 51;
    named.yMm = 71;
    named.fromBottomRight = true;
    BOOST_CHECK_THROW(pdf::placeSeal(g, named, 1, 1, "x.pdf"), Error);
    const Placement spot = withDefaultSpot(named);
    pdf::SealBox b = pdf::placeSeal(g, spot, 1, 1, "x.pdf");
    // The whole seal inside the page box.
    BOOST_TEST(b.x >= -1e-9);
    BOOST_TEST(b.y >= -1e-9);
    BOOST_TEST(b.x + b.width <= g.urx + 1e-9);
    BOOST_TEST(b.y + b.height <= g.ury + 1e-9);
    BOOST_TEST(std::fabs(b.width - 42 * u) < 1e-6);
    // Smaller than the seal itself: still refused.
    g.urx = 30 * u;
    BOOST_CHECK_THROW(pdf::placeSeal(g, spot, 1, 1, "x.pdf"), Error);
}

BOOST_AUTO_TEST_CASE(classic_xref_rsa) {
    const std::string in = makePdf("classic.pdf", {});
    const std::string before = sha256File(in);
    const std::string out = pathFor("classic-sealed.pdf");
    auto k = key("signer-rsa");
    SealResult r = pdf::sealPdf(request(in, out, 1, 150, 200), *k);
    BOOST_TEST(r.fieldName == "Seal1");
    BOOST_TEST(r.appearances[0].page == 1);
    checkSealed(in, out, r, 1, 150, 200);
    BOOST_TEST(sha256File(in) == before, "input unchanged");
    // The update uses a classic table like the input.
    const std::string data = slurp(out);
    BOOST_TEST(data.find("/SubFilter /ETSI.CAdES.detached") != std::string::npos);
    BOOST_TEST(data.find("/SMask") != std::string::npos);

    // Sealing the sealed file again: both signatures valid, only the newest total.
    const std::string out2 = pathFor("classic-sealed2.pdf");
    auto ec = key("signer-ec");
    SealResult r2 = pdf::sealPdf(request(out, out2, 1, 60, 250), *ec);
    BOOST_TEST(r2.fieldName == "Seal2");
    checkSealed(out, out2, r2, 1, 60, 250, {{150, 200}});
}

BOOST_AUTO_TEST_CASE(xref_stream_input_ec) {
    const std::string in = makePdf("objstm.pdf", {.pages = 3, .objectStreams = true});
    BOOST_REQUIRE(slurp(in).find("/Type /XRef") != std::string::npos);
    const std::string out = pathFor("objstm-sealed.pdf");
    auto k = key("signer-ec");
    SealRequest rq = request(in, out, -1, 105, 260);
    rq.fieldName = "签章 Finance";
    SealResult r = pdf::sealPdf(rq, *k);
    BOOST_TEST(r.fieldName == "签章 Finance");
    BOOST_TEST(r.appearances[0].page == 3);
    checkSealed(in, out, r, 3, 105, 260);
    // The update's cross-reference section is a stream too.
    const std::string data = slurp(out);
    BOOST_TEST(data.find("/Type /XRef", slurp(in).size()) != std::string::npos);
    // The same field name twice is refused, and nothing is written.
    const std::string out2 = pathFor("objstm-sealed2.pdf");
    rq.input = out;
    rq.output = out2;
    BOOST_CHECK_THROW(pdf::sealPdf(rq, *k), Error);
    checkNoOutput(out2);
}

BOOST_AUTO_TEST_CASE(linearized_input) {
    const std::string in = makePdf("linear.pdf", {.pages = 2, .linearize = true});
    const std::string out = pathFor("linear-sealed.pdf");
    auto k = key("signer-rsa");
    SealResult r = pdf::sealPdf(request(in, out, 2, 40, 40), *k);
    checkSealed(in, out, r, 2, 40, 40);
}

BOOST_AUTO_TEST_CASE(rotated_pages_with_cropbox) {
    auto k = key("signer-rsa");
    for (int rotate : {90, 180, 270}) {
        BOOST_TEST_CONTEXT("rotate " << rotate) {
            const std::string name = "rot" + std::to_string(rotate);
            const std::string in = makePdf(name + ".pdf", {.rotate = rotate, .cropBox = true});
            const std::string out = pathFor(name + "-sealed.pdf");
            // Displayed size: 495 x 642 pt = 174.6 x 226.5 mm, turned for 90/270.
            SealResult r = pdf::sealPdf(request(in, out, 1, 50, 70), *k);
            checkSealed(in, out, r, 1, 50, 70);
            // The same spot measured from the bottom-right corner.
            const double shownW = rotate == 180 ? 495 * 25.4 / 72 : 642 * 25.4 / 72;
            const double shownH = rotate == 180 ? 642 * 25.4 / 72 : 495 * 25.4 / 72;
            const std::string out2 = pathFor(name + "-sealed-br.pdf");
            SealRequest rq = request(in, out2, 1, shownW - 50, shownH - 70);
            rq.placement.fromBottomRight = true;
            SealResult r2 = pdf::sealPdf(rq, *k);
            checkSealed(in, out2, r2, 1, 50, 70);
            BOOST_TEST(std::fabs(r2.appearances[0].x - r.appearances[0].x) < 0.01);
            BOOST_TEST(std::fabs(r2.appearances[0].y - r.appearances[0].y) < 0.01);
        }
    }
}

BOOST_AUTO_TEST_CASE(file_with_incremental_update_and_no_final_eol) {
    const std::string base = makePdf("base.pdf", {});
    const std::string in = addHandUpdate(base, "updated.pdf");
    BOOST_REQUIRE(run("qpdf --check " + quote(in)).status == 0);
    const std::string out = pathFor("updated-sealed.pdf");
    auto k = key("signer-rsa");
    SealResult r = pdf::sealPdf(request(in, out, 1, 100, 100), *k);
    checkSealed(in, out, r, 1, 100, 100);
    // The /Info of the newest revision is kept.
    BOOST_TEST(run("qpdf --show-object=trailer " + quote(out)).output.find("/Info") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(deterministic_for_fixed_time) {
    const std::string in = makePdf("det.pdf", {});
    auto k = key("signer-rsa");
    ::setenv("ESEAL_FIXED_TIME", "1790000000", 1);
    SealResult a = pdf::sealPdf(request(in, pathFor("det-a.pdf"), 1, 100, 100), *k);
    SealResult b = pdf::sealPdf(request(in, pathFor("det-b.pdf"), 1, 100, 100), *k);
    ::unsetenv("ESEAL_FIXED_TIME");
    BOOST_TEST(slurp(a.output) == slurp(b.output));
    BOOST_TEST(slurp(a.output).find("/M (D:20260921") != std::string::npos);
}

// An existing form: indirect /AcroForm with an indirect /Fields array, a
// field already named Seal1, and an indirect /Annots array with a link
// annotation; or one array that is both /Fields and /Annots.
BOOST_AUTO_TEST_CASE(existing_form_and_annotations) {
    for (bool sharedArray : {false, true}) {
        BOOST_TEST_CONTEXT("shared /Annots and /Fields: " << sharedArray) {
            const std::string tag = sharedArray ? "shared" : "separate";
            const std::string base = makePdf("form-base-" + tag + ".pdf", {});
            const std::string in = pathFor("form-" + tag + ".pdf");
            {
                QPDF q;
                q.processFile(base.c_str());
                QPDFObjectHandle page = q.getAllPages().at(0);
                QPDFObjectHandle text = q.makeIndirectObject(QPDFObjectHandle::parse(
                    &q,
                    "<< /Type /Annot /Subtype /Widget /FT /Tx /T (Seal1) /Rect [400 700 500 720] /F 4 /P " +
                        page.unparse() + " >>"));
                QPDFObjectHandle fields = q.makeIndirectObject(QPDFObjectHandle::newArray());
                fields.appendItem(text);
                QPDFObjectHandle annots = fields;
                if (!sharedArray) {
                    annots = q.makeIndirectObject(QPDFObjectHandle::newArray());
                    annots.appendItem(q.makeIndirectObject(QPDFObjectHandle::parse(
                        "<< /Type /Annot /Subtype /Link /Rect [72 700 200 730] /Border [0 0 0] >>")));
                    annots.appendItem(text);
                }
                page.replaceKey("/Annots", annots);
                q.getRoot().replaceKey(
                    "/AcroForm", q.makeIndirectObject(QPDFObjectHandle::parse(
                                     &q, "<< /Fields " + fields.unparse() + " /DA (/Helv 0 Tf 0 g) >>")));
                QPDFWriter w(q, in.c_str());
                w.setStaticID(true);
                w.write();
            }
            const std::string out = pathFor("form-" + tag + "-sealed.pdf");
            auto k = key("signer-rsa");
            SealRequest rq = request(in, out, 1, 150, 150);
            rq.contactInfo = "seal-office@example.cn";
            SealResult r = pdf::sealPdf(rq, *k);
            BOOST_TEST(r.fieldName == "Seal2");
            checkSealed(in, out, r, 1, 150, 150);
            QPDF q;
            q.processFile(out.c_str());
            QPDFObjectHandle acro = q.getRoot().getKey("/AcroForm");
            BOOST_TEST(acro.getKey("/Fields").getArrayNItems() == 2);
            BOOST_TEST(acro.getKey("/SigFlags").getIntValue() == 3);
            BOOST_TEST(acro.getKey("/DA").isString());
            QPDFObjectHandle page = q.getAllPages().at(0);
            BOOST_TEST(page.getKey("/Annots").getArrayNItems() == (sharedArray ? 2 : 3));
            BOOST_TEST(!q.anyWarnings());
        }
    }
}

// A seal without transparency has no /SMask.
BOOST_AUTO_TEST_CASE(opaque_seal_image) {
    RgbaImage img;
    img.width = 30;
    img.height = 20;
    img.pixels.assign(30 * 20 * 4, 255);
    for (std::size_t i = 0; i < 30 * 20; ++i) img.pixels[i * 4 + 1] = img.pixels[i * 4 + 2] = 0;
    const std::string png = pathFor("opaque.png");
    Bytes data = encodePng(img);
    spit(png, std::string(data.begin(), data.end()));
    const std::string in = makePdf("opaque-in.pdf", {});
    const std::string out = pathFor("opaque-sealed.pdf");
    SealRequest rq = request(in, out, 1, 100, 100);
    rq.sealImage = png;
    rq.placement.sizeMm = 30;
    auto k = key("signer-ec");
    SealResult r = pdf::sealPdf(rq, *k);
    BOOST_TEST(slurp(out).find("/SMask") == std::string::npos);
    // 30 x 20 mm: the /Rect is 3:2.
    BOOST_TEST(std::fabs(r.appearances[0].width - 30 * 72 / 25.4) < 0.01);
    BOOST_TEST(std::fabs(r.appearances[0].height - 20 * 72 / 25.4) < 0.01);
    auto sigs = pdfsig(out);
    BOOST_TEST_REQUIRE(sigs.size() == 1u);
    BOOST_TEST(sigs[0].valid);
    auto [red, blue] = renderSeal(out, 1, {});
    BOOST_TEST(std::fabs(red.cx - 100) < 1.5);
    BOOST_TEST(std::fabs(red.maxX - red.minX - 30) < 2.5);
    BOOST_TEST(std::fabs(red.maxY - red.minY - 20) < 2.5);
}

// DocMDP certification (ISO 32000-1 12.8.2.2): /P 1 locks the document, /P 2
// still allows approval seals; certification must be the first signature.
BOOST_AUTO_TEST_CASE(certification) {
    auto k = key("signer-rsa");
    const std::string in = makePdf("cert-in.pdf", {});
    for (int level : {1, 2}) {
        BOOST_TEST_CONTEXT("P " << level) {
            const std::string certified = pathFor("certified-p" + std::to_string(level) + ".pdf");
            SealRequest rq = request(in, certified, 1, 100, 100);
            rq.profile.certificationLevel = level;
            SealResult r = pdf::sealPdf(rq, *k);
            checkSealed(in, certified, r, 1, 100, 100);
            {
                QPDF q;
                q.processFile(certified.c_str());
                QPDFObjectHandle sig = q.getRoot().getKey("/Perms").getKey("/DocMDP");
                BOOST_TEST_REQUIRE(sig.isDictionary());
                QPDFObjectHandle params = sig.getKey("/Reference").getArrayItem(0).getKey("/TransformParams");
                BOOST_TEST(params.getKey("/P").getIntValue() == level);
            }

            const std::string approved = pathFor("certified-p" + std::to_string(level) + "-approved.pdf");
            SealRequest second = request(certified, approved, 1, 60, 60);
            if (level == 1) {
                BOOST_CHECK_EXCEPTION(pdf::sealPdf(second, *k), Error, [](const Error& e) {
                    return e.category() == ErrorCategory::BadInput &&
                           std::string(e.what()).find("DocMDP") != std::string::npos;
                });
                checkNoOutput(approved);
            } else {
                SealResult r2 = pdf::sealPdf(second, *k);
                checkSealed(certified, approved, r2, 1, 60, 60, {{100, 100}});
                // Certifying an already signed file is refused.
                SealRequest third = request(approved, pathFor("recertified.pdf"), 1, 150, 150);
                third.profile.certificationLevel = 2;
                BOOST_CHECK_THROW(pdf::sealPdf(third, *k), Error);
                checkNoOutput(third.output);
            }
        }
    }
}

// What later revisions a certification allows (ISO 32000-1 12.8.2.2.2 Table
// 254): P1 only validation data (ETSI EN 319 142-1 5.4), P2 also form
// filling, P3 also annotations; no certification is treated as P2. The
// updates are real incremental updates (tests/integration/append-change.py).
BOOST_AUTO_TEST_CASE(docmdp_levels_judge_later_revisions) {
    auto k = key("signer-rsa");
    const std::string in = makePdf("mdp-in.pdf", {});
    TrustPolicy policy;
    policy.useSystemStore = false;
    policy.trustFiles.push_back(std::string(ESEAL_TEST_PKI) + "/trust.pem");
    const TrustStore trust(policy);
    // change -> lowest P that allows it
    const std::vector<std::pair<std::string, int>> changes{{"dss,extensions,metadata", 1},
                                                           {"resources", 1},
                                                           {"form-da", 2},
                                                           {"annot", 3},
                                                           {"content", 4},
                                                           {"unwidget", 4}};
    for (int level : {0, 1, 2, 3}) {
        const std::string sealed = pathFor("mdp-p" + std::to_string(level) + ".pdf");
        SealRequest rq = request(in, sealed, 1, 100, 100);
        if (level) rq.profile.certificationLevel = level;
        pdf::sealPdf(rq, *k);
        for (const auto& [change, needs] : changes) {
            BOOST_TEST_CONTEXT("P " << level << ", " << change) {
                const std::string out = pathFor("mdp-p" + std::to_string(level) + "-" + change + ".pdf");
                CommandResult u =
                    run("/usr/bin/python3 " +
                        quote(std::string(ESEAL_SOURCE_DIR) + "/tests/integration/append-change.py") + " " +
                        quote(sealed) + " " + quote(out) + " " + change);
                BOOST_TEST_REQUIRE(u.status == 0, u.output);
                CommandResult check = run("qpdf --check " + quote(out));
                BOOST_TEST(check.status == 0, check.output);
                Report report = pdf::verifyPdf(out, trust, {});
                BOOST_TEST_REQUIRE(report.signatures.size() == 1u, toText(report));
                const SignatureReport& s = report.signatures[0];
                const bool allowed = needs <= (level == 0 ? 2 : level);
                if (allowed) {
                    BOOST_TEST((s.verdict.indication() == Indication::Passed), toText(report));
                } else {
                    BOOST_TEST((s.verdict.indication() == Indication::Failed), toText(report));
                    BOOST_TEST((s.verdict.subIndication() == SubIndication::SigConstraintsFailure),
                               toText(report));
                }
                BOOST_TEST(!s.modifications.empty());
            }
        }
    }
}

// A trailer /Size that is not one plus the highest object number (7.5.5;
// Acrobat, iText and PDFBox write such files) is tolerated: qpdf only warns,
// new objects take numbers past both.
BOOST_AUTO_TEST_CASE(trailer_size_off_is_tolerated) {
    auto k = key("signer-rsa");
    const std::string good = makePdf("size-good.pdf", {});
    std::string data = slurp(good);
    const std::size_t at = data.rfind("/Size ");
    BOOST_TEST_REQUIRE(at != std::string::npos);
    const int size = std::stoi(data.substr(at + 6));
    for (int delta : {3, -2}) {
        BOOST_TEST_CONTEXT("/Size " << size << " -> " << size + delta) {
            // The trailer follows the xref table: no offset moves.
            std::string off = data;
            off.replace(at, 6 + std::to_string(size).size(), "/Size " + std::to_string(size + delta));
            const std::string in = pathFor("size" + std::to_string(delta) + ".pdf");
            spit(in, off);
            CommandResult check = run("qpdf --check " + quote(in));
            BOOST_TEST(check.output.find("reported number of objects") != std::string::npos, check.output);
            const std::string out = pathFor("size" + std::to_string(delta) + "-sealed.pdf");
            SealResult r = pdf::sealPdf(request(in, out, 1, 100, 100), *k);
            checkSealed(in, out, r, 1, 100, 100);
        }
    }
}

// A /Prev that points at no xref section: qpdf rebuilds the table and the
// pages are lost. The refusal names the damage, not a missing page.
BOOST_AUTO_TEST_CASE(damage_is_named_not_the_page) {
    auto k = key("signer-rsa");
    std::string pdf =
        "%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n3 0 obj\n<< /Type /Page /MediaBox [0 "
        "0 "
        "595 842] >>\nendobj\n";
    const std::size_t xref = pdf.size();
    pdf +=
        "xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000000 00000 f \n0000000058 00000 n "
        "\ntrailer\n<< /Size 4 /Root 1 0 R /Prev 40 >>\nstartxref\n" +
        std::to_string(xref) + "\n%%EOF\n";
    const std::string in = pathFor("lost-pages.pdf");
    spit(in, pdf);
    const SealRequest rq = request(in, pathFor("lost-pages-out.pdf"), 1, 50, 50);
    try {
        pdf::sealPdf(rq, *k);
        BOOST_ERROR("sealing a file whose pages were lost should fail");
    } catch (const Error& e) {
        const std::string what = e.what();
        BOOST_TEST((e.category() == ErrorCategory::BadInput), what);
        BOOST_TEST(what.find("damaged PDF (xref not found at byte 40") != std::string::npos, what);
        BOOST_TEST(what.find("qpdf finds 0 pages") != std::string::npos, what);
    }
    checkNoOutput(rq.output);

    // A signed file whose update names a /Prev that misses: the revision scan
    // takes the section the previous %%EOF names, and qpdf's rebuilt table
    // resolves every object as the file's own sections give it, so the repair
    // is harmless and the file is sealed; pdfsig finds both signatures valid
    // and qpdf --check says no more than of the input. (A rebuilt table that
    // resolves an object differently is refused: test_pdf_revisions.)
    const std::string base = makePdf("damaged-signed-in.pdf", {});
    const std::string sealed = pathFor("damaged-signed-sealed.pdf");
    pdf::sealPdf(request(base, sealed, 1, 100, 100), *k);
    std::string data = slurp(sealed);
    const int size = std::stoi(data.substr(data.rfind("/Size ") + 6));
    const std::string root = data.substr(data.rfind("/Root ") + 6, 20);
    std::string update = "\n" + std::to_string(size) + " 0 obj\n(x)\nendobj\n";
    char entry[32];
    std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", data.size() + 1);
    const std::size_t at = data.size() + update.size();
    update += "xref\n" + std::to_string(size) + " 1\n" + entry + "trailer\n<< /Size " +
              std::to_string(size + 1) + " /Root " + root.substr(0, root.find('R') + 1) +
              " /Prev 40 >>\nstartxref\n" + std::to_string(at) + "\n%%EOF\n";
    const std::string damagedSigned = pathFor("damaged-signed.pdf");
    spit(damagedSigned, data + update);
    const SealRequest again = request(damagedSigned, pathFor("damaged-signed-out.pdf"), 1, 50, 50);
    pdf::sealPdf(again, *k);
    const auto sigs = pdfsig(again.output);
    BOOST_TEST(sigs.size() == 2u);
    for (const auto& sig : sigs) BOOST_TEST(sig.valid);
    auto warnings = [](const std::string& path) {
        std::string out = run("qpdf --check " + quote(path)).output;
        std::size_t n = 0;
        for (auto w = out.find("WARNING"); w != std::string::npos; w = out.find("WARNING", w + 1)) ++n;
        return n;
    };
    BOOST_TEST(warnings(again.output) <= warnings(damagedSigned));

    // The catalog of an update named 3 bytes before where it is: qpdf's rebuilt
    // table puts it elsewhere than the file's own section, so the seal is refused,
    // naming the object, with no advice to repair a signed file.
    const std::string rootNum = root.substr(0, root.find(' '));
    std::string catalog = "\n" + rootNum + " 0 obj\n<< /Type /Catalog /Pages " +
                          data.substr(data.find("/Pages ", data.rfind("/Type /Catalog")) + 7, 8) +
                          " >>\nendobj\n";
    catalog = catalog.substr(0, catalog.find(" R") + 2) + " >>\nendobj\n";
    std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", data.size() + 1 - 3);
    const std::size_t at2 = data.size() + catalog.size();
    catalog += "xref\n" + rootNum + " 1\n" + entry + "trailer\n<< /Size " + std::to_string(size) + " /Root " +
               root.substr(0, root.find('R') + 1) + " /Prev " + std::to_string(data.rfind("xref\n")) +
               " >>\nstartxref\n" + std::to_string(at2) + "\n%%EOF\n";
    const std::string shifted = pathFor("shifted-catalog.pdf");
    spit(shifted, data + catalog);
    const SealRequest third = request(shifted, pathFor("shifted-catalog-out.pdf"), 1, 50, 50);
    try {
        pdf::sealPdf(third, *k);
        BOOST_ERROR("sealing a file whose rebuilt xref moves the catalog should fail");
    } catch (const Error& e) {
        const std::string what = e.what();
        BOOST_TEST((e.category() == ErrorCategory::BadInput), what);
        BOOST_TEST(what.find("resolves object " + rootNum) != std::string::npos, what);
        BOOST_TEST(what.find("with qpdf") == std::string::npos, what);
    }
    checkNoOutput(third.output);
}

BOOST_AUTO_TEST_CASE(refusals_leave_no_output) {
    auto k = key("signer-rsa");
    const std::string good = makePdf("good.pdf", {});
    auto expect = [&](const SealRequest& rq, ErrorCategory category, const std::string& text) {
        try {
            pdf::sealPdf(rq, *k);
            BOOST_ERROR("sealing " << rq.input << " should have failed");
        } catch (const Error& e) {
            BOOST_TEST_MESSAGE(e.what());
            BOOST_TEST(static_cast<int>(e.category()) == static_cast<int>(category), e.what());
            BOOST_TEST(std::string(e.what()).find(text) != std::string::npos, e.what());
        }
        checkNoOutput(rq.output);
    };

    // Encrypted files (sealed when they open and allow it: tests/integration/test_encrypted.cpp).
    const std::string encPw = pathFor("enc-pw.pdf");
    BOOST_REQUIRE(run("qpdf --encrypt user owner 256 -- " + quote(good) + " " + quote(encPw)).status == 0);
    expect(request(encPw, pathFor("enc-pw-out.pdf"), 1, 50, 50), ErrorCategory::BadInput, "password");
    SealRequest wrong = request(encPw, pathFor("enc-pw-out.pdf"), 1, 50, 50);
    wrong.documentPassword = std::make_shared<const SecretString>("nope");
    expect(wrong, ErrorCategory::BadInput, "not its user or owner password");
    const std::string encLocked = pathFor("enc-locked.pdf");
    BOOST_REQUIRE(
        run("qpdf --encrypt '' owner 256 --modify=none -- " + quote(good) + " " + quote(encLocked)).status ==
        0);
    expect(request(encLocked, pathFor("enc-locked-out.pdf"), 1, 50, 50), ErrorCategory::BadInput,
           "permissions do not allow");

    const std::string garbage = pathFor("garbage.pdf");
    spit(garbage, std::string(5000, 'x'));
    expect(request(garbage, pathFor("garbage-out.pdf"), 1, 50, 50), ErrorCategory::BadInput, "");

    const std::string data = slurp(good);
    const std::string truncated = pathFor("truncated.pdf");
    spit(truncated, data.substr(0, data.size() * 2 / 3));
    expect(request(truncated, pathFor("truncated-out.pdf"), 1, 50, 50), ErrorCategory::BadInput, "");

    expect(request(good, pathFor("page-out.pdf"), 2, 50, 50), ErrorCategory::BadInput, "has 1 page");
    expect(request(good, pathFor("page0-out.pdf"), 0, 50, 50), ErrorCategory::BadInput, "has 1 page");
    expect(request(good, pathFor("off-out.pdf"), 1, 500, 50), ErrorCategory::BadInput, "outside page 1");

    const std::string before = sha256File(good);
    expect(request(good, workDir() + "/no-such-dir/out.pdf", 1, 50, 50), ErrorCategory::OutputNotWritable,
           "");
    try {
        pdf::sealPdf(request(good, good, 1, 50, 50), *k);
        BOOST_ERROR("sealing a file onto itself should have failed");
    } catch (const Error& e) {
        BOOST_TEST(static_cast<int>(e.category()) == static_cast<int>(ErrorCategory::Usage), e.what());
    }
    BOOST_TEST(sha256File(good) == before);

    // 12.8.2.2: certified with /P 1, no change allowed.
    const std::string certified = pathFor("certified.pdf");
    {
        QPDF q;
        q.processFile(good.c_str());
        QPDFObjectHandle sig = q.makeIndirectObject(QPDFObjectHandle::parse(
            "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached /Reference [<< /Type "
            "/SigRef "
            "/TransformMethod /DocMDP /TransformParams << /Type /TransformParams /P 1 /V /1.2 >> >>] >>"));
        QPDFObjectHandle perms = QPDFObjectHandle::newDictionary();
        perms.replaceKey("/DocMDP", sig);
        q.getRoot().replaceKey("/Perms", perms);
        QPDFWriter w(q, certified.c_str());
        w.write();
    }
    expect(request(certified, pathFor("certified-out.pdf"), 1, 50, 50), ErrorCategory::BadInput, "DocMDP");

    SealRequest keyword = request(good, pathFor("kw-out.pdf"), 1, 50, 50);
    keyword.placement.mode = Placement::Mode::Keyword;
    expect(keyword, ErrorCategory::Usage, "needs some text");
    keyword.placement.keyword = "不在文中";
    expect(keyword, ErrorCategory::BadInput, "is not on page 1");
    SealRequest cell = request(good, pathFor("cell-out.pdf"), 1, 50, 50);
    cell.placement.mode = Placement::Mode::Cell;
    expect(cell, ErrorCategory::Unsupported, "spreadsheets");

    // Nothing but the seal's own temporary names may be left in the directory.
    for (const auto& entry : fs::directory_iterator(workDir())) {
        BOOST_TEST(entry.path().filename().string().find(".eseal-") == std::string::npos, entry.path());
    }
}

// Hostile input: damaged copies either seal (the damage missed everything
// sealing reads) or fail with an eseal::Error and leave no output; nothing
// else escapes and nothing crashes.
BOOST_AUTO_TEST_CASE(mutated_inputs) {
    auto k = key("signer-ec");
    const std::string original = slurp(makePdf("mutate-base.pdf", {.pages = 2, .objectStreams = true}));
    std::uint32_t state = 12345;
    auto rnd = [&state] {
        state = state * 1103515245u + 12345u;
        return state >> 8;
    };
    int sealed = 0, refused = 0;
    // ESEAL_PDF_MUTATIONS raises the count for a longer run.
    const char* env = std::getenv("ESEAL_PDF_MUTATIONS");
    const int rounds = env ? std::atoi(env) : 60;
    for (int i = 0; i < rounds; ++i) {
        std::string data = original;
        const int flips = 1 + static_cast<int>(rnd() % 4);
        for (int f = 0; f < flips; ++f) data[rnd() % data.size()] = static_cast<char>(rnd() & 0xFF);
        if (i % 5 == 0) data.resize(rnd() % data.size());
        const std::string in = pathFor("mutant.pdf"), out = pathFor("mutant-out.pdf");
        fs::remove(out);
        spit(in, data);
        try {
            pdf::sealPdf(request(in, out, 1, 50, 50), *k);
            ++sealed;
            BOOST_TEST(fs::exists(out));
        } catch (const Error& e) {
            ++refused;
            BOOST_TEST(!fs::exists(out), e.what());
        }
    }
    BOOST_TEST_MESSAGE(sealed << " sealed, " << refused << " refused");
    BOOST_TEST(refused > 0);
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

// A GB/T 38540 V4 seal made here: the SM2 test key (signer-sm2) is its maker.
Bytes makeElectronicSeal(const std::vector<Bytes>& boundCertificates, const std::string& picturePath,
                         const std::string& name, const std::string& esId) {
    seal::SesSeal s;
    s.layout = seal::SealLayout::V4;
    s.header = {"ES", 4, "eseal-test"};
    s.esId = esId;  // IA5String (GB/T 38540 7.1)
    s.property.type = 1;
    s.property.name = name;
    s.property.certListType = 1;
    s.property.certificates = boundCertificates;
    s.property.createDate = std::time(nullptr) - 86400;
    s.property.validStart = s.property.createDate;
    s.property.validEnd = s.property.createDate + 3 * 365 * 86400;
    s.picture = {"PNG", readFile(picturePath), 40, 40};
    const Bytes info = seal::encodeSealInfoV4(s);
    auto maker = key("signer-sm2");
    const Bytes& makerCert = maker->certificateChain().front();
    ossl::X509Ptr cert = ossl::parseCertificate(makerCert);
    const SignatureAlgorithm sm2{SignatureScheme::Sm2, DigestAlgorithm::Sm3};
    const Bytes signature = maker->sign(sm2::signedDigest(X509_get0_pubkey(cert.get()), info), sm2);
    return seal::encodeSealV4(info, makerCert, "1.2.156.10197.1.501", signature);
}

// A blue square on a transparent background: not the seal's picture.
std::string otherPicture() {
    RgbaImage img;
    img.width = img.height = 200;
    img.pixels.assign(200 * 200 * 4, 0);
    for (std::uint32_t i = 0; i < 200 * 200; ++i)
        if (i % 200 > 20 && i % 200 < 180 && i / 200 > 20 && i / 200 < 180) {
            img.pixels[i * 4 + 2] = 220;
            img.pixels[i * 4 + 3] = 255;
        }
    const Bytes png = encodePng(img);
    const std::string p = pathFor("other.png");
    spit(p, std::string(png.begin(), png.end()));
    return p;
}

Report verifyWithTestRoot(const std::string& path) {
    TrustPolicy policy;
    policy.useSystemStore = false;
    policy.trustFiles.push_back(std::string(ESEAL_TEST_PKI) + "/trust.pem");
    return pdf::verifyPdf(path, TrustStore(policy), {});
}

}  // namespace

BOOST_AUTO_TEST_CASE(electronic_seal_travels_inside_the_signature) {
    auto ec = key("signer-ec");
    auto rsa = key("signer-rsa");
    const std::string in = makePdf("eseal-in.pdf", {});
    const Bytes bound =
        makeElectronicSeal({ec->certificateChain().front()}, sealPng(), "合同专用章", "unit-test-1");

    // The seal's own picture on the page: PASSED, the seal's data in the report.
    SealRequest r = request(in, pathFor("eseal-out.pdf"), 1, 100, 100);
    r.electronicSeal = bound;
    pdf::sealPdf(r, *ec);
    auto sigs = pdfsig(r.output);
    BOOST_TEST_REQUIRE(sigs.size() == 1u);
    BOOST_TEST(sigs[0].valid);
    BOOST_TEST(run("qpdf --check " + quote(r.output)).status == 0);
    // The seal is inside the signed bytes, as one signed attribute.
    const std::string out = slurp(r.output);
    BOOST_TEST(out.find(toHex(bound, true)) != std::string::npos);
    Report report = verifyWithTestRoot(r.output);
    BOOST_TEST_REQUIRE(report.signatures.size() == 1u);
    const SignatureReport& s = report.signatures[0];
    BOOST_TEST((s.verdict.indication() == Indication::Passed), toText(report));
    BOOST_TEST_REQUIRE(s.electronicSeal.has_value());
    BOOST_TEST(s.electronicSeal->name == "合同专用章");
    BOOST_TEST(s.electronicSeal->esId == "unit-test-1");
    BOOST_TEST(s.electronicSeal->makerSignatureValid);
    BOOST_TEST(s.electronicSeal->signerListed);
    BOOST_TEST(s.electronicSeal->pictureOnPage == "matches");
    BOOST_TEST(s.electronicSeal->maker.find("CN=") != std::string::npos);
    BOOST_TEST(toJson(report).find("\"pictureOnPage\": \"matches\"") != std::string::npos, toJson(report));
    BOOST_TEST(toText(report).find("合同专用章") != std::string::npos);

    // Another picture shown than the seal's: still a valid signature for pdfsig,
    // FAILED for eseal, which names why.
    SealRequest other = request(in, pathFor("eseal-other-picture.pdf"), 1, 100, 100);
    other.sealImage = otherPicture();
    other.electronicSeal = bound;
    pdf::sealPdf(other, *ec);
    sigs = pdfsig(other.output);
    BOOST_TEST_REQUIRE(sigs.size() == 1u);
    BOOST_TEST(sigs[0].valid);
    report = verifyWithTestRoot(other.output);
    BOOST_TEST_REQUIRE(report.signatures.size() == 1u);
    BOOST_TEST((report.signatures[0].verdict.indication() == Indication::Failed));
    BOOST_TEST((report.signatures[0].verdict.subIndication() == SubIndication::SigConstraintsFailure));
    BOOST_TEST(report.signatures[0].electronicSeal->pictureOnPage == "differs");
    BOOST_TEST(toText(report).find("not the picture of the seal") != std::string::npos, toText(report));

    // A seal that does not list the signer (the core does not refuse; the CLI does):
    // the verifier reports the broken binding.
    SealRequest unbound = request(in, pathFor("eseal-unbound.pdf"), 1, 100, 100);
    unbound.electronicSeal =
        makeElectronicSeal({rsa->certificateChain().front()}, sealPng(), "财务专用章", "unit-test-2");
    pdf::sealPdf(unbound, *ec);
    report = verifyWithTestRoot(unbound.output);
    BOOST_TEST_REQUIRE(report.signatures.size() == 1u);
    BOOST_TEST((report.signatures[0].verdict.indication() == Indication::Failed));
    BOOST_TEST(!report.signatures[0].electronicSeal->signerListed);
    BOOST_TEST(report.signatures[0].electronicSeal->makerSignatureValid);

    // Without a seal nothing of this is reported.
    SealRequest plain = request(in, pathFor("eseal-plain.pdf"), 1, 100, 100);
    pdf::sealPdf(plain, *ec);
    report = verifyWithTestRoot(plain.output);
    BOOST_TEST_REQUIRE(report.signatures.size() == 1u);
    BOOST_TEST(!report.signatures[0].electronicSeal.has_value());
}

// --profile gbt38540: the SES_Signature V4 rides in the CMS's unsigned
// attributes; pdfsig keeps seeing a valid PAdES signature, eseal checks both.
BOOST_AUTO_TEST_CASE(gbt38540_signature_beside_the_cms) {
    const std::string in = makePdf("gb-in.pdf", {});
    for (const char* name : {"signer-ec", "signer-sm2"}) {
        BOOST_TEST_CONTEXT(name) {
            auto k = key(name);
            const Bytes bound =
                makeElectronicSeal({k->certificateChain().front()}, sealPng(), "合同专用章", "unit-gb-1");
            SealRequest r = request(in, pathFor(std::string("gb-") + name + ".pdf"), 1, 100, 100);
            r.electronicSeal = bound;
            r.profile.gbt38540Signature = true;
            r.signingTime = 1767225600;  // 2026-01-01T00:00:00Z
            pdf::sealPdf(r, *k);
            BOOST_TEST(run("qpdf --check " + quote(r.output)).status == 0);
            Report report = verifyWithTestRoot(r.output);
            BOOST_TEST_REQUIRE(report.signatures.size() == 1u);
            const SignatureReport& s = report.signatures[0];
            BOOST_TEST_REQUIRE(s.sesSignature.has_value(), toText(report));
            const SesSignatureInfo& g = *s.sesSignature;
            BOOST_TEST(g.version == 4);
            BOOST_TEST(g.signatureValid);
            BOOST_TEST(g.dataHashMatches);
            BOOST_TEST(g.sameSeal);
            BOOST_TEST(g.sameSigner);
            BOOST_TEST(g.timeInfo == "2026-01-01T00:00:00Z");
            BOOST_TEST(g.propertyInfo.rfind("/ByteRange [0 ", 0) == 0u, g.propertyInfo);
            if (std::string(name) == "signer-ec") {
                BOOST_TEST((s.verdict.indication() == Indication::Passed), toText(report));
                BOOST_TEST(g.dataHashAlgorithm == "SHA-256");
                auto sigs = pdfsig(r.output);
                BOOST_TEST_REQUIRE(sigs.size() == 1u);
                BOOST_TEST(sigs[0].valid);
            } else {
                BOOST_TEST(g.signatureAlgorithm == "SM2-with-SM3");
                BOOST_TEST(g.dataHashAlgorithm == "SM3");
                // The SM2 root is not in trust.pem: INDETERMINATE at worst, never FAILED.
                BOOST_TEST((s.verdict.indication() != Indication::Failed), toText(report));
            }
        }
    }
    // No electronic seal: a usage error before anything is written.
    auto ec = key("signer-ec");
    SealRequest bare = request(in, pathFor("gb-bare.pdf"), 1, 100, 100);
    bare.profile.gbt38540Signature = true;
    BOOST_CHECK_EXCEPTION(pdf::sealPdf(bare, *ec), Error,
                          [](const Error& e) { return e.category() == ErrorCategory::Usage; });
    BOOST_TEST(!std::filesystem::exists(bare.output));
}

// What the PDF format says to a clerk (issue 10, "Chinese first"): the
// refusals of `eseal sign` and `eseal unseal` that come from formats/pdf (a
// page that does not exist, a keyword not on the pages, a seal off the page, a
// cross-page seal on one page, an encrypted PDF without its password, a PDF
// without a seal to remove) are Chinese under LANG=zh_CN.UTF-8 and English
// under LANG=C, with the same exit code and nothing written either way.
#define BOOST_TEST_MODULE integ_pdf_messages
#include <boost/test/unit_test.hpp>

#include "tests/integration/support.hpp"

using namespace integ;

namespace {

const Env kChinese{
    {"LANG", "zh_CN.UTF-8"}, {"LC_ALL", kUnset}, {"LC_MESSAGES", kUnset}, {"LANGUAGE", kUnset}};
const Env kEnglish{{"LANG", "C"}, {"LC_ALL", kUnset}, {"LC_MESSAGES", kUnset}, {"LANGUAGE", kUnset}};

std::string inputOf(const std::string& name) { return (inputsDir() / name).string(); }

// Seals `input` with `extra` options in both languages and checks the exit
// code, the message in each language (and no English words in the Chinese one),
// and that no file was left in the output folder.
void refusedInBoth(const std::string& input, const std::vector<std::string>& extra, int exitCode,
                   const std::vector<std::string>& chinese, const std::vector<std::string>& english) {
    for (const bool zh : {true, false}) {
        BOOST_TEST_CONTEXT((zh ? "LANG=zh_CN.UTF-8" : "LANG=C") << ", options " << extra.size()) {
            TempDir dir("pdfmsg");
            const fs::path out = dir / "sealed.pdf";
            RunResult r = sign({input}, {"-o", out.string()}, "signer-ec", extra, zh ? kChinese : kEnglish);
            BOOST_CHECK_MESSAGE(r.exitCode == exitCode, r.describe());
            for (const std::string& expected : zh ? chinese : english)
                BOOST_CHECK_MESSAGE(r.err.find(expected) != std::string::npos, "no '" << expected << "' in\n"
                                                                                      << r.err);
            if (zh)
                for (const std::string& word : english)
                    BOOST_CHECK_MESSAGE(r.err.find(word) == std::string::npos,
                                        "English '" << word << "' in the Chinese message\n"
                                                    << r.err);
            BOOST_CHECK_MESSAGE(listDir(dir.path).empty(), "files left in the output folder");
        }
    }
}

}  // namespace

BOOST_AUTO_TEST_CASE(page_that_does_not_exist) {
    refusedInBoth(inputOf("letter.pdf"), {"--page", "9", "--at", "100,100"}, 4,
                  {"第 9 页不存在；该文档共 1 页"}, {"page 9 does not exist; the document has 1 page"});
}

BOOST_AUTO_TEST_CASE(keyword_not_on_the_pages_and_occurrence_past_the_last) {
    refusedInBoth(inputOf("official.pdf"), {"--keyword", "财务专用章"}, 4,
                  {"在第 1-2 页上找不到文字“财务专用章”", "扫描页上没有文字"},
                  {"the text \"财务专用章\" is not on pages 1-2", "a scanned page has no text"});
    refusedInBoth(inputOf("official.pdf"), {"--keyword", "某某市人民政府办公室", "--occurrence", "4"}, 4,
                  {"文字“某某市人民政府办公室”在第 1-2 页上只出现 3 次，没有第 4 处"},
                  {"occurs 3 times on pages 1-2, not 4"});
}

BOOST_AUTO_TEST_CASE(seal_off_the_page) {
    // Centre outside the page, and a centre on the page with the seal over its edge.
    // (LibreOffice's A4 page is 210.01 x 297 mm.)
    refusedInBoth(inputOf("letter.pdf"), {"--at", "400,100"}, 4,
                  {"印章中心（400 毫米，100 毫米）在第 1 页之外，该页为 210", " x 297 毫米"},
                  {"seal centre (400 mm, 100 mm) is outside page 1, which is 210", " x 297 mm"});
    refusedInBoth(inputOf("letter.pdf"), {"--at", "5,100", "--size", "42"}, 4,
                  {"超出了第 1 页的边缘", "请向内移动或缩小印章（--size）"},
                  {"reaches past the edge of page 1", "move it inwards or make it smaller (--size)"});
}

BOOST_AUTO_TEST_CASE(cross_page_seal_on_a_one_page_document) {
    refusedInBoth(inputOf("letter.pdf"), {"--cross-page"}, 4, {"骑缝章至少需要两页；该文档共 1 页"},
                  {"a cross-page seal needs at least two pages; the document has 1 page"});
}

BOOST_AUTO_TEST_CASE(encrypted_pdf_without_its_password) {
    TempDir dir("pdfmsg-enc");
    const fs::path locked = dir / "locked.pdf";
    RunResult q = run({"qpdf", "--encrypt", "user-secret", "owner-secret", "256", "--", inputOf("letter.pdf"),
                       locked.string()});
    BOOST_REQUIRE_MESSAGE(q.exitCode == 0, q.describe());
    refusedInBoth(locked.string(), {"--at", "100,100"}, 4, {"加密的 PDF：需要密码才能打开"},
                  {"encrypted PDF: it opens only with its password"});
    // verify's report says the same in the reader's language: its structure,
    // read without the password, holds no signature (exit 3).
    RunResult zh = eseal({"verify", locked.string()}, kChinese);
    BOOST_CHECK_MESSAGE(zh.out.find("该 PDF 设有打开密码") != std::string::npos, zh.describe());
    RunResult en = eseal({"verify", locked.string()}, kEnglish);
    BOOST_CHECK_MESSAGE(en.out.find("the PDF is encrypted with a user password") != std::string::npos,
                        en.describe());
    BOOST_CHECK_EQUAL(zh.exitCode, 3);
    BOOST_CHECK_EQUAL(zh.exitCode, en.exitCode);
}

BOOST_AUTO_TEST_CASE(unseal_of_a_pdf_that_was_never_sealed) {
    for (const bool zh : {true, false}) {
        TempDir dir("pdfmsg-unseal");
        const fs::path out = dir / "back.pdf";
        RunResult r = eseal({"unseal", inputOf("letter.pdf"), "-o", out.string()}, zh ? kChinese : kEnglish);
        BOOST_CHECK_MESSAGE(r.exitCode == 4, r.describe());
        const std::string expected = zh ? "无法撤销最后一个签章：该 PDF 没有增量更新，因此没有加盖过签章"
                                        : "cannot remove the last seal: the PDF has no incremental update";
        BOOST_CHECK_MESSAGE(r.err.find(expected) != std::string::npos, r.describe());
        BOOST_CHECK(!fs::exists(out));
    }
}

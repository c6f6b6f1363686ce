// The seal picture in word/document.xml, streamed (formats/ooxml/ooxml_word):
// the keyword read across runs and paragraphs, the run split before its middle
// character in every form XML allows text in (references, CDATA, comments,
// CR LF), the end of the body in its forms, and the splicer's checks.
#define BOOST_TEST_MODULE ooxml_word
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/base/error.hpp"
#include "core/package/xml.hpp"
#include "core/package/zip.hpp"
#include "formats/ooxml/ooxml_word.hpp"

using namespace eseal;
using namespace eseal::ooxml;
namespace fs = std::filesystem;

namespace {

const std::string kW = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const std::string kRun = "<w:r xmlns:w=\"" + kW + "\"><w:t>SEAL</w:t></w:r>";

std::string document(const std::string& body, const std::string& prefix = "w") {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<" + prefix +
           ":document xmlns:" + prefix + "=\"" + kW + "\">" + body + "</" + prefix + ":document>";
}

// The part sealed at the keyword (or at the end when keyword is empty): the
// output bytes, checked to be well-formed XML.
std::string sealed(const std::string& xml, const std::string& keyword = "", int occurrence = 1,
                   long* maxId = nullptr) {
    const fs::path path =
        fs::temp_directory_path() / ("eseal-test-word-" + std::to_string(getpid()) + ".zip");
    {
        const Bytes zip = package::writeZip({{"word/document.xml", Bytes(xml.begin(), xml.end())}});
        std::ofstream(path, std::ios::binary)
            .write(reinterpret_cast<const char*>(zip.data()), static_cast<std::streamsize>(zip.size()));
    }
    const package::ZipArchive zip(path.string());
    Placement p;
    if (!keyword.empty()) {
        p.mode = Placement::Mode::Keyword;
        p.keyword = keyword;
        p.occurrence = occurrence;
    }
    const auto spot = findWordSpot(zip, "word/document.xml", p, "test.docx");
    if (maxId) *maxId = maxDrawingId(*spot);
    std::string out;
    package::streamSpliced(
        zip, "word/document.xml", wordSplices(zip, "word/document.xml", *spot, kRun),
        [&](ByteView b) { out.append(reinterpret_cast<const char*>(b.data()), b.size()); });
    fs::remove(path);
    const package::XmlDocument parsed(asBytes(out), "sealed document.xml");  // throws when broken
    return out;
}

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_CASE(keyword_split_over_runs_by_formatting) {
    // As LibreOffice writes "甲方（盖章）" with "（盖" bold and "章）" italic, in the third paragraph.
    const std::string xml = document(
        "<w:body><w:p><w:r><w:t>一</w:t></w:r></w:p><w:p><w:r><w:t>二 甲方</w:t></w:r></w:p>"
        "<w:p><w:pPr><w:jc w:val=\"left\"/></w:pPr><w:r><w:rPr></w:rPr><w:t>三：甲方</w:t></w:r>"
        "<w:r w:rsidR=\"00AB\"><w:rPr><w:b/></w:rPr><w:t>（盖</w:t></w:r><w:r><w:rPr><w:i/></w:rPr>"
        "<w:t>章）</w:t></w:r><w:r><w:t>：测试单位</w:t></w:r></w:p><w:sectPr/></w:body>");
    const std::string out = sealed(xml, "甲方（盖章）");
    // The middle character "盖" begins the second half of the bold run; both halves keep <w:b/>.
    BOOST_TEST(
        has(out, "<w:r w:rsidR=\"00AB\"><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">（</w:t></w:r>" +
                     kRun + "<w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">盖</w:t></w:r>"));
    BOOST_TEST(out.size() == xml.size() + kRun.size() + std::string(" xml:space=\"preserve\"").size() * 2 +
                                 std::string("</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>").size());
    // White space in the keyword or the text is left out; a keyword not there, or not often enough, is
    // refused.
    BOOST_TEST(has(sealed(xml, "甲方 （盖 章）"), kRun));
    BOOST_CHECK_THROW(sealed(xml, "乙方"), Error);
    BOOST_CHECK_THROW(sealed(xml, "甲方（盖章）", 2), Error);
    BOOST_CHECK_THROW(sealed(document("<w:p/>"), "甲方"), Error);  // no body
}

BOOST_AUTO_TEST_CASE(occurrences_count_paragraphs_in_order_text_boxes_once) {
    const std::string box =
        "<mc:AlternateContent xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\">"
        "<mc:Choice Requires=\"wps\"><w:drawing><w:txbxContent><w:p><w:r><w:t>KEYbox</w:t></w:r></w:p>"
        "</w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r>"
        "<w:t>KEYbox</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent>";
    const std::string xml =
        document("<w:body><w:p><w:r><w:t>KEY1</w:t></w:r></w:p><w:p><w:r>" + box +
                 "<w:t>K</w:t></w:r><w:r><w:t>EY2</w:t></w:r></w:p><w:p><w:r><w:t>"
                 "K<w:tab/>E</w:t></w:r></w:p><w:p><w:r><w:t>KEY3</w:t></w:r></w:p></w:body>");
    BOOST_TEST(has(sealed(xml, "KEY", 1), "K</w:t></w:r>" + kRun + "<w:r><w:t xml:space=\"preserve\">EY1"));
    // The text box's paragraph is met first (it opens inside the second paragraph), once: its
    // mc:Fallback copy is not counted. The second paragraph's own text "KEY2" is read across the box.
    BOOST_TEST(has(sealed(xml, "KEY", 2), "K</w:t></w:r>" + kRun + "<w:r><w:t xml:space=\"preserve\">EYbox"));
    BOOST_TEST(has(sealed(xml, "KEY", 3), "<w:t>EY2</w:t>") == false);
    BOOST_TEST(has(sealed(xml, "KEY", 3), "<w:t xml:space=\"preserve\"></w:t></w:r>" + kRun));
    BOOST_TEST(has(sealed(xml, "KEY", Placement::kLastOccurrence),
                   ">K</w:t></w:r>" + kRun + "<w:r><w:t xml:space=\"preserve\">EY3"));
    BOOST_CHECK_THROW(sealed(xml, "KEY", 5), Error);  // 4 occurrences
}

BOOST_AUTO_TEST_CASE(split_in_references_cdata_comments_and_line_ends) {
    const auto body = [](const std::string& t) {
        return document("<w:body><w:p><w:r><w:t>" + t + "</w:t></w:r></w:p></w:body>");
    };
    // "A&B" with its middle character written as a reference: the split is before the reference.
    BOOST_TEST(has(sealed(body("x A &amp; B y"), "A&B"),
                   "x A </w:t></w:r>" + kRun + "<w:r><w:t xml:space=\"preserve\">&amp; B y</w:t>"));
    BOOST_TEST(has(sealed(body("&#x7532;&#x65B9;&#30422;&#31456;"), "甲方盖章"),
                   "&#x7532;&#x65B9;</w:t></w:r>" + kRun + "<w:r><w:t xml:space=\"preserve\">&#30422;"));
    // Inside a CDATA section, which is closed and opened again around the run.
    BOOST_TEST(
        has(sealed(body("<![CDATA[a]]b]]>cd"), "]bc"),
            "<![CDATA[a]]]]></w:t></w:r>" + kRun + "<w:r><w:t xml:space=\"preserve\"><![CDATA[b]]>cd"));
    BOOST_TEST(has(sealed(body("<![CDATA[x]]]>yz"), "]yz"),
                   "<![CDATA[x]]]></w:t></w:r>" + kRun + "<w:r><w:t xml:space=\"preserve\">yz"));
    // Comments and processing instructions hold no characters; CR LF is one.
    BOOST_TEST(has(sealed(body("a<!-- - x -->b<?pi ?\?>\r\nc"), "abc"),
                   "a<!-- - x --></w:t></w:r>" + kRun + "<w:r><w:t xml:space=\"preserve\">b<?pi ?\?>"));
    BOOST_TEST(has(sealed(body("1\r\n2\r3"), "123"), "1\r\n</w:t></w:r>" + kRun));
    // An xml:space already given stays alone (no second attribute).
    const std::string preserved = sealed(
        document("<w:body><w:p><w:r><w:t xml:space=\"preserve\"> ab </w:t></w:r></w:p></w:body>"), "ab");
    BOOST_TEST(has(preserved, "<w:t xml:space=\"preserve\"> a</w:t></w:r>" + kRun));
}

BOOST_AUTO_TEST_CASE(other_prefixes_and_namespace_declarations_are_kept) {
    const std::string xml = document(
        "<x:body><x:p><x:r xmlns:q=\"urn:q\"><x:rPr><q:e/></x:rPr><x:t "
        "xmlns:y=\"urn:y\">abcd</x:t></x:r></x:p>"
        "</x:body>",
        "x");
    BOOST_TEST(
        has(sealed(xml, "abcd"), "ab</x:t></x:r>" + kRun +
                                     "<x:r xmlns:q=\"urn:q\"><x:rPr><q:e/></x:rPr><x:t xmlns:y=\"urn:y\" "
                                     "xml:space=\"preserve\">cd</x:t></x:r>"));
}

BOOST_AUTO_TEST_CASE(end_of_the_body_in_its_forms) {
    long maxId = 0;
    // The last paragraph of the body (not the one in a table after it), its run last.
    const std::string out = sealed(
        document(
            "<w:body><w:p><w:r><w:t>a</w:t></w:r></w:p><w:p><w:pPr/><w:r><w:drawing><wp:docPr xmlns:wp="
            "\"urn:wp\" id=\"7\"/></w:drawing></w:r> </w:p><w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>"
            "<w:sectPr/></w:body>"),
        "", 1, &maxId);
    BOOST_TEST(has(out, "</w:drawing></w:r>" + kRun + " </w:p><w:tbl>"));
    BOOST_TEST(maxId == 7);
    BOOST_TEST(
        has(sealed(document("<w:body><w:p/><w:sectPr/></w:body>")), "<w:p>" + kRun + "</w:p><w:sectPr/>"));
    BOOST_TEST(has(sealed(document("<w:body><w:p></w:p></w:body>")), "<w:p>" + kRun + "</w:p>"));
    // No paragraph: a new one, before the section properties or at the end.
    const std::string newParagraph = "<w:p xmlns:w=\"" + kW + "\">" + kRun + "</w:p>";
    BOOST_TEST(has(sealed(document("<w:body><w:tbl/><w:sectPr><w:pgSz/></w:sectPr></w:body>")),
                   "<w:tbl/>" + newParagraph + "<w:sectPr>"));
    BOOST_TEST(
        has(sealed(document("<w:body><w:sectPr/></w:body>")), "<w:body>" + newParagraph + "<w:sectPr/>"));
    BOOST_TEST(has(sealed(document("<w:body/>")), "<w:body>" + newParagraph + "</w:body>"));
    BOOST_TEST(has(sealed(document("<w:body></w:body>")), "<w:body>" + newParagraph + "</w:body>"));
}

BOOST_AUTO_TEST_CASE(a_part_not_in_utf8_is_refused) {
    const std::string utf8 = document("<w:body><w:p/></w:body>");
    std::string latin = utf8;
    latin.replace(latin.find("UTF-8"), 5, "ISO-8859-1");
    BOOST_CHECK_THROW(sealed(latin), Error);
}

BOOST_AUTO_TEST_CASE(splices_check_the_bytes_they_replace) {
    const fs::path path =
        fs::temp_directory_path() / ("eseal-test-splice-" + std::to_string(getpid()) + ".zip");
    {
        const std::string text = "<a><b/></a>";
        const Bytes zip = package::writeZip({{"x.xml", Bytes(text.begin(), text.end())}});
        std::ofstream(path, std::ios::binary)
            .write(reinterpret_cast<const char*>(zip.data()), static_cast<std::streamsize>(zip.size()));
    }
    const package::ZipArchive zip(path.string());
    auto run = [&](const std::vector<package::Splice>& splices) {
        std::string out;
        package::streamSpliced(zip, "x.xml", splices, [&](ByteView b) {
            out.append(reinterpret_cast<const char*>(b.data()), b.size());
        });
        return out;
    };
    BOOST_TEST(run({{3, "", "<c/>", '>'}, {7, "</a>", "</A>", 0}, {11, "", "!", '>'}}) == "<a><c/><b/></A>!");
    BOOST_CHECK_THROW(run({{2, "", "x", '>'}}), Error);                 // not after a '>'
    BOOST_CHECK_THROW(run({{3, "<c/>", "", 0}}), Error);                // other bytes there
    BOOST_CHECK_THROW(run({{12, "", "x", 0}}), Error);                  // past the end
    BOOST_CHECK_THROW(run({{5, "", "x", 0}, {3, "", "y", 0}}), Error);  // out of order
    fs::remove(path);
}

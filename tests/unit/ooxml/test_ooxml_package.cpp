// The OPC pieces of the OOXML adapter: the relationship transform
// (ECMA-376 part 2 13.2.4.24), part name resolution, content types.
#define BOOST_TEST_MODULE ooxml_package
#include <boost/test/unit_test.hpp>
#include <string>

#include "core/base/error.hpp"
#include "formats/ooxml/ooxml_package.hpp"

using namespace eseal;
using namespace eseal::ooxml;

namespace {

std::string str(const Bytes& b) { return std::string(b.begin(), b.end()); }

const std::string kRels =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\n"
    "  <Relationship Id=\"rId3\" Type=\"t3\" Target=\"http://example.org/\" TargetMode=\"External\"/>\n"
    "  <Relationship Id=\"rId2\" Type=\"t2\" Target=\"b.xml\"/>\n"
    "  <Relationship Id=\"rId1\" Type=\"t1\" Target=\"a&amp;.xml\"/>\n"
    "</Relationships>\n";

}  // namespace

BOOST_AUTO_TEST_CASE(relationship_transform_selects_sorts_and_makes_target_mode_explicit) {
    const std::string out = str(relationshipTransform(asBytes(kRels), {"rId3", "rId1"}, {}, "x.rels"));
    BOOST_TEST(
        out ==
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Target=\"a&amp;.xml\" TargetMode=\"Internal\" Type=\"t1\"></Relationship>"
        "<Relationship Id=\"rId3\" Target=\"http://example.org/\" TargetMode=\"External\" Type=\"t3\">"
        "</Relationship></Relationships>");
    // By type (RelationshipsGroupReference), and an added relationship outside the selection changes nothing.
    BOOST_TEST(str(relationshipTransform(asBytes(kRels), {}, {"t2"}, "x.rels")).find("rId2") !=
               std::string::npos);
    std::string more = kRels;
    more.insert(more.find("</Relationships>"), "<Relationship Id=\"rId9\" Type=\"t9\" Target=\"evil.xml\"/>");
    BOOST_TEST(str(relationshipTransform(asBytes(more), {"rId3", "rId1"}, {}, "x.rels")) == out);
}

BOOST_AUTO_TEST_CASE(relationships_written_without_white_space) {
    const auto rels = parseRelationships(asBytes(kRels), "x.rels");
    BOOST_TEST(rels.size() == 3u);
    BOOST_TEST(rels[0].external);
    const std::string out = str(writeRelationships(rels));
    BOOST_TEST(out.find("\"><Relationship Id=\"rId3\"") != std::string::npos);
    BOOST_TEST(out.find("/><Relationship Id=\"rId2\"") != std::string::npos);
    BOOST_TEST(out.find("> <") == std::string::npos);
    BOOST_TEST(out.find(">\n<Relationship ") == std::string::npos);
    BOOST_TEST(parseRelationships(writeRelationships(rels), "y.rels").size() == 3u);
}

BOOST_AUTO_TEST_CASE(bad_relationships_are_refused) {
    std::string twice = kRels;
    twice.insert(twice.find("</Relationships>"), "<Relationship Id=\"rId1\" Type=\"t\" Target=\"c.xml\"/>");
    BOOST_CHECK_THROW(parseRelationships(asBytes(twice), "x.rels"), Error);
    BOOST_CHECK_THROW(
        parseRelationships(asBytes(std::string("<Relationships xmlns=\"urn:other\"/>")), "x.rels"), Error);
    BOOST_CHECK_THROW(
        parseRelationships(asBytes(std::string("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                                               "<Relationships/>")),
                           "x.rels"),
        Error);
}

BOOST_AUTO_TEST_CASE(part_names) {
    BOOST_TEST(resolveTarget("word/document.xml", "media/a.png") == "word/media/a.png");
    BOOST_TEST(resolveTarget("xl/drawings/drawing1.xml", "../media/x.png") == "xl/media/x.png");
    BOOST_TEST(resolveTarget("", "/word/document.xml") == "word/document.xml");
    BOOST_TEST(resolveTarget("", "word/./document.xml") == "word/document.xml");
    BOOST_TEST(resolveTarget("word/document.xml", "../../etc/passwd") == "");
    BOOST_TEST(relsPartOf("word/document.xml") == "word/_rels/document.xml.rels");
    BOOST_TEST(relsPartOf("a.xml") == "_rels/a.xml.rels");
    BOOST_TEST(sourceOfRels("_rels/.rels").value_or("?") == "");
    BOOST_TEST(sourceOfRels("word/_rels/document.xml.rels").value_or("?") == "word/document.xml");
    BOOST_TEST(!sourceOfRels("word/document.xml"));
    BOOST_TEST(foldCase("Word/Document.XML") == "word/document.xml");
}

BOOST_AUTO_TEST_CASE(content_types_override_before_default_case_insensitive) {
    const std::string xml =
        "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        "<Default Extension=\"XML\" ContentType=\"application/xml\"/>"
        "<Override PartName=\"/word/Document.xml\" ContentType=\"main\"/></Types>";
    const ContentTypes types(asBytes(xml), "t");
    BOOST_TEST(types.of("word/document.xml") == "main");
    BOOST_TEST(types.of("word/styles.xml") == "application/xml");
    BOOST_TEST(types.of("word/media/a.png") == "");
    BOOST_TEST(types.of("word.d/noext") == "");
    const std::string twice =
        "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        "<Default Extension=\"xml\" ContentType=\"a\"/><Default Extension=\"XML\" "
        "ContentType=\"b\"/></Types>";
    BOOST_CHECK_THROW(ContentTypes(asBytes(twice), "t"), Error);
}

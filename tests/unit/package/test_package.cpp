// Safe ZIP and XML reading: hostile packages (zip bomb, path escapes, duplicate
// names, CRC errors) made by Python's zipfile, and hostile XML (external
// entities, entity expansion, DOCTYPE) are refused with clear errors.
#define BOOST_TEST_MODULE package
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <string_view>

#include "core/base/error.hpp"
#include "core/package/xml.hpp"
#include "core/package/zip.hpp"

namespace eseal {
inline std::ostream& operator<<(std::ostream& os, ErrorCategory c) { return os << toString(c); }
}  // namespace eseal

namespace fs = std::filesystem;
using eseal::Bytes;
using eseal::Error;
using eseal::ErrorCategory;
using namespace eseal::package;

namespace {

fs::path zips() {
    static const fs::path dir = [] {
        const fs::path d = fs::path(ESEAL_TEST_DATA) / "package-zips";
        const std::string cmd =
            std::string("python3 ") + ESEAL_SOURCE_DIR + "/tests/unit/package/make_zips.py " + d.string();
        BOOST_REQUIRE(std::system(cmd.c_str()) == 0);
        return d;
    }();
    return dir;
}

std::string openError(const std::string& name, ZipLimits limits = {}) {
    try {
        ZipArchive z((zips() / name).string(), limits);
        return "";
    } catch (const Error& e) {
        BOOST_TEST((e.category() == ErrorCategory::BadInput), name);
        return e.message();
    }
}

std::string xmlError(const std::string& xml) {
    try {
        XmlDocument d(eseal::asBytes(xml), "test.xml");
        return "";
    } catch (const Error& e) {
        BOOST_TEST((e.category() == ErrorCategory::BadInput));
        return e.message();
    }
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_good_zip_lists_and_reads) {
    ZipArchive z((zips() / "good.zip").string());
    BOOST_TEST(z.names().size() == 3u);
    BOOST_TEST(z.contains("OFD.xml"));
    BOOST_TEST(!z.contains("ofd.xml"));
    const Bytes x = z.read("Doc_0/x.txt");
    BOOST_TEST(std::string(x.begin(), x.end()) == "hello");
    BOOST_CHECK_THROW(z.read("missing"), Error);
    const Bytes head{'P', 'K', 3, 4};
    BOOST_TEST(isZipHead(head));
    BOOST_TEST(!isZipHead(eseal::asBytes("%PDF-1.7")));
}

BOOST_AUTO_TEST_CASE(zip_bomb_is_refused) {
    // 20 MiB of zeros in about 20 KiB.
    BOOST_TEST(openError("bomb.zip", ZipLimits{10000, 10u << 20, 1u << 30, 1000}).find("too large") !=
               std::string::npos);
    BOOST_TEST(openError("bomb.zip", ZipLimits{10000, 256u << 20, 1u << 30, 100}).find("zip bomb") !=
               std::string::npos);
    BOOST_TEST(openError("bomb.zip", ZipLimits{10000, 256u << 20, 15u << 20, 100000}).find("too large") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(names_that_escape_and_duplicates_are_refused) {
    BOOST_TEST(openError("escape.zip").find("not safe: ../evil.txt") != std::string::npos);
    BOOST_TEST(openError("absolute.zip").find("not safe") != std::string::npos);
    BOOST_TEST(openError("backslash.zip").find("not safe") != std::string::npos);
    BOOST_TEST(openError("duplicate.zip").find("appear twice") != std::string::npos);
    BOOST_TEST(!openError("notzip.zip").empty());
    try {
        ZipArchive z((zips() / "no-such.zip").string());
        BOOST_FAIL("opened a missing file");
    } catch (const Error& e) {
        BOOST_TEST((e.category() == ErrorCategory::InputUnreadable));
    }
}

BOOST_AUTO_TEST_CASE(a_crc_error_is_found_on_read) {
    ZipArchive good((zips() / "stored.zip").string());
    BOOST_TEST(good.read("data.txt").size() == 1000u);
    ZipArchive bad((zips() / "crc.zip").string());
    BOOST_CHECK_THROW(bad.read("data.txt"), Error);
}

BOOST_AUTO_TEST_CASE(xml_reads_elements_by_local_name) {
    XmlDocument d(eseal::asBytes("<?xml version=\"1.0\"?><ofd:OFD xmlns:ofd=\"http://www.ofdspec.org/2016\">"
                                 "<ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody>"
                                 "<ofd:DocBody Id=\"2\"/></ofd:OFD>"),
                  "OFD.xml");
    BOOST_TEST(localName(d.root()) == "OFD");
    BOOST_TEST(children(d.root(), "DocBody").size() == 2u);
    BOOST_TEST(text(child(child(d.root(), "DocBody"), "DocRoot")) == "Doc_0/Document.xml");
    BOOST_TEST(*attribute(children(d.root(), "DocBody")[1], "Id") == "2");
    BOOST_TEST(!attribute(d.root(), "Id"));
    BOOST_TEST(child(d.root(), "Nothing") == nullptr);
}

BOOST_AUTO_TEST_CASE(hostile_xml_is_refused) {
    // An external entity naming a local file: never read, the DOCTYPE is refused.
    BOOST_TEST(
        xmlError("<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><a>&x;</a>")
            .find("DOCTYPE") != std::string::npos);
    // Billion laughs.
    std::string lol = "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\">";
    for (char c = 'b'; c <= 'j'; ++c) {
        std::string refs;
        for (int i = 0; i < 10; ++i) refs += std::string("&") + static_cast<char>(c - 1) + ";";
        lol += std::string("<!ENTITY ") + c + " \"" + refs + "\">";
    }
    lol += "]><l>&j;</l>";
    BOOST_TEST(!xmlError(lol).empty());
    // An external DTD over the network.
    BOOST_TEST(
        !xmlError("<?xml version=\"1.0\"?><!DOCTYPE a SYSTEM \"http://example.invalid/a.dtd\"><a/>").empty());
    BOOST_TEST(xmlError("<a><b></a>").find("not well-formed") != std::string::npos);
    BOOST_TEST(!xmlError("").empty());
    BOOST_TEST(xmlError("<a/>").empty());
}

namespace {

// The compressed bytes of an entry as stored in the file (APPNOTE 4.3.7), found by its local header.
Bytes storedData(const fs::path& zip, const std::string& name) {
    std::ifstream in(zip, std::ios::binary);
    const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::size_t at = all.find(name);
    BOOST_REQUIRE(at != std::string::npos && at >= 30);
    auto u16 = [&](std::size_t o) {
        return std::size_t(std::uint8_t(all[o])) | std::uint8_t(all[o + 1]) << 8;
    };
    auto u32 = [&](std::size_t o) { return u16(o) | u16(o + 2) << 16; };
    const std::size_t header = at - 30;
    const std::size_t start = at + u16(header + 26) + u16(header + 28);
    return Bytes(all.begin() + long(start), all.begin() + long(start + u32(header + 18)));
}

}  // namespace

BOOST_AUTO_TEST_CASE(zip_writer_copies_compressed_data_unchanged) {
    const fs::path out = fs::temp_directory_path() / "eseal-test-writer.zip";
    ZipArchive source((zips() / "good.zip").string());
    std::string big(300000, 'x');
    for (std::size_t i = 0; i < big.size(); i += 7) big[i] = char('a' + i % 26);
    {
        ZipWriter w(out.string());
        w.add("mimetype", eseal::asBytes("application/vnd.oasis.opendocument.text"), true);
        w.add("dir/", {});
        for (const auto& n : source.names()) w.copy(source, n);
        w.addStreamed("big.txt", [&](const std::function<void(eseal::ByteView)>& sink) {
            for (std::size_t i = 0; i < big.size(); i += 65536)
                sink(eseal::asBytes(std::string_view(big).substr(i, 65536)));
        });
        const std::uint64_t size = w.commit();
        BOOST_TEST(size == fs::file_size(out));
    }
    ZipArchive z(out.string());
    BOOST_TEST(z.names().size() == source.names().size() + 3);
    for (const auto& n : source.names()) {
        BOOST_TEST(z.read(n) == source.read(n));
        if (n.back() != '/') BOOST_TEST(storedData(out, n) == storedData(zips() / "good.zip", n));
    }
    const Bytes b = z.read("big.txt");
    BOOST_TEST(std::string(b.begin(), b.end()) == big);
    BOOST_TEST(storedData(out, "big.txt").size() < big.size() / 2);  // compressed
    std::string streamed;
    z.stream("big.txt", [&](eseal::ByteView p) {
        BOOST_TEST(p.size() <= 65536u);
        streamed.append(p.begin(), p.end());
    });
    BOOST_TEST(streamed == big);
    // ODF 1.2 part 3 3.3: mimetype first, stored, no extra field (its text at offset 38).
    std::ifstream in(out, std::ios::binary);
    std::string head(80, '\0');
    in.read(head.data(), 80);
    BOOST_TEST(head.substr(30, 8) == "mimetype");
    BOOST_TEST(head.substr(38, 39) == "application/vnd.oasis.opendocument.text");
    fs::remove(out);
}

BOOST_AUTO_TEST_CASE(a_failed_write_leaves_no_file) {
    const fs::path out = fs::temp_directory_path() / "eseal-test-writer-failed.zip";
    fs::remove(out);
    ZipArchive bad((zips() / "crc.zip").string());
    {
        ZipWriter w(out.string());
        w.add("a.txt", eseal::asBytes("a"));
        BOOST_CHECK_THROW(w.addStreamed("b.txt",
                                        [&](const std::function<void(eseal::ByteView)>& sink) {
                                            bad.stream("data.txt", sink);
                                        }),
                          Error);
    }
    BOOST_TEST(!fs::exists(out));
    for (const auto& e : fs::directory_iterator(fs::temp_directory_path()))  // nor its temporary
        BOOST_TEST(e.path().filename().string().rfind(".eseal-test-writer-failed.zip", 0) != 0u);
}

BOOST_AUTO_TEST_CASE(xml_parts_are_checked_while_streamed) {
    const fs::path out = fs::temp_directory_path() / "eseal-test-xml.zip";
    std::string large = "<?xml version=\"1.0\"?><a>";
    while (large.size() < 400000) large += "<b x=\"1\">text &amp; more</b>";
    large += "</a>";
    {
        ZipWriter w(out.string());
        w.add("large.xml", eseal::asBytes(large));
        w.add("xxe.xml", eseal::asBytes("<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x SYSTEM "
                                        "\"file:///etc/passwd\">]><a>&x;</a>"));
        w.add("broken.xml", eseal::asBytes("<a><b></a>"));
        w.add("entity.xml", eseal::asBytes("<a>&x;</a>"));
        w.add("empty.xml", {});
        w.commit();
    }
    ZipArchive z(out.string());
    BOOST_CHECK_NO_THROW(checkXml(z, "large.xml"));
    auto why = [&](const std::string& name) {
        try {
            checkXml(z, name);
            return std::string();
        } catch (const Error& e) {
            BOOST_TEST((e.category() == ErrorCategory::BadInput));
            return std::string(e.message());
        }
    };
    BOOST_TEST(why("xxe.xml").find("DOCTYPE") != std::string::npos);
    BOOST_TEST(why("broken.xml").find("not well-formed") != std::string::npos);
    BOOST_TEST(!why("entity.xml").empty());
    BOOST_TEST(!why("empty.xml").empty());
    fs::remove(out);
}

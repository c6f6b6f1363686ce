// eseal seal show on seals and signatures other implementations made
// (../shared/testdata/gbt38540): text (English and Chinese), JSON, --image
// written byte for byte, exit codes.
#define BOOST_TEST_MODULE integ_seal_show
#include <boost/test/unit_test.hpp>

#include "tests/integration/support.hpp"

using namespace integ;

namespace {

fs::path data() { return sourceDir() / ".." / "shared" / "testdata" / "gbt38540"; }
std::string file(const std::string& name) { return (data() / name).string(); }

nlohmann::json showJson(const std::string& name, int expectedExit) {
    RunResult r = eseal({"seal", "show", file(name), "--json"}, {{"ESEAL_CONFIG", kUnset}, {"LANG", "C.UTF-8"}});
    BOOST_TEST(r.exitCode == expectedExit, r.describe());
    return nlohmann::json::parse(r.out, nullptr, false);
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_seal_file_is_shown_with_its_maker_signature) {
    struct Case {
        const char* name;
        int exit;
        const char* standard;
        int version;
        const char* sealName;
        const char* picture;
        int mm;
    };
    const Case cases[] = {
        {"UserV1.esl", 0, "GM/T 0031-2014", 1, "OFDRW测试用印章", "PNG", 40},
        {"UserV4.esl", 0, "GB/T 38540-2020", 4, "OFD R&W 测试用印章", "PNG", 40},
        {"UserV5.esl", 0, "GB/T 38540-2020", 5, "OFD R&W V5测试用印章", "PNG", 40},
        // The vendor seal's signature does not verify with the certificate it carries.
        {"HebeiGede-seal-v4.der", 1, "GB/T 38540-2020", 4, "测试单位名称 合同专用章", "GIF", 42},
        {"SignedValueV4.dat", 0, "GB/T 38540-2020", 4, "OFD R&W 测试用印章", "PNG", 40},
    };
    for (const Case& c : cases) {
        BOOST_TEST_CONTEXT(c.name) {
            const nlohmann::json j = showJson(c.name, c.exit);
            BOOST_REQUIRE(j.is_object());
            BOOST_TEST(j["standard"].get<std::string>() == c.standard);
            BOOST_TEST(j["header"]["id"].get<std::string>() == "ES");
            BOOST_TEST(j["header"]["version"].get<int>() == c.version);
            BOOST_TEST(j["property"]["name"].get<std::string>() == c.sealName);
            BOOST_TEST(j["picture"]["type"].get<std::string>() == c.picture);
            BOOST_TEST(j["picture"]["widthMm"].get<int>() == c.mm);
            BOOST_TEST(j["picture"]["heightMm"].get<int>() == c.mm);
            BOOST_TEST(j["makerSignature"]["valid"].get<bool>() == (c.exit == 0));
            BOOST_TEST(j["signatureAlgorithm"]["name"].get<std::string>() == "SM2-with-SM3");
            BOOST_TEST(j["property"]["certificates"].size() >= 1u);
            BOOST_TEST(j["maker"]["readable"].get<bool>());
        }
    }
    const nlohmann::json sig = showJson("SignedValueV4.dat", 0);
    BOOST_TEST(sig["kind"].get<std::string>() == "signature");
    BOOST_TEST(sig["signature"]["valid"].get<bool>());
    BOOST_TEST(sig["signature"]["propertyInfo"].get<std::string>() == "/Doc_0/Signs/Sign_0/Signature.xml");
    const nlohmann::json vendor = showJson("HebeiGede-seal-v4.der", 1);
    BOOST_TEST(vendor["extensions"].size() == 3u);
    BOOST_TEST(vendor["warnings"].size() == 2u);
    BOOST_TEST(vendor["property"]["validity"].get<std::string>() == "expired");
}

BOOST_AUTO_TEST_CASE(text_report_in_english_and_chinese) {
    RunResult en = eseal({"seal", "show", file("UserV4.esl")}, {{"LANG", "C.UTF-8"}, {"LC_ALL", kUnset}});
    BOOST_TEST(en.exitCode == 0, en.describe());
    BOOST_TEST(en.out.find("maker signature: valid") != std::string::npos, en.out);
    BOOST_TEST(en.out.find("40 x 40 mm") != std::string::npos);
    RunResult zh = eseal({"seal", "show", file("UserV4.esl")}, {{"LANG", "zh_CN.UTF-8"}, {"LC_ALL", kUnset}});
    BOOST_TEST(zh.exitCode == 0, zh.describe());
    BOOST_TEST(zh.out.find("制章者签名: 有效") != std::string::npos, zh.out);
    BOOST_TEST(zh.out.find("印章名称: OFD R&W 测试用印章") != std::string::npos, zh.out);
}

BOOST_AUTO_TEST_CASE(image_is_the_stored_picture_byte_for_byte) {
    TempDir dir("seal-show");
    const fs::path png = dir / "seal.png";
    RunResult r = eseal({"seal", "show", file("UserV4.esl"), "--image", png.string()});
    BOOST_TEST(r.exitCode == 0, r.describe());
    // asn1parse: the picture's OCTET STRING content is bytes [698, 698 + 15693) of the file.
    const std::string seal = readFile(data() / "UserV4.esl");
    BOOST_TEST(readFile(png) == seal.substr(698, 15693));
    BOOST_TEST(listDir(dir.path) == std::vector<std::string>{"seal.png"});  // no temporary left

    // A GIF is not written under a .png name; a .gif name is fine.
    const fs::path wrong = dir / "vendor.png";
    RunResult g = eseal({"seal", "show", file("HebeiGede-seal-v4.der"), "--image", wrong.string()});
    BOOST_TEST(g.exitCode == 64, g.describe());
    BOOST_TEST(!fs::exists(wrong));
    const fs::path gif = dir / "vendor.gif";
    RunResult ok = eseal({"seal", "show", file("HebeiGede-seal-v4.der"), "--image", gif.string()});
    BOOST_TEST(ok.exitCode == 1, ok.describe());  // written; the maker signature still fails
    BOOST_TEST(readFile(gif).substr(0, 6) == "GIF89a");

    RunResult nowhere = eseal({"seal", "show", file("UserV4.esl"), "--image", (dir / "no" / "dir.png").string()});
    BOOST_TEST(nowhere.exitCode == 6, nowhere.describe());
}

BOOST_AUTO_TEST_CASE(bad_input_and_usage) {
    TempDir dir("seal-show-bad");
    RunResult notSeal = eseal({"seal", "show", file("README.md")});
    BOOST_TEST(notSeal.exitCode == 4, notSeal.describe());
    BOOST_TEST(notSeal.err.find("not an electronic seal") != std::string::npos);
    std::string cut = readFile(data() / "UserV4.esl").substr(0, 5000);
    writeFile(dir / "cut.esl", cut);
    RunResult truncated = eseal({"seal", "show", (dir / "cut.esl").string()});
    BOOST_TEST(truncated.exitCode == 4, truncated.describe());
    RunResult missing = eseal({"seal", "show", (dir / "none.esl").string()});
    BOOST_TEST(missing.exitCode == 4, missing.describe());
    BOOST_TEST(eseal({"seal", "show"}).exitCode == 64);
    BOOST_TEST(eseal({"seal"}).exitCode == 64);
    BOOST_TEST(eseal({"seal", "show", file("UserV4.esl"), "--bogus"}).exitCode == 64);
}

BOOST_AUTO_TEST_CASE(verify_ofd_through_the_cli) {
    const fs::path ofd = data() / "ofd" / "jiangsu-tax-signed.ofd";
    Verified v = verifyJson(ofd);
    BOOST_TEST(v.run.exitCode == 2, v.run.describe());  // integrity holds, chain not established
    BOOST_REQUIRE(v.report.is_object());
    BOOST_TEST(v.report["format"].get<std::string>() == "OFD");
    BOOST_REQUIRE(v.report["signatures"].size() == 1u);
    const auto& s = v.report["signatures"][0];
    BOOST_TEST(s["electronicSeal"]["name"].get<std::string>() == "国家税务总局江苏省税务局");
    BOOST_TEST(s["electronicSeal"]["makerSignatureValid"].get<bool>());
    BOOST_TEST(s["signatureValid"].get<bool>());
    BOOST_TEST(s["indication"].get<std::string>() == "INDETERMINATE");

    TempDir dir("ofd-cli");
    const fs::path bad = dir / "changed.ofd";
    RunResult t = run({"python3", (sourceDir() / "tests" / "unit" / "ofd" / "tamper_ofd.py").string(), ofd.string(),
                       bad.string(), "Doc_0/Attachs/original_invoice.xml"});
    BOOST_REQUIRE(t.exitCode == 0);
    RunResult text = eseal({"verify", bad.string()});
    BOOST_TEST(text.exitCode == 1, text.describe());
    BOOST_TEST(text.out.find("FAILED / HASH_FAILURE") != std::string::npos, text.out);
    BOOST_TEST(text.out.find("original_invoice.xml") != std::string::npos);
}

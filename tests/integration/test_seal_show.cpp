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
    RunResult r =
        eseal({"seal", "show", file(name), "--json"}, {{"ESEAL_CONFIG", kUnset}, {"LANG", "C.UTF-8"}});
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

    RunResult nowhere =
        eseal({"seal", "show", file("UserV4.esl"), "--image", (dir / "no" / "dir.png").string()});
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
    RunResult t = run({"python3", (sourceDir() / "tests" / "unit" / "ofd" / "tamper_ofd.py").string(),
                       ofd.string(), bad.string(), "Doc_0/Attachs/original_invoice.xml"});
    BOOST_REQUIRE(t.exitCode == 0);
    RunResult text = eseal({"verify", bad.string()});
    BOOST_TEST(text.exitCode == 1, text.describe());
    BOOST_TEST(text.out.find("FAILED / HASH_FAILURE") != std::string::npos, text.out);
    BOOST_TEST(text.out.find("original_invoice.xml") != std::string::npos);
}

namespace {

// The (depth, kind) outline of `openssl asn1parse -i`: offsets, lengths and
// values removed, so two seals compare by structure only.
std::vector<std::string> outline(const fs::path& der) {
    RunResult r = run({"openssl", "asn1parse", "-inform", "DER", "-in", der.string(), "-i"});
    BOOST_REQUIRE(r.exitCode == 0);
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos < r.out.size()) {
        std::size_t end = r.out.find('\n', pos);
        if (end == std::string::npos) end = r.out.size();
        std::string line = r.out.substr(pos, end - pos);
        pos = end + 1;
        const auto d = line.find("d=");
        auto p = line.find("cons:");
        if (p == std::string::npos) p = line.find("prim:");
        if (d == std::string::npos || p == std::string::npos) continue;
        const auto colon = line.find(':', p + 5);
        std::string kind = line.substr(p, colon == std::string::npos ? std::string::npos : colon - p);
        while (!kind.empty() && kind.back() == ' ') kind.pop_back();
        out.push_back(line.substr(d, line.find(' ', d) - d) + " " + kind);
    }
    return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(seal_make_reads_back_and_matches_the_third_party_structure) {
    TempDir dir("seal-make");
    const fs::path seal = dir / "seal.esl";
    const Env pin{{kPinVar, "test"}};  // the fixture PKCS#12 password
    RunResult made = eseal({"seal",        "make",
                            "--image",     (sourceDir() / "docs" / "sealed-page.png").string(),
                            "--size",      "42",
                            "--name",      "业务专用章",
                            "--type",      "unit",
                            "--cert",      (pkiDir() / "signer-sm2.crt").string(),
                            "--cert",      (pkiDir() / "signer-ec.crt").string(),
                            "--valid",     "2026-01-01..2028-12-31",
                            "--maker-key", "p12:" + (pkiDir() / "signer-sm2.p12").string(),
                            "--pin-env",   kPinVar,
                            "--id",        "eseal-test-0001",
                            "-o",          seal.string()},
                           pin);
    BOOST_REQUIRE_MESSAGE(made.exitCode == 0, made.describe());

    // Reads back with what was given.
    RunResult shown = eseal({"seal", "show", seal.string(), "--json"});
    BOOST_TEST(shown.exitCode == 0, shown.describe());
    const auto j = nlohmann::json::parse(shown.out, nullptr, false);
    BOOST_REQUIRE(j.is_object());
    BOOST_TEST(j["header"]["version"].get<int>() == 4);
    BOOST_TEST(j["header"]["vendorId"].get<std::string>() == "eseal");
    BOOST_TEST(j["esID"].get<std::string>() == "eseal-test-0001");
    BOOST_TEST(j["property"]["name"].get<std::string>() == "业务专用章");
    BOOST_TEST(j["property"]["type"].get<int>() == 1);
    BOOST_TEST(j["property"]["certListType"].get<int>() == 1);
    BOOST_TEST(j["property"]["certificates"].size() == 2u);
    BOOST_TEST(j["property"]["validStart"].get<std::string>() == "2026-01-01T00:00:00Z");
    BOOST_TEST(j["property"]["validEnd"].get<std::string>() == "2028-12-31T23:59:59Z");
    BOOST_TEST(j["picture"]["type"].get<std::string>() == "PNG");
    BOOST_TEST(j["picture"]["widthMm"].get<int>() == 42);
    BOOST_TEST(j["makerSignature"]["valid"].get<bool>());
    BOOST_TEST(j["warnings"].empty());
    const fs::path png = dir / "back.png";
    BOOST_TEST(eseal({"seal", "show", seal.string(), "--image", png.string()}).exitCode == 0);
    BOOST_TEST(readFile(png) == readFile(sourceDir() / "docs" / "sealed-page.png"));

    // Field for field the structure of ofdrw's V4 seal (one more certificate here).
    std::vector<std::string> ours = outline(seal), theirs = outline(data() / "UserV4.esl");
    BOOST_REQUIRE(ours.size() == theirs.size() + 1);
    ours.erase(ours.begin() + 12);  // the second certificate's OCTET STRING
    BOOST_TEST(ours == theirs, [&] {
        std::string s;
        for (std::size_t i = 0; i < ours.size(); ++i) s += ours[i] + " | " + theirs[i] + "\n";
        return s;
    }());

    // OpenSSL checks the maker signature over DER(SES_SealInfo) with SM3 and the default ID.
    const std::string der = readFile(seal);
    const auto outer = tlvAt(der, 0);
    const std::size_t start = der.size() - outer.first.size();
    const auto info = tlvAt(der, start);
    writeFile(dir / "info.der", der.substr(start, info.second));
    std::size_t at = start + info.second;
    at += tlvAt(der, at).second;  // cert
    at += tlvAt(der, at).second;  // signAlgID
    const auto bits = tlvAt(der, at);
    BOOST_REQUIRE(bits.first.at(0) == '\0');
    writeFile(dir / "sig.der", bits.first.substr(1));
    RunResult pub =
        run({"openssl", "x509", "-in", (pkiDir() / "signer-sm2.crt").string(), "-noout", "-pubkey"});
    writeFile(dir / "pub.pem", pub.out);
    RunResult v = run({"openssl", "pkeyutl", "-verify", "-pubin", "-inkey", (dir / "pub.pem").string(),
                       "-rawin", "-digest", "sm3", "-pkeyopt", "distid:1234567812345678", "-in",
                       (dir / "info.der").string(), "-sigfile", (dir / "sig.der").string()});
    BOOST_TEST(v.exitCode == 0, v.describe());
    BOOST_TEST(v.out.find("Signature Verified Successfully") != std::string::npos);

    // A changed byte breaks it.
    std::string changed = der;
    changed[der.size() / 2] ^= 1;  // inside the picture
    writeFile(dir / "changed.esl", changed);
    BOOST_TEST(eseal({"seal", "show", (dir / "changed.esl").string()}).exitCode == 1);
}

BOOST_AUTO_TEST_CASE(seal_make_refuses_before_the_pin) {
    TempDir dir("seal-make-bad");
    const Env pin{{kPinVar, "test"}};
    auto make = [&](const std::string& key, const std::string& valid, const std::string& cert) {
        return eseal({"seal", "make", "--image", (sourceDir() / "docs" / "sealed-page.png").string(),
                      "--size", "42", "--name", "章", "--cert", cert, "--valid", valid, "--maker-key", key,
                      "--pin-env", kPinVar, "-o", (dir / "s.esl").string()},
                     pin);
    };
    const std::string sm2 = "p12:" + (pkiDir() / "signer-sm2.p12").string();
    const std::string cert = (pkiDir() / "signer-sm2.crt").string();
    BOOST_TEST(
        make("p12:" + (pkiDir() / "signer-rsa.p12").string(), "2026-01-01..2027-01-01", cert).exitCode == 64);
    BOOST_TEST(make(sm2, "2027-01-01..2026-01-01", cert).exitCode == 64);
    BOOST_TEST(make(sm2, "2026-13-01..2027-01-01", cert).exitCode == 64);
    BOOST_TEST(make(sm2, "2026-01-01..2027-01-01", (sourceDir() / "README.md").string()).exitCode == 4);
    BOOST_TEST(!fs::exists(dir / "s.esl"));
}

// eseal sign --seal SEAL.esl: an electronic seal made by `eseal seal make` is
// checked before the PIN (bound to the signer, within its validity, maker
// signature valid), its picture shown, and it travels inside the signature;
// pdfsig and eseal verify check the result.
#define BOOST_TEST_MODULE integ_seal_sign
// clang-format off
#include <cstdio>  // jpeglib.h needs FILE and size_t declared first
#include <jpeglib.h>
// clang-format on
#include <png.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdlib>
#include <map>

#include "tests/integration/support.hpp"

using namespace integ;

namespace {

// A V4 seal binding `cert`, made with the SM2 test key as maker.
fs::path makeSeal(const TempDir& dir, const std::string& name, const fs::path& cert,
                  const std::string& valid) {
    const fs::path out = dir / (name + ".esl");
    RunResult r = eseal({"seal",        "make",
                         "--image",     sealPng().string(),
                         "--size",      "40",
                         "--name",      "测试单位业务专用章",
                         "--cert",      cert.string(),
                         "--valid",     valid,
                         "--maker-key", "p12:" + (pkiDir() / "signer-sm2.p12").string(),
                         "--pin-env",   kPinVar,
                         "--id",        "integ-" + name,
                         "-o",          out.string()},
                        {{kPinVar, "test"}});
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    return out;
}

std::size_t count(const std::string& hay, const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t p = 0; (p = hay.find(needle, p)) != std::string::npos; p += needle.size()) ++n;
    return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_bound_seal_is_carried_and_verified) {
    TempDir dir("seal-sign");
    const fs::path seal = makeSeal(dir, "bound", pkiDir() / "signer-ec.crt", "2025-01-01..2099-12-31");
    const fs::path out = dir / "sealed.pdf";
    RunResult r = eseal({"sign", (inputsDir() / "letter.pdf").string(), "-o", out.string(), "--key",
                         keyUri("signer-ec"), "--seal", seal.string(), "--pin-env", kPinVar});
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());

    PdfsigResult p = pdfsig(out);
    BOOST_REQUIRE_EQUAL(p.signatures.size(), 1u);
    BOOST_TEST(p.signatures[0].valid, p.run.describe());
    BOOST_TEST(p.signatures[0].totalDocument);
    std::string qpdfOut;
    BOOST_TEST(qpdfCheck(out, &qpdfOut), qpdfOut);

    Verified v = verifyJson(out);
    BOOST_TEST(v.run.exitCode == 0, v.run.describe());
    BOOST_REQUIRE(v.report.is_object());
    const auto& s = v.report["signatures"].at(0);
    BOOST_TEST(s["indication"].get<std::string>() == "PASSED");
    const auto& e = s["electronicSeal"];
    BOOST_REQUIRE(e.is_object());
    BOOST_TEST(e["name"].get<std::string>() == "测试单位业务专用章");
    BOOST_TEST(e["esID"].get<std::string>() == "integ-bound");
    BOOST_TEST(e["validStart"].get<std::string>() == "2025-01-01T00:00:00Z");
    BOOST_TEST(e["validEnd"].get<std::string>() == "2099-12-31T23:59:59Z");
    BOOST_TEST(e["maker"].get<std::string>().find("CN=") != std::string::npos);
    BOOST_TEST(e["makerSignatureValid"].get<bool>());
    BOOST_TEST(e["signerListed"].get<bool>());
    BOOST_TEST(e["pictureOnPage"].get<std::string>() == "matches");
    BOOST_TEST(e["widthMm"].get<int>() == 40);
    // The seal's size is the visible size (--size not given).
    BOOST_TEST(std::fabs(s["appearances"].at(0)["widthMm"].get<double>() - 40.0) < 0.01,
               s["appearances"].dump());

    // The text report shows the seal for people, in Chinese too.
    RunResult text = eseal({"verify", out.string(), "--trust", trustPem().string(), "--no-system-trust"},
                           {{"LANG", "zh_CN.UTF-8"}, {"LC_ALL", kUnset}, {"LANGUAGE", kUnset}});
    BOOST_TEST(text.exitCode == 0, text.describe());
    BOOST_TEST(text.out.find("测试单位业务专用章") != std::string::npos, text.out);
    BOOST_TEST(text.out.find("与页面上显示的图像一致") != std::string::npos, text.out);

    // --image with an electronic seal is a usage error: the seal carries its picture.
    RunResult both = eseal({"sign", (inputsDir() / "letter.pdf").string(), "-o", (dir / "x.pdf").string(),
                            "--key", keyUri("signer-ec"), "--seal", seal.string(), "--image",
                            sealPng().string(), "--pin-env", kPinVar});
    BOOST_TEST(both.exitCode == 64, both.describe());
    BOOST_TEST(!fs::exists(dir / "x.pdf"));
}

BOOST_AUTO_TEST_CASE(unusable_seals_are_refused_before_the_pin) {
    BOOST_REQUIRE_MESSAGE(fs::exists(kSpyModule), "pkcs11-spy.so missing (package opensc)");
    TempDir dir("seal-refused");
    const fs::path otherSigner =
        makeSeal(dir, "other", pkiDir() / "signer-sm2.crt", "2025-01-01..2099-12-31");
    const fs::path expired = makeSeal(dir, "expired", pkiDir() / "signer-ec.crt", "2020-01-01..2021-12-31");
    const fs::path good = makeSeal(dir, "good", pkiDir() / "signer-ec.crt", "2025-01-01..2099-12-31");
    // A changed byte in the picture: the maker signature no longer verifies.
    std::string bytes = readFile(good);
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x01);
    const fs::path tampered = dir / "tampered.esl";
    writeFile(tampered, bytes);

    struct Case {
        fs::path seal;
        std::string english, chinese;
    };
    const Case cases[] = {
        {otherSigner, "does not list the signer certificate", "未列出签章人证书"},
        {expired, "expired on 2021-12-31", "已于 2021-12-31 过期"},
        {tampered, "maker signature of the seal", "制章人签名"},
    };
    for (const Case& c : cases) {
        BOOST_TEST_CONTEXT(c.seal.filename()) {
            const fs::path out = dir / "out.pdf";
            const fs::path log = dir / (c.seal.stem().string() + "-spy.log");
            Env env = spyEnv(log);
            env["LANG"] = "C.UTF-8";
            RunResult r =
                eseal({"sign", (inputsDir() / "letter.pdf").string(), "-o", out.string(), "--key",
                       keyUri("signer-ec", kSpyModule), "--seal", c.seal.string(), "--pin-env", kPinVar},
                      env);
            BOOST_TEST(r.exitCode == 4, r.describe());
            BOOST_TEST(r.err.find(c.english) != std::string::npos, r.err);
            BOOST_TEST(r.err.find(c.seal.string()) != std::string::npos, r.err);
            BOOST_TEST(!fs::exists(out));
            BOOST_TEST(count(fs::exists(log) ? readFile(log) : std::string(), "C_Login") == 0u);
            env["LANG"] = "zh_CN.UTF-8";
            RunResult zh = eseal({"sign", (inputsDir() / "letter.pdf").string(), "-o", out.string(), "--key",
                                  keyUri("signer-ec"), "--seal", c.seal.string(), "--pin-env", kPinVar},
                                 {{"LANG", "zh_CN.UTF-8"}, {"LC_ALL", kUnset}, {"LANGUAGE", kUnset}});
            BOOST_TEST(zh.exitCode == 4, zh.describe());
            BOOST_TEST(zh.err.find(c.chinese) != std::string::npos, zh.err);
            BOOST_TEST(!fs::exists(out));
        }
    }
    // A PKCS#12 key shows its certificate only after the password: still refused
    // before anything is signed or written.
    RunResult p12 = eseal(
        {"sign", (inputsDir() / "letter.pdf").string(), "-o", (dir / "p12.pdf").string(), "--key",
         "p12:" + (pkiDir() / "signer-rsa.p12").string(), "--seal", good.string(), "--pin-env", kPinVar},
        {{kPinVar, "test"}});
    BOOST_TEST(p12.exitCode == 4, p12.describe());
    BOOST_TEST(p12.err.find("does not list the signer certificate") != std::string::npos, p12.err);
    BOOST_TEST(!fs::exists(dir / "p12.pdf"));

    // Neither a PNG nor a seal.
    RunResult junk =
        eseal({"sign", (inputsDir() / "letter.pdf").string(), "-o", (dir / "j.pdf").string(), "--key",
               keyUri("signer-ec"), "--seal", (sourceDir() / "README.md").string(), "--pin-env", kPinVar});
    BOOST_TEST(junk.exitCode == 4, junk.describe());
    BOOST_TEST(!fs::exists(dir / "j.pdf"));
}

namespace {

struct Png {
    std::uint32_t width = 0, height = 0;
    std::vector<std::uint8_t> rgba;
    std::map<std::string, std::string> text;  // tEXt keyword -> text
    std::uint32_t ppmX = 0, ppmY = 0;
    int physUnit = -1;
};

std::uint32_t be32(const std::string& s, std::size_t at) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) << 24 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 16 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2])) << 8 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 3]));
}

// The chunks read by hand (ISO/IEC 15948 5.3), the pixels by libpng.
Png readPng(const fs::path& path) {
    Png p;
    const std::string data = readFile(path);
    BOOST_REQUIRE(data.size() > 8 && data.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
    for (std::size_t at = 8; at + 12 <= data.size();) {
        const std::uint32_t len = be32(data, at);
        const std::string type = data.substr(at + 4, 4);
        BOOST_REQUIRE(at + 12 + len <= data.size());
        const std::string body = data.substr(at + 8, len);
        if (type == "pHYs" && len == 9) {
            p.ppmX = be32(body, 0);
            p.ppmY = be32(body, 4);
            p.physUnit = static_cast<unsigned char>(body[8]);
        } else if (type == "tEXt") {
            const auto nul = body.find('\0');
            if (nul != std::string::npos) p.text[body.substr(0, nul)] = body.substr(nul + 1);
        }
        at += 12 + len;
    }
    png_image img{};
    img.version = PNG_IMAGE_VERSION;
    BOOST_REQUIRE(png_image_begin_read_from_memory(&img, data.data(), data.size()) != 0);
    img.format = PNG_FORMAT_RGBA;
    p.width = img.width;
    p.height = img.height;
    p.rgba.resize(PNG_IMAGE_SIZE(img));
    BOOST_REQUIRE(png_image_finish_read(&img, nullptr, p.rgba.data(), 0, nullptr) != 0);
    return p;
}

// Pixels with ink (alpha > 128) in the upper arc where the unit's name goes:
// 0.62..0.86 of the radius, within 100 degrees of the top.
std::vector<bool> arcInk(const Png& p) {
    std::vector<bool> ink;
    const double c = p.width / 2.0, r = p.width / 2.0;
    for (std::uint32_t y = 0; y < p.height; ++y)
        for (std::uint32_t x = 0; x < p.width; ++x) {
            const double dx = x + 0.5 - c, dy = c - (y + 0.5), d = std::hypot(dx, dy) / r;
            const double angle = std::fabs(std::atan2(dx, dy)) * 180 / 3.14159265358979;
            if (d < 0.62 || d > 0.86 || angle > 100) continue;
            ink.push_back(p.rgba[(static_cast<std::size_t>(y) * p.width + x) * 4 + 3] > 128);
        }
    return ink;
}

}  // namespace

BOOST_AUTO_TEST_CASE(seal_draw_makes_a_demo_seal_that_sign_accepts) {
    TempDir dir("seal-draw");
    const fs::path png = dir / "seal.png";
    RunResult r = eseal({"seal", "draw", "--name", "某某市人民政府办公室", "--center", "业务专用章", "--size",
                         "42", "-o", png.string()});
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    const Png p = readPng(png);
    BOOST_TEST(p.width == p.height);
    // pHYs: pixels per metre, so the size in mm is width / ppm * 1000.
    BOOST_TEST(p.physUnit == 1);
    BOOST_TEST(p.ppmX == p.ppmY);
    BOOST_REQUIRE(p.ppmX > 0u);
    BOOST_TEST(std::fabs(p.width * 1000.0 / p.ppmX - 42.0) < 0.1, p.width << " px at " << p.ppmX << " px/m");
    BOOST_TEST(p.text.count("eseal-demo-seal") == 1u);
    BOOST_TEST(p.text.at("Comment").find("demo seal") != std::string::npos);
    // Transparent paper, red ink.
    std::size_t transparent = 0, ink = 0, red = 0;
    for (std::size_t i = 0; i < p.rgba.size(); i += 4) {
        if (p.rgba[i + 3] == 0) ++transparent;
        if (p.rgba[i + 3] > 128) {
            ++ink;
            if (p.rgba[i] > 150 && p.rgba[i + 1] < 90 && p.rgba[i + 2] < 90) ++red;
        }
    }
    BOOST_TEST(p.rgba[3] == 0);  // the corner is paper
    BOOST_TEST(transparent > p.rgba.size() / 4 / 3);
    BOOST_TEST(ink > p.rgba.size() / 4 / 20);
    BOOST_TEST(red == ink);
    // The name is drawn on the arc: ink there, and another name draws other ink.
    const std::vector<bool> arc = arcInk(p);
    const auto inked = static_cast<std::size_t>(std::count(arc.begin(), arc.end(), true));
    BOOST_TEST(inked > arc.size() / 20, inked << " of " << arc.size());
    RunResult other = eseal({"seal", "draw", "--name", "另一单位", "-o", (dir / "other.png").string()});
    BOOST_REQUIRE_MESSAGE(other.exitCode == 0, other.describe());
    BOOST_TEST((arcInk(readPng(dir / "other.png")) != arc));
    // An existing output needs --force; bad sizes are usage errors.
    BOOST_TEST(eseal({"seal", "draw", "--name", "单位", "-o", png.string()}).exitCode == 64);
    BOOST_TEST(
        eseal({"seal", "draw", "--name", "单位", "--size", "0", "-o", (dir / "z.png").string()}).exitCode ==
        64);
    BOOST_TEST(!fs::exists(dir / "z.png"));

    // sign --image takes it; pdfsig and eseal verify accept the result.
    const fs::path out = dir / "sealed.pdf";
    RunResult s = eseal({"sign", (inputsDir() / "letter.pdf").string(), "-o", out.string(), "--key",
                         keyUri("signer-ec"), "--image", png.string(), "--size", "42", "--pin-env", kPinVar});
    BOOST_REQUIRE_MESSAGE(s.exitCode == 0, s.describe());
    PdfsigResult ps = pdfsig(out);
    BOOST_REQUIRE_EQUAL(ps.signatures.size(), 1u);
    BOOST_TEST(ps.signatures[0].valid);
    Verified v = verifyJson(out);
    BOOST_TEST(v.run.exitCode == 0, v.run.describe());
}

namespace {

// A JPEG written with libjpeg (quality 90, JFIF density in dpi), as a scanner saves it.
void writeJpeg(const fs::path& path, const std::vector<std::uint8_t>& rgb, int w, int h, int dpi) {
    jpeg_compress_struct c{};
    jpeg_error_mgr e{};
    c.err = jpeg_std_error(&e);
    jpeg_create_compress(&c);
    unsigned char* buf = nullptr;
    unsigned long size = 0;
    jpeg_mem_dest(&c, &buf, &size);
    c.image_width = static_cast<JDIMENSION>(w);
    c.image_height = static_cast<JDIMENSION>(h);
    c.input_components = 3;
    c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 90, TRUE);
    c.write_JFIF_header = TRUE;
    c.density_unit = 1;
    c.X_density = c.Y_density = static_cast<UINT16>(dpi);
    jpeg_start_compress(&c, TRUE);
    while (c.next_scanline < c.image_height) {
        JSAMPROW row = const_cast<std::uint8_t*>(&rgb[static_cast<std::size_t>(c.next_scanline) * w * 3]);
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    writeFile(path, std::string(reinterpret_cast<const char*>(buf), size));
    std::free(buf);
    jpeg_destroy_compress(&c);
}

// Grey paper with noise (a fixed pseudo-random sequence), the seal composited at (ox, oy).
std::vector<std::uint8_t> scanOf(const Png* seal, int w, int h, int ox, int oy) {
    std::vector<std::uint8_t> rgb(static_cast<std::size_t>(w) * h * 3);
    std::uint32_t state = 12345;
    for (std::size_t i = 0; i < rgb.size(); i += 3) {
        for (int c = 0; c < 3; ++c) {
            state = state * 1103515245u + 12345u;
            rgb[i + c] = static_cast<std::uint8_t>(195 + static_cast<int>((state >> 16) % 41) - 20);
        }
    }
    if (!seal) return rgb;
    for (std::uint32_t y = 0; y < seal->height; ++y)
        for (std::uint32_t x = 0; x < seal->width; ++x) {
            const std::uint8_t* s = &seal->rgba[(static_cast<std::size_t>(y) * seal->width + x) * 4];
            std::uint8_t* d = &rgb[(static_cast<std::size_t>(y + oy) * w + x + ox) * 3];
            const double a = s[3] / 255.0;
            for (int c = 0; c < 3; ++c)
                d[c] = static_cast<std::uint8_t>(std::lround(s[c] * a + d[c] * (1 - a)));
        }
    return rgb;
}

std::size_t inked(const Png& p) {
    std::size_t n = 0;
    for (std::size_t i = 3; i < p.rgba.size(); i += 4) n += p.rgba[i] > 128;
    return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(seal_image_from_a_scan_keeps_ink_and_size) {
    TempDir dir("seal-scan");
    const fs::path drawn = dir / "drawn.png";
    BOOST_REQUIRE(eseal({"seal", "draw", "--name", "测试扫描单位", "--center", "合同专用章", "--size", "40",
                         "--dpi", "300", "-o", drawn.string()})
                      .exitCode == 0);
    const Png seal = readPng(drawn);
    const int w = 900, h = 800, ox = 170, oy = 130;
    writeJpeg(dir / "scan.jpg", scanOf(&seal, w, h, ox, oy), w, h, 300);

    const fs::path clean = dir / "clean.png";
    RunResult r = eseal({"seal", "image", "--from-scan", (dir / "scan.jpg").string(), "-o", clean.string()});
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    BOOST_TEST(r.out.find("40 x 40 mm at 300 dpi") != std::string::npos, r.out);
    const Png p = readPng(clean);
    // Cropped to the seal (the drawn seal's ring nearly touches its edges).
    BOOST_TEST(std::abs(static_cast<int>(p.width) - static_cast<int>(seal.width)) <= 10, p.width);
    BOOST_TEST(std::abs(static_cast<int>(p.height) - static_cast<int>(seal.height)) <= 10, p.height);
    // The physical size is kept: 300 dpi in pixels per metre.
    BOOST_TEST(p.physUnit == 1);
    BOOST_TEST(std::abs(static_cast<long>(p.ppmX) - 11811) <= 1, p.ppmX);
    // Paper transparent: the corners and the centre of the gap between ring and star.
    BOOST_TEST(p.rgba[3] == 0);
    BOOST_TEST(p.rgba[(static_cast<std::size_t>(p.height - 1) * p.width + p.width - 1) * 4 + 3] == 0);
    std::size_t transparent = 0;
    for (std::size_t i = 3; i < p.rgba.size(); i += 4) transparent += p.rgba[i] == 0;
    BOOST_TEST(transparent > p.rgba.size() / 4 / 2, transparent);
    // Ink kept: about as many inked pixels as drawn, all of them red.
    const double ratio = static_cast<double>(inked(p)) / static_cast<double>(inked(seal));
    BOOST_TEST((ratio > 0.85 && ratio < 1.15), "inked " << inked(p) << " of " << inked(seal));
    for (std::size_t i = 0; i < p.rgba.size(); i += 4)
        if (p.rgba[i + 3] > 0) {
            BOOST_TEST_REQUIRE((p.rgba[i] > 150 && p.rgba[i + 1] < 90 && p.rgba[i + 2] < 90));
        }
    // sign takes the result as the seal picture.
    RunResult s =
        eseal({"sign", (inputsDir() / "letter.pdf").string(), "-o", (dir / "sealed.pdf").string(), "--key",
               keyUri("signer-ec"), "--image", clean.string(), "--size", "40", "--pin-env", kPinVar});
    BOOST_TEST(s.exitCode == 0, s.describe());

    // A scan that does not say its resolution needs --dpi; one without ink is refused.
    writeJpeg(dir / "nodpi.jpg", scanOf(&seal, w, h, ox, oy), w, h, 0);
    RunResult nodpi =
        eseal({"seal", "image", "--from-scan", (dir / "nodpi.jpg").string(), "-o", (dir / "n.png").string()});
    BOOST_TEST(nodpi.exitCode == 64, nodpi.describe());
    BOOST_TEST(!fs::exists(dir / "n.png"));
    BOOST_TEST(eseal({"seal", "image", "--from-scan", (dir / "nodpi.jpg").string(), "--dpi", "300", "-o",
                      (dir / "n.png").string()})
                   .exitCode == 0);
    writeJpeg(dir / "paper.jpg", scanOf(nullptr, 300, 200, 0, 0), 300, 200, 300);
    RunResult paper =
        eseal({"seal", "image", "--from-scan", (dir / "paper.jpg").string(), "-o", (dir / "p.png").string()});
    BOOST_TEST(paper.exitCode == 4, paper.describe());
    BOOST_TEST(!fs::exists(dir / "p.png"));
    writeFile(dir / "broken.jpg", readFile(dir / "scan.jpg").substr(0, 600));
    RunResult broken = eseal(
        {"seal", "image", "--from-scan", (dir / "broken.jpg").string(), "-o", (dir / "b.png").string()});
    BOOST_TEST((broken.exitCode == 4 || broken.exitCode == 0), broken.describe());
    RunResult notImage = eseal({"seal", "image", "--from-scan", (sourceDir() / "README.md").string(), "-o",
                                (dir / "r.png").string()});
    BOOST_TEST(notImage.exitCode == 4, notImage.describe());
}

BOOST_AUTO_TEST_CASE(seal_list_shows_the_folder_and_the_key) {
    TempDir dir("seal-list");
    PrivateToken token;
    const fs::path folder = dir / "data" / "eseal" / "seals";
    fs::create_directories(folder);
    const fs::path bound = makeSeal(dir, "bound", pkiDir() / "signer-ec.crt", "2025-01-01..2099-12-31");
    const fs::path other = makeSeal(dir, "other", pkiDir() / "signer-sm2.crt", "2020-01-01..2021-12-31");
    fs::copy_file(bound, folder / "bound.esl");
    writeFile(folder / "junk.esl", "not a seal");
    // The other seal goes on the key as a public data object, as docs/CLI.md says.
    RunResult put = run({"pkcs11-tool", "--module", kSoftHsmModule, "--token-label", "eseal-test", "--login",
                         "--pin", kUserPin, "--write-object", other.string(), "--type", "data", "--label",
                         "旧证书的章", "--application-label", "GB/T 38540 SES_Seal"},
                        {{"SOFTHSM2_CONF", token.conf.string()}});
    BOOST_REQUIRE_MESSAGE(put.exitCode == 0, put.describe());

    const Env env{{"SOFTHSM2_CONF", token.conf.string()},
                  {"XDG_DATA_HOME", (dir / "data").string()},
                  {"LANG", "C.UTF-8"}};
    RunResult r = eseal({"seal", "list", "--module", kSoftHsmModule, "--json"}, env);
    BOOST_TEST(r.exitCode == 4, r.describe());  // the junk file
    const auto j = nlohmann::json::parse(r.out, nullptr, false);
    BOOST_REQUIRE(j.is_object());
    BOOST_TEST(j["folder"].get<std::string>() == folder.string());
    BOOST_REQUIRE_EQUAL(j["seals"].size(), 3u);
    const auto& b = j["seals"][0];
    BOOST_TEST(b["source"].get<std::string>() == "folder");
    BOOST_TEST(b["esID"].get<std::string>() == "integ-bound");
    BOOST_TEST(b["state"].get<std::string>() == "valid");
    BOOST_TEST(b["makerSignatureValid"].get<bool>());
    BOOST_REQUIRE_EQUAL(b["certificates"].size(), 1u);
    BOOST_TEST(b["certificates"][0]["subject"].get<std::string>().find("ECDSA") != std::string::npos);
    BOOST_TEST(b["certificates"][0]["onKeys"].dump() == "[\"eseal-test\"]");
    BOOST_TEST(j["seals"][1]["error"].get<std::string>().find("not an electronic seal") != std::string::npos,
               j["seals"][1].dump());
    const auto& k = j["seals"][2];
    BOOST_TEST(k["source"].get<std::string>() == "token");
    BOOST_TEST(k["location"].get<std::string>().find("旧证书的章") != std::string::npos);
    BOOST_TEST(k["esID"].get<std::string>() == "integ-other");
    BOOST_TEST(k["state"].get<std::string>() == "expired");
    BOOST_TEST(k["certificates"][0]["onKeys"].empty());  // its certificate is not on this key

    // Text, in Chinese; --no-keys leaves the key alone.
    RunResult text =
        eseal({"seal", "list", "--module", kSoftHsmModule}, {{"SOFTHSM2_CONF", token.conf.string()},
                                                             {"XDG_DATA_HOME", (dir / "data").string()},
                                                             {"LANG", "zh_CN.UTF-8"}});
    BOOST_TEST(text.out.find("测试单位业务专用章") != std::string::npos, text.out);
    BOOST_TEST(text.out.find("eseal-test") != std::string::npos, text.out);
    fs::remove(folder / "junk.esl");
    RunResult noKeys = eseal({"seal", "list", "--no-keys", "--json"}, env);
    BOOST_TEST(noKeys.exitCode == 0, noKeys.describe());
    const auto nk = nlohmann::json::parse(noKeys.out, nullptr, false);
    BOOST_REQUIRE(nk.is_object());
    BOOST_TEST(nk["seals"].size() == 1u);
}

// A JPEG seal picture (a scanned imprint, as many units keep their seal) is
// accepted by sign like a PNG: its paper made transparent, its ink kept. The
// image in the sealed PDF has a soft mask (pdfimages), and the seal is valid for
// pdfsig and qpdf and PASSED for eseal.
BOOST_AUTO_TEST_CASE(a_jpeg_seal_picture_is_signed_with_its_paper_transparent) {
    TempDir dir("seal-jpeg");
    const fs::path drawn = dir / "drawn.png";
    BOOST_REQUIRE(eseal({"seal", "draw", "--name", "测试扫描单位", "--size", "40", "--dpi", "300", "-o",
                         drawn.string()})
                      .exitCode == 0);
    const Png seal = readPng(drawn);
    const int w = 700, h = 700, ox = 110, oy = 110;
    writeJpeg(dir / "seal.jpg", scanOf(&seal, w, h, ox, oy), w, h, 300);
    for (const char* option : {"--image", "--seal"}) {
        const fs::path out = dir / (std::string(option + 2) + ".pdf");
        RunResult r = eseal({"sign", (inputsDir() / "letter.pdf").string(), "-o", out.string(), "--key",
                             keyUri("signer-rsa"), option, (dir / "seal.jpg").string(), "--size", "40",
                             "--pin-env", kPinVar});
        BOOST_REQUIRE_MESSAGE(r.exitCode == 0, option << ": " << r.describe());
        BOOST_TEST(r.err.find("paper was made transparent") != std::string::npos, r.err);
        checkSealed(out, "Seal1", "signer-rsa", 1);
        // pdfimages -list: the seal picture and its soft mask (the transparent paper).
        RunResult images = run({"pdfimages", "-list", out.string()});
        BOOST_TEST_REQUIRE(images.exitCode == 0, images.describe());
        BOOST_TEST(images.out.find(" smask ") != std::string::npos, images.out);
    }
    // Not a picture and not a seal: refused before the PIN, nothing written.
    writeFile(dir / "fake.jpg", std::string("\xFF\xD8\xFF\xE0 not really a JPEG", 22));
    RunResult fake =
        eseal({"sign", (inputsDir() / "letter.pdf").string(), "-o", (dir / "fake.pdf").string(), "--key",
               keyUri("signer-rsa"), "--image", (dir / "fake.jpg").string(), "--pin-env", kPinVar});
    BOOST_TEST(fake.exitCode == 4, fake.describe());
    BOOST_TEST(!fs::exists(dir / "fake.pdf"));
}

// ---- sign --profile gbt38540: the GB/T 38540 electronic signature beside the CMS ----

namespace {

constexpr const char* kSesOid = "2.25.257901855478364850223438356681681887125";

// The SES_Signature in the CMS of a PDF's last signature, found by OpenSSL's
// asn1parse: the value of the unsigned attribute with eseal's OID.
struct CarriedSes {
    std::string cms;        // DER
    std::size_t at = 0;     // offset of the SES_Signature in cms
    std::string ses;        // DER
    std::size_t hexAt = 0;  // offset in the PDF of the SES_Signature's first hex digit
};

CarriedSes carriedSes(const TempDir& dir, const std::string& pdf) {
    CarriedSes c;
    const ByteRange br = lastByteRange(pdf);
    c.cms = contentsDer(pdf, br);
    writeFile(dir / "cms.der", c.cms);
    const std::vector<Asn1Line> lines = asn1parse(dir / "cms.der");
    int found = 0;
    for (std::size_t i = 0; i + 2 < lines.size(); ++i) {
        if (lines[i].kind != "OBJECT" || lines[i].value != kSesOid) continue;
        ++found;
        BOOST_REQUIRE(lines[i + 1].kind == "SET");
        BOOST_REQUIRE(lines[i + 2].kind == "SEQUENCE");
        c.at = lines[i + 2].offset;
        c.ses = c.cms.substr(c.at, lines[i + 2].header + lines[i + 2].length);
    }
    BOOST_REQUIRE_MESSAGE(found == 1, found << " SES_Signature attributes in the CMS");
    c.hexAt = br.b + 1 + 2 * c.at;
    return c;
}

// The digest of the PDF's signed byte range by `openssl dgst` (sha256, sm3).
std::string rangeDigest(const TempDir& dir, const std::string& pdf, const std::string& alg) {
    const ByteRange br = lastByteRange(pdf);
    writeFile(dir / "range.bin", pdf.substr(0, br.b) + pdf.substr(br.c, br.d));
    RunResult r = run({"openssl", "dgst", "-" + alg, "-binary", "-out", (dir / "range.dgst").string(),
                       (dir / "range.bin").string()});
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    return readFile(dir / "range.dgst");
}

// The content of the asn1parse line `l` of der.
std::string contentOf(const std::string& der, const Asn1Line& l) {
    return der.substr(l.offset + l.header, l.length);
}

// Checks every field of the SES_Signature with OpenSSL (GB/T 38540-2020 8.1):
// version 4, the seal file's bytes, timeInfo, dataHash = the byte range's
// digest, propertyInfo = the /ByteRange, the signer certificate, the
// algorithm, and the signature over DER(TBS_Sign) by `openssl pkeyutl`.
void checkSesFields(const TempDir& dir, const std::string& pdf, const fs::path& seal, const fs::path& certPem,
                    const std::string& algorithm, const std::string& digestAlg) {
    const CarriedSes c = carriedSes(dir, pdf);
    writeFile(dir / "ses.der", c.ses);
    const std::vector<Asn1Line> l = asn1parse(dir / "ses.der");
    // The outline (depth <= 2) of ofdrw's SES_Signature V4 (shared test data).
    auto outline = [](const std::vector<Asn1Line>& lines) {
        std::vector<std::string> out;
        for (const Asn1Line& x : lines)
            if (x.depth <= 2) out.push_back(std::to_string(x.depth) + " " + x.kind);
        return out;
    };
    const fs::path theirs = sourceDir() / ".." / "shared" / "testdata" / "gbt38540" / "SignedValueV4.dat";
    BOOST_TEST(outline(l) == outline(asn1parse(theirs)));
    std::vector<const Asn1Line*> top, tbs;  // depth 1 and 2 (children of TBS_Sign)
    for (const Asn1Line& x : l) {
        if (x.depth == 1) top.push_back(&x);
        if (x.depth == 2) tbs.push_back(&x);
    }
    BOOST_REQUIRE_EQUAL(top.size(), 4u);  // TBS_Sign, cert, signatureAlgID, signature (no timeStamp)
    BOOST_REQUIRE_EQUAL(tbs.size(), 5u);  // version, eseal, timeInfo, dataHash, propertyInfo
    BOOST_TEST(tbs[0]->kind == "INTEGER");
    BOOST_TEST(tbs[0]->value == "04");
    BOOST_TEST(tbs[1]->kind == "SEQUENCE");
    BOOST_TEST(c.ses.substr(tbs[1]->offset, tbs[1]->header + tbs[1]->length) == readFile(seal));
    BOOST_TEST(tbs[2]->kind == "GENERALIZEDTIME");
    BOOST_TEST(tbs[2]->value.size() == 15u, tbs[2]->value);
    BOOST_TEST(tbs[3]->kind == "BIT STRING");
    BOOST_TEST(contentOf(c.ses, *tbs[3]) == std::string(1, '\0') + rangeDigest(dir, pdf, digestAlg));
    const ByteRange br = lastByteRange(pdf);
    BOOST_TEST(tbs[4]->kind == "IA5STRING");
    BOOST_TEST(tbs[4]->value == "/ByteRange [0 " + std::to_string(br.b) + " " + std::to_string(br.c) + " " +
                                    std::to_string(br.d) + "]");
    BOOST_TEST(top[1]->kind == "OCTET STRING");
    RunResult der = run({"openssl", "x509", "-in", certPem.string(), "-outform", "DER", "-out",
                         (dir / "signer.der").string()});
    BOOST_REQUIRE(der.exitCode == 0);
    BOOST_TEST(contentOf(c.ses, *top[1]) == readFile(dir / "signer.der"));
    BOOST_TEST(top[2]->kind == "OBJECT");
    BOOST_TEST(top[2]->value == algorithm);
    BOOST_TEST(top[3]->kind == "BIT STRING");
    const std::string bits = contentOf(c.ses, *top[3]);
    BOOST_REQUIRE(!bits.empty() && bits[0] == '\0');
    writeFile(dir / "ses-sig.der", bits.substr(1));
    writeFile(dir / "tbs.der", c.ses.substr(top[0]->offset, top[0]->header + top[0]->length));
    RunResult pub = run({"openssl", "x509", "-in", certPem.string(), "-noout", "-pubkey"});
    writeFile(dir / "pub.pem", pub.out);
    std::vector<std::string> verify{"openssl",
                                    "pkeyutl",
                                    "-verify",
                                    "-pubin",
                                    "-inkey",
                                    (dir / "pub.pem").string(),
                                    "-rawin",
                                    "-digest",
                                    digestAlg,
                                    "-in",
                                    (dir / "tbs.der").string(),
                                    "-sigfile",
                                    (dir / "ses-sig.der").string()};
    if (digestAlg == "sm3") verify.insert(verify.end(), {"-pkeyopt", "distid:1234567812345678"});
    RunResult v = run(verify);
    BOOST_TEST(v.exitCode == 0, v.describe());
    BOOST_TEST(v.out.find("Signature Verified Successfully") != std::string::npos, v.out);
}

RunResult signGb(const fs::path& in, const fs::path& out, const std::string& key, const fs::path& seal,
                 const std::vector<std::string>& extra = {}, const Env& env = {}) {
    std::vector<std::string> args{"sign",   in.string(),   "-o",        out.string(), "--key",     key,
                                  "--seal", seal.string(), "--profile", "gbt38540",   "--pin-env", kPinVar};
    args.insert(args.end(), extra.begin(), extra.end());
    return eseal(args, env);
}

}  // namespace

BOOST_AUTO_TEST_CASE(profile_gbt38540_adds_an_ses_signature_the_cms_readers_ignore) {
    TempDir dir("gbt38540");
    const fs::path seal = makeSeal(dir, "gb", pkiDir() / "signer-ec.crt", "2025-01-01..2099-12-31");
    const fs::path out = dir / "sealed.pdf";
    RunResult r = signGb(inputsDir() / "letter.pdf", out, keyUri("signer-ec"), seal);
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());

    // The PAdES signature stays valid for Poppler and qpdf.
    PdfsigResult p = pdfsig(out);
    BOOST_REQUIRE_EQUAL(p.signatures.size(), 1u);
    BOOST_TEST(p.signatures[0].valid, p.run.describe());
    BOOST_TEST(p.signatures[0].totalDocument);
    BOOST_TEST(p.signatures[0].type == "ETSI.CAdES.detached");
    std::string qpdfOut;
    BOOST_TEST(qpdfCheck(out, &qpdfOut), qpdfOut);

    // eseal verify finds and checks the SES_Signature.
    Verified v = verifyJson(out);
    BOOST_TEST(v.run.exitCode == 0, v.run.describe());
    BOOST_REQUIRE(v.report.is_object());
    const auto& s = v.report["signatures"].at(0);
    BOOST_TEST(s["indication"].get<std::string>() == "PASSED", s.dump(1));
    const auto& g = s["sesSignature"];
    BOOST_REQUIRE_MESSAGE(g.is_object(), s.dump(1));
    BOOST_TEST(g["standard"].get<std::string>() == "GB/T 38540-2020");
    BOOST_TEST(g["version"].get<int>() == 4);
    BOOST_TEST(g["signatureAlgorithm"].get<std::string>() == "ecdsa-with-SHA256");
    BOOST_TEST(g["dataHashAlgorithm"].get<std::string>() == "SHA-256");
    BOOST_TEST(g["signatureValid"].get<bool>());
    BOOST_TEST(g["dataHashMatches"].get<bool>());
    BOOST_TEST(g["sameSeal"].get<bool>());
    BOOST_TEST(g["sameSigner"].get<bool>());
    BOOST_TEST(g["sealName"].get<std::string>() == "测试单位业务专用章");
    BOOST_TEST(g["timeInfo"].get<std::string>() == s["signingTime"].get<std::string>());
    BOOST_TEST(g["carriedIn"].get<std::string>() == std::string("CMS unsigned attribute ") + kSesOid);

    // Text, English and Chinese.
    RunResult text = eseal({"verify", out.string(), "--trust", trustPem().string(), "--no-system-trust"},
                           {{"LANG", "C.UTF-8"}, {"LC_ALL", kUnset}, {"LANGUAGE", kUnset}});
    BOOST_TEST(text.exitCode == 0, text.describe());
    BOOST_TEST(text.out.find("SES_Signature:") != std::string::npos, text.out);
    BOOST_TEST(text.out.find("signature valid, data hash matches, seal the CMS's, signer the CMS's") !=
                   std::string::npos,
               text.out);
    RunResult zh = eseal({"verify", out.string(), "--trust", trustPem().string(), "--no-system-trust"},
                         {{"LANG", "zh_CN.UTF-8"}, {"LC_ALL", kUnset}, {"LANGUAGE", kUnset}});
    BOOST_TEST(zh.exitCode == 0, zh.describe());
    BOOST_TEST(zh.out.find("电子签章数据") != std::string::npos, zh.out);

    // Field for field, by OpenSSL.
    checkSesFields(dir, readFile(out), seal, pkiDir() / "signer-ec.crt", "ecdsa-with-SHA256", "sha256");
}

BOOST_AUTO_TEST_CASE(profile_gbt38540_with_an_sm2_key) {
    TempDir dir("gbt38540-sm2");
    const fs::path seal = makeSeal(dir, "gbsm2", pkiDir() / "signer-sm2.crt", "2025-01-01..2099-12-31");
    const fs::path out = dir / "sealed.pdf";
    RunResult r = signGb(inputsDir() / "letter.pdf", out, "p12:" + (pkiDir() / "signer-sm2.p12").string(),
                         seal, {}, {{kPinVar, "test"}});
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    std::string qpdfOut;
    BOOST_TEST(qpdfCheck(out, &qpdfOut), qpdfOut);
    RunResult v = eseal({"verify", out.string(), "--json", "--trust", (pkiDir() / "sm2-root-ca.crt").string(),
                         "--no-system-trust"});
    BOOST_TEST(v.exitCode == 0, v.describe());
    const auto report = nlohmann::json::parse(v.out, nullptr, false);
    BOOST_REQUIRE(report.is_object());
    const auto& s = report["signatures"].at(0);
    BOOST_TEST(s["indication"].get<std::string>() == "PASSED", s.dump(1));
    const auto& g = s["sesSignature"];
    BOOST_REQUIRE(g.is_object());
    BOOST_TEST(g["signatureAlgorithm"].get<std::string>() == "SM2-with-SM3");
    BOOST_TEST(g["dataHashAlgorithm"].get<std::string>() == "SM3");
    BOOST_TEST(g["signatureValid"].get<bool>());
    BOOST_TEST(g["dataHashMatches"].get<bool>());
    checkSesFields(dir, readFile(out), seal, pkiDir() / "signer-sm2.crt", "SM2-with-SM3", "sm3");
}

BOOST_AUTO_TEST_CASE(a_changed_ses_signature_is_not_passed) {
    TempDir dir("gbt38540-tamper");
    const fs::path seal = makeSeal(dir, "gb1", pkiDir() / "signer-rsa.crt", "2025-01-01..2099-12-31");
    // Another seal of the same size (its maker's SM2 signature varies in length by a byte or two).
    fs::path other;
    for (int i = 0; i < 20 && (other.empty() || fs::file_size(other) != fs::file_size(seal)); ++i)
        other = makeSeal(dir, "gb" + std::string(1, static_cast<char>('a' + i)), pkiDir() / "signer-rsa.crt",
                         "2025-01-01..2099-12-31");
    BOOST_REQUIRE(fs::file_size(other) == fs::file_size(seal));
    // RSA: signatures of one length, so an SES_Signature of another file fits in place.
    const fs::path a = dir / "a.pdf", b = dir / "b.pdf";
    BOOST_REQUIRE(
        signGb(inputsDir() / "letter.pdf", a, keyUri("signer-rsa"), seal, {"--field", "SealA"}).exitCode ==
        0);
    BOOST_REQUIRE(
        signGb(inputsDir() / "letter.pdf", b, keyUri("signer-rsa"), other, {"--field", "SealB"}).exitCode ==
        0);
    const std::string pdf = readFile(a);
    const CarriedSes c = carriedSes(dir, pdf);

    struct Case {
        std::string name, bytes, sub;
        bool signatureValid, dataHashMatches, sameSeal;
    };
    std::vector<Case> cases;
    {
        // A flipped byte in the SES_Signature's own signature value.
        std::string t = pdf;
        const std::size_t at = c.hexAt + 2 * (c.ses.size() - 3);
        t[at] = t[at] == '0' ? '1' : '0';
        cases.push_back({"signature value", t, "SIG_CRYPTO_FAILURE", false, true, true});
    }
    {
        // A flipped byte in its dataHash (inside TBS_Sign): the signature breaks, the hash differs.
        writeFile(dir / "ses.der", c.ses);
        const std::vector<Asn1Line> l = asn1parse(dir / "ses.der");
        const Asn1Line* hash = nullptr;
        for (const Asn1Line& x : l)
            if (x.depth == 2 && x.kind == "BIT STRING") hash = &x;
        BOOST_REQUIRE(hash);
        std::string t = pdf;
        const std::size_t at = c.hexAt + 2 * (hash->offset + hash->header + 5);
        t[at] = t[at] == '0' ? '1' : '0';
        cases.push_back({"dataHash", t, "SIG_CRYPTO_FAILURE", false, false, true});
    }
    {
        // The valid SES_Signature of another document and seal put in its place.
        const CarriedSes foreign = carriedSes(dir, readFile(b));
        BOOST_REQUIRE_EQUAL(foreign.ses.size(), c.ses.size());
        std::string t = pdf;
        const std::string hex = [&] {
            std::string h;
            const char* digits = "0123456789ABCDEF";
            for (unsigned char ch : foreign.ses) h += {digits[ch >> 4], digits[ch & 15]};
            return h;
        }();
        // eseal writes upper-case hex; keep the case of the file.
        std::string here = pdf.substr(c.hexAt, hex.size());
        BOOST_REQUIRE(here.find_first_of("abcdef") == std::string::npos);
        t.replace(c.hexAt, hex.size(), hex);
        cases.push_back({"another document's", t, "SIG_CONSTRAINTS_FAILURE", true, false, false});
    }
    for (const Case& k : cases) {
        BOOST_TEST_CONTEXT(k.name) {
            const fs::path f = dir / "t.pdf";
            writeFile(f, k.bytes);
            // The CMS does not sign its unsigned attributes: pdfsig still says valid.
            PdfsigResult p = pdfsig(f);
            BOOST_REQUIRE_EQUAL(p.signatures.size(), 1u);
            BOOST_TEST(p.signatures[0].valid, p.run.describe());
            Verified v = verifyJson(f);
            BOOST_TEST(v.run.exitCode == 1, v.run.describe());
            BOOST_REQUIRE(v.report.is_object());
            const auto& s = v.report["signatures"].at(0);
            BOOST_TEST(s["indication"].get<std::string>() == "FAILED");
            BOOST_TEST(s["subIndication"].get<std::string>() == k.sub, s.dump(1));
            BOOST_TEST(s["digestMatches"].get<bool>());  // the document itself is intact
            const auto& g = s["sesSignature"];
            BOOST_REQUIRE(g.is_object());
            BOOST_TEST(g["signatureValid"].get<bool>() == k.signatureValid);
            BOOST_TEST(g["dataHashMatches"].get<bool>() == k.dataHashMatches);
            BOOST_TEST(g["sameSeal"].get<bool>() == k.sameSeal);
            // The clerk is not told the document was changed: it was not.
            RunResult text =
                eseal({"verify", f.string(), "--trust", trustPem().string(), "--no-system-trust"},
                      {{"LANG", "C.UTF-8"}, {"LC_ALL", kUnset}, {"LANGUAGE", kUnset}});
            BOOST_TEST(text.exitCode == 1, text.describe());
            BOOST_TEST(text.out.find("NOT valid") != std::string::npos, text.out);
            BOOST_TEST(text.out.find("the file was changed") == std::string::npos, text.out);
        }
    }
    // An unreadable one (its first byte changed) is FORMAT_FAILURE.
    std::string t = pdf;
    t[c.hexAt] = '1';  // 0x30 SEQUENCE -> 0x10
    writeFile(dir / "t.pdf", t);
    Verified v = verifyJson(dir / "t.pdf");
    BOOST_TEST(v.run.exitCode == 1, v.run.describe());
    BOOST_REQUIRE(v.report.is_object());
    BOOST_TEST(v.report["signatures"].at(0)["subIndication"].get<std::string>() == "FORMAT_FAILURE",
               v.report.dump(1));
}

BOOST_AUTO_TEST_CASE(profile_gbt38540_usage) {
    TempDir dir("gbt38540-usage");
    const fs::path out = dir / "x.pdf";
    // Without an electronic seal: usage error, nothing written, no PIN asked.
    RunResult image = eseal(
        {"sign", (inputsDir() / "letter.pdf").string(), "-o", out.string(), "--key", keyUri("signer-ec"),
         "--image", sealPng().string(), "--profile", "gbt38540", "--pin-env", kPinVar},
        {{"LANG", "C.UTF-8"}});
    BOOST_TEST(image.exitCode == 64, image.describe());
    BOOST_TEST(image.err.find("--profile gbt38540 needs an electronic seal") != std::string::npos, image.err);
    BOOST_TEST(!fs::exists(out));
    const fs::path seal = makeSeal(dir, "u", pkiDir() / "signer-ec.crt", "2025-01-01..2099-12-31");
    RunResult other =
        eseal({"sign", (inputsDir() / "letter.pdf").string(), "-o", out.string(), "--key",
               keyUri("signer-ec"), "--seal", seal.string(), "--profile", "pades", "--pin-env", kPinVar});
    BOOST_TEST(other.exitCode == 64, other.describe());
    BOOST_TEST(!fs::exists(out));
    // An ODF document: the SES_Signature is made for PDF only (exit 4), before the PIN.
    const fs::path odt = dir / "in.odt";
    RunResult zip = run({"/usr/bin/python3", "-c",
                         "import sys, zipfile\n"
                         "z = zipfile.ZipFile(sys.argv[1], 'w')\n"
                         "z.writestr('mimetype', 'application/vnd.oasis.opendocument.text')\n"
                         "z.writestr('META-INF/manifest.xml', '<manifest:manifest "
                         "xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\"/>')\n"
                         "z.writestr('content.xml', '<office:document-content "
                         "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\"/>')\n",
                         odt.string()});
    BOOST_REQUIRE_MESSAGE(zip.exitCode == 0, zip.describe());
    RunResult odf =
        eseal({"sign", odt.string(), "-o", (dir / "out.odt").string(), "--key", keyUri("signer-ec"), "--seal",
               seal.string(), "--profile", "gbt38540", "--pin-env", kPinVar},
              {{"LANG", "C.UTF-8"}});
    BOOST_TEST(odf.exitCode == 4, odf.describe());
    BOOST_TEST(odf.err.find("made for PDF only yet") != std::string::npos, odf.err);
    BOOST_TEST(!fs::exists(dir / "out.odt"));
    // Without --profile there is no SES_Signature.
    RunResult plain = eseal({"sign", (inputsDir() / "letter.pdf").string(), "-o", out.string(), "--key",
                             keyUri("signer-ec"), "--seal", seal.string(), "--pin-env", kPinVar});
    BOOST_REQUIRE_MESSAGE(plain.exitCode == 0, plain.describe());
    Verified v = verifyJson(out);
    BOOST_TEST(!v.report["signatures"].at(0).contains("sesSignature"));
}

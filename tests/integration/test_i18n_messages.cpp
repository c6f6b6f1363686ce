// Chinese first (issue 10): messages of cli/ and core/ a clerk meets, run
// through the built binary in a Chinese and in an English locale. Each case is
// one message that reaches the person by a different road: a usage error of
// cli/ (token csr), a parse error thrown by core/seal (seal show), a parse error
// with a field name put in by fill() (core/seal), and lines of the verify text
// report (core/crypto's trust warning, core/report's kinds of later change).
#define BOOST_TEST_MODULE integ_i18n_messages
#include <boost/test/unit_test.hpp>

#include "tests/integration/support.hpp"

using namespace integ;

namespace {

const Env kChinese{
    {"LANG", "zh_CN.UTF-8"}, {"LC_ALL", kUnset}, {"LC_MESSAGES", kUnset}, {"LANGUAGE", kUnset}};
const Env kEnglish{{"LC_ALL", "C"}, {"LANG", kUnset}, {"LC_MESSAGES", kUnset}, {"LANGUAGE", kUnset}};

bool hasHan(const std::string& s) {
    // U+4E00..U+9FFF in UTF-8: a lead byte E4..E9.
    for (unsigned char c : s)
        if (c >= 0xe4 && c <= 0xe9) return true;
    return false;
}

// The same command in both locales: the Chinese message in one, the English
// one (and no Chinese) in the other, the same exit code in both.
void checkBoth(const std::vector<std::string>& args, int exitCode, const std::string& chinese,
               const std::string& english, const Env& extra = {}) {
    Env zh = kChinese, en = kEnglish;
    for (const auto& [k, v] : extra) zh[k] = en[k] = v;
    const RunResult z = eseal(args, zh);
    const RunResult e = eseal(args, en);
    BOOST_TEST(z.exitCode == exitCode, z.describe());
    BOOST_TEST(e.exitCode == exitCode, e.describe());
    BOOST_TEST(z.err.find(chinese) != std::string::npos, "no \"" << chinese << "\" in: " << z.err);
    BOOST_TEST(z.err.find(english) == std::string::npos, "English left in: " << z.err);
    BOOST_TEST(e.err.find(english) != std::string::npos, "no \"" << english << "\" in: " << e.err);
    BOOST_TEST(!hasHan(e.err), "Chinese in the English locale: " << e.err);
}

}  // namespace

BOOST_AUTO_TEST_CASE(token_csr_usage_error) {
    TempDir dir("i18n-csr");
    checkBoth({"token", "csr", "--token", "pkcs11:token=NoSuchToken", "-o", (dir / "req.pem").string()}, 64,
              "必须给出 --subject /C=CN/O=单位/CN=名称", "--subject /C=CN/O=UNIT/CN=NAME is required");
    BOOST_TEST(!fs::exists(dir / "req.pem"));
}

BOOST_AUTO_TEST_CASE(seal_file_errors_of_core_seal) {
    TempDir dir("i18n-seal");
    writeFile(dir / "letter.esl", "this is a letter, not a seal\n");
    checkBoth({"seal", "show", (dir / "letter.esl").string()}, 4, "不是电子印章（不是单个 DER SEQUENCE）",
              "not an electronic seal (no single DER SEQUENCE)");
    // SES_Seal { SES_SealInfo { } }: the header is missing; the ASN.1 names stay.
    writeFile(dir / "empty-info.esl", std::string("\x30\x02\x30\x00", 4));
    checkBoth({"seal", "show", (dir / "empty-info.esl").string()}, 4,
              "不是有效的电子印章：SES_SealInfo：header 缺失或格式错误",
              "not a valid electronic seal: SES_SealInfo: header missing or malformed");
}

BOOST_AUTO_TEST_CASE(verify_text_report_lines) {
    TempDir dir("i18n-verify");
    const fs::path once = dir / "once.pdf", twice = dir / "twice.pdf";
    RunResult s1 = sign({inputsDir() / "letter.pdf"}, {"-o", once.string()}, "signer-rsa");
    BOOST_TEST_REQUIRE(s1.exitCode == 0, s1.describe());
    RunResult s2 = sign({once}, {"-o", twice.string()}, "signer-ec", {"--at", "60,60"});
    BOOST_TEST_REQUIRE(s2.exitCode == 0, s2.describe());
    // Every file the test seals is also read by another verifier.
    std::string qpdfOut;
    BOOST_TEST(qpdfCheck(twice, &qpdfOut), qpdfOut);
    BOOST_TEST(pdfsig(twice).signatures.size() == 2u);

    // A --trust file that holds no certificate: core/crypto's warning in each signature.
    writeFile(dir / "not-a-cert.pem", "no certificate here\n");
    const std::vector<std::string> args{"verify",  twice.string(),
                                        "--trust", trustPem().string(),
                                        "--trust", (dir / "not-a-cert.pem").string()};
    const RunResult zh = eseal(args, kChinese);
    const RunResult en = eseal(args, kEnglish);
    BOOST_TEST(zh.exitCode == 0, zh.describe());
    BOOST_TEST(en.exitCode == 0, en.describe());
    BOOST_TEST(zh.out.find("无法使用信任文件：") != std::string::npos, zh.out);
    BOOST_TEST(zh.out.find("；已忽略。") != std::string::npos, zh.out);
    BOOST_TEST(en.out.find("The trust file could not be used: ") != std::string::npos, en.out);
    BOOST_TEST(en.out.find("; it was ignored.") != std::string::npos, en.out);
    // The first seal is followed by the second: core/report names the kind of change.
    // (letter.pdf has one revision of its own: the second seal is revision 3.)
    BOOST_TEST(zh.out.find("第 3 版的更改：新增注释、新增签章") != std::string::npos, zh.out);
    BOOST_TEST(en.out.find("Change in revision 3: annotation-added, signature-added") != std::string::npos,
               en.out);
    BOOST_TEST(zh.out.find("signature-added") == std::string::npos, zh.out);
    // The JSON stays in its machine words whatever the locale.
    const RunResult zhJson =
        eseal({"verify", "--json", twice.string(), "--trust", trustPem().string()}, kChinese);
    BOOST_TEST(zhJson.out.find("\"PASSED\"") != std::string::npos, zhJson.out);
    BOOST_TEST(zhJson.out.find("signature-added") != std::string::npos, zhJson.out);
}

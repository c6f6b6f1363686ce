// The clerk's habits and safety rails (issue 10): a full-width comma in --at,
// certificates that may not seal refused before the PIN is asked, the signing
// key of a dual-certificate pair picked by itself.
#define BOOST_TEST_MODULE integ_clerk
#include <boost/test/unit_test.hpp>
#include <map>
#include <sstream>

#include "tests/integration/support.hpp"

using namespace integ;

namespace {

// A SoftHSM2 token of its own with the test PKI's problem certificates:
//   signer-expired (id 03), signer-badku (id 04, encryption only), and a
//   dual pair under one label "dual": signer-badku (id 05) + signer-rsa (id 06).
struct ClerkToken {
    TempDir dir{"clerk-token"};
    fs::path conf = dir / "softhsm2.conf";
    ClerkToken() {
        fs::create_directory(dir / "tokens");
        writeFile(conf, "directories.tokendir = " + (dir / "tokens").string() +
                            "\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
        const std::string pki = pkiDir().string();
        std::string script =
            "set -e\n"
            "softhsm2-util --init-token --free --label 'Clerk Test' --so-pin 12345678 --pin 11223344 "
            ">/dev/null\n"
            "add() { softhsm2-util --import " +
            pki +
            "/$1.key --token 'Clerk Test' --label $3 --id $2"
            " --pin 11223344 >/dev/null; pkcs11-tool --module " +
            std::string(kSoftHsmModule) +
            " --token-label 'Clerk Test' --login --pin 11223344 --write-object " + pki +
            "/$1.der --type cert --id $2 --label $3 >/dev/null 2>&1; }\n"
            "add signer-expired 03 signer-expired\n"
            "add signer-badku 04 signer-badku\n"
            "add signer-badku 05 dual\n"
            "add signer-rsa 06 dual\n";
        RunResult r = run({"sh", "-c", script}, env());
        BOOST_REQUIRE_MESSAGE(r.exitCode == 0, "building the clerk token: " << r.describe());
    }
    Env env() const { return {{"SOFTHSM2_CONF", conf.string()}}; }
    static std::string key(const std::string& object) {
        return "pkcs11:token=Clerk%20Test;object=" + object + "?module-path=" + kSoftHsmModule;
    }
};

RunResult signWith(const std::string& key, const fs::path& out, const Env& env, bool withPin = true) {
    std::vector<std::string> args{"sign",   (inputsDir() / "letter.pdf").string(),
                                  "-o",     out.string(),
                                  "--key",  key,
                                  "--seal", sealPng().string()};
    if (withPin) args.insert(args.end(), {"--pin-env", kPinVar});
    return eseal(args, env);
}

}  // namespace

BOOST_AUTO_TEST_CASE(full_width_comma_in_at_places_the_seal_like_the_ascii_comma) {
    TempDir dir("clerk-comma");
    RunResult a = sign({inputsDir() / "letter.pdf"}, {"-o", (dir / "ascii.pdf").string()}, "signer-ec",
                       {"--at", "138,86"});
    RunResult b = sign({inputsDir() / "letter.pdf"}, {"-o", (dir / "wide.pdf").string()}, "signer-ec",
                       {"--at",
                        "138\xEF\xBC\x8C"
                        "86"});
    BOOST_REQUIRE_MESSAGE(a.exitCode == 0, a.describe());
    BOOST_REQUIRE_MESSAGE(b.exitCode == 0, b.describe());
    Verified va = verifyJson(dir / "ascii.pdf");
    Verified vb = verifyJson(dir / "wide.pdf");
    const auto& appA = va.report["signatures"].at(0)["appearances"].at(0);
    const auto& appB = vb.report["signatures"].at(0)["appearances"].at(0);
    BOOST_CHECK_EQUAL(appA.dump(), appB.dump());
    BOOST_CHECK_EQUAL(vb.report["indication"], "PASSED");
}

BOOST_AUTO_TEST_CASE(expired_and_encryption_certificates_refused_before_the_pin) {
    ClerkToken token;
    TempDir dir("clerk-refuse");
    // Without a PIN source, asking for the PIN would fail with "PIN required":
    // the certificate's refusal must come first.
    RunResult expired = signWith(ClerkToken::key("signer-expired"), dir / "e.pdf", token.env(), false);
    BOOST_CHECK_MESSAGE(expired.exitCode == 5, expired.describe());
    BOOST_CHECK_MESSAGE(expired.err.find("Expired Signer") != std::string::npos, expired.err);
    BOOST_CHECK_MESSAGE(expired.err.find("expired on 2021-01-01") != std::string::npos, expired.err);
    BOOST_CHECK_MESSAGE(expired.err.find("PIN") == std::string::npos, expired.err);
    BOOST_CHECK(!fs::exists(dir / "e.pdf"));

    RunResult badku = signWith(ClerkToken::key("signer-badku"), dir / "b.pdf", token.env(), false);
    BOOST_CHECK_MESSAGE(badku.exitCode == 5, badku.describe());
    BOOST_CHECK_MESSAGE(badku.err.find("Encryption Only") != std::string::npos, badku.err);
    BOOST_CHECK_MESSAGE(badku.err.find("may not sign") != std::string::npos, badku.err);
    BOOST_CHECK_MESSAGE(badku.err.find("PIN") == std::string::npos, badku.err);
    BOOST_CHECK(!fs::exists(dir / "b.pdf"));

    // The control: a good certificate gets as far as the PIN.
    RunResult good = signWith(ClerkToken::key("dual"), dir / "g.pdf", token.env(), false);
    BOOST_CHECK_MESSAGE(good.exitCode == 5 && good.err.find("PIN") != std::string::npos, good.describe());
}

BOOST_AUTO_TEST_CASE(expired_pkcs12_refused_and_names_the_certificate) {
    TempDir dir("clerk-p12");
    for (const auto& [name, holder] :
         {std::pair<std::string, std::string>{"signer-expired", "Expired Signer"},
          {"signer-badku", "Encryption Only"}}) {
        RunResult r =
            eseal({"sign", (inputsDir() / "letter.pdf").string(), "-o", (dir / (name + ".pdf")).string(),
                   "--key", "p12:" + (pkiDir() / (name + ".p12")).string(), "--seal", sealPng().string(),
                   "--pin-env", "P12PASS"},
                  {{"P12PASS", "test"}});
        BOOST_CHECK_MESSAGE(r.exitCode == 5, r.describe());
        BOOST_CHECK_MESSAGE(r.err.find(holder) != std::string::npos, r.err);
        BOOST_CHECK(!fs::exists(dir / (name + ".pdf")));
    }
}

BOOST_AUTO_TEST_CASE(dual_certificate_label_seals_with_the_signing_key) {
    ClerkToken token;
    TempDir dir("clerk-dual");
    RunResult r = signWith(ClerkToken::key("dual"), dir / "d.pdf", token.env());
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    Verified v = verifyJson(dir / "d.pdf");
    const auto& sig = v.report["signatures"].at(0);
    BOOST_CHECK_EQUAL(sig["signer"]["commonName"], "测试单位 RSA 签章人");
    // This token holds no CA certificates, so the chain is incomplete; the seal itself is sound.
    BOOST_CHECK(sig["signatureValid"] == true && sig["digestMatches"] == true);
}

namespace {

// The fixture token "eseal-test" (PIN 11223344) and a second token "Second"
// (PIN 99990000, signer-ec as id 07) in one SoftHSM2 module.
struct TwoTokens {
    TempDir dir{"clerk-two"};
    fs::path conf = dir / "softhsm2.conf";
    TwoTokens() {
        fs::copy(softhsmDir() / "tokens", dir / "tokens", fs::copy_options::recursive);
        writeFile(conf, "directories.tokendir = " + (dir / "tokens").string() +
                            "\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
        const std::string pki = pkiDir().string();
        RunResult r =
            run({"sh", "-c",
                 "set -e; softhsm2-util --init-token --free --label Second --so-pin 12345678 --pin 99990000"
                 " >/dev/null; softhsm2-util --import " +
                     pki +
                     "/signer-ec.key --token Second --label"
                     " second-ec --id 07 --pin 99990000 >/dev/null"},
                env());
        BOOST_REQUIRE_MESSAGE(r.exitCode == 0, "building the second token: " << r.describe());
    }
    Env env() const { return {{"SOFTHSM2_CONF", conf.string()}, {"SECOND_PIN", "99990000"}}; }
};

const std::vector<std::string> kCountLow{"count low", "count_low", "count-low", "wrong PIN was entered"};

// The value after "--key " on the line following the holder line naming `holder`.
std::string keyValueFor(const std::string& listing, const std::string& holder) {
    auto at = listing.find(holder);
    if (at == std::string::npos) return {};
    auto k = listing.find("--key '", at);
    if (k == std::string::npos) return {};
    k += 7;
    return listing.substr(k, listing.find('\'', k) - k);
}

}  // namespace

BOOST_AUTO_TEST_CASE(token_list_shows_holder_issuer_validity_usage_and_a_key_to_paste) {
    ClerkToken token;
    RunResult r = eseal({"token", "list", "--module", kSoftHsmModule}, token.env());
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    for (const char* expected :
         {"Expired Signer", "2020-01-01 - 2021-01-01", "digitalSignature, nonRepudiation",
          "keyEncipherment (encryption certificate: not for seals)", "--token 'pkcs11:"})
        BOOST_CHECK_MESSAGE(r.out.find(expected) != std::string::npos, "no '" << expected << "' in\n"
                                                                              << r.out);
    // The encryption certificate offers no --key value.
    const std::string afterEnc = r.out.substr(r.out.find("not for seals"));
    BOOST_CHECK_MESSAGE(
        afterEnc.find("--key") == std::string::npos || afterEnc.find("--key") > afterEnc.find("    key \""),
        r.out);
    // Without --all neither public keys nor CA objects are listed, and the listing says so.
    BOOST_CHECK_MESSAGE(r.out.find("public key") == std::string::npos, r.out);
    BOOST_CHECK_MESSAGE(r.out.find("--all shows everything") != std::string::npos, r.out);
    RunResult all = eseal({"token", "list", "--module", kSoftHsmModule, "--all"}, token.env());
    BOOST_CHECK_MESSAGE(all.out.find("public key RSA") != std::string::npos, all.out);
}

BOOST_AUTO_TEST_CASE(the_listed_key_value_seals_as_pasted) {
    RunResult r = eseal({"token", "list", "--module", kSoftHsmModule});
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    const std::string key = keyValueFor(r.out, "测试单位 RSA 签章人");
    BOOST_REQUIRE_MESSAGE(!key.empty(), "no --key for the RSA signer in\n" << r.out);
    TempDir dir("clerk-paste");
    RunResult s = eseal({"sign", (inputsDir() / "letter.pdf").string(), "-o", (dir / "p.pdf").string(),
                         "--key", key, "--seal", sealPng().string(), "--pin-env", kPinVar});
    BOOST_REQUIRE_MESSAGE(s.exitCode == 0, s.describe());
    checkSealed(dir / "p.pdf", "Seal1", "signer-rsa", 1);
}

BOOST_AUTO_TEST_CASE(trust_store_module_hidden_unless_all) {
    RunResult all = eseal({"token", "list", "--all"});
    if (all.out.find("System Trust") == std::string::npos) {
        BOOST_TEST_MESSAGE("p11-kit's trust module is not registered here; nothing to hide");
        return;
    }
    RunResult plain = eseal({"token", "list"});
    BOOST_CHECK_MESSAGE(plain.exitCode == 0, plain.describe());
    BOOST_CHECK_MESSAGE(plain.out.find("System Trust") == std::string::npos, plain.out);
    BOOST_CHECK_MESSAGE(plain.out.find("trust-store module") != std::string::npos, plain.out);
    // The USB Key comes before anything else.
    BOOST_CHECK_MESSAGE(
        plain.out.find("eseal-test") < plain.out.find("module ", 1) || plain.out.rfind("module ", 0) == 0,
        plain.out);
}

BOOST_AUTO_TEST_CASE(token_list_login_sends_the_pin_to_the_named_token_only) {
    TwoTokens tokens;
    // Two tokens need a login and none is named: refused before any PIN is sent.
    RunResult ambiguous = eseal(
        {"token", "list", "--module", kSoftHsmModule, "--login", "--pin-env", "SECOND_PIN"}, tokens.env());
    BOOST_CHECK_MESSAGE(ambiguous.exitCode == 64, ambiguous.describe());
    BOOST_CHECK_MESSAGE(ambiguous.err.find("--token") != std::string::npos, ambiguous.err);

    RunResult named = eseal({"token", "list", "--module", kSoftHsmModule, "--login", "--token",
                             "pkcs11:token=Second", "--pin-env", "SECOND_PIN"},
                            tokens.env());
    BOOST_REQUIRE_MESSAGE(named.exitCode == 0, named.describe());
    BOOST_CHECK_MESSAGE(named.out.find("key \"second-ec\" (EC, id 07)") != std::string::npos, named.out);

    // The fixture token never saw that PIN: no failed try is recorded on it.
    RunResult after = eseal({"token", "list", "--module", kSoftHsmModule}, tokens.env());
    BOOST_CHECK_MESSAGE(!containsAny(after.out, kCountLow), "a wrong PIN reached a token:\n" << after.out);
}

namespace {

// 2026-11-29 09:34:48 UTC, 17:34:48 in Shanghai.
constexpr const char* kSealTime = "1795944888";

std::string firstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

fs::path sealAtFixedTime(const TempDir& dir, const std::string& name,
                         const std::vector<std::string>& extra = {}) {
    RunResult r = sign({inputsDir() / "letter.pdf"}, {"-o", (dir / name).string()}, "signer-rsa", extra,
                       {{"ESEAL_FIXED_TIME", kSealTime}});
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    return dir / name;
}

}  // namespace

BOOST_AUTO_TEST_CASE(chinese_text_report_leads_with_the_verdict_in_local_time_and_mm) {
    TempDir dir("clerk-report");
    const fs::path sealed = sealAtFixedTime(dir, "公函-已盖章.pdf", {"--at", "138,86"});
    const Env zh{
        {"LANG", "zh_CN.UTF-8"}, {"LC_ALL", kUnset}, {"LC_MESSAGES", kUnset}, {"TZ", "Asia/Shanghai"}};
    RunResult r = eseal({"verify", sealed.string(), "--trust", trustPem().string()}, zh);
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    BOOST_CHECK_EQUAL(firstLine(r.out),
                      "有效：测试单位 RSA 签章人于 2026-11-29 17:34 盖章，盖章后文件未被修改。");
    for (const char* expected :
         {"2026-11-29 17:34:48 +08:00", "第 1 页，中心距页面左上角 138.0,86.0 毫米", "签章人"})
        BOOST_CHECK_MESSAGE(r.out.find(expected) != std::string::npos, "no '" << expected << "' in\n"
                                                                              << r.out);
    BOOST_CHECK_MESSAGE(r.out.find(" pt") == std::string::npos, "points without --verbose:\n" << r.out);

    // JSON stays UTC and carries both units.
    RunResult j = eseal({"verify", "--json", sealed.string(), "--trust", trustPem().string()}, zh);
    auto report = nlohmann::json::parse(j.out);
    const auto& sig = report["signatures"].at(0);
    BOOST_CHECK_EQUAL(sig["signingTime"], "2026-11-29T09:34:48Z");
    const auto& app = sig["appearances"].at(0);
    BOOST_CHECK_CLOSE(app["centreXMm"].get<double>(), 138.0, 0.1);
    BOOST_CHECK_CLOSE(app["centreYMm"].get<double>(), 86.0, 0.1);
    BOOST_CHECK(app["x"].get<double>() > 0);

    // English elsewhere, local time of the zone given.
    RunResult en = eseal({"verify", sealed.string(), "--trust", trustPem().string()},
                         {{"LANG", "C"}, {"LC_ALL", kUnset}, {"TZ", "UTC"}});
    BOOST_CHECK_EQUAL(
        firstLine(en.out),
        "Valid: sealed by 测试单位 RSA 签章人 on 2026-11-29 09:34; the file has not been changed since.");
}

BOOST_AUTO_TEST_CASE(object_numbers_only_with_verbose) {
    TempDir dir("clerk-verbose");
    const fs::path once = sealAtFixedTime(dir, "once.pdf");
    RunResult twice = sign({once}, {"-o", (dir / "twice.pdf").string()}, "signer-ec", {"--at", "50,50"});
    BOOST_REQUIRE_MESSAGE(twice.exitCode == 0, twice.describe());
    RunResult plain = eseal({"verify", (dir / "twice.pdf").string(), "--trust", trustPem().string()});
    BOOST_CHECK_MESSAGE(plain.exitCode == 0, plain.describe());
    BOOST_CHECK_MESSAGE(plain.out.find(" 0 R") == std::string::npos, plain.out);
    BOOST_CHECK_MESSAGE(plain.out.find("Valid: all 2 seals are valid") == 0, plain.out);
    RunResult verbose =
        eseal({"verify", "--verbose", (dir / "twice.pdf").string(), "--trust", trustPem().string()});
    BOOST_CHECK_MESSAGE(verbose.out.find(" 0 R") != std::string::npos, verbose.out);
    BOOST_CHECK_MESSAGE(verbose.out.find(" pt]") != std::string::npos, verbose.out);
}

BOOST_AUTO_TEST_CASE(verify_dir_one_line_per_file_and_quiet) {
    TempDir dir("clerk-dir");
    sealAtFixedTime(dir, "a.pdf");
    fs::copy_file(inputsDir() / "letter.pdf", dir / "b.pdf");
    writeFile(dir / "notes.txt", "not a document");
    RunResult r = eseal({"verify", dir.path.string(), "--trust", trustPem().string()});
    BOOST_CHECK_MESSAGE(r.exitCode == 3, r.describe());  // the worst: b.pdf has no seal
    std::vector<std::string> lines;
    std::istringstream in(r.out);
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    BOOST_REQUIRE_MESSAGE(lines.size() == 2u, r.out);
    BOOST_CHECK_MESSAGE(lines[0].find("a.pdf: Valid: sealed by") != std::string::npos, lines[0]);
    BOOST_CHECK_MESSAGE(lines[1].find("b.pdf: No seal") != std::string::npos, lines[1]);

    RunResult q = eseal({"verify", "--quiet", dir.path.string(), "--trust", trustPem().string()});
    BOOST_CHECK_EQUAL(q.exitCode, 3);
    BOOST_CHECK_EQUAL(q.out, "");
    RunResult qa = eseal({"verify", "--quiet", (dir / "a.pdf").string(), "--trust", trustPem().string()});
    BOOST_CHECK_EQUAL(qa.exitCode, 0);
    BOOST_CHECK_EQUAL(qa.out, "");
}

BOOST_AUTO_TEST_CASE(raw_utf8_token_label_accepted_and_printed_readable) {
    TempDir dir("clerk-utf8");
    fs::create_directory(dir / "tokens");
    const fs::path conf = dir / "softhsm2.conf";
    writeFile(conf, "directories.tokendir = " + (dir / "tokens").string() +
                        "\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
    const Env env{{"SOFTHSM2_CONF", conf.string()}};
    const std::string pki = pkiDir().string();
    RunResult made =
        run({"sh", "-c",
             "set -e; softhsm2-util --init-token --free --label '宜昌CA-UK' --so-pin 12345678 --pin "
             "11223344 >/dev/null; softhsm2-util --import " +
                 pki +
                 "/signer-rsa.key --token '宜昌CA-UK'"
                 " --label 公章 --id 01 --pin 11223344 >/dev/null; pkcs11-tool --module " +
                 std::string(kSoftHsmModule) +
                 " --token-label '宜昌CA-UK' --login --pin 11223344"
                 " --write-object " +
                 pki + "/signer-rsa.der --type cert --id 01 --label 公章 >/dev/null 2>&1"},
            env);
    BOOST_REQUIRE_MESSAGE(made.exitCode == 0, made.describe());

    RunResult list = eseal({"token", "list", "--module", kSoftHsmModule}, env);
    BOOST_REQUIRE_MESSAGE(list.exitCode == 0, list.describe());
    BOOST_CHECK_MESSAGE(list.out.find("--token 'pkcs11:token=宜昌CA-UK") != std::string::npos, list.out);
    BOOST_CHECK_MESSAGE(list.out.find(";object=公章;") != std::string::npos, list.out);

    const std::string module = std::string("?module-path=") + kSoftHsmModule;
    for (const std::string& key :
         {"pkcs11:token=宜昌CA-UK;object=公章" + module,
          "pkcs11:token=%E5%AE%9C%E6%98%8CCA-UK;object=%E5%85%AC%E7%AB%A0" + module}) {
        BOOST_TEST_CONTEXT(key) {
            RunResult s =
                eseal({"sign", (inputsDir() / "letter.pdf").string(), "-o", (dir / "out.pdf").string(),
                       "--force", "--key", key, "--seal", sealPng().string(), "--pin-env", kPinVar},
                      env);
            BOOST_CHECK_MESSAGE(s.exitCode == 0, s.describe());
        }
    }
    // Bytes that are not UTF-8 still need percent-encoding.
    RunResult bad =
        eseal({"sign", (inputsDir() / "letter.pdf").string(), "-o", (dir / "bad.pdf").string(), "--key",
               "pkcs11:token=\xff" + module, "--seal", sealPng().string(), "--pin-env", kPinVar},
              env);
    BOOST_CHECK_MESSAGE(bad.exitCode == 64 && bad.err.find("percent-encoded") != std::string::npos,
                        bad.describe());
}

namespace {

// A private copy of the fixture token (PIN 11223344): PIN tests here must not
// count wrong tries on the token other tests use.
struct TokenCopy {
    TempDir dir{"clerk-pin"};
    fs::path conf = dir / "softhsm2.conf";
    TokenCopy() {
        fs::copy(softhsmDir() / "tokens", dir / "tokens", fs::copy_options::recursive);
        writeFile(conf, "directories.tokendir = " + (dir / "tokens").string() +
                            "\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
    }
    Env env(const Env& more = {}) const {
        Env e = more;
        e["SOFTHSM2_CONF"] = conf.string();
        return e;
    }
};

// eseal on a pseudo-terminal (tests/integration/pty_drive.py): pairs of
// (text to wait for, keys to type).
RunResult onTerminal(const std::vector<std::pair<std::string, std::string>>& dialogue,
                     const std::vector<std::string>& args, const Env& env = {}) {
    std::vector<std::string> argv{"python3", (sourceDir() / "tests/integration/pty_drive.py").string()};
    for (const auto& [expect, send] : dialogue) argv.insert(argv.end(), {expect, send});
    argv.push_back("--");
    argv.push_back(esealBin());
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, env);
}

}  // namespace

BOOST_AUTO_TEST_CASE(pkcs12_password_prompt_shows_no_pin_state_and_ctrl_d_ends_the_line) {
    TempDir dir("clerk-p12-tty");
    RunResult r =
        onTerminal({{"password: ", "\\x04"}},
                   {"sign", (inputsDir() / "letter.pdf").string(), "-o", (dir / "o.pdf").string(), "--key",
                    "p12:" + (pkiDir() / "signer-rsa.p12").string(), "--seal", sealPng().string()});
    BOOST_CHECK_MESSAGE(r.exitCode == 5, r.describe());
    BOOST_CHECK_MESSAGE(r.out.find("PIN OK") == std::string::npos, r.out);
    BOOST_CHECK_MESSAGE(r.out.find("Enter PKCS#12 password: \r\neseal: ") != std::string::npos, r.out);
    BOOST_CHECK(!fs::exists(dir / "o.pdf"));
}

BOOST_AUTO_TEST_CASE(change_pin_checks_the_current_pin_before_asking_the_new_one) {
    TokenCopy token;
    const std::string uri = tokenUri();
    RunResult wrong = onTerminal({{"Enter user PIN: ", "99999999\\r"}},
                                 {"token", "change-pin", "--token", uri}, token.env());
    BOOST_CHECK_MESSAGE(wrong.exitCode == 5, wrong.describe());
    BOOST_CHECK_MESSAGE(wrong.out.find("wrong PIN") != std::string::npos, wrong.out);
    BOOST_CHECK_MESSAGE(wrong.out.find("new user PIN") == std::string::npos, "asked the new PIN anyway:\n"
                                                                                 << wrong.out);

    RunResult changed = onTerminal({{"Enter user PIN: ", "11223344\\r"},
                                    {"Enter new user PIN: ", "55667788\\r"},
                                    {"Enter new user PIN again: ", "55667788\\r"}},
                                   {"token", "change-pin", "--token", uri}, token.env());
    BOOST_CHECK_MESSAGE(changed.exitCode == 0, changed.describe());
    RunResult list = eseal({"token", "list", "--module", kSoftHsmModule, "--login", "--pin-env", "NEWPIN"},
                           token.env({{"NEWPIN", "55667788"}}));
    BOOST_CHECK_MESSAGE(list.exitCode == 0 && list.out.find("(RSA, id 01)") != std::string::npos,
                        list.describe());
}

BOOST_AUTO_TEST_CASE(change_pin_refuses_a_well_known_default_pin) {
    TokenCopy token;
    for (const char* weak : {"123456", "000000", "111111", "888888", "12345678"}) {
        RunResult r = eseal(
            {"token", "change-pin", "--token", tokenUri(), "--pin-env", kPinVar, "--new-pin-env", "NEWPIN"},
            token.env({{"NEWPIN", weak}}));
        BOOST_CHECK_MESSAGE(r.exitCode == 5 && r.err.find("well-known default PIN") != std::string::npos,
                            weak << ": " << r.describe());
    }
    // Nothing changed: the old PIN still opens the token.
    RunResult list =
        eseal({"token", "list", "--module", kSoftHsmModule, "--login", "--pin-env", kPinVar}, token.env());
    BOOST_CHECK_MESSAGE(list.exitCode == 0 && list.out.find("(RSA, id 01)") != std::string::npos,
                        list.describe());
}

BOOST_AUTO_TEST_CASE(help_in_chinese_under_a_chinese_locale_english_otherwise) {
    const Env zh{{"LANG", "zh_CN.UTF-8"}, {"LC_ALL", kUnset}, {"LC_MESSAGES", kUnset}};
    RunResult overview = eseal({"--help"}, zh);
    BOOST_CHECK_EQUAL(overview.exitCode, 0);
    for (const char* expected :
         {"用法：eseal <命令> [选项]", "为文档盖章", "退出码：", "64   用法错误", "130  被中断"})
        BOOST_CHECK_MESSAGE(overview.out.find(expected) != std::string::npos, "no '" << expected << "' in\n"
                                                                                     << overview.out);
    RunResult sign = eseal({"sign", "--help"}, {{"LC_ALL", "zh_CN.UTF-8"}});
    BOOST_CHECK_MESSAGE(sign.out.find("印章宽度，单位毫米") != std::string::npos, sign.out);
    BOOST_CHECK_MESSAGE(sign.out.find("选项：") != std::string::npos, sign.out);
    RunResult en = eseal({"--help"}, {{"LANG", "de_DE.UTF-8"}, {"LC_ALL", kUnset}, {"LC_MESSAGES", kUnset}});
    BOOST_CHECK_MESSAGE(en.out.find("Usage: eseal <command> [options]") != std::string::npos, en.out);
}

// Errors a clerk meets every day come in Chinese too: a token that is not there,
// an output folder that does not exist, a PIN variable that is not set.
BOOST_AUTO_TEST_CASE(everyday_errors_in_chinese) {
    const Env zh{{"LANG", "zh_CN.UTF-8"}, {"LC_ALL", kUnset}, {"LC_MESSAGES", kUnset}};
    TempDir dir("zh-errors");
    const std::string in = (inputsDir() / "letter.pdf").string();
    RunResult noToken = eseal({"sign", in, "-o", (dir / "a.pdf").string(), "--key",
                               "pkcs11:token=nothing?module-path=" + std::string(kSoftHsmModule), "--seal",
                               sealPng().string(), "--pin-env", "NO_SUCH_PIN_VAR"},
                              zh);
    BOOST_CHECK_MESSAGE(noToken.exitCode == 5, noToken.describe());
    BOOST_CHECK_MESSAGE(noToken.err.find("没有与 pkcs11:token=nothing") != std::string::npos &&
                            noToken.err.find("相符的令牌；现有的令牌：") != std::string::npos,
                        noToken.err);
    RunResult noFolder = eseal({"sign", in, "-o", (dir / "missing" / "a.pdf").string(), "--key",
                                "p12:/nonexistent.p12", "--seal", sealPng().string()},
                               zh);
    BOOST_CHECK_MESSAGE(noFolder.exitCode == 6, noFolder.describe());
    BOOST_CHECK_MESSAGE(noFolder.err.find("不存在") != std::string::npos, noFolder.err);
    BOOST_CHECK_MESSAGE(noFolder.err.find("does not exist") == std::string::npos, noFolder.err);
    BOOST_CHECK(!fs::exists(dir / "a.pdf"));
}

namespace {
// The text after `marker` up to the first of `ends`.
std::string after(const std::string& text, const std::string& marker, const std::string& ends = "\n") {
    auto at = text.find(marker);
    if (at == std::string::npos) return {};
    at += marker.size();
    return text.substr(at, text.find_first_of(ends, at) - at);
}
}  // namespace

BOOST_AUTO_TEST_CASE(demo_says_how_to_reach_its_token_and_the_commands_work) {
    TempDir home("clerk-demo");
    const Env env{{"XDG_DATA_HOME", (home / "data").string()}, {"SOFTHSM2_CONF", kUnset}};
    RunResult demo = eseal({"demo", (home / "out").string()}, env, 300);
    BOOST_REQUIRE_MESSAGE(demo.exitCode == 0, demo.describe());
    const std::string conf = after(demo.out, "export SOFTHSM2_CONF=");
    const std::string key = after(demo.out, "--key '", "'");
    const std::string seal = after(demo.out, "--seal ", " \n");
    const std::string pinFile = after(demo.out, "--pin-file ");
    BOOST_REQUIRE_MESSAGE(!conf.empty() && !key.empty() && !seal.empty() && !pinFile.empty(), demo.out);

    const Env demoEnv{{"SOFTHSM2_CONF", conf}};
    RunResult list = eseal({"token", "list", "--module", kSoftHsmModule}, demoEnv);
    BOOST_CHECK_MESSAGE(list.exitCode == 0 && list.out.find("--key '") != std::string::npos, list.describe());
    RunResult s = eseal({"sign", (inputsDir() / "letter.pdf").string(), "-o", (home / "mine.pdf").string(),
                         "--key", key, "--seal", seal, "--pin-file", pinFile},
                        demoEnv);
    BOOST_CHECK_MESSAGE(s.exitCode == 0, s.describe());
}

BOOST_AUTO_TEST_CASE(certificate_with_fewer_than_30_days_left_seals_with_a_warning) {
    TempDir dir("clerk-short");
    const std::string d = dir.path.string();
    RunResult made = run(
        {"sh", "-c",
         "set -e; cd " + d +
             "; openssl req -x509 -newkey rsa:2048 -nodes -keyout k.pem -out c.pem"
             " -days 10 -subj '/O=测试单位/CN=Short Lived' -addext 'keyUsage=critical,digitalSignature'"
             " 2>/dev/null; openssl pkcs12 -export -inkey k.pem -in c.pem -passout pass:test -out s.p12"});
    BOOST_REQUIRE_MESSAGE(made.exitCode == 0, made.describe());
    RunResult r =
        eseal({"sign", (inputsDir() / "letter.pdf").string(), "-o", (dir / "o.pdf").string(), "--key",
               "p12:" + (dir / "s.p12").string(), "--seal", sealPng().string(), "--pin-env", "P12PASS"},
              {{"P12PASS", "test"}});
    BOOST_CHECK_MESSAGE(r.exitCode == 0, r.describe());
    BOOST_CHECK_MESSAGE(r.err.find("Short Lived") != std::string::npos &&
                            r.err.find("fewer than 30 days") != std::string::npos,
                        r.err);
    BOOST_CHECK(fs::exists(dir / "o.pdf"));
}

BOOST_AUTO_TEST_CASE(opaque_seal_refused_before_the_pin_low_resolution_warned) {
    TempDir dir("clerk-png");
    // Two PNGs from zlib and struct alone: opaque RGB, and a small RGBA one.
    const std::string script =
        "import zlib,struct,sys\n"
        "def png(path,w,h,ctype,px):\n"
        "    raw=b''.join(b'\\x00'+px*w for _ in range(h))\n"
        "    c=lambda t,d: struct.pack('>I',len(d))+t+d+struct.pack('>I',zlib.crc32(t+d)&0xffffffff)\n"
        "    "
        "open(path,'wb').write(b'\\x89PNG\\r\\n\\x1a\\n'+c(b'IHDR',struct.pack('>IIBBBBB',w,h,8,ctype,0,0,0))"
        "+c(b'IDAT',zlib.compress(raw))+c(b'IEND',b''))\n"
        "png(sys.argv[1]+'/opaque.png',400,400,2,b'\\xff\\xff\\xff')\n"
        "png(sys.argv[1]+'/small.png',40,40,6,b'\\xff\\x00\\x00\\x80')\n";
    RunResult made = run({"python3", "-c", script, dir.path.string()});
    BOOST_REQUIRE_MESSAGE(made.exitCode == 0, made.describe());

    // No PIN source: a refusal after the PIN question would say "PIN".
    RunResult opaque = eseal({"sign", (inputsDir() / "letter.pdf").string(), "-o", (dir / "o.pdf").string(),
                              "--key", keyUri("signer-ec"), "--seal", (dir / "opaque.png").string()});
    BOOST_CHECK_MESSAGE(opaque.exitCode == 4, opaque.describe());
    BOOST_CHECK_MESSAGE(opaque.err.find("no transparent background") != std::string::npos, opaque.err);
    BOOST_CHECK(!fs::exists(dir / "o.pdf"));

    RunResult small =
        eseal({"sign", (inputsDir() / "letter.pdf").string(), "-o", (dir / "s.pdf").string(), "--key",
               keyUri("signer-ec"), "--seal", (dir / "small.png").string(), "--pin-env", kPinVar});
    BOOST_CHECK_MESSAGE(small.exitCode == 0, small.describe());
    BOOST_CHECK_MESSAGE(small.err.find("about 24 dpi at 42 mm") != std::string::npos, small.err);
    RunResult big = sign({inputsDir() / "letter.pdf"}, {"-o", (dir / "b.pdf").string()}, "signer-ec");
    BOOST_CHECK_MESSAGE(big.exitCode == 0 && big.err.find("dpi") == std::string::npos, big.describe());
}

namespace {

// A soft SKF USB Key (tests/skf, user PIN 135791, 6 tries) with the RSA signer,
// its retry counter in a state file of its own.
struct SoftSkfKey {
    TempDir dir{"clerk-skf"};
    fs::path config = dir / "skf.conf";
    SoftSkfKey() {
        writeFile(config,
                  "device soft-key-1\napp SEAL\nuser-pin 135791\nadmin-pin 24682468\nmax-retries 6\n"
                  "default-pin 0\nstate " +
                      (dir / "state").string() + "\ncontainer seal-rsa " +
                      (pkiDir() / "signer-rsa.key").string() + " " + (pkiDir() / "signer-rsa.crt").string() +
                      "\n");
    }
    Env env(const Env& more = {}) const {
        Env e = more;
        e["ESEAL_SKF_SOFT_CONFIG"] = config.string();
        e["ESEAL_SKF_SOFT_LOG"] = (dir / "verify.log").string();
        return e;
    }
    static std::string spec() { return std::string("skf:") + ESEAL_SKF_SOFT + "?container=seal-rsa"; }
};

std::size_t occurrences(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
    return n;
}

}  // namespace

// A wrong PIN typed on the terminal: one message, with the tries the key says are left
// (SKF tells the count), in the clerk's language; nothing written; never retried.
BOOST_AUTO_TEST_CASE(wrong_pin_typed_on_the_terminal_says_the_tries_left_once) {
    SoftSkfKey key;
    TempDir dir("clerk-wrong-pin");
    const std::vector<std::string> args{"sign",   (inputsDir() / "letter.pdf").string(),
                                        "-o",     (dir / "o.pdf").string(),
                                        "--key",  SoftSkfKey::spec(),
                                        "--seal", sealPng().string()};
    RunResult en =
        onTerminal({{"PIN: ", "000000\\r"}}, args, key.env({{"LANG", "C.UTF-8"}, {"LC_ALL", kUnset}}));
    BOOST_CHECK_MESSAGE(en.exitCode == 5, en.describe());
    BOOST_CHECK_MESSAGE(occurrences(en.out, "wrong PIN") == 1, en.out);
    BOOST_CHECK_MESSAGE(occurrences(en.out, "5 tries left before the key locks") == 1, en.out);
    BOOST_CHECK_MESSAGE(occurrences(en.out, "PIN: ") == 1, "the PIN was asked again:\n" << en.out);

    RunResult zh =
        onTerminal({{"PIN：", "000000\\r"}}, args,
                   key.env({{"LANG", "zh_CN.UTF-8"}, {"LC_ALL", kUnset}, {"TZ", "Asia/Shanghai"}}));
    BOOST_CHECK_MESSAGE(zh.exitCode == 5, zh.describe());
    BOOST_CHECK_MESSAGE(occurrences(zh.out, "的 PIN 不正确：还可尝试 4 次，之后 USB Key 将锁定") == 1,
                        zh.out);
    BOOST_CHECK(!fs::exists(dir / "o.pdf"));
    // Each run tried the PIN once: SKF_VerifyPIN twice in all.
    BOOST_CHECK_EQUAL(occurrences(readFile(key.dir / "verify.log"), "\n"), 2u);
}

// A PKCS#11 token that does not tell the count: the message says so, once.
BOOST_AUTO_TEST_CASE(wrong_pkcs11_pin_on_the_terminal_says_the_key_does_not_tell) {
    TokenCopy token;
    TempDir dir("clerk-wrong-p11");
    RunResult r = onTerminal({{"PIN: ", "87654321\\r"}},
                             {"sign", (inputsDir() / "letter.pdf").string(), "-o", (dir / "o.pdf").string(),
                              "--key", keyUri("signer-ec"), "--seal", sealPng().string()},
                             token.env({{"LANG", "C.UTF-8"}, {"LC_ALL", kUnset}}));
    BOOST_CHECK_MESSAGE(r.exitCode == 5, r.describe());
    BOOST_CHECK_MESSAGE(occurrences(r.out, "wrong PIN for token 'eseal-test'") == 1, r.out);
    BOOST_CHECK_MESSAGE(r.out.find("tries are left") != std::string::npos, r.out);
    BOOST_CHECK(!fs::exists(dir / "o.pdf"));
}

// change-pin typed on the terminal: a well-known default as the new PIN is refused
// after the current PIN was checked, as soon as it is typed (not asked again), and
// nothing changes.
BOOST_AUTO_TEST_CASE(change_pin_on_the_terminal_refuses_a_default_pin) {
    TokenCopy token;
    RunResult r = onTerminal({{"Enter user PIN: ", "11223344\\r"}, {"Enter new user PIN: ", "123456\\r"}},
                             {"token", "change-pin", "--token", tokenUri()}, token.env());
    BOOST_CHECK_MESSAGE(r.exitCode == 5, r.describe());
    BOOST_CHECK_MESSAGE(r.out.find("well-known default PIN") != std::string::npos, r.out);
    BOOST_CHECK_MESSAGE(r.out.find("again") == std::string::npos, r.out);
    RunResult list =
        eseal({"token", "list", "--module", kSoftHsmModule, "--login", "--pin-env", kPinVar}, token.env());
    BOOST_CHECK_MESSAGE(list.exitCode == 0 && list.out.find("(RSA, id 01)") != std::string::npos,
                        list.describe());
}

// Ctrl-C typed while a batch is being sealed: the terminal sends SIGINT; the
// unfinished output is removed, the summary says what was and was not sealed, exit 130.
BOOST_AUTO_TEST_CASE(ctrl_c_on_the_terminal_during_a_batch_exits_130_with_a_summary) {
    TokenCopy token;
    TempDir dir("clerk-ctrl-c");
    writeLargePdf(dir / "big.pdf", std::size_t{1} << 30);  // 1 GiB, sparse: long to seal
    fs::create_directories(dir / "out");
    const std::string letter = (inputsDir() / "letter.pdf").string();
    RunResult r = onTerminal({{"PIN: ", "11223344\\r"}, {"] 2/2 ", "\\x03"}},
                             {"sign", letter, (dir / "big.pdf").string(), "--out-dir", (dir / "out").string(),
                              "--key", keyUri("signer-ec"), "--seal", sealPng().string()},
                             token.env({{"LANG", "C.UTF-8"}, {"LC_ALL", kUnset}}));
    BOOST_CHECK_MESSAGE(r.exitCode == 130, r.describe());
    BOOST_CHECK_MESSAGE(r.out.find("interrupted; unfinished output removed") != std::string::npos, r.out);
    BOOST_CHECK_MESSAGE(r.out.find("sealed: " + letter) != std::string::npos, r.out);
    BOOST_CHECK_MESSAGE(r.out.find("not sealed: " + (dir / "big.pdf").string()) != std::string::npos, r.out);
    BOOST_CHECK_MESSAGE(r.out.find("--skip-existing") != std::string::npos, r.out);
    // letter.pdf was finished and stays; big.pdf left no temporary behind.
    BOOST_CHECK((listDir(dir / "out") == std::vector<std::string>{"letter.pdf"}));
    checkSealed(dir / "out/letter.pdf", "Seal1", "signer-ec", 1);
}

// sign --json: one object on stdout a script can read whatever the locale (a sealed,
// a failed and a skipped file, the counts and the exit code); the text lines are the
// clerk's language. An error that ends the command still gives the object.
BOOST_AUTO_TEST_CASE(sign_json_for_scripts_and_result_lines_in_chinese) {
    TempDir dir("clerk-json");
    fs::create_directories(dir / "in");
    fs::copy_file(inputsDir() / "letter.pdf", dir / "in/公函.pdf");
    writeFile(dir / "in/notes.txt", "not a document");
    writeFile(dir / "broken.pdf", "%PDF-1.7\nthis is not a PDF body\n");
    const Env zh{
        {"LANG", "zh_CN.UTF-8"}, {"LC_ALL", kUnset}, {"LC_MESSAGES", kUnset}, {"TZ", "Asia/Shanghai"}};
    const std::vector<std::string> args{"sign",
                                        (dir / "in").string(),
                                        (dir / "broken.pdf").string(),
                                        "--out-dir",
                                        (dir / "out").string(),
                                        "--key",
                                        keyUri("signer-ec"),
                                        "--seal",
                                        sealPng().string(),
                                        "--pin-env",
                                        kPinVar};
    std::vector<std::string> json = args;
    json.push_back("--json");
    RunResult r = eseal(json, zh);
    BOOST_CHECK_MESSAGE(r.exitCode == 4, r.describe());
    nlohmann::json j;
    BOOST_REQUIRE_NO_THROW(j = nlohmann::json::parse(r.out));
    BOOST_CHECK_EQUAL(j["sealed"], 1);
    BOOST_CHECK_EQUAL(j["failed"], 1);
    BOOST_CHECK_EQUAL(j["skipped"], 1);
    BOOST_CHECK_EQUAL(j["exitCode"], 4);
    BOOST_CHECK(!j.contains("error"));
    std::map<std::string, nlohmann::json> byStatus;
    for (const auto& e : j["results"]) byStatus[e["status"].get<std::string>()] = e;
    BOOST_REQUIRE_EQUAL(byStatus.size(), 3u);
    const auto& sealed = byStatus["sealed"];
    BOOST_CHECK_EQUAL(sealed["input"], (dir / "in/公函.pdf").string());
    BOOST_CHECK_EQUAL(sealed["output"], (dir / "out/公函.pdf").string());
    BOOST_CHECK_EQUAL(sealed["field"], "Seal1");
    BOOST_CHECK_EQUAL(sealed["appearances"].at(0)["page"], 1);
    BOOST_CHECK_CLOSE(sealed["appearances"].at(0)["width"].get<double>(), 42 / 25.4 * 72, 0.5);  // points
    BOOST_CHECK_EQUAL(sealed["outputSize"].get<std::uint64_t>(), fs::file_size(dir / "out/公函.pdf"));
    BOOST_CHECK_EQUAL(byStatus["failed"]["input"], (dir / "broken.pdf").string());
    BOOST_CHECK_EQUAL(byStatus["failed"]["exitCode"], 4);
    BOOST_CHECK_EQUAL(byStatus["skipped"]["reason"], "unsupported");
    checkSealed(dir / "out/公函.pdf", "Seal1", "signer-ec", 1);

    // The same without --json: Chinese lines, no English ones.
    fs::remove_all(dir / "out");
    RunResult text = eseal(args, zh);
    BOOST_CHECK_MESSAGE(text.exitCode == 4, text.describe());
    for (const std::string& expected : {"已盖章：" + (dir / "in/公函.pdf").string() + " -> " +
                                            (dir / "out/公函.pdf").string() + "（签名域 Seal1，第 1 页）",
                                        "已跳过：" + (dir / "in/notes.txt").string() + "（不是支持的文档）",
                                        std::string("已盖章 1 个，失败 1 个，跳过 1 个")})
        BOOST_CHECK_MESSAGE(text.out.find(expected) != std::string::npos, "no '" << expected << "' in\n"
                                                                                 << text.out);
    BOOST_CHECK_MESSAGE(text.out.find("sealed ") == std::string::npos, text.out);

    // A wrong PIN ends the command: still one object, with the error.
    TokenCopy token;
    fs::remove_all(dir / "out");
    RunResult wrong =
        eseal(json, token.env({{kPinVar, "87654321"}, {"LANG", "C.UTF-8"}, {"LC_ALL", kUnset}}));
    BOOST_CHECK_MESSAGE(wrong.exitCode == 5, wrong.describe());
    nlohmann::json w;
    BOOST_REQUIRE_NO_THROW(w = nlohmann::json::parse(wrong.out));
    BOOST_CHECK_EQUAL(w["exitCode"], 5);
    BOOST_CHECK_EQUAL(w["sealed"], 0);
    BOOST_CHECK(w["error"]["message"].get<std::string>().find("wrong PIN") != std::string::npos);
    BOOST_CHECK(wrong.err.find("wrong PIN") != std::string::npos);
    BOOST_CHECK(!fs::exists(dir / "out/公函.pdf"));
}

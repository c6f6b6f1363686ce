// The configuration file (${XDG_CONFIG_HOME}/eseal/config): defaults for
// options, the command line wins, mistakes are named with their line.
#define BOOST_TEST_MODULE integ_config
#include <boost/test/unit_test.hpp>

#include "tests/integration/support.hpp"

using namespace integ;

namespace {
struct ConfigHome {
    TempDir dir{"config"};
    Env env() const { return {{"XDG_CONFIG_HOME", dir.path.string()}, {"ESEAL_CONFIG", kUnset}}; }
    void write(const std::string& text) const {
        fs::create_directories(dir / "eseal");
        writeFile(dir / "eseal/config", text);
    }
};
}  // namespace

BOOST_AUTO_TEST_CASE(daily_command_takes_key_and_seal_from_the_config) {
    ConfigHome home;
    home.write("# the unit's USB Key and seal\nkey = " + keyUri("signer-ec") +
               "\nseal = " + sealPng().string() + "\npin-env = " + kPinVar +
               "\nsize = 40\ntrust = " + trustPem().string() + "\n");
    TempDir out("config-out");
    RunResult r = eseal({"sign", (inputsDir() / "letter.pdf").string(), "-o", (out / "sealed.pdf").string()},
                        home.env());
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    checkSealed(out / "sealed.pdf", "Seal1", "signer-ec", 1);
    // verify takes `trust` from the same file: the chain is trusted without --trust.
    RunResult v = eseal({"verify", "--no-system-trust", (out / "sealed.pdf").string()}, home.env());
    BOOST_CHECK_MESSAGE(v.exitCode == 0, v.describe());
}

BOOST_AUTO_TEST_CASE(command_line_wins_over_the_config) {
    ConfigHome home;
    home.write("key = " + keyUri("signer-ec") + "\nseal = /nonexistent/seal.png\npin-env = " + kPinVar +
               "\n");
    TempDir out("config-out");
    // The config's seal does not exist: the command-line one must be used.
    RunResult r = eseal({"sign", (inputsDir() / "letter.pdf").string(), "-o", (out / "a.pdf").string(),
                         "--seal", sealPng().string(), "--key", keyUri("signer-rsa")},
                        home.env());
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    checkSealed(out / "a.pdf", "Seal1", "signer-rsa", 1);
    // Without --seal the config's missing seal is reported (exit 4, naming it).
    RunResult bad =
        eseal({"sign", (inputsDir() / "letter.pdf").string(), "-o", (out / "b.pdf").string()}, home.env());
    BOOST_CHECK_MESSAGE(bad.exitCode == 4, bad.describe());
    BOOST_CHECK(bad.err.find("/nonexistent/seal.png") != std::string::npos);
    BOOST_CHECK(!fs::exists(out / "b.pdf"));
}

BOOST_AUTO_TEST_CASE(config_mistakes_are_usage_errors_naming_the_line) {
    ConfigHome home;
    TempDir out("config-out");
    const std::vector<std::string> args = {"sign", (inputsDir() / "letter.pdf").string(), "-o",
                                           (out / "x.pdf").string()};
    home.write("key = " + keyUri("signer-ec") + "\nsael = " + sealPng().string() + "\n");
    RunResult typo = eseal(args, home.env());
    BOOST_CHECK_MESSAGE(typo.exitCode == 64, typo.describe());
    BOOST_CHECK(typo.err.find("line 2") != std::string::npos);
    BOOST_CHECK(typo.err.find("--sael") != std::string::npos);

    home.write("pin = 11223344\n");
    RunResult pin = eseal(args, home.env());
    BOOST_CHECK_MESSAGE(pin.exitCode == 64, pin.describe());
    BOOST_CHECK(pin.err.find("never read from the configuration") != std::string::npos);

    home.write("just some words\n");
    RunResult junk = eseal(args, home.env());
    BOOST_CHECK_MESSAGE(junk.exitCode == 64, junk.describe());
    BOOST_CHECK(junk.err.find("line 1") != std::string::npos);
    BOOST_CHECK(!fs::exists(out / "x.pdf"));
}

// The system store is OpenSSL's hashed certificate directory (SSL_CERT_DIR when
// set), read by subject when a chain needs an issuer: a root placed there under
// its hashed name is trusted without --trust; the same directory without the
// hashed name trusts nothing.
BOOST_AUTO_TEST_CASE(system_store_is_the_hashed_certificate_directory) {
    ConfigHome home;
    TempDir out("system-store");
    RunResult s = sign({inputsDir() / "letter.pdf"}, {"-o", (out / "sealed.pdf").string()}, "signer-ec");
    BOOST_REQUIRE_MESSAGE(s.exitCode == 0, s.describe());
    RunResult hash = run({"openssl", "x509", "-hash", "-noout", "-in", trustPem().string()});
    BOOST_REQUIRE_MESSAGE(hash.exitCode == 0, hash.describe());
    const std::string name = hash.out.substr(0, hash.out.find_first_of("\r\n")) + ".0";
    fs::create_directories(out / "certs");
    fs::create_directories(out / "empty");
    writeFile(out / "empty" / "root-ca.pem", readFile(trustPem()));  // not under its hashed name
    fs::copy_file(trustPem(), out / "certs" / name);
    Env env = home.env();
    env["SSL_CERT_FILE"] = kUnset;
    env["SSL_CERT_DIR"] = (out / "certs").string();
    RunResult trusted = eseal({"verify", "--json", (out / "sealed.pdf").string()}, env);
    BOOST_CHECK_MESSAGE(trusted.exitCode == 0, trusted.describe());
    BOOST_CHECK_MESSAGE(trusted.out.find("\"PASSED\"") != std::string::npos, trusted.describe());
    env["SSL_CERT_DIR"] = (out / "empty").string();
    RunResult untrusted = eseal({"verify", "--json", (out / "sealed.pdf").string()}, env);
    BOOST_CHECK_MESSAGE(untrusted.exitCode != 0, untrusted.describe());
    BOOST_CHECK_MESSAGE(untrusted.out.find("\"PASSED\"") == std::string::npos, untrusted.describe());
}

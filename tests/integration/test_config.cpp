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

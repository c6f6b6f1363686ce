// eseal --help, eseal <command> --help, --version and usage errors, against
// the CLI contract (docs/CLI.md): every documented option is mentioned.
#define BOOST_TEST_MODULE integ_cli_help
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <sstream>

#include "tests/integration/support.hpp"

using namespace integ;
namespace bdata = boost::unit_test::data;

namespace {

struct HelpCase {
    std::vector<std::string> args;  // without --help
    std::vector<std::string> mentions;
};
std::ostream& operator<<(std::ostream& os, const HelpCase& c) {
    for (const auto& a : c.args) os << a << ' ';
    return os << "--help";
}

const std::vector<HelpCase> kHelp{
    {{}, {"sign", "verify", "token", "demo", "--help", "--version"}},
    {{"sign"},
     {"-o",         "--out-dir", "--key",    "--seal",    "--size",     "--page",  "--at", "--reason",
      "--location", "--field",   "--digest", "--pin-env", "--pin-file", "pkcs11:", "p12:", "sha256",
      "sha384",     "sha512",    "--chain",  "--tsa",     "--level",    "B-LTA"}},
    {{"verify"}, {"--json", "--trust", "--no-system-trust", "--online"}},
    {{"token"},
     {"list", "unlock", "change-pin", "--module", "--login", "--pin-env", "--pin-file", "--token",
      "--so-pin-env", "--so-pin-file", "--new-pin-env", "--new-pin-file"}},
    {{"demo"}, {"DIR"}},
    {{"seal"}, {"show", "make", "--json", "--image", "GB/T 38540"}},
    {{"seal", "make"},
     {"--image", "--size", "--name", "--type", "--cert", "--valid", "--maker-key", "--pin-env", "-o"}},
    {{"seal", "show"}, {"--json", "--image", "GM/T 0031"}},
    {{"seal", "store"}, {"--key", "--label", "--pin-env", "--pin-file", "CKO_DATA", "SKF"}},
    {{"token", "csr"}, {"--token", "--subject", "-o", "--key-type", "--label", "--id", "PKCS#10"}},
    {{"token", "import-cert"}, {"--token", "--label", "--pin-env"}},
};

}  // namespace

BOOST_DATA_TEST_CASE(help_exits_0_and_mentions_every_option, bdata::make(kHelp), c) {
    std::vector<std::string> args = c.args;
    args.push_back("--help");
    RunResult r = eseal(args);
    BOOST_CHECK_MESSAGE(r.exitCode == 0, r.describe());
    const std::string text = r.out + r.err;
    BOOST_CHECK_MESSAGE(!r.out.empty(), "help goes to stdout");
    for (const auto& m : c.mentions)
        BOOST_CHECK_MESSAGE(text.find(m) != std::string::npos, "help lacks " << m);
}

BOOST_AUTO_TEST_CASE(token_subcommand_help_exits_0) {
    for (const char* sub : {"list", "unlock", "change-pin", "csr", "import-cert"}) {
        RunResult r = eseal({"token", sub, "--help"});
        BOOST_CHECK_MESSAGE(r.exitCode == 0, "token " << sub << " --help: " << r.describe());
        BOOST_CHECK(!r.out.empty());
    }
}

BOOST_AUTO_TEST_CASE(version_exits_0) {
    RunResult r = eseal({"--version"});
    BOOST_CHECK_MESSAGE(r.exitCode == 0, r.describe());
    BOOST_CHECK_MESSAGE(r.out.find("eseal") != std::string::npos, r.out);
    BOOST_CHECK_MESSAGE(r.out.find("0.1") != std::string::npos, "version number: " << r.out);
}

BOOST_AUTO_TEST_CASE(usage_errors_exit_64) {
    const std::vector<std::vector<std::string>> bad{
        {},                                       // no command
        {"frobnicate"},                           // unknown command
        {"verify", "--no-such-option", "x.pdf"},  // unknown option
        {"verify", "--trust"},                    // missing argument
        {"sign", "in.pdf", "-o"},                 // missing argument
        {"sign", "in.pdf", "--pin", "1234", "-o", "out.pdf", "--key", "p12:/x.p12", "--seal", "s.png"},
        {"sign", "a.pdf", "b.pdf", "-o", "out.pdf", "--key", "p12:/x.p12", "--seal", "s.png"},  // 2 in, -o
    };
    for (const auto& args : bad) {
        RunResult r = eseal(args);
        std::string joined;
        for (const auto& a : args) joined += a + " ";
        BOOST_CHECK_MESSAGE(r.exitCode == 64, "eseal " << joined << ": " << r.describe());
        if (args.empty())  // no command at all: the usage text, on either stream
            BOOST_CHECK_MESSAGE(!(r.out + r.err).empty(), "eseal: prints nothing");
        else
            BOOST_CHECK_MESSAGE(!r.err.empty(), "eseal " << joined << ": no message on stderr");
    }
}

namespace {
// Two words of English in a row ("The seal's name"): a word of two or more
// letters (maybe with 's), separators (space , ; : ( )), then a word of two or
// more lower-case letters. Hand-written: GCC 12 warns inside <regex> under the
// sanitizer build.
bool hasProse(const std::string& line) {
    auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    auto lower = [](char c) { return c >= 'a' && c <= 'z'; };
    auto separator = [](char c) {
        return c == ' ' || c == ',' || c == ';' || c == ':' || c == '(' || c == ')';
    };
    const std::size_t n = line.size();
    for (std::size_t i = 0; i < n;) {
        if (!letter(line[i]) || (i > 0 && letter(line[i - 1]))) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < n && letter(line[j])) ++j;
        const bool word = j - i >= 2;
        if (word && j + 1 < n && line[j] == '\'' && line[j + 1] == 's') j += 2;
        std::size_t k = j;
        while (k < n && separator(line[k])) ++k;
        std::size_t m = k;
        while (m < n && lower(line[m])) ++m;
        if (word && k > j && m - k >= 2) return true;
        i = j > i ? j : i + 1;
    }
    return false;
}
}  // namespace

// Chinese first: in a Chinese locale no sentence of a command's help stays in
// English (the usage line's synopsis, option names and examples are not prose
// and stay as they are). A paragraph whose English changed loses its
// translation, which this finds.
BOOST_AUTO_TEST_CASE(help_is_chinese_in_a_chinese_locale) {
    const Env en{{"LC_ALL", "C"}, {"LANG", kUnset}, {"LC_MESSAGES", kUnset}};
    const Env zh{{"LANG", "zh_CN.UTF-8"}, {"LC_ALL", kUnset}, {"LC_MESSAGES", kUnset}};
    const std::vector<std::vector<std::string>> commands{{},
                                                         {"sign"},
                                                         {"verify"},
                                                         {"unseal"},
                                                         {"demo"},
                                                         {"token"},
                                                         {"token", "list"},
                                                         {"token", "unlock"},
                                                         {"token", "change-pin"},
                                                         {"seal"},
                                                         {"seal", "make"},
                                                         {"seal", "show"},
                                                         {"seal", "draw"},
                                                         {"seal", "image"},
                                                         {"seal", "list"},
                                                         {"seal", "store"},
                                                         {"token", "csr"},
                                                         {"token", "import-cert"}};
    int proseLines = 0;
    for (auto args : commands) {
        args.push_back("--help");
        RunResult english = eseal(args, en);
        RunResult chinese = eseal(args, zh);
        BOOST_TEST_REQUIRE(english.exitCode == 0, english.describe());
        BOOST_TEST_REQUIRE(chinese.exitCode == 0, chinese.describe());
        std::istringstream lines(english.out);
        std::string line;
        bool inUsage = true;  // the usage line and its continuation: not prose
        while (std::getline(lines, line)) {
            if (line.empty()) {
                inUsage = false;
                continue;
            }
            // A URI or path alone on its line is an example, not prose.
            const bool oneWord = line.find(' ', line.find_first_not_of(' ')) == std::string::npos;
            if (inUsage || oneWord || !hasProse(line)) continue;
            ++proseLines;
            BOOST_CHECK_MESSAGE(chinese.out.find(line) == std::string::npos,
                                "eseal " << args[0] << "... --help: English left in Chinese: " << line);
        }
    }
    BOOST_TEST(proseLines > 100);  // the English help has prose to translate
}

// The man pages (en, zh_CN) and the bash completion cannot drift from the
// binary: every command `eseal --help` lists, every option `eseal <command>
// --help` lists and every exit code it shows is in both man pages (the option
// within its command's section), and the completion offers them all.
#define BOOST_TEST_MODULE integ_man_pages
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cctype>
#include <set>
#include <sstream>

#include "tests/integration/support.hpp"

using namespace integ;

namespace {

const Env kEnglish{{"LANG", "C.UTF-8"}, {"LC_ALL", kUnset}, {"LC_MESSAGES", kUnset}};

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

// The lines of `text` after the line `heading`, up to the first empty line.
std::vector<std::string> block(const std::string& text, const std::string& heading) {
    std::vector<std::string> out;
    bool in = false;
    for (const std::string& l : lines(text)) {
        if (in && l.empty()) break;
        if (in) out.push_back(l);
        if (l == heading) in = true;
    }
    return out;
}

// "token list", "sign", ... as the overview lists them.
std::vector<std::string> commands() {
    RunResult r = eseal({"--help"}, kEnglish);
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    std::vector<std::string> out;
    for (const std::string& l : block(r.out, "Commands:")) {
        if (l.size() < 3 || l[2] == ' ') continue;  // a summary's continuation line
        const auto end = l.find("  ", 2);
        out.push_back(l.substr(2, end - 2));
    }
    BOOST_REQUIRE_GE(out.size(), 12u);
    return out;
}

// "-o", "--out", "--out-dir", ... of `eseal <command> --help`, without --help.
std::vector<std::string> options(const std::string& command) {
    std::vector<std::string> args;
    std::istringstream words(command);
    for (std::string w; words >> w;) args.push_back(w);
    args.push_back("--help");
    RunResult r = eseal(args, kEnglish);
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    std::vector<std::string> out;
    for (const std::string& l : block(r.out, "Options:")) {
        if (l.rfind("  -", 0) != 0) continue;
        std::istringstream in(l);
        std::string first, second;
        in >> first;
        if (first.back() == ',') {  // "-o, --out OUT"
            first.pop_back();
            in >> second;
        }
        for (const std::string& o : {first, second})
            if (!o.empty() && o != "-h" && o != "--help") out.push_back(o);
    }
    return out;
}

// A man page as text to search: "\-" is "-", font changes dropped.
std::string manPage(const std::string& name) {
    std::string raw = readFile(sourceDir() / "docs/man" / name);
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '\\' && i + 1 < raw.size()) {
            const char next = raw[i + 1];
            if (next == '-' || next == 'e') {
                out += next == '-' ? '-' : '\\';
                ++i;
                continue;
            }
            if (next == 'f' && i + 2 < raw.size()) {  // \fB, \fI, \fR
                i += 2;
                continue;
            }
            if (next == ':') {  // a break point
                ++i;
                continue;
            }
        }
        out += raw[i];
    }
    return out;
}

// From the line starting with `heading` up to the next .SS or .SH.
std::string section(const std::string& page, const std::string& heading) {
    const std::string marker = "\n" + heading + "\n";
    const auto at = page.find(marker);
    if (at == std::string::npos) return {};
    std::size_t end = page.size();
    for (const char* next : {"\n.SS ", "\n.SH "}) end = std::min(end, page.find(next, at + marker.size()));
    return page.substr(at, end - at);
}

// `option` as a whole word: not followed by a letter, digit or '-'.
bool mentions(const std::string& text, const std::string& option) {
    for (auto at = text.find(option); at != std::string::npos; at = text.find(option, at + 1)) {
        const std::size_t after = at + option.size();
        const bool before =
            at == 0 || !(std::isalnum(static_cast<unsigned char>(text[at - 1])) || text[at - 1] == '-');
        if (before && (after == text.size() ||
                       !(std::isalnum(static_cast<unsigned char>(text[after])) || text[after] == '-')))
            return true;
    }
    return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_option_of_every_command_is_in_its_section_of_both_man_pages) {
    const auto all = commands();
    for (const char* name : {"eseal.1", "eseal.zh_CN.1"}) {
        const std::string page = manPage(name);
        BOOST_REQUIRE_MESSAGE(!page.empty(), name);
        for (const std::string& command : all) {
            const std::string text = section(page, ".SS eseal " + command);
            BOOST_CHECK_MESSAGE(!text.empty(), name << " has no section .SS eseal " << command);
            if (text.empty()) continue;
            for (const std::string& option : options(command))
                BOOST_CHECK_MESSAGE(mentions(text, option), name << ": eseal " << command << " " << option
                                                                 << " is not in its section");
        }
    }
}

BOOST_AUTO_TEST_CASE(every_exit_code_of_help_is_in_both_man_pages) {
    RunResult r = eseal({"--help"}, kEnglish);
    std::vector<std::string> codes;
    for (const std::string& l : block(r.out, "Exit codes:")) {
        std::istringstream in(l);
        std::string code;
        in >> code;
        codes.push_back(code);
    }
    BOOST_REQUIRE_GE(codes.size(), 10u);
    BOOST_CHECK_MESSAGE(std::find(codes.begin(), codes.end(), "130") != codes.end(), r.out);
    for (const auto& [name, heading] : {std::pair<std::string, std::string>{"eseal.1", ".SH EXIT STATUS"},
                                        {"eseal.zh_CN.1", ".SH 退出状态"}}) {
        const std::string text = section(manPage(name), heading);
        BOOST_REQUIRE_MESSAGE(!text.empty(), name << " has no " << heading);
        for (const std::string& code : codes)
            BOOST_CHECK_MESSAGE(text.find("\n.B " + code + "\n") != std::string::npos,
                                name << ": exit code " << code << " is missing");
    }
}

BOOST_AUTO_TEST_CASE(the_man_pages_render_without_warnings) {
    for (const char* name : {"eseal.1", "eseal.zh_CN.1"}) {
        RunResult r =
            run({"groff", "-k", "-man", "-Tutf8", "-ww", "-z", (sourceDir() / "docs/man" / name).string()},
                {{"LC_ALL", "C.UTF-8"}});
        BOOST_CHECK_MESSAGE(r.exitCode == 0 && r.err.empty(), name << ": " << r.describe());
    }
}

namespace {

// What the completion offers after `words` (the last one is being typed),
// with bash-completion's helpers stubbed: _filedir offers nothing.
std::set<std::string> completions(const std::vector<std::string>& words) {
    std::string array;
    for (const auto& w : words) array += " '" + w + "'";
    const std::string script =
        "_init_completion() { words=(\"${COMP_WORDS[@]}\"); cword=$COMP_CWORD; cur=${words[cword]};"
        " prev=${words[cword-1]}; }\n"
        "_filedir() { :; }\n"
        "source '" +
        (sourceDir() / "packaging/bash-completion/eseal").string() +
        "'\n"
        "COMP_WORDS=(eseal" +
        array + ")\nCOMP_CWORD=" + std::to_string(words.size()) +
        "\n_eseal\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
    RunResult r = run({"bash", "-c", script});
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.describe());
    std::set<std::string> out;
    for (const std::string& l : lines(r.out))
        if (!l.empty()) out.insert(l);
    return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(bash_completion_offers_every_command_and_option) {
    const auto all = commands();
    const auto top = completions({""});
    for (const std::string& command : all) {
        const std::string first = command.substr(0, command.find(' '));
        BOOST_CHECK_MESSAGE(top.count(first), "the completion lacks the command " << first);
        std::vector<std::string> words;
        std::istringstream in(command);
        for (std::string w; in >> w;) words.push_back(w);
        if (words.size() == 2) {
            const auto second = completions({words[0], ""});
            BOOST_CHECK_MESSAGE(second.count(words[1]), "the completion lacks " << command);
        }
        words.push_back("-");
        const auto offered = completions(words);
        for (const std::string& option : options(command))
            BOOST_CHECK_MESSAGE(offered.count(option),
                                "the completion lacks eseal " << command << " " << option);
    }
    // A value is completed from its own list.
    BOOST_CHECK((completions({"sign", "--level", "B-L"}) == std::set<std::string>{"B-LT", "B-LTA"}));
}

// eseal command line: a thin layer that builds requests for the core and
// formats, and renders results. See `eseal --help`.
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/config.hpp"
#include "cli/install_paths.hpp"
#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/base/interrupt.hpp"
#include "core/ossl/error.hpp"

namespace {

using namespace eseal;
using namespace eseal::cli;

const char* kVersion = "eseal " ESEAL_VERSION;

std::vector<const Command*> commands() {
    return {&signCommand(),           &verifyCommand(),   &tokenListCommand(),      &tokenUnlockCommand(),
            &tokenChangePinCommand(), &sealShowCommand(), &sealMakeCommand(),       &sealDrawCommand(),
            &sealImageCommand(),      &sealListCommand(), &demoCommand(),           &unsealCommand(),
            &sealStoreCommand(),      &tokenCsrCommand(), &tokenImportCertCommand()};
}

// Every option name of every command, without "--": what the configuration file may set.
std::vector<std::string> knownOptionNames() {
    std::vector<std::string> names;
    for (const Command* c : commands())
        for (const OptionSpec& o : c->spec.options) names.push_back(o.name.substr(2));
    return names;
}

void printOverview(std::ostream& out) {
    out << tr("eseal: electronic seals (电子签章) for PDF, signed with a USB Key (PKCS#11) or a PKCS#12 "
              "file.")
        << "\n\n"
        << tr("Usage: eseal <command> [options]") << "\n\n"
        << tr("Commands:") << "\n";
    for (const Command* c : commands()) {
        std::string left = "  " + c->spec.name;
        out << left << std::string(left.size() < 22 ? 22 - left.size() : 1, ' ');
        // A summary of several lines keeps to its column.
        for (const char* p = tr(c->spec.summary.c_str()); *p; ++p)
            out << *p << (*p == '\n' ? std::string(22, ' ') : std::string());
        out << "\n";
    }
    out << "\n"
        << tr("General options:") << "\n"
        << "  -h, --help            "
        << tr("Show this help; 'eseal <command> --help' shows a command's options.") << "\n"
        << "  --version             " << tr("Show the version.") << "\n\n"
        << tr("Exit codes:") << "\n";
    const std::pair<const char*, const char*> codes[] = {
        {"0  ", "success; verify: every signature PASSED"},
        {"1  ", "verify: a signature FAILED"},
        {"2  ", "verify: otherwise INDETERMINATE (e.g. certificate chain not trusted)"},
        {"3  ", "verify: the file has no signature"},
        {"4  ", "input unreadable or not valid (document, seal image)"},
        {"5  ", "USB Key / token / PIN error (wrong PIN, locked, no PIN given)"},
        {"6  ", "output cannot be written"},
        {"7  ", "cryptographic failure"},
        {"64 ", "usage error"},
        {"70 ", "internal error"},
        {"130", "interrupted (Ctrl-C, SIGTERM): unfinished output removed"}};
    for (const auto& [code, meaning] : codes) out << "  " << code << "  " << tr(meaning) << "\n";
}

}  // namespace

int eseal::cli::exitCodeFor(const Error& e) { return toInt(eseal::exitCodeFor(e.category())); }

int main(int argc, char** argv) {
    initTranslations(translationsDir().string());
    installInterruptCleanup();
    std::vector<std::string> words(argv + 1, argv + argc);
    if (words.empty()) {
        std::cerr << tr("eseal: no command given") << "\n\n";
        printOverview(std::cerr);
        return kUsage;
    }
    if (words[0] == "--help" || words[0] == "-h" || words[0] == "help") {
        printOverview(std::cout);
        return kOk;
    }
    if (words[0] == "--version") {
        std::cout << kVersion << "\n";
        return kOk;
    }
    // Two-word commands ("token list") are matched first.
    const Command* chosen = nullptr;
    std::size_t used = 0;
    for (const Command* c : commands()) {
        const std::string& name = c->spec.name;
        auto space = name.find(' ');
        if (space == std::string::npos) {
            if (words[0] == name) chosen = c, used = 1;
        } else if (words.size() >= 2 && words[0] == name.substr(0, space) &&
                   words[1] == name.substr(space + 1)) {
            chosen = c, used = 2;
        }
    }
    if (!chosen && words[0] == "token") {
        if (words.size() >= 2 && (words[1] == "--help" || words[1] == "-h")) {
            std::cout << tr("eseal token: manage USB Keys (PKCS#11 tokens).") << "\n";
            for (const Command* c : commands())
                if (c->spec.name.rfind("token ", 0) == 0) std::cout << "\n" << helpText(c->spec);
            return kOk;
        }
        std::cerr << "eseal: "
                  << tr("token needs a subcommand: list, unlock, change-pin, csr or import-cert (see eseal "
                        "token --help)")
                  << "\n";
        return kUsage;
    }
    if (!chosen && words[0] == "seal") {
        if (words.size() >= 2 && (words[1] == "--help" || words[1] == "-h")) {
            std::cout << tr("eseal seal: electronic seals (GB/T 38540, GM/T 0031).") << "\n";
            for (const Command* c : commands())
                if (c->spec.name.rfind("seal ", 0) == 0) std::cout << "\n" << helpText(c->spec);
            return kOk;
        }
        std::cerr
            << "eseal: "
            << tr("seal needs a subcommand: show, make, draw, image, list or store (see eseal seal --help)")
            << "\n";
        return kUsage;
    }
    if (!chosen) {
        std::cerr << "eseal: "
                  << fill(tr("unknown command '{command}' (see eseal --help)"), {{"{command}", words[0]}})
                  << "\n";
        return kUsage;
    }
    try {
        std::vector<std::string> rest(words.begin() + static_cast<std::ptrdiff_t>(used), words.end());
        Args args(chosen->spec, rest);
        if (args.helpRequested()) {
            std::cout << helpText(chosen->spec);
            return kOk;
        }
        const Config config = loadConfig(configPath());
        checkConfigNames(config, knownOptionNames());
        args.applyDefaults(chosen->spec, config);
        return chosen->run(args);
    } catch (const TokenError& e) {
        std::cerr << "eseal: " << e.what() << "\n";
        return kTokenError;
    } catch (const Error& e) {
        // An internal error (a bug) keeps its English detail, for the report.
        std::cerr << "eseal: " << (e.category() == ErrorCategory::Internal ? tr("internal error: ") : "")
                  << e.what() << "\n";
        return exitCodeFor(e);
    } catch (const std::bad_alloc&) {
        std::cerr << "eseal: " << tr("out of memory") << "\n";
        return kInternal;
    } catch (const std::exception& e) {
        std::cerr << "eseal: " << tr("internal error: ") << e.what() << "\n";
        return kInternal;
    }
}

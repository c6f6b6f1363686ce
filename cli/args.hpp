// A small, strict command-line parser: every option is declared, unknown
// options and missing values are usage errors (exit 64).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace eseal::cli {

struct Config;

struct OptionSpec {
    std::string name;       // "--out", without value syntax
    std::string shortName;  // "-o" or ""
    bool takesValue = true;
    bool repeatable = false;
    std::string valueName;  // "FILE"
    std::string help;
};

struct CommandSpec {
    std::string name;      // "sign"
    std::string synopsis;  // "IN.pdf... (-o OUT.pdf | --out-dir DIR) --key KEY --seal SEAL.png"
    std::string summary;   // one line
    std::string details;   // paragraphs after the options
    std::vector<OptionSpec> options;
};

class Args {
public:
    // Throws Error(Usage) with a message naming the problem.
    Args(const CommandSpec& spec, const std::vector<std::string>& argv);

    bool has(const std::string& name) const { return values_.count(name) > 0; }
    std::optional<std::string> get(const std::string& name) const;
    std::vector<std::string> all(const std::string& name) const;
    const std::vector<std::string>& positional() const { return positional_; }
    bool helpRequested() const { return help_; }
    // Takes an option's value from the configuration file when the command
    // line did not give it (the command line wins; a flag option is set by
    // "yes"/"true"/"1"). Config entries for options this command lacks are
    // ignored: they belong to other commands.
    void applyDefaults(const CommandSpec& spec, const Config& config);

private:
    std::map<std::string, std::vector<std::string>> values_;
    std::vector<std::string> positional_;
    bool help_ = false;
};

std::string helpText(const CommandSpec& spec);

}  // namespace eseal::cli

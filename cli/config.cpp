#include "cli/config.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"

namespace eseal::cli {

namespace fs = std::filesystem;

namespace {
std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string::npos) return {};
    const auto last = s.find_last_not_of(" \t\r");
    return s.substr(first, last - first + 1);
}
}  // namespace

fs::path configPath() {
    if (const char* explicitPath = std::getenv("ESEAL_CONFIG"); explicitPath && *explicitPath)
        return explicitPath;
    if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x) return fs::path(x) / "eseal" / "config";
    if (const char* home = std::getenv("HOME"); home && *home)
        return fs::path(home) / ".config" / "eseal" / "config";
    return {};
}

Config loadConfig(const fs::path& path) {
    Config config;
    if (path.empty()) return config;
    std::error_code ec;
    if (!fs::exists(path, ec)) return config;
    std::ifstream in(path);
    if (!in) throw Error(ErrorCategory::Usage, tr("the configuration file cannot be read"), path.string());
    config.file = path;
    std::string raw;
    int lineNo = 0;
    constexpr std::size_t kMaxLines = 1000;
    while (std::getline(in, raw)) {
        if (++lineNo > static_cast<int>(kMaxLines))
            throw Error(ErrorCategory::Usage, tr("more than 1000 lines: is this the right file?"),
                        path.string());
        const std::string line = trim(raw);
        if (line.empty() || line[0] == '#') continue;
        const auto eq = line.find('=');
        if (eq == std::string::npos)
            throw Error(ErrorCategory::Usage,
                        fill(tr("line {line} is not 'name = value': {text}"),
                             {{"{line}", std::to_string(lineNo)}, {"{text}", line}}),
                        path.string());
        ConfigEntry entry{trim(line.substr(0, eq)), trim(line.substr(eq + 1)), lineNo};
        if (entry.name.rfind("--", 0) == 0) entry.name.erase(0, 2);
        if (entry.name.empty() || entry.value.empty())
            throw Error(
                ErrorCategory::Usage,
                fill(tr("line {line} has an empty name or value"), {{"{line}", std::to_string(lineNo)}}),
                path.string());
        if (entry.name == "pin" || entry.name == "so-pin" || entry.name == "password")
            throw Error(ErrorCategory::Usage,
                        fill(tr("line {line}: PINs are never read from the configuration; use the prompt, "
                                "pin-env or pin-file"),
                             {{"{line}", std::to_string(lineNo)}}),
                        path.string());
        config.entries.push_back(std::move(entry));
    }
    return config;
}

void checkConfigNames(const Config& config, const std::vector<std::string>& knownOptions) {
    for (const ConfigEntry& e : config.entries)
        if (std::find(knownOptions.begin(), knownOptions.end(), e.name) == knownOptions.end())
            throw Error(ErrorCategory::Usage,
                        fill(tr("line {line}: no eseal command has an option --{name}"),
                             {{"{line}", std::to_string(e.line)}, {"{name}", e.name}}),
                        config.file.string());
}

}  // namespace eseal::cli

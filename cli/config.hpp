// The user's configuration file, ${XDG_CONFIG_HOME:-~/.config}/eseal/config:
// defaults for command options, so the daily command can be `eseal sign
// letter.pdf`. Options given on the command line always win.
//
//   # comment
//   key  = pkcs11:token=Unit;object=seal
//   seal = /home/clerk/seals/unit.png
//   size = 42
//   trust = /etc/eseal/unit-ca.pem      (may be repeated)
//
// A name is an option name without its leading "--"; it applies to every
// command that has that option. Names no command knows are an error naming
// the line, so a typing mistake does not pass unnoticed.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace eseal::cli {

struct ConfigEntry {
    std::string name;  // "key"
    std::string value;
    int line = 0;
};

struct Config {
    std::filesystem::path file;  // empty when there is none
    std::vector<ConfigEntry> entries;
};

// The file's path from the environment ($ESEAL_CONFIG, else
// $XDG_CONFIG_HOME/eseal/config, else ~/.config/eseal/config).
std::filesystem::path configPath();

// Reads path; a missing file is an empty Config. Throws Error(Usage) naming
// file and line for a line that is not `name = value`.
Config loadConfig(const std::filesystem::path& path);

// Throws Error(Usage) naming file and line when an entry's name is not in
// knownOptions (names without "--").
void checkConfigNames(const Config& config, const std::vector<std::string>& knownOptions);

}  // namespace eseal::cli

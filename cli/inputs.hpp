// Command-line inputs that may be folders (verify DIR, sign IN_DIR --out-dir OUT).
#pragma once

#include <string>
#include <vector>

namespace eseal::cli {

struct ExpandedInputs {
    std::vector<std::string> files;
    std::vector<std::string> unsupported;  // files in a folder no format adapter claims
    bool sawDirectory = false;
};

// The arguments with each folder replaced by the documents in it that a
// format adapter claims (sorted; not recursive; hidden files left out); other
// files of a folder are listed in `unsupported`. Throws Error(InputUnreadable) when a folder cannot be read.
ExpandedInputs expandFolders(const std::vector<std::string>& args);

}  // namespace eseal::cli

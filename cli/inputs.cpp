#include "cli/inputs.hpp"

#include <algorithm>
#include <filesystem>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "formats/format.hpp"

namespace eseal::cli {

ExpandedInputs expandFolders(const std::vector<std::string>& args) {
    namespace fs = std::filesystem;
    ExpandedInputs result;
    for (const auto& a : args) {
        std::error_code ec;
        if (!fs::is_directory(a, ec)) {
            result.files.push_back(a);
            continue;
        }
        result.sawDirectory = true;
        std::vector<std::string> inDir, other;
        for (const auto& entry : fs::directory_iterator(a, ec)) {
            // Hidden files (.DS_Store, editors' lock files) are no one's documents.
            if (!entry.is_regular_file(ec) || entry.path().filename().string().rfind('.', 0) == 0) continue;
            try {
                (void)adapterFor(entry.path().string());
                inDir.push_back(entry.path().string());
            } catch (const Error&) {
                other.push_back(entry.path().string());  // not a supported document
            }
        }
        if (ec) throw Error(ErrorCategory::InputUnreadable, tr("cannot read the folder"), a);
        std::sort(inDir.begin(), inDir.end());
        std::sort(other.begin(), other.end());
        result.files.insert(result.files.end(), inDir.begin(), inDir.end());
        result.unsupported.insert(result.unsupported.end(), other.begin(), other.end());
    }
    return result;
}

}  // namespace eseal::cli

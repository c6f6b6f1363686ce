#include "cli/install_paths.hpp"

#include <cstdlib>
#include <system_error>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"

namespace eseal::cli {

namespace fs = std::filesystem;

namespace {
fs::path prefix() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec || exe.empty()) return {};
    return exe.parent_path().parent_path();
}
}  // namespace

fs::path installedDataDir() {
    const fs::path p = prefix();
    return p.empty() ? p : p / "share" / "eseal";
}

fs::path installedLocaleDir() {
    const fs::path p = prefix();
    return p.empty() ? p : p / "share" / "locale";
}

fs::path translationsDir() {
    const fs::path installed = installedLocaleDir();
    std::error_code ec;
    if (!installed.empty() && fs::exists(installed / "zh_CN" / "LC_MESSAGES" / "eseal.mo", ec))
        return installed;
    return ESEAL_BUILD_LOCALE_DIR;
}

std::filesystem::path userDataHome() {
    if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x) return x;
    const char* home = std::getenv("HOME");
    if (!home || !*home) throw Error(ErrorCategory::Usage, tr("neither XDG_DATA_HOME nor HOME is set"));
    return std::filesystem::path(home) / ".local" / "share";
}

}  // namespace eseal::cli

#include "core/crypto/trust.hpp"

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace eseal {

TrustPolicy defaultTrustPolicy() {
    TrustPolicy policy;
    policy.useSystemStore = true;
    // XDG Base Directory Specification: $XDG_CONFIG_HOME, else ~/.config.
    std::filesystem::path config;
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg == '/') {
        config = xdg;
    } else if (const char* home = std::getenv("HOME"); home && *home) {
        config = std::filesystem::path(home) / ".config";
    }
    if (!config.empty()) {
        const auto dir = config / "eseal" / "trust";
        std::error_code ec;
        if (std::filesystem::is_directory(dir, ec)) policy.trustDirs.push_back(dir.string());
    }
    return policy;
}

}  // namespace eseal

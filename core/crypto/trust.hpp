#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <vector>

namespace eseal {

// Which certificates a verification trusts as anchors.
struct TrustPolicy {
    bool useSystemStore = true;            // /etc/ssl/certs
    std::vector<std::string> trustFiles;   // --trust FILE (PEM, may hold several)
    std::vector<std::string> trustDirs;    // $XDG_CONFIG_HOME/eseal/trust and the like
    // The time at which certificates must be valid; nullopt = the signing time
    // the signature claims, else now.
    std::optional<std::time_t> validationTime;
};

// The default: system store + ${XDG_CONFIG_HOME:-~/.config}/eseal/trust/.
TrustPolicy defaultTrustPolicy();

}  // namespace eseal

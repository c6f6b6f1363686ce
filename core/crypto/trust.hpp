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
    // The time at which certificates must be valid; nullopt = now. A claimed
    // signing time is not used: without a timestamp nothing proves it
    // (a B-B signature carries no proof of existence, ETSI EN 319 102-1).
    std::optional<std::time_t> validationTime;
};

// The default: system store + ${XDG_CONFIG_HOME:-~/.config}/eseal/trust/.
TrustPolicy defaultTrustPolicy();

}  // namespace eseal

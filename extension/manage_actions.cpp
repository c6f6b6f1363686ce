#include "extension/manage_actions.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/base/time.hpp"
#include "core/seal/ses_seal.hpp"
#include "core/token/pkcs11_listing.hpp"
#include "core/token/pkcs11_seals.hpp"
#include "core/token/skf_key.hpp"
#include "core/token/token.hpp"

namespace eseal::extension {

namespace {

const std::string* find(const CommandArgs& args, const std::string& name) {
    auto it = args.find(name);
    return it == args.end() || it->second.empty() ? nullptr : &it->second;
}

// "CN=测试单位 签章人,O=..." -> "测试单位 签章人" (else the whole subject).
std::string commonName(const std::string& subject) {
    const auto at = subject.find("CN=");
    if (at == std::string::npos) return subject;
    const auto end = subject.find(',', at);
    return subject.substr(at + 3, end == std::string::npos ? std::string::npos : end - at - 3);
}

void addSkfTokens(const std::string& library, Inventory& inventory) {
    for (const SkfDeviceInfo& d : listSkf(library)) {
        if (!d.error.empty()) inventory.problems.push_back(d.name + ": " + d.error);
        for (const SkfAppInfo& a : d.apps) {
            ManagedToken t;
            t.kind = "skf";
            t.label = (d.label.empty() ? d.name : d.label) + " " + a.name;
            t.uri = a.tokenSpec;
            t.pin = a.userPin;
            for (const SkfContainerInfo& c : a.containers)
                if (!c.subject.empty()) t.keys.push_back({commonName(c.subject), "", c.notAfter, c.keySpec});
            inventory.tokens.push_back(std::move(t));
        }
    }
}

ManagedSeal described(ManagedSeal m, const seal::SesSeal& s) {
    m.name = s.property.name;
    m.esId = s.esId;
    m.validStart = isoUtc(s.property.validStart);
    m.validEnd = isoUtc(s.property.validEnd);
    m.validNow = s.validAt(now());
    m.makerSignatureValid = seal::checkMakerSignature(s).valid;
    m.pictureType = s.picture.type;
    m.picture = s.picture.data;
    m.widthMm = s.picture.widthMm;
    m.heightMm = s.picture.heightMm;
    return m;
}

void addFolderSeals(const std::string& folder, Inventory& inventory) {
    for (const std::string& f : sealFiles(folder)) {
        ManagedSeal m;
        m.source = "folder";
        m.location = f;
        try {
            inventory.seals.push_back(described(m, seal::loadSeal(f)));
        } catch (const Error& e) {
            m.error = e.message();
            inventory.seals.push_back(std::move(m));
        }
    }
}

void addTokenSeals(const std::vector<TokenSeals>& onTokens, Inventory& inventory) {
    for (const TokenSeals& t : onTokens) {
        if (!t.error.empty())
            inventory.problems.push_back((t.tokenLabel.empty() ? t.tokenUri : t.tokenLabel) + ": " + t.error);
        for (std::size_t i = 0; i < t.sealValues.size(); ++i) {
            ManagedSeal m;
            m.source = "token";
            m.location = t.tokenUri + " " + t.sealLabels[i];
            try {
                inventory.seals.push_back(described(m, seal::readSeal(t.sealValues[i], t.sealLabels[i])));
            } catch (const Error& e) {
                m.error = e.message();
                inventory.seals.push_back(std::move(m));
            }
        }
    }
}

nlohmann::json pinJson(const PinState& s, bool chinese) {
    nlohmann::json j{
        {"text", pinStateText(s, chinese)}, {"initialized", s.initialized}, {"locked", s.locked},
        {"finalTry", s.finalTry},           {"countLow", s.countLow},       {"mustChange", s.mustChange}};
    if (s.retriesLeft) j["retriesLeft"] = *s.retriesLeft;
    return j;
}

const ManagedToken* tokenOf(const Inventory& inventory, const std::string& uri) {
    for (const ManagedToken& t : inventory.tokens)
        if (t.uri == uri) return &t;
    return nullptr;
}

}  // namespace

std::vector<ManagedToken> pkcs11Tokens(const std::vector<std::string>& modules,
                                       std::vector<std::string>* problems) noexcept {
    std::vector<ManagedToken> tokens;
    std::vector<std::optional<std::string>> where(modules.begin(), modules.end());
    if (where.empty()) where.push_back(std::nullopt);
    for (const auto& module : where) {
        try {
            for (const Pkcs11ModuleInfo& m : listTokens(module)) {
                if (!m.error.empty() && problems) problems->push_back(m.path + ": " + m.error);
                for (const Pkcs11TokenInfo& t : m.tokens) {
                    ManagedToken token{"pkcs11", t.label, t.uri, t.pinState, {}};
                    if (module && token.uri.find("module-path=") == std::string::npos)
                        token.uri += (token.uri.find('?') == std::string::npos ? "?" : "&") +
                                     ("module-path=" + *module);
                    for (const Pkcs11ObjectInfo& o : t.objects) {
                        if (o.objectClass != "certificate" || !o.signing || o.ca || o.uri.empty()) continue;
                        std::string spec = o.uri;
                        if (module && spec.find("module-path=") == std::string::npos)
                            spec += (spec.find('?') == std::string::npos ? "?" : "&") +
                                    ("module-path=" + *module);
                        token.keys.push_back(
                            {o.holder.empty() ? o.label : o.holder, o.notBefore, o.notAfter, spec});
                    }
                    tokens.push_back(std::move(token));
                }
            }
        } catch (const std::exception& e) {
            if (problems) problems->push_back((module ? *module : std::string("p11-kit")) + ": " + e.what());
        }
    }
    return tokens;
}

std::vector<KeyChoice> keyChoices(const std::vector<ManagedToken>& tokens) {
    std::vector<KeyChoice> keys;
    for (const ManagedToken& t : tokens)
        for (const ManagedKey& k : t.keys) keys.push_back({k.spec, k.holder + " (" + t.label + ")", t.pin});
    return keys;
}

std::vector<std::string> splitList(const std::string& text) {
    std::vector<std::string> items;
    std::size_t from = 0;
    while (from <= text.size()) {
        const std::size_t end = std::min(text.find(';', from), text.size());
        if (end > from) items.push_back(text.substr(from, end - from));
        from = end + 1;
    }
    return items;
}

std::string defaultSealFolder() {
    const char* data = std::getenv("XDG_DATA_HOME");
    const char* home = std::getenv("HOME");
    const std::filesystem::path base = data && *data   ? std::filesystem::path(data)
                                       : home && *home ? std::filesystem::path(home) / ".local" / "share"
                                                       : std::filesystem::path(".local") / "share";
    return (base / "eseal" / "seals").string();
}

std::vector<std::string> sealFiles(const std::string& folder) noexcept {
    std::vector<std::string> files;
    try {
        std::error_code ec;
        if (!std::filesystem::is_directory(folder, ec)) return files;
        for (const auto& entry : std::filesystem::directory_iterator(folder, ec))
            if (entry.is_regular_file(ec)) files.push_back(entry.path().string());
        std::sort(files.begin(), files.end());
    } catch (...) {
        files.clear();
    }
    return files;
}

Inventory takeInventory(const std::vector<std::string>& pkcs11Modules,
                        const std::vector<std::string>& skfLibraries, const std::string& folder) noexcept {
    Inventory inventory;
    try {
        inventory.folder = folder;
        inventory.tokens = pkcs11Tokens(pkcs11Modules, &inventory.problems);
        for (const std::string& library : skfLibraries) {
            try {
                addSkfTokens(library, inventory);
            } catch (const std::exception& e) {
                inventory.problems.push_back(library + ": " + e.what());
            }
        }
        addFolderSeals(folder, inventory);
        // Seals kept as files of the SKF applications (GM/T 0016 7.5), as on PKCS#11 tokens.
        for (const std::string& library : skfLibraries) {
            try {
                addTokenSeals(readSkfSeals(library), inventory);
            } catch (const std::exception& e) {
                inventory.problems.push_back(library + ": " + e.what());
            }
        }
        std::vector<std::optional<std::string>> where(pkcs11Modules.begin(), pkcs11Modules.end());
        if (where.empty()) where.push_back(std::nullopt);
        for (const auto& module : where) {
            try {
                addTokenSeals(readTokenSeals(module), inventory);
            } catch (const std::exception& e) {
                inventory.problems.push_back((module ? *module : std::string("p11-kit")) + ": " + e.what());
            }
        }
    } catch (const std::exception& e) {
        inventory.problems.push_back(e.what());
    }
    return inventory;
}

std::string inventoryJson(const Inventory& inventory, bool chinese) {
    nlohmann::json tokens = nlohmann::json::array(), seals = nlohmann::json::array();
    for (const ManagedToken& t : inventory.tokens) {
        nlohmann::json keys = nlohmann::json::array();
        for (const ManagedKey& k : t.keys)
            keys.push_back({{"holder", k.holder},
                            {"notBefore", k.notBefore},
                            {"notAfter", k.notAfter},
                            {"key", k.spec}});
        tokens.push_back({{"kind", t.kind},
                          {"label", t.label},
                          {"token", t.uri},
                          {"pin", pinJson(t.pin, chinese)},
                          {"keys", keys}});
    }
    for (const ManagedSeal& s : inventory.seals) {
        nlohmann::json j{{"source", s.source}, {"location", s.location}};
        if (!s.error.empty()) {
            j["error"] = s.error;
        } else {
            j.update({{"name", s.name},
                      {"esID", s.esId},
                      {"validStart", s.validStart},
                      {"validEnd", s.validEnd},
                      {"validNow", s.validNow},
                      {"makerSignatureValid", s.makerSignatureValid},
                      {"picture",
                       {{"type", s.pictureType},
                        {"bytes", s.picture.size()},
                        {"widthMm", s.widthMm},
                        {"heightMm", s.heightMm}}}});
        }
        seals.push_back(j);
    }
    return nlohmann::json{{"ok", true},
                          {"folder", inventory.folder},
                          {"tokens", tokens},
                          {"seals", seals},
                          {"problems", inventory.problems}}
        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string manage(const CommandArgs& args, bool chinese, PinSource* pins, PinSource* newPins) {
    const std::string* action = find(args, "Action");
    const std::string what = action ? *action : "List";
    const std::vector<std::string> modules =
        find(args, "Modules") ? splitList(args.at("Modules")) : std::vector<std::string>{};
    const std::vector<std::string> skf =
        find(args, "SkfLibraries") ? splitList(args.at("SkfLibraries")) : std::vector<std::string>{};
    const std::string folder = find(args, "SealFolder") ? args.at("SealFolder") : defaultSealFolder();
    if (what == "List") return inventoryJson(takeInventory(modules, skf, folder), chinese);
    if (what != "ChangePin" && what != "Unlock")
        throw Error(ErrorCategory::Usage,
                    fill(tr("Action must be List, ChangePin or Unlock, not {action}"), {{"{action}", what}}));
    const std::string* token = find(args, "Token");
    if (!token)
        throw Error(ErrorCategory::Usage, tr("the Token argument (a pkcs11: or skf: token URI) is required"));
    const char* oldVar = what == "ChangePin" ? "PinEnv" : "SoPinEnv";
    if (!pins && !find(args, oldVar))
        throw Error(ErrorCategory::Usage,
                    fill(tr("the {argument} argument (an environment variable name) is required"),
                         {{"{argument}", oldVar}}));
    if (!newPins && !find(args, "NewPinEnv"))
        throw Error(ErrorCategory::Usage,
                    fill(tr("the {argument} argument (an environment variable name) is required"),
                         {{"{argument}", "NewPinEnv"}}));
    EnvPin oldEnv(find(args, oldVar) ? args.at(oldVar) : std::string());
    EnvPin newEnv(find(args, "NewPinEnv") ? args.at("NewPinEnv") : std::string());
    if (what == "ChangePin")
        changeTokenPin(*token, pins ? *pins : oldEnv, newPins ? *newPins : newEnv);
    else
        unlockTokenPin(*token, pins ? *pins : oldEnv, newPins ? *newPins : newEnv);
    // The PIN state the key tells now.
    nlohmann::json j{{"ok", true}, {"action", what}, {"token", *token}};
    const Inventory after = takeInventory(modules, skf, folder);
    if (const ManagedToken* t = tokenOf(after, *token)) j["pin"] = pinJson(t->pin, chinese);
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace eseal::extension

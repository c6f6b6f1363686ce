#include "core/base/i18n.hpp"

#include <libintl.h>

#include <atomic>
#include <clocale>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>

namespace eseal {

namespace {
constexpr const char* kDomain = "eseal";

// The first of LC_ALL, LC_MESSAGES, LANG that is set (POSIX precedence).
std::string_view requestedMessagesLocale() {
    for (const char* var : {"LC_ALL", "LC_MESSAGES", "LANG"})
        if (const char* v = std::getenv(var); v && *v) return v;
    return {};
}

std::atomic<bool> g_chinese{false};

// msgid -> msgstr of one GNU .mo file.
using Catalogue = std::unordered_map<std::string, std::string>;

// Our own catalogues are small; anything larger is not one.
constexpr std::size_t kMaxCatalogueBytes = 8 * 1024 * 1024;

// The catalogue in a .mo file (GNU gettext's format: magic, revision, count,
// offsets of the original and translated string tables, each entry a length
// and an offset). Every offset is checked against the file; nullopt for a
// file that is missing or not a catalogue. Plural forms keep their singular,
// entries with a context (msgctxt) are left out: tr() uses neither.
std::optional<Catalogue> readCatalogue(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::string data;
    data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (data.size() < 28 || data.size() > kMaxCatalogueBytes) return std::nullopt;
    const auto byte = [&](std::size_t at) {
        return static_cast<std::uint32_t>(static_cast<unsigned char>(data[at]));
    };
    const auto little = [&](std::size_t at) {
        return byte(at) | byte(at + 1) << 8 | byte(at + 2) << 16 | byte(at + 3) << 24;
    };
    bool bigEndian = false;
    if (little(0) == 0xde120495u)
        bigEndian = true;
    else if (little(0) != 0x950412deu)
        return std::nullopt;
    const auto word = [&](std::size_t at) -> std::optional<std::uint32_t> {
        if (at > data.size() - 4) return std::nullopt;
        if (!bigEndian) return little(at);
        return byte(at) << 24 | byte(at + 1) << 16 | byte(at + 2) << 8 | byte(at + 3);
    };
    const auto count = word(8), originals = word(12), translations = word(16);
    if (!count || !originals || !translations || *count > data.size() / 16) return std::nullopt;
    // The string of table entry i, up to its first NUL (a plural's singular).
    const auto entry = [&](std::uint32_t table, std::uint32_t i) -> std::optional<std::string_view> {
        const auto length = word(std::size_t{table} + 8u * i), offset = word(std::size_t{table} + 8u * i + 4);
        if (!length || !offset || *offset > data.size() || *length >= data.size() - *offset)
            return std::nullopt;
        std::string_view text(data.data() + *offset, *length);
        return text.substr(0, text.find('\0'));
    };
    Catalogue catalogue;
    for (std::uint32_t i = 0; i < *count; ++i) {
        const auto id = entry(*originals, i), text = entry(*translations, i);
        if (!id || !text) return std::nullopt;
        // The empty msgid is the header; '\x04' joins a context to its msgid.
        if (id->empty() || id->find('\x04') != std::string_view::npos || text->empty()) continue;
        catalogue.emplace(*id, *text);
    }
    return catalogue;
}

// The language selectLanguage() chose: its catalogue (null: English). The
// catalogues read stay loaded, so a string tr() returned outlives a change.
std::atomic<bool> g_explicit{false};
std::atomic<const Catalogue*> g_selected{nullptr};
std::mutex g_loadedMutex;
std::map<std::string, std::unique_ptr<const Catalogue>> g_loaded;  // by path; null: unreadable
}  // namespace

void initTranslations(const std::string& localeDir) {
    const std::string_view wanted = requestedMessagesLocale();
    g_chinese = wanted.substr(0, 2) == "zh";
    g_explicit = false;
    if (!std::setlocale(LC_ALL, "")) {
        // The requested locale is not generated here. glibc ignores LANGUAGE
        // only in the "C" locale, so C.UTF-8 plus LANGUAGE still selects the
        // catalogue.
        std::setlocale(LC_ALL, "C.UTF-8");
        if (g_chinese) setenv("LANGUAGE", "zh_CN", 1);
    }
    // Numbers in reports and options stay with a '.' whatever the locale.
    std::setlocale(LC_NUMERIC, "C");
    if (!localeDir.empty()) bindtextdomain(kDomain, localeDir.c_str());
    bind_textdomain_codeset(kDomain, "UTF-8");
}

bool selectLanguage(const std::string& language, const std::string& localeDir) {
    const bool chinese = language.size() >= 2 && (language[0] == 'z' || language[0] == 'Z') &&
                         (language[1] == 'h' || language[1] == 'H');
    const Catalogue* catalogue = nullptr;
    if (chinese && !localeDir.empty()) {
        const std::string path = localeDir + "/zh_CN/LC_MESSAGES/" + kDomain + ".mo";
        std::lock_guard<std::mutex> lock(g_loadedMutex);
        auto [at, fresh] = g_loaded.try_emplace(path);
        if (fresh)
            if (std::optional<Catalogue> read = readCatalogue(path))
                at->second = std::make_unique<const Catalogue>(std::move(*read));
        catalogue = at->second.get();
    }
    g_selected = catalogue;
    g_chinese = catalogue != nullptr;
    g_explicit = true;
    return catalogue != nullptr;
}

const char* tr(const char* msgid) {
    if (!g_explicit) return dgettext(kDomain, msgid);
    const Catalogue* catalogue = g_selected;
    if (!catalogue) return msgid;
    const auto found = catalogue->find(msgid);
    return found == catalogue->end() ? msgid : found->second.c_str();
}

bool chineseMessages() { return g_chinese; }

std::string fill(std::string text, const std::vector<std::pair<std::string, std::string>>& values) {
    for (const auto& [key, value] : values)
        for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size()))
            text.replace(at, key.size(), value);
    return text;
}

}  // namespace eseal

#include "core/base/i18n.hpp"

#include <libintl.h>

#include <clocale>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace eseal {

namespace {
constexpr const char* kDomain = "eseal";

// The first of LC_ALL, LC_MESSAGES, LANG that is set (POSIX precedence).
std::string_view requestedMessagesLocale() {
    for (const char* var : {"LC_ALL", "LC_MESSAGES", "LANG"})
        if (const char* v = std::getenv(var); v && *v) return v;
    return {};
}

bool g_chinese = false;
}  // namespace

void initTranslations(const std::string& localeDir) {
    const std::string_view wanted = requestedMessagesLocale();
    g_chinese = wanted.substr(0, 2) == "zh";
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

const char* tr(const char* msgid) { return dgettext(kDomain, msgid); }

bool chineseMessages() { return g_chinese; }

std::string fill(std::string text, const std::vector<std::pair<std::string, std::string>>& values) {
    for (const auto& [key, value] : values)
        for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size()))
            text.replace(at, key.size(), value);
    return text;
}

}  // namespace eseal

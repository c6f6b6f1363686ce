// Translations of messages a person reads (gettext, domain "eseal"): zh-CN and
// en-US, following LC_ALL / LC_MESSAGES / LANG; English for any other locale.
// The catalogues are cli/po/*.po, built into .mo files by CMake.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace eseal {

// Sets the locale from the environment and binds the "eseal" domain to
// localeDir (a folder holding <lang>/LC_MESSAGES/eseal.mo). Works also when the
// requested locale is not generated on the machine (e.g. zh_CN.UTF-8 missing):
// messages are then still translated, with C.UTF-8 character handling.
void initTranslations(const std::string& localeDir);

// The translation of msgid in the current language, msgid itself when none.
const char* tr(const char* msgid);

// Marks a msgid that is translated later, where it is shown (tr(field)); the
// catalogue test (tests/i18n) finds it like a tr("...") literal.
constexpr const char* N_(const char* msgid) { return msgid; }

// A translated message with its placeholders ("{signer}") replaced, so that a
// translation may put them in another order than English does.
std::string fill(std::string text, const std::vector<std::pair<std::string, std::string>>& values);

// True when messages are shown in Chinese.
bool chineseMessages();

}  // namespace eseal

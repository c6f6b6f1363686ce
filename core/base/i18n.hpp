// Translations of messages a person reads (gettext, domain "eseal"): zh-CN and
// en-US, following LC_ALL / LC_MESSAGES / LANG (the CLI), or the language a
// front end selects (the LibreOffice extension: LibreOffice's UI language);
// English for any other language. The catalogues are cli/po/*.po, built into
// .mo files by CMake.
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

// Selects the language of tr() explicitly, whatever the process locale: for a
// library inside another program (the LibreOffice extension), whose process
// locale is the host's and must not be changed. language is a BCP 47 tag or a
// POSIX name ("zh-CN", "zh_CN.UTF-8", "en-US"); Chinese reads
// localeDir/zh_CN/LC_MESSAGES/eseal.mo itself (no setlocale, no environment
// change). Any other language, or a catalogue that cannot be read, means
// English. Returns true when messages are now shown in Chinese. Thread-safe;
// a string tr() returned stays valid after a later selection.
bool selectLanguage(const std::string& language, const std::string& localeDir);

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

// Where the installed data of eseal lives, found from the running executable so
// that an unpacked package (dpkg-deb -x) works from any folder.
#pragma once

#include <filesystem>

namespace eseal::cli {

// <prefix>/share/eseal for an executable at <prefix>/bin/eseal; empty when the
// executable's path cannot be read.
std::filesystem::path installedDataDir();
// <prefix>/share/locale beside it (gettext catalogues), empty when unknown.
std::filesystem::path installedLocaleDir();
// The folder whose <lang>/LC_MESSAGES/eseal.mo to use: the installed one when
// it holds a catalogue, else the build tree's.
std::filesystem::path translationsDir();
// ${XDG_DATA_HOME:-~/.local/share}; Error(Usage) when neither variable is set.
std::filesystem::path userDataHome();

}  // namespace eseal::cli

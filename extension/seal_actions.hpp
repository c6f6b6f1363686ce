// What the toolbar commands do, without UNO: the extension's dispatch gathers
// the arguments into a CommandArgs and calls these, which call the same core
// and format adapters as the CLI. Errors are eseal::Error; the UNO glue turns
// them into a dispatch result (no C++ exception crosses the UNO boundary).
#pragma once

#include <map>
#include <string>

#include "formats/format.hpp"

namespace eseal::extension {

// The dispatch's PropertyValues, as UTF-8 text ("Page" -> "2").
using CommandArgs = std::map<std::string, std::string>;

// The request for vnd.eseal:Seal / CrossPageSeal from Key, Seal, Keyword,
// Page + At, Size, Reason, Location, Field (crossPage: a cross-page seal).
// Throws Error(Usage) for a missing or bad argument.
SealRequest sealRequestFrom(const CommandArgs& args, bool crossPage);

// Seals `input` into `output` (never the same file) with the key of
// args["Key"] and the PIN in the environment variable args["PinEnv"]; the
// adapter is chosen by the content of `input`. An input no adapter takes is
// "format not supported yet".
SealResult sealFile(const std::string& input, const std::string& output, const CommandArgs& args,
                    bool crossPage);

// Seals the file `path` in place: sealed into a temporary file beside it, then
// renamed over it (atomic on one file system); `path` is untouched on failure.
SealResult sealInPlace(const std::string& path, const CommandArgs& args, bool crossPage);

// The JSON report (as `eseal verify --json` prints it) of `path`. Trust: PEM
// files separated by ';'; NoSystemTrust=true leaves the system store out.
// Never throws for a bad file (the report says what is wrong).
std::string verifyFileJson(const std::string& path, const CommandArgs& args);
// The same report as text for people (the verdict sentence first).
std::string verifyFileText(const std::string& path, const CommandArgs& args);

// {"ok":true,"output":...,"field":...,"page":N}, with "reloadError" when the
// file was sealed but the window could not load it again.
std::string sealResultJson(const SealResult& result, const std::string& reloadProblem = {});
// {"ok":false,"category":...,"error":...}
std::string errorJson(const std::string& category, const std::string& message);

}  // namespace eseal::extension

// What the toolbar commands do, without UNO: the extension's dispatch gathers
// the arguments into a CommandArgs and calls these, which call the same core
// and format adapters as the CLI. Errors are eseal::Error; the UNO glue turns
// them into a dispatch result (no C++ exception crosses the UNO boundary).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/base/error.hpp"
#include "core/base/secret.hpp"
#include "core/key/pin.hpp"
#include "core/seal/ses_seal.hpp"
#include "formats/format.hpp"

namespace eseal::extension {

// The dispatch's PropertyValues, as UTF-8 text ("Page" -> "2").
using CommandArgs = std::map<std::string, std::string>;

// The seal the Seal argument names, read before any PIN: a seal picture (a
// PNG or JPEG file, used as it is) or an electronic seal (GB/T 38540
// SES_Seal): a seal file, or the name (file name, seal name or esID) of a
// seal in the seal folder (SealFolder, default as `eseal seal list`), else
// the label, name or esID of a seal on the token of Key (seal::chooseSeal).
struct ChosenSeal {
    std::string where;                        // the file, or "'label' on TOKEN"
    std::optional<seal::SesSeal> electronic;  // none: a plain picture
};
// No seal has the name the Seal argument gives (nor is it a file): the error
// names the seal and every place eseal looked, so that the clerk's headline
// can say so (clerkHeadline). Still a TokenError(NotFound), as before.
class SealNotFound final : public TokenError {
public:
    SealNotFound(const std::string& message, std::string name, std::string folder, std::string keyLooked,
                 std::string keyUnread)
        : TokenError(Kind::NotFound, message),
          name_(std::move(name)),
          folder_(std::move(folder)),
          keyLooked_(std::move(keyLooked)),
          keyUnread_(std::move(keyUnread)) {}
    const std::string& name() const noexcept { return name_; }
    const std::string& folder() const noexcept { return folder_; }        // the seal folder searched
    const std::string& keyLooked() const noexcept { return keyLooked_; }  // the token searched, or ""
    // Key, when it keeps seals (a USB Key) but they could not be read (not plugged in, ...).
    const std::string& keyUnread() const noexcept { return keyUnread_; }

private:
    std::string name_, folder_, keyLooked_, keyUnread_;
};
// Throws Error(Usage) without Seal, SealNotFound when no seal has the name,
// Error / TokenError(NotFound) as reading or choosing the seal does otherwise
// (several seals of that name).
ChosenSeal chosenSeal(const CommandArgs& args);

// The request for vnd.eseal:Seal / CrossPageSeal from Key, Seal, Keyword,
// Page + At, Size, Reason, Location, Field (crossPage: a cross-page seal).
// An electronic seal must be usable now (seal::requireUsableSeal); its
// picture is the seal picture and request.electronicSeal its DER.
// Throws Error(Usage) for a missing or bad argument.
SealRequest sealRequestFrom(const CommandArgs& args, bool crossPage);

// Where the extension puts a seal picture it inserts itself through UNO:
// at the cursor or selection (no Page, At or Keyword), at the Keyword's
// occurrence, or on Page at At ("x,y", the centre in mm from the page's
// top-left; Page alone: the core's default spot). widthMm x heightMm is the
// picture's true size (Size, default 42 mm wide, height by its aspect).
struct PictureSpot {
    enum class Kind { Cursor, Keyword, Page } kind = Kind::Cursor;
    Placement placement;  // page, keyword, occurrence, position for Kind::Page
    double widthMm = 0, heightMm = 0;
    std::string picturePath;  // the seal PNG; empty for an electronic seal:
    Bytes pictureBytes;       // its own picture (a PNG), for the front end to load
};
// Throws Error(Usage) for a bad argument, Error(BadInput) for a bad picture.
PictureSpot pictureSpotFrom(const CommandArgs& args);
// Where spot (Kind::Page) lies on a page pageWidthMm x pageHeightMm.
MmRect rectOnPage(const PictureSpot& spot, double pageWidthMm, double pageHeightMm);

// The adapter for the file at `path`; "format not supported yet" (BadInput)
// when none takes it.
const FormatAdapter& formatOf(const std::string& path);

// Refuses (OutputNotWritable) a file that sealing in place could not or
// should not replace: no write permission for anyone (chmod a-w), or not
// writable by this process.
void checkReplaceable(const std::string& path);

// A key the seal dialog offers: a signing certificate on a token, with its
// token's PIN state (tries left where the token says) for the dialog to show
// (keyChoices of extension/manage_actions.hpp).
struct KeyChoice {
    std::string spec;   // as Key takes it (a PKCS#11 URI)
    std::string label;  // "测试单位 ECDSA 签章人 (token eseal-test)"
    PinState pinState;
};
// The PIN state as a clerk reads it, in Chinese when `chinese`.
std::string pinStateText(const PinState& state, bool chinese);

// The PIN from an environment variable of the LibreOffice process (the
// PinEnv argument); never cached, never retried.
class EnvPin final : public PinSource {
public:
    explicit EnvPin(std::string variable) : variable_(std::move(variable)) {}
    SecretString get(const PinPrompt& prompt) override;

private:
    std::string variable_;
};

// A PIN typed into the seal dialog, handed to the key once.
class TypedPin final : public PinSource {
public:
    explicit TypedPin(SecretString pin) : pin_(std::move(pin)) {}
    SecretString get(const PinPrompt& prompt) override;

private:
    SecretString pin_;
};

// A seal in two steps, for a front end that changes the document in between:
// the constructor checks the request against `input` with `checkOutput` as
// the output (writes nothing) and opens the key, so a wrong PIN or a locked
// key fails before the document is touched; sealTo() then seals a file into
// `output` atomically with that key. pins: nullptr = the environment variable
// args["PinEnv"]. picturePlaced: see SealRequest::picturePlaced.
class SealSession {
public:
    SealSession(const std::string& input, const std::string& checkOutput, const CommandArgs& args,
                bool crossPage, bool picturePlaced, PinSource* pins = nullptr);
    ~SealSession();
    SealSession(const SealSession&) = delete;
    SealSession& operator=(const SealSession&) = delete;
    const FormatAdapter& format() const { return *format_; }
    SealResult sealTo(const std::string& input, const std::string& output);

private:
    SealRequest request_;
    const FormatAdapter* format_ = nullptr;
    std::unique_ptr<Key> key_;
    std::string warning_;  // for the result: the electronic seal is not carried
};

// Seals `input` into `output` (never the same file) with the key of
// args["Key"] and the PIN in the environment variable args["PinEnv"]; the
// adapter is chosen by the content of `input`. An input no adapter takes is
// "format not supported yet".
SealResult sealFile(const std::string& input, const std::string& output, const CommandArgs& args,
                    bool crossPage, PinSource* pins = nullptr);

// Seals the file `path` in place: sealed into a temporary file beside it, then
// renamed over it (atomic on one file system); `path` is untouched on failure.
SealResult sealInPlace(const std::string& path, const CommandArgs& args, bool crossPage,
                       PinSource* pins = nullptr);

// The JSON report (as `eseal verify --json` prints it) of `path`. Trust: PEM
// files separated by ';'; NoSystemTrust=true leaves the system store out.
// Never throws for a bad file (the report says what is wrong).
std::string verifyFileJson(const std::string& path, const CommandArgs& args);
// The same report as text for people (the verdict sentence first).
std::string verifyFileText(const std::string& path, const CommandArgs& args);

// What the verify panel lists for the file at `path`: one entry per seal
// (name or field, signer, time and whether a timestamp vouches for it, a
// status sentence, what changed after it), in Chinese when `chinese`.
struct SealListing {
    std::string headline;  // one sentence for the whole file
    struct Entry {
        std::string title;    // "签章 1：有效" / "Seal 1: valid"
        std::string details;  // further lines, '\n'-separated
        bool valid = false;
        // Where the seal's picture is on the page (PDF widgets); none for the
        // package formats, whose pictures are document content.
        std::optional<SealAppearance> appearance;
    };
    std::vector<Entry> seals;
    std::string text() const;  // headline, then every entry
};
SealListing sealListing(const std::string& path, const CommandArgs& args, bool chinese);

// {"ok":true,"output":...,"field":...,"page":N}, with "reloadError" when the
// file was sealed but the window could not load it again.
std::string sealResultJson(const SealResult& result, const std::string& reloadProblem = {});
// {"ok":false,"category":...,"error":...[,"headline":...]}
std::string errorJson(const std::string& category, const std::string& message,
                      const std::string& headline = {});

// The first sentence of an error box, in the clerk's language: what kind of
// problem it is and what to do (the core's message follows it).
std::string clerkHeadline(const Error& error, bool chinese);

}  // namespace eseal::extension

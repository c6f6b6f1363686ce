#pragma once

#include <memory>
#include <string>

#include "core/base/secret.hpp"
#include "core/key/pin.hpp"

namespace eseal::cli {

class Args;

// Asks on the controlling terminal with echo off, after printing the token's
// PIN state. No terminal -> TokenError(PinRequired).
class TerminalPin final : public PinSource {
public:
    SecretString get(const PinPrompt& prompt) override;
    void notice(const std::string& message) override;
};

// Reads the PIN from an environment variable (scripts, CI).
class EnvPin final : public PinSource {
public:
    explicit EnvPin(std::string variable) : variable_(std::move(variable)) {}
    SecretString get(const PinPrompt& prompt) override;
    void notice(const std::string& message) override;

private:
    std::string variable_;
};

// Reads the PIN from the first line of a file.
class FilePin final : public PinSource {
public:
    explicit FilePin(std::string path) : path_(std::move(path)) {}
    SecretString get(const PinPrompt& prompt) override;
    void notice(const std::string& message) override;

private:
    std::string path_;
};

// --X-env VAR / --X-file F / else the terminal.
std::unique_ptr<PinSource> makePinSource(const std::string* envVar, const std::string* file);

// An encrypted PDF's password (--pdf-password-env VAR, --pdf-password-file F,
// the same in `sign` and `verify`); null when neither is given. Throws
// Error(Usage) for both at once or an unset variable.
std::shared_ptr<const SecretString> documentPassword(const Args& args);

}  // namespace eseal::cli

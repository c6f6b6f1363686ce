#include "cli/pin_sources.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "cli/args.hpp"
#include "core/base/error.hpp"
#include "core/base/i18n.hpp"
#include "core/base/interrupt.hpp"

namespace eseal::cli {

namespace {

void printNotice(const std::string& message) { std::cerr << "eseal: " << tr("note: ") << message << "\n"; }

std::string stateLine(const PinPrompt& prompt) {
    if (!prompt.hasState) return prompt.tokenLabel;
    return prompt.tokenLabel + ": " + prompt.state.summary();
}

// Restores terminal echo whatever happens.
class EchoOff {
public:
    explicit EchoOff(int fd) : fd_(fd) {
        if (tcgetattr(fd_, &saved_) == 0) {
            termios quiet = saved_;
            quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
            quiet.c_lflag |= ECHONL;
            active_ = tcsetattr(fd_, TCSAFLUSH, &quiet) == 0;
            if (active_) rememberTerminal(fd_, saved_);  // Ctrl-C while typing gives the echo back
        }
    }
    ~EchoOff() {
        if (active_) {
            forgetTerminal();
            tcsetattr(fd_, TCSAFLUSH, &saved_);
        }
    }
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;

private:
    int fd_;
    termios saved_{};
    bool active_ = false;
};

}  // namespace

SecretString TerminalPin::get(const PinPrompt& prompt) {
    int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0 || !::isatty(fd)) {
        if (fd >= 0) ::close(fd);
        throw TokenError(
            TokenError::Kind::PinRequired,
            fill(tr("a PIN is needed for {token} but there is no terminal to ask on; use --pin-env VAR or "
                    "--pin-file FILE"),
                 {{"{token}", prompt.tokenLabel}}));
    }
    std::string text =
        stateLine(prompt) + "\n" +
        fill(tr("Enter {what}: "),
             {{"{what}", prompt.purpose.empty() ? std::string("PIN") : tr(prompt.purpose.c_str())}});
    if (::write(fd, text.data(), text.size()) < 0) { /* prompt is best effort */
    }
    SecretString pin;
    {
        EchoOff quiet(fd);
        char c = 0;
        bool endOfInput = false;
        while (true) {
            ssize_t n = ::read(fd, &c, 1);
            if (n <= 0) endOfInput = true;
            if (n <= 0 || c == '\n' || c == '\r') break;
            pin.push_back(c);
            if (pin.size() > 256) break;
        }
        // Ctrl-D echoes nothing (Enter does, ECHONL): end the prompt's line so the
        // message that follows starts on its own.
        if (endOfInput && ::write(fd, "\n", 1) < 0) { /* best effort */
        }
    }
    ::close(fd);
    if (pin.empty())
        throw TokenError(TokenError::Kind::PinRequired, tr("no PIN entered; nothing was signed"));
    return pin;
}

void TerminalPin::notice(const std::string& message) { printNotice(message); }

SecretString EnvPin::get(const PinPrompt& prompt) {
    const char* value = std::getenv(variable_.c_str());
    if (!value || !*value)
        throw TokenError(TokenError::Kind::PinRequired,
                         fill(tr("a PIN is needed for {token} but the environment variable {var} is not set"),
                              {{"{token}", prompt.tokenLabel}, {"{var}", variable_}}));
    return SecretString(value);
}

void EnvPin::notice(const std::string& message) { printNotice(message); }

SecretString FilePin::get(const PinPrompt& prompt) {
    return readPinFile(path_, prompt.purpose.empty() ? std::string("PIN") : prompt.purpose);
}

void FilePin::notice(const std::string& message) { printNotice(message); }

std::unique_ptr<PinSource> makePinSource(const std::string* envVar, const std::string* file) {
    if (envVar && file)
        throw Error(ErrorCategory::Usage, tr("give either a PIN variable or a PIN file, not both"));
    if (envVar) return std::make_unique<EnvPin>(*envVar);
    if (file) return std::make_unique<FilePin>(*file);
    return std::make_unique<TerminalPin>();
}

std::shared_ptr<const SecretString> documentPassword(const Args& args) {
    const auto env = args.get("--pdf-password-env");
    const auto file = args.get("--pdf-password-file");
    if (env && file)
        throw Error(ErrorCategory::Usage, tr("give --pdf-password-env or --pdf-password-file, not both"));
    if (file) return std::make_shared<const SecretString>(readPinFile(*file, tr("the PDF password file")));
    if (!env) return nullptr;
    const char* value = std::getenv(env->c_str());
    if (!value)
        throw Error(
            ErrorCategory::Usage,
            fill(tr("--pdf-password-env: the environment variable {var} is not set"), {{"{var}", *env}}));
    return std::make_shared<const SecretString>(value);
}

}  // namespace eseal::cli

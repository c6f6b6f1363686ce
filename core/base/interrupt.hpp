// Ctrl-C, SIGTERM and SIGHUP while eseal writes: temporaries are removed, the
// terminal gets its echo back, a summary of what was and was not done is
// printed, and the process ends with 128 + 2 = 130 (the shell convention for
// an interrupt; also for SIGTERM, so scripts see one code). Everything the
// signal handler touches is prepared beforehand in fixed buffers, so the
// handler itself only calls async-signal-safe functions (unlink, write,
// tcsetattr, _exit; POSIX.1-2017 2.4.3).
#pragma once

#include <signal.h>
#include <termios.h>

#include <string>

namespace eseal {

inline constexpr int kInterruptedExitCode = 130;

// Installs the handlers (idempotent). Until called, signals keep their
// default action; AtomicFile registers its temporaries either way. Call it
// after initTranslations: the message it prints is translated then.
void installInterruptCleanup();

// A temporary file to remove when interrupted. Returns a slot id for
// forgetTemporary, or -1 when every slot is taken (then the file is not
// cleaned on a signal; it still is by the destructor path).
int rememberTemporary(const std::string& path) noexcept;
void forgetTemporary(int slot) noexcept;

// The text the handler prints before exiting (what was and was not done so
// far); replaced as work progresses. Truncated to 4 KiB.
void setInterruptSummary(const std::string& text) noexcept;

// Holds SIGINT, SIGTERM and SIGHUP back while in scope (pthread_sigmask), so a
// signal cannot fall between two steps that belong together: creating a
// temporary and remembering it, renaming it and forgetting it. A signal sent
// meanwhile is delivered when the scope ends.
class InterruptsHeld {
public:
    InterruptsHeld() noexcept;
    ~InterruptsHeld();
    InterruptsHeld(const InterruptsHeld&) = delete;
    InterruptsHeld& operator=(const InterruptsHeld&) = delete;

private:
    sigset_t previous_{};
};

// While a PIN is typed with echo off: the terminal state to restore.
void rememberTerminal(int fd, const termios& saved) noexcept;
void forgetTerminal() noexcept;

}  // namespace eseal

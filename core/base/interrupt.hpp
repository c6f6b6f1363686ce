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
#include <thread>
#include <utility>

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
// far); replaced as work progresses. Truncated to 64 KiB.
void setInterruptSummary(const std::string& text) noexcept;

// Holds SIGINT, SIGTERM and SIGHUP back while in scope, so a signal cannot
// fall between two steps that belong together: creating a temporary and
// remembering it, renaming it and forgetting it. This thread's mask blocks
// them (pthread_sigmask; a signal sent meanwhile is delivered when the scope
// ends), and a handler running in another thread waits (up to 2 s) until
// every held scope has ended before it removes temporaries. A scope entered
// after a signal arrived never ends: the process is about to exit. Keep the
// scope short and free of locks and allocation (the waiting handler may have
// interrupted another thread inside malloc).
class InterruptsHeld {
public:
    InterruptsHeld() noexcept;
    ~InterruptsHeld();
    InterruptsHeld(const InterruptsHeld&) = delete;
    InterruptsHeld& operator=(const InterruptsHeld&) = delete;

private:
    sigset_t previous_{};
};

// A thread that never runs the handler: SIGINT, SIGTERM and SIGHUP stay
// blocked in it for its whole life (they go to the main thread), so it can be
// interrupted only at points the main thread chooses. Workers sealing files
// in parallel are started this way (the mask is inherited by std::thread).
template <class F>
std::thread threadWithoutInterrupts(F&& body) {
    sigset_t held, previous;
    sigemptyset(&held);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&held, sig);
    ::pthread_sigmask(SIG_BLOCK, &held, &previous);
    struct Restore {
        sigset_t mask;
        ~Restore() { ::pthread_sigmask(SIG_SETMASK, &mask, nullptr); }
    } restore{previous};
    return std::thread(std::forward<F>(body));
}

// While a PIN is typed with echo off: the terminal state to restore.
void rememberTerminal(int fd, const termios& saved) noexcept;
void forgetTerminal() noexcept;

}  // namespace eseal

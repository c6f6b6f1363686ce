#include "core/base/interrupt.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <ctime>
#include <string>

#include "core/base/i18n.hpp"

namespace eseal {

namespace {

// Enough for a parallel batch: at most 8 workers with one temporary each, and
// up to 16 finished outputs waiting for their rename in input order.
constexpr std::size_t kSlots = 64;
constexpr std::size_t kPathMax = 4096;

// A slot is claimed by a compare-exchange on `state` (0 free, 1 being
// written, 2 ready); the handler reads only ready slots.
struct Slot {
    std::atomic<int> state{0};
    char path[kPathMax];
};
std::array<Slot, kSlots> g_slots;

// Two summary buffers: the writer fills the one not shown, then flips the index.
// A line per file of the batch: 64 KiB holds some 500 of them.
constexpr std::size_t kSummaryMax = 64 * 1024;
char g_summary[2][kSummaryMax];
std::atomic<std::size_t> g_summaryLength[2];
std::atomic<int> g_summaryIndex{0};

std::atomic<int> g_terminalFd{-1};
termios g_terminal{};

std::atomic<bool> g_installed{false};

// InterruptsHeld scopes open in any thread, and whether a handler has begun.
// Both sequentially consistent: a scope that sees no signal has been counted
// before the handler looks at the count (the handler then waits for it), and a
// handler that sees no scope has been seen by every scope opened after it.
std::atomic<int> g_holders{0};
std::atomic<bool> g_interrupting{false};
static_assert(std::atomic<int>::is_always_lock_free && std::atomic<bool>::is_always_lock_free,
              "used in a signal handler");

// Waits for open InterruptsHeld scopes of other threads, at most about 2 s
// (clock_gettime is async-signal-safe, POSIX.1-2017 2.4.3).
void waitForHolders() noexcept {
    timespec start{}, t{};
    ::clock_gettime(CLOCK_MONOTONIC, &start);
    while (g_holders.load() > 0) {
        ::clock_gettime(CLOCK_MONOTONIC, &t);
        if (t.tv_sec - start.tv_sec > 2) return;
    }
}

// "eseal: interrupted; ..." in the messages' language, made before any signal can come.
char g_head[512];
std::size_t g_headLength = 0;

void writeAll(int fd, const char* p, std::size_t n) noexcept {
    while (n > 0) {
        const ssize_t w = ::write(fd, p, n);
        if (w <= 0) return;
        p += w;
        n -= static_cast<std::size_t>(w);
    }
}

extern "C" void onInterrupt(int) {
    g_interrupting.store(true);
    waitForHolders();
    for (Slot& s : g_slots)
        if (s.state.load() == 2) ::unlink(s.path);
    if (const int fd = g_terminalFd.load(); fd >= 0) ::tcsetattr(fd, TCSAFLUSH, &g_terminal);
    writeAll(STDERR_FILENO, g_head, g_headLength);
    const int i = g_summaryIndex.load();
    writeAll(STDERR_FILENO, g_summary[i], g_summaryLength[i].load());
    ::_exit(kInterruptedExitCode);
}

}  // namespace

void installInterruptCleanup() {
    if (g_installed.exchange(true)) return;
    const std::string head = std::string("\neseal: ") + tr("interrupted; unfinished output removed") + "\n";
    g_headLength = std::min(head.size(), sizeof g_head);
    std::memcpy(g_head, head.data(), g_headLength);
    struct sigaction sa {};
    sa.sa_handler = onInterrupt;
    sigemptyset(&sa.sa_mask);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&sa.sa_mask, sig);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(sig, &sa, nullptr);
}

int rememberTemporary(const std::string& path) noexcept {
    if (path.size() >= kPathMax) return -1;
    for (std::size_t i = 0; i < kSlots; ++i) {
        int expected = 0;
        if (g_slots[i].state.compare_exchange_strong(expected, 1)) {
            std::memcpy(g_slots[i].path, path.c_str(), path.size() + 1);
            g_slots[i].state.store(2);
            return static_cast<int>(i);
        }
    }
    return -1;
}

void forgetTemporary(int slot) noexcept {
    if (slot >= 0 && static_cast<std::size_t>(slot) < kSlots)
        g_slots[static_cast<std::size_t>(slot)].state.store(0);
}

void setInterruptSummary(const std::string& text) noexcept {
    const int next = 1 - g_summaryIndex.load();
    const std::size_t n = std::min(text.size(), kSummaryMax);
    std::memcpy(g_summary[next], text.data(), n);
    g_summaryLength[next].store(n);
    g_summaryIndex.store(next);
}

void rememberTerminal(int fd, const termios& saved) noexcept {
    g_terminal = saved;
    g_terminalFd.store(fd);
}

void forgetTerminal() noexcept { g_terminalFd.store(-1); }

InterruptsHeld::InterruptsHeld() noexcept {
    sigset_t held;
    sigemptyset(&held);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&held, sig);
    ::pthread_sigmask(SIG_BLOCK, &held, &previous_);
    g_holders.fetch_add(1);
    if (g_interrupting.load()) {
        // A handler in another thread is removing temporaries and exiting:
        // nothing more may be created or renamed.
        g_holders.fetch_sub(1);
        for (;;) ::pause();
    }
}

InterruptsHeld::~InterruptsHeld() {
    g_holders.fetch_sub(1);
    ::pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

}  // namespace eseal

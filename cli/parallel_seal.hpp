// A batch sealed by several worker threads at once, its outputs renamed by the
// calling thread in input order (docs/DESIGN.md, "Batches in parallel").
#pragma once

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/base/atomic_file.hpp"
#include "formats/format.hpp"

namespace eseal::cli {

// What a worker made of one file: the result and its output, complete under
// its temporary name, or the error.
struct SealOutcome {
    std::optional<SealResult> result;
    std::optional<FinishedFile> output;  // empty when the adapter renamed it itself
    std::exception_ptr error;
};

// The workers eseal sign starts by default: two per core (one waits on the
// disk or the token while the other computes), at most 8.
unsigned defaultJobs();

// Runs seal(k) for k = 0 .. count-1 on `jobs` threads (started with SIGINT,
// SIGTERM and SIGHUP blocked: only the calling thread is interrupted). At most
// `window` tasks are begun and not yet taken, which bounds the temporaries a
// Ctrl-C has to remove. take() returns the outcomes in order.
class ParallelSealer {
public:
    using Task = std::function<SealOutcome(std::size_t)>;
    ParallelSealer(std::size_t count, unsigned jobs, std::size_t window, Task seal);
    // Stops handing out tasks, waits for the running ones and drops every
    // outcome not taken: their temporaries are removed.
    ~ParallelSealer();
    ParallelSealer(const ParallelSealer&) = delete;
    ParallelSealer& operator=(const ParallelSealer&) = delete;

    // The next outcome in order, once its worker is done with it.
    SealOutcome take();

private:
    void work();

    const std::size_t count_;
    const std::size_t window_;
    const Task seal_;
    std::mutex lock_;
    std::condition_variable changed_;
    std::vector<std::optional<SealOutcome>> outcomes_;
    std::size_t next_ = 0;   // the next task to hand out
    std::size_t taken_ = 0;  // outcomes taken so far
    bool stopping_ = false;
    std::vector<std::thread> workers_;
};

}  // namespace eseal::cli

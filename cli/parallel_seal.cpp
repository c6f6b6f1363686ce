#include "cli/parallel_seal.hpp"

#include <algorithm>
#include <utility>

#include "core/base/error.hpp"
#include "core/base/interrupt.hpp"

namespace eseal::cli {

unsigned defaultJobs() {
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    return std::min(8u, 2 * cores);
}

ParallelSealer::ParallelSealer(std::size_t count, unsigned jobs, std::size_t window, Task seal)
    : count_(count), window_(std::max<std::size_t>(window, 1)), seal_(std::move(seal)), outcomes_(count) {
    jobs = static_cast<unsigned>(std::min<std::size_t>(std::max(jobs, 1u), count));
    try {
        for (unsigned i = 0; i < jobs; ++i) workers_.push_back(threadWithoutInterrupts([this] { work(); }));
    } catch (...) {
        {
            const std::lock_guard<std::mutex> hold(lock_);
            stopping_ = true;
        }
        changed_.notify_all();
        for (auto& t : workers_) t.join();
        throw;
    }
}

ParallelSealer::~ParallelSealer() {
    {
        const std::lock_guard<std::mutex> hold(lock_);
        stopping_ = true;
    }
    changed_.notify_all();
    for (auto& t : workers_) t.join();
}

void ParallelSealer::work() {
    for (;;) {
        std::size_t k = 0;
        {
            std::unique_lock<std::mutex> hold(lock_);
            changed_.wait(hold, [&] { return stopping_ || next_ >= count_ || next_ < taken_ + window_; });
            if (stopping_ || next_ >= count_) return;
            k = next_++;
        }
        SealOutcome outcome;
        try {
            outcome = seal_(k);
        } catch (...) {
            outcome = SealOutcome{};
            outcome.error = std::current_exception();
        }
        {
            const std::lock_guard<std::mutex> hold(lock_);
            outcomes_[k] = std::move(outcome);
        }
        changed_.notify_all();
    }
}

SealOutcome ParallelSealer::take() {
    std::unique_lock<std::mutex> hold(lock_);
    if (taken_ >= count_) throw Error(ErrorCategory::Internal, "no outcome left to take");
    changed_.wait(hold, [&] { return outcomes_[taken_].has_value(); });
    SealOutcome outcome = std::move(*outcomes_[taken_]);
    outcomes_[taken_].reset();
    ++taken_;
    hold.unlock();
    changed_.notify_all();
    return outcome;
}

}  // namespace eseal::cli

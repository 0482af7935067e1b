// Refreshes a reserved job's heartbeat on its own thread while the objective
// runs, so that others do not recover it as abandoned (docs/architecture.md,
// a trial's life; docs/mongo-protocol.md, Recover).
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "trials/store.hpp"

namespace hopt::worker {

class Heartbeat {
public:
    // interval <= 0: no heartbeat (stores whose evaluators cannot die apart
    // from them, such as the in-memory store).
    Heartbeat(trials::Store &store, trials::Trial job, double interval);
    ~Heartbeat();
    Heartbeat(const Heartbeat &) = delete;
    Heartbeat &operator=(const Heartbeat &) = delete;

    // True once the store answered that the job is no longer ours (it was
    // recovered as stale and requeued): evaluating it further is wasted.
    bool lost() const { return lost_.load(); }

private:
    std::mutex mu_;
    std::condition_variable cv_;
    bool done_ = false;
    std::atomic<bool> lost_{false};
    std::thread thread_;
};

}  // namespace hopt::worker

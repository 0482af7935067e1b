#include "worker/heartbeat.hpp"

#include <chrono>

namespace hopt::worker {

Heartbeat::Heartbeat(trials::Store &store, trials::Trial job, double interval) {
    if (interval <= 0) return;
    thread_ = std::thread([this, &store, job = std::move(job), interval]() mutable {
        std::unique_lock lock(mu_);
        while (!cv_.wait_for(lock, std::chrono::duration<double>(interval), [&] { return done_; })) {
            lock.unlock();
            try {
                if (!store.heartbeat(job)) lost_ = true;
            } catch (const std::exception &) {
                // A failed heartbeat is retried next interval; the job's
                // outcome write decides whether it is still ours.
            }
            lock.lock();
            if (lost_) return;
        }
    });
}

Heartbeat::~Heartbeat() {
    if (!thread_.joinable()) return;
    {
        std::lock_guard lock(mu_);
        done_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

}  // namespace hopt::worker

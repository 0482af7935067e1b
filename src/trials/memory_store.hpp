// Trials in process memory: hyperopt's Trials, made thread-safe so that the
// local thread pool can use the same job protocol as MongoDB workers.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <unordered_map>

#include "trials/store.hpp"

namespace hopt::trials {

class MemoryStore final : public Store {
public:
    explicit MemoryStore(std::optional<std::string> exp_key) : exp_key_(std::move(exp_key)) {}

    const std::optional<std::string> &exp_key() const override { return exp_key_; }
    bool remote() const override { return false; }
    std::vector<int64_t> new_tids(size_t n) override;
    void insert(const std::vector<Trial> &docs) override;
    std::vector<TrialPtr> refresh() override;
    int64_t count(StateMask states) override;
    void delete_all() override;
    void put_domain(const Domain &domain) override;
    std::optional<Domain> get_domain(const std::optional<std::string> &exp_key) override;
    std::optional<Trial> reserve(const std::string &owner, const ReserveFilter &filter) override;
    bool heartbeat(Trial &job) override;
    bool complete(Trial &job) override;
    bool release(Trial &job) override;
    int64_t cancel_new() override;
    // Kept up to date as documents change, so that fmin's poll after each
    // trial costs the same with 100 or 100,000 trials.
    Summary poll() override;
    uint64_t generation() override;
    void wait_change(uint64_t seen, double seconds) override;

private:
    // Replace a stored document (copy-on-write: readers keep old snapshots).
    void replace(size_t index, Trial t);
    void changed();  // with mu_ held
    bool still_owned(const Trial &job, size_t *index) const;
    // Count `t` in summary_ (sign +1) or take it out (-1), with mu_ held.
    void tally(const Trial &t, int sign);

    const std::optional<std::string> exp_key_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    uint64_t generation_ = 0;
    std::vector<TrialPtr> docs_;                  // tid order
    std::unordered_map<int64_t, size_t> by_tid_;
    std::deque<int64_t> queue_;                   // NEW tids, oldest first
    int64_t next_tid_ = 0;
    std::optional<Domain> domain_;
    Summary summary_;
    bool best_stale_ = false;  // the best DONE trial was replaced: recompute at the next poll
};

}  // namespace hopt::trials

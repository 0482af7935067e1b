#include "trials/memory_store.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "trials/lifecycle.hpp"

namespace hopt::trials {

std::vector<int64_t> MemoryStore::new_tids(size_t n) {
    std::lock_guard lock(mu_);
    std::vector<int64_t> out(n);
    for (auto &t : out) t = next_tid_++;
    return out;
}

void MemoryStore::insert(const std::vector<Trial> &docs) {
    std::lock_guard lock(mu_);
    std::set<int64_t> seen;
    for (const auto &d : docs) {
        if (by_tid_.count(d.tid) || !seen.insert(d.tid).second)
            fail(HOPT_EINVAL, "a trial with tid " + std::to_string(d.tid) + " already exists");
        lifecycle::check_exp_key(d, exp_key_);
    }
    bool sorted = true;
    for (const auto &d : docs) {
        sorted = sorted && (docs_.empty() || d.tid > docs_.back()->tid);
        by_tid_[d.tid] = docs_.size();
        docs_.push_back(std::make_shared<const Trial>(d));
        tally(d, +1);
        if (d.state == kNew) queue_.push_back(d.tid);
        next_tid_ = std::max(next_tid_, d.tid + 1);
    }
    if (!sorted) {  // imported out of order: restore tid order
        std::sort(docs_.begin(), docs_.end(), [](const TrialPtr &a, const TrialPtr &b) { return a->tid < b->tid; });
        std::sort(queue_.begin(), queue_.end());
        for (size_t i = 0; i < docs_.size(); ++i) by_tid_[docs_[i]->tid] = i;
    }
    changed();
}

std::vector<TrialPtr> MemoryStore::refresh() {
    std::lock_guard lock(mu_);
    return docs_;
}

int64_t MemoryStore::count(StateMask states) {
    std::lock_guard lock(mu_);
    int64_t n = 0;
    for (const auto &d : docs_) n += (states & mask_of(d->state)) != 0;
    return n;
}

void MemoryStore::delete_all() {
    std::lock_guard lock(mu_);
    docs_.clear();
    by_tid_.clear();
    queue_.clear();
    domain_.reset();
    summary_ = Summary();
    best_stale_ = false;
    changed();
}

void MemoryStore::put_domain(const Domain &domain) {
    std::lock_guard lock(mu_);
    domain_ = domain;
}

std::optional<Domain> MemoryStore::get_domain(const std::optional<std::string> &exp_key) {
    std::lock_guard lock(mu_);
    if (exp_key != exp_key_) return std::nullopt;
    return domain_;
}

void MemoryStore::replace(size_t index, Trial t) {
    tally(*docs_[index], -1);
    tally(t, +1);
    docs_[index] = std::make_shared<const Trial>(std::move(t));
    changed();
}

void MemoryStore::tally(const Trial &t, int sign) {
    if (t.state < kNew || t.state > kCancel) return;
    summary_.count[t.state] += sign;
    if (t.state != kDone) return;
    const double l = t.loss();
    if (!std::isfinite(l)) return;
    if (sign > 0 && l < summary_.best_loss) summary_.best_loss = l;
    if (sign < 0 && l <= summary_.best_loss) best_stale_ = true;
}

Summary MemoryStore::poll() {
    std::lock_guard lock(mu_);
    if (best_stale_) {
        summary_.best_loss = INFINITY;
        for (const auto &d : docs_)
            if (d->state == kDone && std::isfinite(d->loss()) && d->loss() < summary_.best_loss)
                summary_.best_loss = d->loss();
        best_stale_ = false;
    }
    return summary_;
}

void MemoryStore::changed() {
    ++generation_;
    cv_.notify_all();
}

uint64_t MemoryStore::generation() {
    std::lock_guard lock(mu_);
    return generation_;
}

void MemoryStore::wait_change(uint64_t seen, double seconds) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::duration<double>(seconds), [&] { return generation_ != seen; });
}

bool MemoryStore::release(Trial &job) {
    std::lock_guard lock(mu_);
    size_t i;
    if (!still_owned(job, &i)) return false;
    Trial t = *docs_[i];
    lifecycle::queue(t);
    replace(i, std::move(t));
    queue_.push_front(job.tid);
    return true;
}

std::optional<Trial> MemoryStore::reserve(const std::string &owner, const ReserveFilter &filter) {
    std::lock_guard lock(mu_);
    if (filter.exp_key && filter.exp_key != exp_key_) return std::nullopt;
    for (const auto &k : filter.skip_exp_keys)
        if (k == exp_key_) return std::nullopt;
    while (!queue_.empty()) {
        const int64_t tid = queue_.front();
        queue_.pop_front();
        auto it = by_tid_.find(tid);
        if (it == by_tid_.end() || docs_[it->second]->state != kNew) continue;  // cancelled meanwhile
        Trial t = *docs_[it->second];
        lifecycle::reserve(t, owner, now_ms());
        replace(it->second, t);
        return t;
    }
    return std::nullopt;
}

bool MemoryStore::still_owned(const Trial &job, size_t *index) const {
    auto it = by_tid_.find(job.tid);
    if (it == by_tid_.end()) return false;
    const Trial &cur = *docs_[it->second];
    if (cur.state != kRunning || cur.owner != job.owner) return false;
    *index = it->second;
    return true;
}

bool MemoryStore::heartbeat(Trial &job) {
    std::lock_guard lock(mu_);
    size_t i;
    if (!still_owned(job, &i)) return false;
    Trial t = *docs_[i];
    t.refresh_time = job.refresh_time = now_ms();
    replace(i, std::move(t));
    return true;
}

bool MemoryStore::complete(Trial &job) {
    std::lock_guard lock(mu_);
    size_t i;
    if (!still_owned(job, &i)) return false;
    job.refresh_time = now_ms();
    job.version = docs_[i]->version + 1;
    replace(i, job);
    return true;
}

int64_t MemoryStore::cancel_new() {
    std::lock_guard lock(mu_);
    int64_t n = 0;
    for (size_t i = 0; i < docs_.size(); ++i) {
        if (docs_[i]->state != kNew) continue;
        Trial t = *docs_[i];
        lifecycle::cancel(t, now_ms());
        replace(i, std::move(t));
        ++n;
    }
    queue_.clear();
    return n;
}

}  // namespace hopt::trials

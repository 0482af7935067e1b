// The job loop: reserve a NEW trial, evaluate it with the objective its
// experiment names, write the outcome back. fmin's local threads, the serial
// path and hyperopt-mongo-worker all run this same loop over a Store.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "space/space.hpp"
#include "trials/store.hpp"
#include "worker/registry.hpp"

namespace hopt::worker {

struct Options {
    std::string owner;                    // written to reserved trials
    std::optional<std::string> exp_key;   // only this experiment; nullopt: any
    double poll_interval = 0.1;           // seconds between reservation attempts when idle
    double reserve_timeout = 0;           // give up after this long without a job; 0: never
    int64_t max_jobs = std::numeric_limits<int64_t>::max();
    double heartbeat_interval = 0;        // seconds; 0: no heartbeat (in-memory stores)
    const std::atomic<bool> *stop = nullptr;  // set by another thread to end run()
    std::function<void(const std::string &)> log;  // progress messages; may be empty
};

enum class Step {
    Evaluated,    // a job was evaluated and its outcome written
    NoJob,        // nothing to reserve
    NotMine,      // reserved a job whose objective this worker lacks; released it
    Lost,         // the job was taken away while evaluating (recovered as stale)
};

class Worker {
public:
    Worker(trials::Store &store, const Registry &registry, Options options);

    // Reserve and evaluate at most one job.
    Step step();
    // Loop until max_jobs jobs, `stop`, or reserve_timeout of idleness.
    // Returns the number of jobs evaluated.
    int64_t run();

private:
    struct CachedSpace {
        std::string text;
        std::shared_ptr<const space::Space> space;
    };
    std::shared_ptr<const space::Space> space_for(const trials::Domain &domain, const std::string &key);
    void evaluate(trials::Trial &job, const trials::Domain &domain, objective::Objective &fn);
    void say(const std::string &msg) const;

    trials::Store &store_;
    const Registry &registry_;
    Options opts_;
    std::map<std::string, CachedSpace> spaces_;  // by exp_key
};

}  // namespace hopt::worker

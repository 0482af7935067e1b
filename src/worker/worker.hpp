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

#include "core/clock.hpp"
#include "space/space.hpp"
#include "trials/store.hpp"
#include "worker/auth.hpp"
#include "worker/registry.hpp"

namespace hopt::worker {

// Where objectives run (commands always run in their own process).
enum class Isolation {
    InProcess,  // called directly: fast; a crash ends the worker
    Process,    // a forked child per trial: a crash or a hang fails only the trial
};

struct Options {
    std::string owner;                    // written to reserved trials
    std::optional<std::string> exp_key;   // only this experiment; nullopt: any
    double poll_interval = 0.1;           // seconds between reservation attempts when idle
    double reserve_timeout = 0;           // give up after this long without a job; 0: never
    std::optional<double> last_job_timeout;  // reserve nothing once this long has passed since run()
    int64_t max_jobs = std::numeric_limits<int64_t>::max();
    int max_consecutive_failures = 0;     // stop after this many ERROR outcomes in a row; 0: never
    Isolation isolation = Isolation::InProcess;
    std::optional<double> trial_timeout;  // seconds; children only (process isolation, commands)
    std::optional<int64_t> memory_limit;  // bytes of address space per child (RLIMIT_AS); children only
    std::string workdir;                  // children's current directory; "": the worker's
    double heartbeat_interval = 0;        // seconds; 0: no heartbeat (in-memory stores)
    // Recover other workers' abandoned jobs while idle (remote stores).
    std::optional<trials::RecoveryPolicy> recovery;
    // After a stop request, how long a running child may still finish before
    // it is killed and its job released to the queue.
    double stop_grace = 10;
    // How long the store may stay unreachable before the worker gives up
    // with HOPT_ECONNECT (the store retries meanwhile: Store::
    // set_server_timeout, applied by serve()); 0: at the first failure.
    double server_timeout = 0;
    // Which experiments this worker may run (worker/auth.hpp). serve() makes
    // `gate` from `trust`; a Worker without a gate trusts every experiment,
    // which only fits stores no one else writes (fmin's in-memory threads).
    TrustSettings trust;
    std::shared_ptr<const ExperimentGate> gate;
    const std::atomic<bool> *stop = nullptr;  // set by another thread to end run()
    std::function<bool()> should_stop;        // polled between and during jobs
    std::function<void(const std::string &)> log;  // progress messages; may be empty
};

enum class Step {
    Evaluated,    // a job was evaluated and its outcome written
    NoJob,        // nothing to reserve
    NotMine,      // reserved a job whose objective this worker lacks or whose experiment
                  // it refused (auth.hpp); released it
    Lost,         // the job was taken away while evaluating (recovered as stale)
    Released,     // a stop request outlasted the grace: the job went back to the queue
};

enum class ExitReason { MaxJobs, Stopped, ReserveTimeout, LastJobTimeout, TooManyFailures };

struct RunSummary {
    int64_t jobs = 0;  // jobs evaluated and written
    ExitReason reason = ExitReason::Stopped;
    std::string message;  // why the loop ended, as logged
};

class Worker {
public:
    Worker(trials::Store &store, const Registry &registry, Options options);

    // Reserve and evaluate at most one job.
    Step step();
    // Loop until a stop condition of the options holds.
    RunSummary run();

private:
    struct CachedSpace {
        std::string text;
        std::shared_ptr<const space::Space> space;
    };
    enum class Ran { Finished, Stopped, Lost };

    // The experiment's domain, read again at most every few seconds: one
    // database read per trial would be most of a fast trial's cost.
    std::optional<trials::Domain> domain_for(const std::optional<std::string> &exp_key);
    const CachedSpace &space_for(const trials::Domain &domain, const std::string &key);
    // Read the job's domain and check it with the gate; a Step when the job
    // was refused (and released), nullopt when it may run.
    std::optional<Step> check_experiment(trials::Trial &job, std::optional<trials::Domain> &domain);
    Step refuse(trials::Trial &job, const std::string &fingerprint, const std::string &why);
    Ran evaluate(trials::Trial &job, const trials::Domain &domain, const Registry::Entry &entry);
    void record(const trials::Trial &job);
    void idle_wait(uint64_t seen);
    void note_idle(double idle_seconds);
    bool stop_requested();
    bool grace_over();
    void say(const std::string &msg) const;

    trials::Store &store_;
    const Registry &registry_;
    Options opts_;
    std::map<std::string, CachedSpace> spaces_;  // by exp_key
    struct CachedDomain {
        Stopwatch age;
        std::optional<trials::Domain> domain;
    };
    std::map<std::string, CachedDomain> domains_;  // by "k:<exp_key>", or "none"
    Refusals refusals_;                             // experiments skipped while their domain stays the same
    int consecutive_failures_ = 0;
    std::string last_failure_;
    std::optional<Stopwatch> stop_since_;   // when a stop was first requested
    double idle_logged_at_ = -1;            // idle seconds at the last "no job" line
};

}  // namespace hopt::worker

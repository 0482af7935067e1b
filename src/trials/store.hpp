// The trials interface: where trial documents live and how jobs move through
// them. fmin (the driver) and the worker loop see only this; the in-memory
// store and the MongoDB store are its two implementations.
#pragma once

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "trials/trial.hpp"

namespace hopt::trials {

// What a worker needs to evaluate an experiment's trials, stored under its
// exp_key by fmin: the space's JSON, the objective's name, run settings.
// Nothing here is executable: workers resolve `objective` among their own.
struct Domain {
    Json space;
    std::string objective;
    Json settings = Json::object();
    // fmin's signature of the fields above and the exp_key with the shared
    // key (worker/auth.hpp); "" when unsigned. Workers of a shared store
    // check it before they look the objective up.
    std::string signature{};
};

// Which NEW jobs a worker may take: from one experiment or any, and only
// those whose objective it can run (empty: any objective).
struct ReserveFilter {
    std::optional<std::string> exp_key;
    std::vector<std::string> objectives;
    // Experiments the worker refused (worker/auth.hpp): their jobs stay
    // queued for other workers.
    std::vector<std::optional<std::string>> skip_exp_keys{};
};

// When a RUNNING job counts as abandoned (docs/architecture.md): its heartbeat has not
// changed for `heartbeat_timeout` seconds as seen by the recovering process
// (so workers' clocks do not matter). It is requeued, or marked ERROR once
// it has been abandoned `max_attempts` times.
struct RecoveryPolicy {
    double heartbeat_timeout = 30;
    int max_attempts = 3;
};

// What a driver watches between polls: trials per state and the best loss
// of DONE trials (finite losses, any status, as hyperopt's fmin loop).
struct Summary {
    int64_t count[5] = {0, 0, 0, 0, 0};
    double best_loss = INFINITY;
    int64_t in(StateMask states) const {
        int64_t n = 0;
        for (int s = 0; s < 5; ++s) n += (states & mask_of(s)) ? count[s] : 0;
        return n;
    }
};

class Store {
public:
    virtual ~Store() = default;

    // The experiment this store reads and writes; nullopt is hyperopt's
    // exp_key=None.
    virtual const std::optional<std::string> &exp_key() const = 0;
    // True when trials are evaluated by other processes (hyperopt's
    // `asynchronous`): fmin then only queues and polls.
    virtual bool remote() const = 0;

    // Fresh trial ids, unique within the store, increasing.
    virtual std::vector<int64_t> new_tids(size_t n) = 0;
    // Add documents (any state; tids must be new). All or nothing.
    virtual void insert(const std::vector<Trial> &docs) = 0;
    // Every document of this experiment, in tid order (hyperopt's refresh).
    virtual std::vector<TrialPtr> refresh() = 0;
    // The documents as of the last refresh, plus this process's own inserts
    // since: what a driver needs between two polls, without a round trip.
    virtual std::vector<TrialPtr> snapshot() { return refresh(); }
    // Refresh, and summarise: what fmin reads at every poll. Stores that
    // refresh incrementally keep the summary up to date as trials change,
    // so that a poll costs the same with 1,000 or 100,000 trials.
    virtual Summary poll();
    // Number of this experiment's documents in `states`, read from the
    // store itself (hyperopt's count_by_state_unsynced).
    virtual int64_t count(StateMask states) = 0;
    // Remove this experiment's documents and domain.
    virtual void delete_all() = 0;

    virtual void put_domain(const Domain &domain) = 0;
    virtual std::optional<Domain> get_domain(const std::optional<std::string> &exp_key) = 0;

    // --- the job protocol: its invariants in docs/architecture.md ---
    // Hand one NEW job matching `filter` to `owner` (RUNNING, book_time
    // set). Exclusive: a job is handed to one owner only.
    virtual std::optional<Trial> reserve(const std::string &owner, const ReserveFilter &filter) = 0;
    // Refresh a reserved job's heartbeat; false when the job is no longer
    // this owner's (it was recovered and requeued).
    virtual bool heartbeat(Trial &job) = 0;
    // Write a reserved job's outcome (state, result, error); false when the
    // job is no longer this owner's, in which case nothing is written.
    virtual bool complete(Trial &job) = 0;
    // Give a reserved job back to the queue (NEW, no owner), e.g. when this
    // worker lacks its objective; false when it is no longer this owner's.
    virtual bool release(Trial &job) = 0;
    // Mark this experiment's NEW trials CANCEL (fmin stopping early).
    virtual int64_t cancel_new() = 0;

    // Requeue (or fail) RUNNING jobs whose workers stopped heartbeating;
    // returns how many were recovered. Stores whose evaluators cannot die
    // apart from the store (in memory) have nothing to recover.
    virtual int64_t recover_stale(const RecoveryPolicy &) { return 0; }

    // How long a remote store's operations keep retrying while the server
    // cannot be reached before they fail with HOPT_ECONNECT (seconds; 0: at
    // the first failure). Stores that cannot lose their server ignore it.
    virtual void set_server_timeout(double) {}

    // A counter that changes whenever documents change, for wait_change.
    virtual uint64_t generation() { return 0; }
    // Block until generation() differs from `seen` or `seconds` pass. Stores
    // that cannot be notified (a remote database) just sleep.
    virtual void wait_change(uint64_t seen, double seconds);
};

}  // namespace hopt::trials

// Trials in a MongoDB database, shared by drivers, workers and readers on any
// number of machines (hyperopt's MongoTrials). docs/mongo-protocol.md gives
// the collections and the job protocol; in short:
//
// - `jobs` holds hyperopt's trial documents (_id = the tid as a padded
//   string), so Python hyperopt can read them;
// - every exclusive step (a tid, a reservation, a cancellation, a recovery,
//   a job's outcome) is the insert of a document with a unique _id, the one
//   operation that is atomic on FerretDB as on MongoDB, and the winner alone
//   writes the job document;
// - small side collections hold what pollers need (the queue of NEW jobs,
//   the RUNNING jobs with their heartbeats), so that polling costs the same
//   with 100 or 100,000 trials: FerretDB scans a collection for any query
//   but an _id lookup.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <set>

#include <functional>

#include "core/clock.hpp"
#include "trials/mongo/client.hpp"
#include "trials/store.hpp"

namespace hopt::trials::mongo {

class MongoStore final : public Store {
public:
    // Connects and checks the server answers (Error(HOPT_ECONNECT) within
    // the address's timeouts otherwise); creates the indexes it uses.
    MongoStore(const std::string &address, std::optional<std::string> exp_key);

    const std::optional<std::string> &exp_key() const override { return exp_key_; }
    bool remote() const override { return true; }
    std::vector<int64_t> new_tids(size_t n) override;
    void insert(const std::vector<Trial> &docs) override;
    std::vector<TrialPtr> refresh() override;
    std::vector<TrialPtr> snapshot() override;
    Summary poll() override;
    int64_t count(StateMask states) override;
    void delete_all() override;
    void put_domain(const Domain &domain) override;
    std::optional<Domain> get_domain(const std::optional<std::string> &exp_key) override;
    std::optional<Trial> reserve(const std::string &owner, const ReserveFilter &filter) override;
    bool heartbeat(Trial &job) override;
    bool complete(Trial &job) override;
    bool release(Trial &job) override;
    int64_t cancel_new() override;
    int64_t recover_stale(const RecoveryPolicy &policy) override;
    void set_server_timeout(double seconds) override { pool_.retry().set_server_timeout(seconds); }
    // Where to say that the server became unreachable and came back.
    void set_outage_log(std::function<void(const std::string &)> fn) { pool_.retry().set_notify(std::move(fn)); }

    const Address &address() const { return pool_.address(); }

    // Documents of this experiment in `jobs` that are not trials hopt can
    // read (edited by hand into another shape, or not hopt's at all), by
    // _id (as JSON text), with the reason. They are left as they are in
    // the database and skipped by refresh, poll and reserve; each is
    // reported once through `warn` (default: a line on stderr).
    std::map<std::string, std::string> skipped();
    void set_warn(std::function<void(const std::string &)> warn);

private:
    // The experiment filter: {exp_key: key} (null for hyperopt's None).
    Json experiment_filter() const;
    void load_all();
    // What other writers' marks documents tell a reader: how many changes
    // each made that readers cannot follow incrementally (deletions, trials
    // not passing through the queue), and how many trials they ever
    // inserted, which says when their trials went through the queue and
    // finished between two looks. A reader that sees either tell of
    // something it missed reloads. Each writer has a document of its own:
    // FerretDB loses concurrent updates of one document.
    struct Marks {
        std::map<std::string, int64_t> changes;  // by writer, those with any
        int64_t inserted = 0;
    };
    Marks read_marks();
    // This store's marks document (created on its first write).
    std::string marks_id();
    void write_marks();
    void refresh_incremental();
    void put_in_cache(Trial t);
    // read_trial, or nullopt for a document hopt cannot read (recorded in
    // skipped_ and reported once). Called with mu_ held.
    std::optional<Trial> read_or_skip(const Json &doc);
    void drop_from_cache(int64_t tid);
    // Bring a job document in line with its recorded outcome (after a lost
    // race or a crash between the outcome and the job write).
    void repair_from_result(const Json &result_doc);
    // Write a job's final fields; falls back to a storable result when the
    // server refuses the result's content.
    void write_outcome(const std::string &id, const Trial &job);
    bool claim(const std::string &id, const std::string &owner, const char *kind);
    void requeue(const Json &job_doc, int64_t claim, int64_t attempts);
    // Queue entries whose claimer died between its claim and its running
    // entry, among `queue` (read at `now`).
    int64_t recover_stranded(const RecoveryPolicy &policy, const std::vector<Json> &queue, double now, bool valid,
                             std::map<std::string, std::pair<int, double>> &rounds);
    // NEW jobs of this experiment in neither the queue nor running (a
    // driver died, or gave up in an outage, between a job's insert and its
    // queue entry; a canceller between its claim and the job's state), by
    // the cache and `queue` / `running` (read at `now`): requeued.
    int64_t recover_unqueued(const RecoveryPolicy &policy, const std::vector<Json> &queue,
                             const std::vector<Json> &running, double now, bool valid,
                             std::map<std::string, std::pair<int, double>> &rounds);
    // Recovering a job is a step a process can die in, so its claim comes
    // in rounds: "recover:<tid>/<claim>", then "...#1", ... A reader that
    // finds a round taken and the job still abandoned a timeout later takes
    // the next round. `rounds`: id -> (round to try, when it was first seen
    // taken), this process's memory of them.
    bool claim_recovery(const std::string &id, double now, double timeout,
                        std::map<std::string, std::pair<int, double>> &rounds);
    // Whether what this process saw of heartbeats and queue entries so far
    // can still tell a silence: not after it could not reach the server
    // (nobody could write then), nor after it has not looked for two
    // timeouts (it may have slept through an outage). Records `now` as the
    // latest look.
    bool observations_valid(const RecoveryPolicy &policy, double now);

    Pool pool_;
    const std::optional<std::string> exp_key_;

    std::mutex mu_;                        // guards everything below
    std::map<int64_t, TrialPtr> cache_;    // this experiment's trials by tid
    std::set<int64_t> pending_;            // tids NEW or RUNNING in the cache
    Summary summary_;                      // of cache_, kept up to date by put_in_cache
    std::vector<TrialPtr> view_;           // cache_ as a vector, rebuilt when stale
    bool view_stale_ = true;
    bool loaded_ = false;
    Marks marks_at_load_;                  // others' marks as of the last full load
    int64_t known_inserts_ = 0;            // others' trials inserted since, that this store saw
    std::string writer_;                   // this store's name in the marks; empty until it writes
    int64_t own_inserted_ = 0;             // this store's marks
    int64_t own_changes_ = 0;
    double last_full_load_ = -1e9;
    int64_t next_tid_ = -1;                // next tid to try; -1: not yet probed
    std::set<int64_t> tids_claimed_;       // allocated here, not yet inserted
    // Heartbeats as this process last saw them: (tid, claim) -> (value, when
    // first seen). A value unchanged for the timeout means an abandoned job,
    // whatever the workers' clocks say.
    std::map<std::pair<int64_t, int64_t>, std::pair<Json, double>> beats_;
    // Queue entries as last seen: (tid, claim) -> when first seen (or last
    // checked).
    std::map<std::pair<int64_t, int64_t>, double> queued_since_;
    // NEW jobs seen in neither queue nor running: (tid, claim) -> since when.
    std::map<std::pair<int64_t, int64_t>, double> unqueued_since_;
    double last_recovery_ = -1e9;
    double last_observed_ = -1e9;          // when recovery last read the server
    uint64_t outages_seen_ = 0;            // pool_.retry().outages() as of then
    std::map<std::string, std::pair<int, double>> recovery_rounds_;  // see claim_recovery
    std::map<std::string, std::string> skipped_;  // read_or_skip's refusals
    std::function<void(const std::string &)> warn_;
    Stopwatch clock_;
};

}  // namespace hopt::trials::mongo

#include "worker/worker.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/error.hpp"
#include "space/evaluate.hpp"
#include "trials/lifecycle.hpp"
#include "space/vals.hpp"
#include "worker/command.hpp"
#include "worker/heartbeat.hpp"
#include "worker/isolated.hpp"

namespace hopt::worker {

namespace {

// A "no job" line when the worker becomes idle, then one a minute: not one
// per poll.
constexpr double kIdleLogEvery = 60;

std::string seconds_text(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", s);
    return buf;
}

// Names from the database, quoted as JSON: no control character in them
// can forge a log line.
std::string key_text(const std::optional<std::string> &k) { return k ? quote_json(*k) : "null"; }

std::string error_text(const Json &error) {
    if (error.is_array() && error.size() == 2 && error[0].is_string() && error[1].is_string())
        return error[0].get<std::string>() + ": " + error[1].get<std::string>();
    return error.dump();
}

// How often idle workers look for abandoned jobs: a few times per timeout,
// at most every 5 s (each look reads the running jobs of the database).
double recovery_period(const trials::RecoveryPolicy &p) { return std::clamp(p.heartbeat_timeout / 4, 0.2, 5.0); }

}  // namespace

Worker::Worker(trials::Store &store, const Registry &registry, Options options)
    : store_(store), registry_(registry), opts_(std::move(options)) {}

void Worker::say(const std::string &msg) const {
    if (opts_.log) opts_.log(msg);
}

bool Worker::stop_requested() {
    if (!stop_since_ && ((opts_.stop && opts_.stop->load()) || (opts_.should_stop && opts_.should_stop())))
        stop_since_ = Stopwatch();
    return stop_since_.has_value();
}

bool Worker::grace_over() { return stop_requested() && stop_since_->seconds() >= opts_.stop_grace; }

const Worker::CachedSpace &Worker::space_for(const trials::Domain &domain, const std::string &key) {
    std::string text = dump_json(domain.space);
    auto &cached = spaces_[key];
    if (!cached.space || cached.text != text) {
        cached.space = std::make_shared<const space::Space>(space::Space::from_json(domain.space));
        cached.text = std::move(text);
    }
    return cached;
}

Worker::Ran Worker::evaluate(trials::Trial &job, const trials::Domain &domain, const Registry::Entry &entry) {
    objective::Outcome outcome;
    try {
        const CachedSpace &cached = space_for(domain, job.exp_key.value_or(""));
        const std::shared_ptr<const space::Space> held = cached.space;  // whatever the cache does meanwhile
        const space::Space &sp = *held;
        objective::Request req;
        req.tid = job.tid;
        req.vals = trials::flat_vals(job);
        req.point = space::evaluate(sp, space::vals_from_json(sp, req.vals, false));
        req.space_json = cached.text;

        // The heartbeat starts once a child exists, not before the fork
        // (see ChildLimits::on_start).
        std::optional<Heartbeat> beat;
        auto start_beat = [&] {
            if (!beat) beat.emplace(store_, job, opts_.heartbeat_interval);
        };
        auto lost = [&] { return beat && beat->lost(); };
        ChildLimits limits{opts_.workdir, opts_.trial_timeout, [&] { return lost() || grace_over(); }, start_beat,
                           opts_.memory_limit};
        try {
            if (entry.command) {
                outcome = entry.command->run(req, limits);
            } else if (opts_.isolation == Isolation::Process) {
                outcome = evaluate_in_child(*entry.objective, req, limits);
            } else {
                start_beat();
                outcome = entry.objective->evaluate(req);
            }
        } catch (const Abandoned &) {
            return lost() ? Ran::Lost : Ran::Stopped;
        }
        if (lost()) return Ran::Lost;
    } catch (const Error &e) {
        outcome = objective::Outcome::failure(e.code() == HOPT_ESPACE ? "hopt.SpaceError" : "hopt.InvalidTrial",
                                              e.what());
    } catch (const std::exception &e) {
        outcome = objective::Outcome::failure("hopt.InternalError", e.what());
    }
    if (outcome.raised) {
        trials::lifecycle::fail(job, outcome.error_type, outcome.error_message);
    } else {
        trials::lifecycle::finish(job, std::move(outcome.result));
    }
    return Ran::Finished;
}

// Log a written outcome (hyperopt's "job finished" / "job exception") and
// count failures in a row.
void Worker::record(const trials::Trial &job) {
    const std::string tid = std::to_string(job.tid);
    if (job.state == trials::kError) {
        last_failure_ = "trial " + tid + ": " + error_text(job.error);
        ++consecutive_failures_;
        say("job exception: " + tid + ": " + error_text(job.error));
        return;
    }
    consecutive_failures_ = 0;
    const double loss = job.loss();
    say("job finished: " + tid + (std::isnan(loss) ? " (status " + job.status() + ")" : " (loss " + seconds_text(loss) + ")"));
}

std::optional<trials::Domain> Worker::domain_for(const std::optional<std::string> &exp_key) {
    const std::string key = exp_key ? "k:" + *exp_key : "none";
    auto it = domains_.find(key);
    if (it == domains_.end() || !it->second.domain || it->second.age.seconds() > 2.0) {
        CachedDomain fresh;
        fresh.domain = store_.get_domain(exp_key);
        it = domains_.insert_or_assign(key, std::move(fresh)).first;
    }
    return it->second.domain;
}

Step Worker::refuse(trials::Trial &job, const std::string &fingerprint, const std::string &why) {
    // Another worker may be able to run it: leave the job for it, and skip
    // the experiment until its domain changes.
    store_.release(job);
    if (refusals_.add(job.exp_key, fingerprint))
        say("job " + std::to_string(job.tid) + " refused: " + why + "; left it and its experiment to other workers");
    return Step::NotMine;
}

std::optional<Step> Worker::check_experiment(trials::Trial &job, std::optional<trials::Domain> &domain) {
    if (!opts_.gate) {
        domain = domain_for(job.exp_key);
        return std::nullopt;
    }
    // Whatever the database holds, no objective is looked up (a binding's
    // registry may resolve names to code) before the gate has passed it.
    try {
        domain = domain_for(job.exp_key);
    } catch (const Error &e) {
        if (e.code() != HOPT_EJSON) throw;
        return refuse(job, std::string("malformed: ") + e.what(), std::string("its experiment's domain is malformed: ") + e.what());
    }
    if (!domain) return std::nullopt;  // failed below as hopt.NoDomain
    const std::string why = opts_.gate->refusal(job.exp_key, *domain);
    if (!why.empty()) return refuse(job, domain_fingerprint(domain), why);
    return std::nullopt;
}

Step Worker::step() {
    // A resolver may know any name: then take jobs of every objective (the
    // gate below still checks each experiment before any lookup).
    trials::ReserveFilter filter{opts_.exp_key,
                                 registry_.resolves() ? std::vector<std::string>{} : registry_.names(), {}};
    if (opts_.gate) {
        refusals_.recheck(store_);
        filter.skip_exp_keys = refusals_.keys();
    }
    std::optional<trials::Trial> job = store_.reserve(opts_.owner, filter);
    if (!job) return Step::NoJob;
    const std::string tid = std::to_string(job->tid);
    std::optional<trials::Domain> domain;
    if (const std::optional<Step> refused = check_experiment(*job, domain)) return *refused;
    const Registry::Entry *entry = domain ? registry_.find(domain->objective) : nullptr;
    if (domain && !entry)
        return refuse(*job, domain_fingerprint(domain),
                      "it needs objective " + quote_json(domain->objective) + ", which this worker does not have");
    say("job found: " + tid + " (exp_key " + key_text(job->exp_key) +
        (domain ? ", objective " + quote_json(domain->objective) + ")" : ")"));
    if (!domain) {
        trials::lifecycle::fail(*job, "hopt.NoDomain", "no domain is stored for exp_key " + key_text(job->exp_key));
    } else {
        switch (evaluate(*job, *domain, *entry)) {
        case Ran::Finished: break;
        case Ran::Stopped:
            store_.release(*job);
            say("job " + tid + " released to the queue: still running " + seconds_text(opts_.stop_grace) +
                " s after the stop request");
            return Step::Released;
        case Ran::Lost:
            say("job " + tid + " was recovered by another process while it ran; stopped evaluating it");
            return Step::Lost;
        }
    }
    if (!store_.complete(*job)) {
        say("job " + tid + " was requeued while it ran; its result was dropped");
        return Step::Lost;
    }
    record(*job);
    return Step::Evaluated;
}

void Worker::idle_wait(uint64_t seen) {
    // In slices, so that a stop request ends the wait within 0.1 s whatever
    // the poll interval.
    const Stopwatch waited;
    for (;;) {
        const double left = opts_.poll_interval - waited.seconds();
        if (left <= 0 || stop_requested()) return;
        store_.wait_change(seen, std::min(left, 0.1));
        if (store_.generation() != seen) return;
    }
}

void Worker::note_idle(double idle) {
    if (idle_logged_at_ < 0) {
        say("no job found, sleeping for " + seconds_text(opts_.poll_interval) + " s");
        idle_logged_at_ = idle;
    } else if (idle - idle_logged_at_ >= kIdleLogEvery) {
        say("no job found for " + seconds_text(std::floor(idle)) + " s; polling every " +
            seconds_text(opts_.poll_interval) + " s");
        idle_logged_at_ = idle;
    }
}

RunSummary Worker::run() {
    RunSummary sum;
    const Stopwatch started;
    Stopwatch idle, since_recovery;
    bool recovered_once = false;
    auto finish = [&](ExitReason reason, std::string message) {
        sum.reason = reason;
        sum.message = std::move(message);
        say("exiting: " + sum.message);
        return sum;
    };
    for (;;) {
        if (sum.jobs >= opts_.max_jobs) return finish(ExitReason::MaxJobs, "max_jobs (" + std::to_string(opts_.max_jobs) + ") reached");
        if (stop_requested()) return finish(ExitReason::Stopped, "asked to stop");
        if (opts_.last_job_timeout && started.seconds() >= *opts_.last_job_timeout)
            return finish(ExitReason::LastJobTimeout,
                          "last_job_timeout (" + seconds_text(*opts_.last_job_timeout) + " s) passed");

        const uint64_t gen = store_.generation();
        const Step s = step();
        if (s == Step::Evaluated || s == Step::Lost || s == Step::Released) {
            sum.jobs += s == Step::Evaluated;
            idle = Stopwatch();
            idle_logged_at_ = -1;
            if (opts_.max_consecutive_failures > 0 && consecutive_failures_ >= opts_.max_consecutive_failures)
                return finish(ExitReason::TooManyFailures, std::to_string(consecutive_failures_) +
                                                               " consecutive trials failed (last: " + last_failure_ + ")");
            continue;
        }
        if (opts_.reserve_timeout > 0 && idle.seconds() >= opts_.reserve_timeout)
            return finish(ExitReason::ReserveTimeout,
                          "no job found for " + seconds_text(opts_.reserve_timeout) + " s (reserve_timeout)");
        if (opts_.recovery && (!recovered_once || since_recovery.seconds() >= recovery_period(*opts_.recovery))) {
            try {
                if (const int64_t n = store_.recover_stale(*opts_.recovery))
                    say("recovered " + std::to_string(n) + " job(s) whose workers stopped heartbeating");
            } catch (const Error &e) {
                // Recovery is a service to others: the next reservation
                // attempt decides whether the store is usable.
                say(std::string("recovering abandoned jobs failed: ") + e.what());
            }
            since_recovery = Stopwatch();
            recovered_once = true;
        }
        note_idle(idle.seconds());
        idle_wait(s == Step::NotMine ? store_.generation() : gen);
    }
}

}  // namespace hopt::worker

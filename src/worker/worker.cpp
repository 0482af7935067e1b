#include "worker/worker.hpp"

#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "space/evaluate.hpp"
#include "space/vals.hpp"

namespace hopt::worker {

namespace {

// Refreshes a job's heartbeat on its own thread while the objective runs.
class Heartbeat {
public:
    Heartbeat(trials::Store &store, trials::Trial job, double interval) {
        if (interval <= 0) return;
        thread_ = std::thread([this, &store, job, interval]() mutable {
            std::unique_lock lock(mu_);
            while (!cv_.wait_for(lock, std::chrono::duration<double>(interval), [&] { return done_; })) {
                lock.unlock();
                try {
                    store.heartbeat(job);
                } catch (const std::exception &) {
                    // A failed heartbeat is retried next interval; the job's
                    // outcome write decides whether it is still ours.
                }
                lock.lock();
            }
        });
    }
    ~Heartbeat() {
        if (!thread_.joinable()) return;
        {
            std::lock_guard lock(mu_);
            done_ = true;
        }
        cv_.notify_all();
        thread_.join();
    }

private:
    std::mutex mu_;
    std::condition_variable cv_;
    bool done_ = false;
    std::thread thread_;
};

}  // namespace

Worker::Worker(trials::Store &store, const Registry &registry, Options options)
    : store_(store), registry_(registry), opts_(std::move(options)) {}

void Worker::say(const std::string &msg) const {
    if (opts_.log) opts_.log(msg);
}

std::shared_ptr<const space::Space> Worker::space_for(const trials::Domain &domain, const std::string &key) {
    std::string text = dump_json(domain.space);
    auto &cached = spaces_[key];
    if (!cached.space || cached.text != text) {
        cached.space = std::make_shared<const space::Space>(space::Space::from_json(domain.space));
        cached.text = std::move(text);
    }
    return cached.space;
}

void Worker::evaluate(trials::Trial &job, const trials::Domain &domain, objective::Objective &fn) {
    objective::Outcome outcome;
    try {
        auto sp = space_for(domain, job.exp_key.value_or(""));
        objective::Request req;
        req.tid = job.tid;
        req.vals = trials::flat_vals(job);
        req.point = space::evaluate(*sp, space::vals_from_json(*sp, req.vals, false));
        Heartbeat beat(store_, job, opts_.heartbeat_interval);
        outcome = fn.evaluate(req);
    } catch (const Error &e) {
        outcome = objective::Outcome::failure(e.code() == HOPT_ESPACE ? "hopt.SpaceError" : "hopt.InvalidTrial",
                                              e.what());
    } catch (const std::exception &e) {
        outcome = objective::Outcome::failure("hopt.InternalError", e.what());
    }
    if (outcome.raised) {
        job.state = trials::kError;
        job.result = Json{{"status", "fail"}};
        job.error = Json::array({outcome.error_type, outcome.error_message});
    } else {
        job.state = trials::kDone;
        job.result = std::move(outcome.result);
    }
}

Step Worker::step() {
    trials::ReserveFilter filter{opts_.exp_key, registry_.names()};
    std::optional<trials::Trial> job = store_.reserve(opts_.owner, filter);
    if (!job) return Step::NoJob;
    std::optional<trials::Domain> domain = store_.get_domain(job->exp_key);
    objective::Objective *fn = domain ? registry_.find(domain->objective) : nullptr;
    if (domain && !fn) {
        // Another worker may have this objective: leave the job for it.
        store_.release(*job);
        say("job " + std::to_string(job->tid) + " needs objective '" + domain->objective +
            "', which this worker does not have; left it for another worker");
        return Step::NotMine;
    }
    if (!domain) {
        job->state = trials::kError;
        job->result = Json{{"status", "fail"}};
        job->error = Json::array({"hopt.NoDomain", "no domain is stored for exp_key " +
                                                       (job->exp_key ? "'" + *job->exp_key + "'" : "null")});
    } else {
        evaluate(*job, *domain, *fn);
    }
    if (!store_.complete(*job)) {
        say("job " + std::to_string(job->tid) + " was requeued while it ran; its result was dropped");
        return Step::Lost;
    }
    say("job " + std::to_string(job->tid) + (job->state == trials::kDone ? " finished" : " failed: " + job->error.dump()));
    return Step::Evaluated;
}

int64_t Worker::run() {
    int64_t done = 0;
    Stopwatch idle;
    while (done < opts_.max_jobs && !(opts_.stop && opts_.stop->load())) {
        const uint64_t gen = store_.generation();
        const Step s = step();
        if (s == Step::Evaluated || s == Step::Lost) {
            done += s == Step::Evaluated;
            idle = Stopwatch();
            continue;
        }
        if (opts_.reserve_timeout > 0 && idle.seconds() > opts_.reserve_timeout) {
            say("no job for " + std::to_string(opts_.reserve_timeout) + " s; exiting");
            break;
        }
        store_.wait_change(s == Step::NotMine ? store_.generation() : gen, opts_.poll_interval);
    }
    return done;
}

}  // namespace hopt::worker

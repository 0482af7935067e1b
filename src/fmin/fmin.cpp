#include "fmin/fmin.hpp"

#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <random>
#include <thread>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/rng.hpp"
#include "fmin/new_trial.hpp"
#include "fmin/progress.hpp"
#include "space/evaluate.hpp"
#include "trials/queries.hpp"
#include "worker/worker.hpp"

namespace hopt::fmin {

using trials::kDone;
using trials::kError;
using trials::kNew;
using trials::kRunning;
using trials::mask_of;

uint64_t default_seed() {
    for (const char *var : {"HOPT_FMIN_SEED", "HYPEROPT_FMIN_SEED"}) {
        const char *v = std::getenv(var);
        if (v && *v) {
            char *end = nullptr;
            const unsigned long long s = std::strtoull(v, &end, 10);
            if (end && *end == '\0') return s;
            fail(HOPT_EINVAL, std::string("$") + var + " must be an unsigned integer, got '" + v + "'");
        }
    }
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd() ^ static_cast<uint64_t>(now_ms());
}

Json best_of(const space::Space *space, const std::vector<trials::TrialPtr> &docs, bool return_argmin) {
    if (trials::count_states(docs, trials::kValidStates) == 0)
        fail(HOPT_EEMPTY, "there are no evaluation tasks, cannot return argmin of task losses");
    const trials::TrialPtr best = trials::best_trial(docs);
    if (!best) fail(HOPT_EALLFAILED, "all trials failed: none has status \"ok\" and a finite loss");
    Json argmin = trials::flat_vals(*best);
    if (return_argmin || !space) return argmin;
    return space::evaluate(*space, space::vals_from_json(*space, argmin, false));
}

namespace {

std::string host_id() {
    char host[256] = "localhost";
    gethostname(host, sizeof host - 1);
    return std::string(host) + ":" + std::to_string(getpid());
}

void check_options(const Options &o) {
    if (o.max_evals < 0) fail(HOPT_EINVAL, "max_evals must be >= 0, got " + std::to_string(o.max_evals));
    if (!(o.timeout >= 0) || std::isinf(o.timeout))
        fail(HOPT_EINVAL, "timeout must be a positive number of seconds");
    if (o.loss_threshold && !std::isfinite(*o.loss_threshold)) fail(HOPT_EINVAL, "loss_threshold must be finite");
    if (o.threads < 1 || o.threads > 4096) fail(HOPT_EINVAL, "threads must be in [1, 4096]");
    if (o.max_queue_len < 0) fail(HOPT_EINVAL, "max_queue_len must be >= 1");
    if (!(o.poll_interval >= 0) || o.poll_interval > 3600) fail(HOPT_EINVAL, "poll_interval must be in (0, 3600] s");
    if (!o.points_to_evaluate.is_null() && !o.points_to_evaluate.is_array())
        fail(HOPT_EINVAL, "points_to_evaluate must be a JSON array of vals objects");
}

// Threads that evaluate queued trials through the job protocol.
class LocalWorkers {
public:
    LocalWorkers(trials::Store &store, const worker::Registry &registry, int n, double poll) {
        const std::string owner = host_id();
        for (int i = 0; i < n; ++i) {
            worker::Options o;
            o.owner = owner + ":thread-" + std::to_string(i);
            o.exp_key = store.exp_key();
            o.poll_interval = poll;
            o.stop = &stop_;
            threads_.emplace_back([&store, &registry, o] { worker::Worker(store, registry, o).run(); });
        }
    }
    ~LocalWorkers() { join(); }
    void join() {
        stop_ = true;
        for (auto &t : threads_)
            if (t.joinable()) t.join();
    }

private:
    std::atomic<bool> stop_{false};
    std::vector<std::thread> threads_;
};

// The newest ERROR trial beyond the first `known` ones, as a message.
std::string newest_error(const std::vector<trials::TrialPtr> &docs) {
    for (auto it = docs.rbegin(); it != docs.rend(); ++it) {
        if ((*it)->state != kError) continue;
        const Json &e = (*it)->error;
        std::string msg = e.is_array() && e.size() == 2 && e[1].is_string() ? e[1].get<std::string>() : e.dump();
        std::string type = e.is_array() && !e.empty() && e[0].is_string() ? e[0].get<std::string>() : "error";
        return "objective failed on trial " + std::to_string((*it)->tid) + " (" + type + "): " + msg;
    }
    return "objective failed";
}

}  // namespace

Json fmin(const std::shared_ptr<objective::Objective> &objective, const space::Space &space,
          const algo::Algorithm &algo, trials::Store &store, const Options &opts) {
    check_options(opts);
    if (opts.server_timeout) store.set_server_timeout(*opts.server_timeout);
    const Stopwatch clock;
    const bool local = !store.remote();
    const int threads = opts.threads;
    const double poll = opts.poll_interval > 0 ? opts.poll_interval : (local ? 0.1 : 0.5);
    // How many trials to keep queued: one per local thread; for remote
    // workers, whose number fmin does not know, twice as many as are seen
    // running (at least 4), so that every worker finds a job waiting.
    auto queue_target = [&](const trials::Summary &sum) -> int64_t {
        if (opts.max_queue_len > 0) return opts.max_queue_len;
        if (local) return threads;
        return std::max<int64_t>(4, 2 * sum.count[kRunning]);
    };
    Rng rng(opts.seed ? *opts.seed : default_seed());
    const TrialFactory factory(space, store.exp_key(), objective->name());

    trials::Domain domain{space.to_json(), objective->name(), Json::object(), ""};
    // Workers of a shared store run only experiments signed with their key.
    if (!local) worker::seal_domain(domain, store.exp_key(), opts.signing, [](const std::string &line) {
        std::fprintf(stderr, "hopt: fmin: %s\n", line.c_str());
    });
    store.put_domain(domain);

    trials::Summary sum = store.poll();
    const int64_t n_existing = sum.in(trials::kValidStates);
    // hyperopt evaluates points_to_evaluate first, on top of max_evals, and
    // only in a fresh store.
    if (opts.points_to_evaluate.is_array() && !opts.points_to_evaluate.empty() && sum.in(trials::kAllStates) == 0) {
        std::vector<space::Vals> points;
        for (const Json &p : opts.points_to_evaluate) points.push_back(space::vals_from_json(space, p, true));
        const std::vector<int64_t> tids = store.new_tids(points.size());
        std::vector<trials::Trial> new_docs;
        for (size_t i = 0; i < points.size(); ++i) new_docs.push_back(factory.make(tids[i], points[i]));
        store.insert(new_docs);
        sum = store.poll();
    }
    const int64_t n_to_queue = std::max<int64_t>(0, opts.max_evals - n_existing);
    const int64_t errors_before = sum.count[kError];

    worker::Registry registry;
    registry.add(objective);
    std::optional<worker::Worker> inline_worker;
    std::optional<LocalWorkers> pool;
    if (local && threads == 1) {
        worker::Options o;
        o.owner = host_id();
        o.exp_key = store.exp_key();
        inline_worker.emplace(store, registry, o);
    } else if (local) {
        pool.emplace(store, registry, threads, poll);
    }

    // Saturating: max_evals may be INT64_MAX (a search bounded by a timeout
    // or an early stop instead).
    const int64_t n_points =
        opts.points_to_evaluate.is_array() ? static_cast<int64_t>(opts.points_to_evaluate.size()) : 0;
    const int64_t total = std::max<int64_t>(opts.max_evals, n_existing);
    Progress progress(opts.show_progress, sum.count[kDone],
                      total > std::numeric_limits<int64_t>::max() - n_points ? total : total + n_points);
    int64_t n_queued = 0;
    bool stopped = false, exhausted = false;
    std::string objective_error;
    double remote_sleep = 0.02;
    int64_t last_finished = -1;

    for (;;) {
        if (opts.timeout > 0 && clock.seconds() >= opts.timeout) stopped = true;
        if (opts.loss_threshold && sum.best_loss < *opts.loss_threshold) stopped = true;
        if (stopped) break;

        int64_t queued_now = sum.count[kNew];
        const int64_t queue_len = queue_target(sum);
        while (queued_now < queue_len && n_queued < n_to_queue) {
            const int64_t want = std::min<int64_t>(queue_len - queued_now, n_to_queue - n_queued);
            const size_t n = algo.batch() ? static_cast<size_t>(want) : 1;
            // The snapshot includes what this loop just queued, so that each
            // suggestion sees the previous ones as pending.
            const std::vector<trials::TrialPtr> history = algo.needs_history()
                                                              ? trials::in_states(store.snapshot(), trials::kValidStates)
                                                              : std::vector<trials::TrialPtr>();
            const std::vector<int64_t> tids = store.new_tids(n);
            const std::vector<space::Vals> vals = algo.suggest(tids, space, history, rng.next_u64());
            if (vals.empty()) {
                exhausted = true;
                break;
            }
            std::vector<trials::Trial> new_docs;
            for (size_t i = 0; i < vals.size() && i < tids.size(); ++i) new_docs.push_back(factory.make(tids[i], vals[i]));
            store.insert(new_docs);
            n_queued += static_cast<int64_t>(new_docs.size());
            queued_now += static_cast<int64_t>(new_docs.size());
        }

        const uint64_t gen = store.generation();
        if (inline_worker) {
            while (inline_worker->step() == worker::Step::Evaluated) {
            }
        } else if (local) {
            store.wait_change(gen, poll);
        } else {
            // Remote workers cannot notify: poll every 20 ms while trials are
            // finishing (each poll costs the server a few queries), backing
            // off to poll_interval when nothing happens.
            store.wait_change(gen, remote_sleep);
            store.recover_stale(opts.recovery);
        }

        // A poll reads only what changed: its cost does not grow with the
        // number of trials (the full list is read only for early stopping).
        sum = store.poll();
        const int64_t finished = sum.in(mask_of(kDone) | mask_of(kError) | mask_of(kRunning));
        remote_sleep = finished != last_finished ? 0.02 : std::min(poll, remote_sleep * 2);
        last_finished = finished;
        progress.update(sum.count[kDone], sum.best_loss);
        if (local && !opts.catch_eval_exceptions && sum.count[kError] > errors_before) {
            objective_error = newest_error(store.snapshot());
            stopped = true;
            break;
        }
        if (opts.early_stop && opts.early_stop(store.snapshot())) {
            stopped = true;
            break;
        }
        if (exhausted) break;
        if (n_queued >= n_to_queue && sum.in(mask_of(kNew) | mask_of(kRunning)) == 0) break;
    }

    // Wind down: trials not yet started are cancelled when the search stopped
    // early; started ones are awaited, as hyperopt awaits its queue.
    if (stopped) store.cancel_new();
    while (store.poll().in(mask_of(kNew) | mask_of(kRunning)) > 0) {
        const uint64_t gen = store.generation();
        if (inline_worker) {
            if (inline_worker->step() == worker::Step::Evaluated) continue;
        }
        store.wait_change(gen, local ? poll : std::min(poll, 0.05));
        if (!local) store.recover_stale(opts.recovery);
    }
    if (pool) pool->join();
    const std::vector<trials::TrialPtr> docs = store.refresh();
    progress.update(trials::count_states(docs, mask_of(kDone)), trials::best_loss(docs));
    progress.finish();
    if (!objective_error.empty()) fail(HOPT_EOBJECTIVE, objective_error);
    return best_of(&space, docs, opts.return_argmin);
}

}  // namespace hopt::fmin

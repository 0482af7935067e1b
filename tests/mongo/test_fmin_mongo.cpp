// fmin on the MongoDB store with workers, as hyperopt's MongoTrials
// workflow: queue and wait, persistence and extension, several experiments
// served by one worker pool, analysis by another process, recovery of a
// worker that died holding a job, two drivers on one experiment. Workers
// here are threads running the same loop as hyperopt-mongo-worker
// (tests/integration runs the binary).
#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "algo/algorithm.hpp"
#include "core/error.hpp"
#include "fmin/fmin.hpp"
#include "server.hpp"
#include "space/space.hpp"
#include "trials/mongo/mongo_store.hpp"
#include "trials/queries.hpp"
#include "worker/worker.hpp"
#include "../unit/cmocka.hpp"

using namespace hopt;
using trials::mongo::MongoStore;

namespace {

const char *kSpace = R"({"hp": "uniform", "label": "x", "low": -5, "high": 5})";

// (x - 3)^2, counting evaluations per tid.
class Quadratic final : public objective::Objective {
public:
    explicit Quadratic(std::string name = "quadratic") : name_(std::move(name)) {}
    const std::string &name() const override { return name_; }
    objective::Outcome evaluate(const objective::Request &req) override {
        {
            std::lock_guard lock(mu);
            ++calls[req.tid];
        }
        objective::Outcome o;
        o.result = objective::loss_result((req.point.get<double>() - 3) * (req.point.get<double>() - 3));
        return o;
    }
    std::mutex mu;
    std::map<int64_t, int> calls;

private:
    std::string name_;
};

// `objective` saw `n` tids, each once.
void assert_each_evaluated_once(Quadratic &objective, size_t n) {
    std::lock_guard lock(objective.mu);
    assert_int_equal(objective.calls.size(), n);
    for (const auto &[tid, calls] : objective.calls)
        if (calls != 1) fail_msg("tid %lld evaluated %d times", static_cast<long long>(tid), calls);
}

// Worker threads serving `url` until stopped.
class Pool {
public:
    Pool(const std::string &url, worker::Registry &registry, int n, std::optional<std::string> exp_key = {}) {
        for (int i = 0; i < n; ++i)
            threads_.emplace_back([this, url, &registry, i, exp_key] {
                MongoStore store(url, std::nullopt);
                worker::Options o;
                o.owner = "test-worker-" + std::to_string(i);
                o.exp_key = exp_key;
                o.poll_interval = 0.02;
                o.heartbeat_interval = 0.2;
                o.stop = &stop_;
                worker::Worker(store, registry, o).run();
            });
    }
    ~Pool() {
        stop_ = true;
        for (auto &t : threads_) t.join();
    }

private:
    std::atomic<bool> stop_{false};
    std::vector<std::thread> threads_;
};

fmin::Options quiet(int64_t max_evals, uint64_t seed = 1) {
    fmin::Options o;
    o.max_evals = max_evals;
    o.seed = seed;
    o.show_progress = false;
    o.poll_interval = 0.05;
    return o;
}

}  // namespace

// fmin + 4 workers, 400 trials: every tid evaluated exactly once.
static void each_trial_once_with_four_workers(void **) {
    const std::string url = test_url("four");
    auto objective = std::make_shared<Quadratic>();
    worker::Registry registry;
    registry.add(objective);
    const auto space = space::Space::from_json(Json::parse(kSpace));
    const auto tpe = algo::make("tpe");
    MongoStore store(url, std::string("exp1"));
    {
        Pool workers(url, registry, 4);
        const Json best = fmin::fmin(objective, space, *tpe, store, quiet(400));
        assert_true(std::fabs(best["x"].get<double>() - 3) < 0.25);
    }
    const auto docs = store.refresh();
    assert_int_equal(trials::count_states(docs, trials::mask_of(trials::kDone)), 400);
    assert_each_evaluated_once(*objective, 400);
}

// The experiment persists: the same max_evals returns at once, a larger one
// extends it, and another process reads the results without fmin.
static void persistence_extension_analysis(void **) {
    const std::string url = test_url("persist");
    auto objective = std::make_shared<Quadratic>();
    worker::Registry registry;
    registry.add(objective);
    const auto space = space::Space::from_json(Json::parse(kSpace));
    const auto tpe = algo::make("tpe");
    {
        Pool workers(url, registry, 2);
        MongoStore store(url, std::string("e"));
        fmin::fmin(objective, space, *tpe, store, quiet(30));
    }
    {
        // no workers now: nothing to wait for, so it returns at once
        MongoStore store(url, std::string("e"));
        const Stopwatch clock;
        fmin::fmin(objective, space, *tpe, store, quiet(30));
        assert_true(clock.seconds() < 2);
        assert_int_equal(objective->calls.size(), 30);
    }
    {
        Pool workers(url, registry, 2);
        MongoStore store(url, std::string("e"));
        fmin::fmin(objective, space, *tpe, store, quiet(45));
        assert_int_equal(objective->calls.size(), 45);
    }
    MongoStore reader(url, std::string("e"));
    const auto docs = reader.refresh();
    assert_int_equal(trials::count_states(docs, trials::mask_of(trials::kDone)), 45);
    const auto best = trials::best_trial(docs);
    assert_non_null(best.get());
    double lowest = INFINITY;
    for (const auto &d : docs) lowest = std::min(lowest, d->loss());
    assert_true(best->loss() == lowest);
}

// One worker pool (no --exp-key) serves two experiments of one database.
static void one_pool_two_experiments(void **) {
    const std::string url = test_url("two");
    auto f = std::make_shared<Quadratic>("f"), g = std::make_shared<Quadratic>("g");
    worker::Registry registry;
    registry.add(f);
    registry.add(g);
    const auto space = space::Space::from_json(Json::parse(kSpace));
    const auto rand = algo::make("rand");
    Pool workers(url, registry, 3);
    std::thread second([&] {
        MongoStore b(url, std::string("B"));
        fmin::fmin(g, space, *rand, b, quiet(40, 2));
    });
    MongoStore a(url, std::string("A"));
    fmin::fmin(f, space, *rand, a, quiet(40, 1));
    second.join();
    assert_int_equal(f->calls.size(), 40);
    assert_int_equal(g->calls.size(), 40);
    MongoStore b(url, std::string("B"));
    assert_int_equal(trials::count_states(a.refresh(), trials::mask_of(trials::kDone)), 40);
    assert_int_equal(trials::count_states(b.refresh(), trials::mask_of(trials::kDone)), 40);
}

// A worker that dies holding a job (it reserved it and never heartbeats
// again) does not make fmin wait forever: the job is requeued and done.
static void dead_worker_is_recovered(void **) {
    const std::string url = test_url("dead");
    auto objective = std::make_shared<Quadratic>();
    worker::Registry registry;
    registry.add(objective);
    const auto space = space::Space::from_json(Json::parse(kSpace));
    const auto rand = algo::make("rand");
    MongoStore store(url, std::string("e"));
    fmin::Options o = quiet(6);
    o.recovery = {1.0, 3};
    std::atomic<bool> reserved{false};
    std::thread zombie([&] {
        // reserve the first queued job, then vanish
        MongoStore s(url, std::nullopt);
        for (int i = 0; i < 500 && !reserved; ++i) {
            if (s.reserve("zombie", {std::string("e"), {}})) reserved = true;
            else std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    });
    std::optional<Pool> workers;
    std::thread later([&] {
        zombie.join();
        workers.emplace(url, registry, 1);
    });
    const Stopwatch clock;
    fmin::fmin(objective, space, *rand, store, o);
    later.join();
    assert_true(reserved.load());
    const auto docs = store.refresh();
    assert_int_equal(trials::count_states(docs, trials::mask_of(trials::kDone)), 6);
    int requeued = 0;
    for (const auto &d : docs) requeued += d->extra.value("attempts", 0);
    assert_int_equal(requeued, 1);
    assert_true(clock.seconds() < 20);
}

// Two TPE drivers on one experiment, as hyperopt lets several processes
// share an exp_key: each sees the other's trials appear between its own
// and earlier trials change state, so its history does not simply extend
// the last one. Both finish (this once crashed TPE's cache), every trial
// is done, and no trial is evaluated twice.
static void two_tpe_drivers_one_experiment(void **) {
    const std::string url = test_url("twotpe");
    auto objective = std::make_shared<Quadratic>();
    worker::Registry registry;
    registry.add(objective);
    const auto space = space::Space::from_json(Json::parse(kSpace));
    Pool workers(url, registry, 3);
    MongoStore a(url, std::string("shared"));
    std::thread second([&] {
        // Started once the experiment exists: starting together is
        // another matter (creating the experiment twice).
        MongoStore b(url, std::string("shared"));
        for (int i = 0; i < 1000 && b.refresh().empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        const auto tpe = algo::make("tpe");
        fmin::fmin(objective, space, *tpe, b, quiet(60, 2));
    });
    const auto tpe = algo::make("tpe");
    fmin::fmin(objective, space, *tpe, a, quiet(60, 1));
    second.join();
    const auto docs = a.refresh();
    assert_true(docs.size() >= 60);
    assert_int_equal(trials::count_states(docs, trials::mask_of(trials::kDone)), docs.size());
    assert_each_evaluated_once(*objective, docs.size());
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_trial_once_with_four_workers),
        cmocka_unit_test(persistence_extension_analysis),
        cmocka_unit_test(one_pool_two_experiments),
        cmocka_unit_test(dead_worker_is_recovered),
        cmocka_unit_test(two_tpe_drivers_one_experiment),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}

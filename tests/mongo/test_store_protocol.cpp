// The MongoDB store's job protocol against a real server: exclusive
// reservation under contention, heartbeats, recovery of abandoned jobs,
// outcomes written once, persistence, and results the server would refuse.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "server.hpp"
#include "trials/mongo/mongo_store.hpp"
#include "trials/queries.hpp"
// cmocka last: it defines a fail() macro.
#include "../unit/cmocka.hpp"

using namespace hopt;
using trials::Trial;
using trials::mongo::MongoStore;

namespace {

Trial new_trial(int64_t tid, const std::optional<std::string> &exp_key, const std::string &objective = "f") {
    Trial t;
    t.tid = tid;
    t.exp_key = exp_key;
    t.cmd = Json::array({"hopt_domain", objective});
    t.vals.push_back({"x", static_cast<double>(tid), true, false});
    return t;
}

std::vector<int64_t> queue(MongoStore &s, size_t n, const std::string &objective = "f") {
    const auto tids = s.new_tids(n);
    std::vector<Trial> docs;
    for (int64_t tid : tids) docs.push_back(new_trial(tid, s.exp_key(), objective));
    s.insert(docs);
    return tids;
}

void finish(MongoStore &s, Trial &job, double loss) {
    job.state = trials::kDone;
    job.result = Json{{"status", "ok"}, {"loss", loss}};
    assert_true(s.complete(job));
}

}  // namespace

// Many workers, many jobs: each job is handed out exactly once.
static void reservation_is_exclusive(void **) {
    MongoStore driver(test_url("excl"), std::string("e"));
    const auto tids = queue(driver, 120);
    std::map<int64_t, int> handed;
    std::mutex mu;
    std::vector<std::thread> workers;
    for (int w = 0; w < 6; ++w)
        workers.emplace_back([&, w] {
            MongoStore store(test_url("excl"), std::nullopt);
            const std::string owner = "w" + std::to_string(w);
            int idle = 0;
            while (idle < 3) {
                auto job = store.reserve(owner, {std::string("e"), {"f"}});
                if (!job) {
                    ++idle;
                    continue;
                }
                idle = 0;
                {
                    std::lock_guard lock(mu);
                    ++handed[job->tid];
                }
                finish(store, *job, 1.0);
            }
        });
    for (auto &t : workers) t.join();
    assert_int_equal(handed.size(), tids.size());
    for (const auto &[tid, n] : handed)
        if (n != 1) fail_msg("tid %lld handed out %d times", static_cast<long long>(tid), n);
    const auto docs = driver.refresh();
    assert_int_equal(trials::count_states(docs, trials::mask_of(trials::kDone)), 120);
    driver.delete_all();
}

// Tids are unique across stores of the database, whatever the experiment.
static void tids_are_unique_across_drivers(void **) {
    MongoStore a(test_url("tids"), std::string("a")), b(test_url("tids"), std::string("b"));
    std::set<int64_t> seen;
    for (int i = 0; i < 10; ++i) {
        for (int64_t t : a.new_tids(3)) assert_true(seen.insert(t).second);
        for (int64_t t : b.new_tids(2)) assert_true(seen.insert(t).second);
    }
    // a fresh store finds where allocation stopped
    MongoStore c(test_url("tids"), std::string("c"));
    assert_true(c.new_tids(1)[0] == *seen.rbegin() + 1);
}

// A job whose worker stops heartbeating is requeued, then failed after
// max_attempts; a result that comes back late does not count twice.
static void abandoned_jobs_are_recovered(void **) {
    MongoStore driver(test_url("recover"), std::string("e"));
    const int64_t tid = queue(driver, 1)[0];
    MongoStore worker(test_url("recover"), std::nullopt);
    const trials::RecoveryPolicy policy{0.3, 2};
    auto job = worker.reserve("dead-1", {std::string("e"), {}});
    assert_true(job.has_value());
    assert_int_equal(driver.recover_stale(policy), 0);  // first sight of its heartbeat
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    assert_int_equal(driver.recover_stale(policy), 1);
    auto docs = driver.refresh();
    assert_int_equal(docs.at(0)->state, trials::kNew);
    assert_int_equal(docs.at(0)->extra.value("attempts", 0), 1);
    // the presumed-dead worker wakes up: its heartbeat and its claim are gone
    assert_false(worker.heartbeat(*job));
    // second attempt, abandoned too: now an ERROR saying why
    auto again = worker.reserve("dead-2", {std::string("e"), {}});
    assert_true(again.has_value());
    assert_int_equal(again->tid, tid);
    // (recovery looks at most every timeout / 4: let that pass, then it
    // sees the new heartbeat for the first time)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    driver.recover_stale(policy);
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    assert_int_equal(driver.recover_stale(policy), 1);
    docs = driver.refresh();
    assert_int_equal(docs.at(0)->state, trials::kError);
    assert_non_null(strstr(docs.at(0)->error.dump().c_str(), "hopt.WorkerLost"));
    // the late worker's result loses against the recorded outcome
    job->state = trials::kDone;
    job->result = Json{{"status", "ok"}, {"loss", 1.0}};
    assert_false(worker.complete(*job));
    docs = driver.refresh();
    assert_int_equal(docs.at(0)->state, trials::kError);
}

// Recovery is a step a process can die in: a recoverer that took its claim
// and died strands nothing; a timeout later another process recovers the job
// in the next round.
static void dead_recoverer_is_replaced(void **) {
    MongoStore driver(test_url("rounds"), std::string("e"));
    const int64_t tid = queue(driver, 1)[0];
    MongoStore worker(test_url("rounds"), std::nullopt);
    const trials::RecoveryPolicy policy{0.3, 3};
    auto job = worker.reserve("dead", {std::string("e"), {}});
    assert_true(job.has_value());
    // What a recoverer killed right after its claim leaves behind.
    trials::mongo::Pool pool(trials::mongo::parse_address(test_url("rounds")));
    assert_true(pool.insert("hopt_claims", Json{{"_id", "recover:" + trials::mongo::tid_key(tid) + "/0"}, {"kind", "recover"}}));
    assert_int_equal(driver.recover_stale(policy), 0);  // first sight of its heartbeat
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    assert_int_equal(driver.recover_stale(policy), 0);  // silent, but someone is recovering it
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    assert_int_equal(driver.recover_stale(policy), 1);  // still silent: the next round
    auto docs = driver.refresh();
    assert_int_equal(docs.at(0)->state, trials::kNew);
    assert_int_equal(docs.at(0)->extra.value("attempts", 0), 1);
    assert_false(worker.heartbeat(*job));
    auto again = worker.reserve("alive", {std::string("e"), {}});
    assert_true(again.has_value());
    assert_int_equal(again->tid, tid);
}

// A driver that died (or gave up in an outage) between a job's insert and its
// queue entry leaves a NEW job nobody can reserve: another driver requeues
// it a heartbeat timeout later, once. The queue entry arriving late after
// all is dropped by the worker that finds it, not run a second time.
static void unqueued_jobs_are_requeued(void **) {
    const std::string url = test_url("unqueued");
    MongoStore first(url, std::string("e"));
    const std::vector<int64_t> tids = queue(first, 2);
    trials::mongo::Pool pool(trials::mongo::parse_address(url));
    const std::string key = trials::mongo::tid_key(tids[1]);
    assert_int_equal(pool.remove("hopt_queue", Json{{"_id", key}}), 1);  // what the dead driver left

    MongoStore driver(url, std::string("e"));
    assert_int_equal(driver.refresh().size(), 2);
    const trials::RecoveryPolicy policy{0.3, 2};
    assert_int_equal(driver.recover_stale(policy), 0);  // first sight: it may be on its way
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    assert_int_equal(driver.recover_stale(policy), 1);
    MongoStore other(url, std::string("e"));  // another driver, later: nothing left to do
    other.refresh();
    other.recover_stale(policy);
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    assert_int_equal(other.recover_stale(policy), 0);
    std::optional<Json> entry = pool.find_one("hopt_queue", Json{{"_id", key}});
    assert_true(entry.has_value());
    assert_int_equal((*entry)["claim"].get<int64_t>(), 1);

    MongoStore worker(url, std::nullopt);
    std::set<int64_t> reserved;
    for (int i = 0; i < 2; ++i) {
        auto job = worker.reserve("w", {std::string("e"), {}});
        assert_true(job.has_value());
        reserved.insert(job->tid);
        finish(worker, *job, 1.0);
    }
    assert_true(reserved == std::set<int64_t>(tids.begin(), tids.end()));
    // The dead driver's queue entry, arriving after all: dropped, the job
    // left DONE, nothing run.
    assert_true(pool.insert("hopt_queue", Json{{"_id", key}, {"tid", tids[1]}, {"exp_key", "e"}, {"objective", "f"},
                                               {"claim", 0}}));
    assert_false(worker.reserve("w", {std::string("e"), {}}).has_value());
    assert_false(pool.find_one("hopt_queue", Json{{"_id", key}}).has_value());
    const auto docs = driver.refresh();
    for (const auto &t : docs) assert_int_equal(t->state, trials::kDone);
}

// A reader sees every trial another driver adds, even one queued and
// finished between two of its looks (it never saw it queued or running),
// and after it deleted the experiment itself.
static void readers_see_trials_finished_between_looks(void **) {
    const std::string url = test_url("between");
    MongoStore reader(url, std::string("e"));
    assert_int_equal(reader.refresh().size(), 0);
    MongoStore driver(url, std::string("e")), worker(url, std::nullopt);
    auto run_one = [&] {
        queue(driver, 1);
        auto job = worker.reserve("w", {std::string("e"), {}});
        assert_true(job.has_value());
        finish(worker, *job, 3.0);
    };
    run_one();
    std::vector<trials::TrialPtr> seen = reader.refresh();
    assert_int_equal(seen.size(), 1);
    assert_int_equal(seen.at(0)->state, trials::kDone);
    // Its own trials count too: none of them is taken for another's.
    queue(reader, 2);
    run_one();
    assert_int_equal(reader.refresh().size(), 4);
    assert_int_equal(reader.count(trials::mask_of(trials::kDone)), 2);
    reader.delete_all();
    run_one();
    seen = reader.refresh();
    assert_int_equal(seen.size(), 1);
    assert_int_equal(seen.at(0)->state, trials::kDone);
}

// Drivers inserting at the same time: a reader that saw some of their
// trials queued still sees every one that went through between its looks.
// (One shared count of inserts, $inc'ed by every driver, lost increments
// on FerretDB, whose updates are not atomic, and the reader then missed
// finished trials until its next full reload; creating the shared
// document by two upserts at once failed with a duplicate key.)
static void readers_see_every_trial_of_concurrent_drivers(void **) {
    const std::string url = test_url("concurrent");
    MongoStore reader(url, std::string("e"));
    assert_int_equal(reader.refresh().size(), 0);
    constexpr int kDrivers = 4, kEach = 30;
    std::atomic<int> ready{0}, inserting{kDrivers};
    std::vector<std::thread> threads;
    for (int d = 0; d < kDrivers; ++d)
        threads.emplace_back([&] {
            MongoStore driver(url, std::string("e"));
            ++ready;
            while (ready < kDrivers) std::this_thread::yield();
            for (int i = 0; i < kEach; ++i) queue(driver, 1);
            --inserting;
        });
    threads.emplace_back([&] {
        MongoStore worker(url, std::nullopt);
        for (;;) {
            const bool last_look = inserting == 0;
            if (auto job = worker.reserve("w", {std::string("e"), {}})) finish(worker, *job, 1.0);
            else if (last_look) break;
        }
    });
    while (inserting > 0) reader.refresh();  // sees some queued, misses others
    for (auto &t : threads) t.join();
    const auto seen = reader.refresh();
    assert_int_equal(seen.size(), kDrivers * kEach);
    assert_int_equal(trials::count_states(seen, trials::mask_of(trials::kDone)), kDrivers * kEach);
}

// A live worker's heartbeat keeps its job.
static void heartbeats_keep_jobs(void **) {
    MongoStore driver(test_url("beat"), std::string("e"));
    queue(driver, 1);
    MongoStore worker(test_url("beat"), std::nullopt);
    auto job = worker.reserve("alive", {std::string("e"), {}});
    assert_true(job.has_value());
    const trials::RecoveryPolicy policy{0.3, 2};
    for (int i = 0; i < 6; ++i) {
        assert_true(worker.heartbeat(*job));
        assert_int_equal(driver.recover_stale(policy), 0);
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    finish(worker, *job, 2.5);
    const auto docs = driver.refresh();
    assert_int_equal(docs.at(0)->state, trials::kDone);
    assert_true(docs.at(0)->loss() == 2.5);
}

// Workers take only jobs whose objective they have; cancelled jobs are not
// handed out; another process sees the same trials.
static void filters_cancel_and_persistence(void **) {
    MongoStore driver(test_url("misc"), std::string("e"));
    queue(driver, 2, "mine");
    queue(driver, 1, "theirs");
    MongoStore worker(test_url("misc"), std::nullopt);
    auto a = worker.reserve("w", {std::nullopt, {"theirs"}});
    assert_true(a.has_value());
    assert_string_equal(a->cmd[1].get<std::string>().c_str(), "theirs");
    assert_false(worker.reserve("w", {std::nullopt, {"nobody"}}).has_value());
    assert_false(worker.reserve("w", {std::string("other-exp"), {}}).has_value());
    finish(worker, *a, 0.5);
    assert_int_equal(driver.cancel_new(), 2);
    assert_false(worker.reserve("w", {std::nullopt, {}}).has_value());
    MongoStore reader(test_url("misc"), std::string("e"));
    const auto docs = reader.refresh();
    assert_int_equal(docs.size(), 3);
    assert_int_equal(trials::count_states(docs, trials::mask_of(trials::kCancel)), 2);
    assert_true(trials::best_trial(docs)->loss() == 0.5);
    // the domain travels with the experiment
    driver.put_domain({Json{{"hp", "uniform"}, {"label", "x"}, {"low", 0}, {"high", 1}}, "mine", Json::object()});
    auto d = reader.get_domain(std::string("e"));
    assert_true(d.has_value());
    assert_string_equal(d->objective.c_str(), "mine");
    assert_false(reader.get_domain(std::string("nope")).has_value());
    reader.delete_all();
    assert_int_equal(driver.refresh().size(), 0);
}

// Results with what FerretDB refuses (nested arrays, dotted keys) are kept.
static void awkward_results_survive(void **) {
    MongoStore driver(test_url("awkward"), std::nullopt);
    queue(driver, 1);
    MongoStore worker(test_url("awkward"), std::nullopt);
    auto job = worker.reserve("w", {std::nullopt, {}});
    assert_true(job.has_value());
    job->state = trials::kDone;
    job->result = Json{{"status", "ok"}, {"loss", 0.25}, {"matrix", Json::array({Json::array({1, 2}), Json::array({3})})},
                       {"a.b", 1}, {"$weird", "x"}};
    assert_true(worker.complete(*job));
    MongoStore reader(test_url("awkward"), std::nullopt);
    const auto docs = reader.refresh();
    assert_int_equal(docs.size(), 1);
    assert_true(docs[0]->loss() == 0.25);
    assert_true(docs[0]->result["matrix"] == Json::array({Json::array({1, 2}), Json::array({3})}));
    assert_true(docs[0]->result["a.b"] == 1);
}

// Bad addresses and absent servers: clear errors, quickly.
static void address_errors(void **) {
    const struct {
        const char *url;
        int code;
        const char *needle;
    } cases[] = {
        {"mongo://localhost:1234/db", HOPT_EINVAL, "/jobs"},
        {"mongo://localhost:1234/db/trials", HOPT_EINVAL, "'jobs'"},
        {"mongo://localhost:99999/db/jobs", HOPT_EINVAL, "port"},
        {"http://localhost/db", HOPT_EINVAL, "scheme"},
        {"mongodb://user:secret@localhost:1/", HOPT_EINVAL, "database"},
        {"", HOPT_EINVAL, "empty"},
        {"mongo://localhost:1/db/jobs", HOPT_ECONNECT, "localhost:1"},
    };
    for (const auto &c : cases) {
        try {
            MongoStore s(c.url, std::nullopt);
            fail_msg("%s was accepted", c.url);
        } catch (const Error &e) {
            if (e.code() != c.code || !strstr(e.what(), c.needle))
                fail_msg("%s: code %d, message '%s'", c.url, e.code(), e.what());
            if (strstr(e.what(), "secret")) fail_msg("password in message: %s", e.what());
        }
    }
}

// A host that does not answer at all (a blackholed address): a clear error
// within the connect timeout, not a hang.
static void unreachable_host_fails_in_bounded_time(void **) {
    const Stopwatch clock;
    try {
        MongoStore s("mongodb://10.255.255.1:27017/db?connectTimeoutMS=2000&serverSelectionTimeoutMS=2000",
                     std::nullopt);
        fail_msg("an unreachable host was accepted");
    } catch (const Error &e) {
        if (e.code() != HOPT_ECONNECT) fail_msg("code %d: %s", e.code(), e.what());
        assert_non_null(strstr(e.what(), "10.255.255.1"));
    }
    if (clock.seconds() > 8) fail_msg("took %.1f s to fail", clock.seconds());
}

// Jobs deleted by another client while queued (what hyperopt's users do to
// clear an experiment: delete_many({"exp_key": ...})): a worker that finds
// their queue entries says so, drops them and takes the next job, of
// another experiment here. Each entry once stopped the worker that found it.
static void jobs_deleted_by_hand_are_skipped(void **) {
    const std::string url = test_url("deleted");
    MongoStore cleared(url, std::string("cleared"));
    queue(cleared, 5);
    MongoStore kept(url, std::string("kept"));
    const int64_t tid = queue(kept, 1)[0];
    trials::mongo::Pool raw(trials::mongo::parse_address(url));
    assert_int_equal(raw.remove("jobs", Json{{"exp_key", "cleared"}}), 5);

    MongoStore worker(url, std::nullopt);
    std::vector<std::string> warnings;
    worker.set_warn([&](const std::string &line) { warnings.push_back(line); });
    const auto job = worker.reserve("w", {});
    assert_true(job.has_value());
    assert_int_equal(job->tid, tid);
    assert_false(worker.reserve("w", {}).has_value());
    assert_int_equal(warnings.size(), 5);
    for (const auto &w : warnings)
        if (w.find("was deleted while it was being reserved") == std::string::npos) fail_msg("warning: %s", w.c_str());
    assert_int_equal(raw.find("hopt_queue", Json::object(), Json::object()).size(), 0);
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reservation_is_exclusive),
        cmocka_unit_test(tids_are_unique_across_drivers),
        cmocka_unit_test(abandoned_jobs_are_recovered),
        cmocka_unit_test(dead_recoverer_is_replaced),
        cmocka_unit_test(heartbeats_keep_jobs),
        cmocka_unit_test(unqueued_jobs_are_requeued),
        cmocka_unit_test(jobs_deleted_by_hand_are_skipped),
        cmocka_unit_test(readers_see_trials_finished_between_looks),
        cmocka_unit_test(readers_see_every_trial_of_concurrent_drivers),
        cmocka_unit_test(filters_cancel_and_persistence),
        cmocka_unit_test(awkward_results_survive),
        cmocka_unit_test(address_errors),
        cmocka_unit_test(unreachable_host_fails_in_bounded_time),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}

// Documents in `jobs` that are not trials hopt can read, against the real
// server: trials edited by hand into other shapes, and documents that are
// not hopt's at all. fmin, refresh and workers skip them with the reason
// reported once, leave them exactly as they are, and keep every other trial
// readable (docs/mongo-protocol.md, "Documents hopt cannot read").
#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>

#include "algo/algorithm.hpp"
#include "core/error.hpp"
#include "fmin/fmin.hpp"
#include "server.hpp"
#include "space/space.hpp"
#include "trials/mongo/client.hpp"
#include "trials/mongo/mongo_store.hpp"
#include "trials/mongo/url.hpp"
#include "trials/queries.hpp"
#include "worker/worker.hpp"
#include "../unit/cmocka.hpp"

using namespace hopt;
using trials::mongo::MongoStore;

namespace {

class Square final : public objective::Objective {
public:
    const std::string &name() const override { return name_; }
    objective::Outcome evaluate(const objective::Request &req) override {
        objective::Outcome o;
        o.result = objective::loss_result(req.point.get<double>() * req.point.get<double>());
        return o;
    }

private:
    std::string name_ = "square";
};

// fmin with one worker thread serving the store, as hyperopt-mongo-worker would.
void run_fmin(const std::string &url, const std::shared_ptr<Square> &objective, int64_t max_evals) {
    worker::Registry registry;
    registry.add(objective);
    std::atomic<bool> stop{false};
    std::thread worker_thread([&] {
        MongoStore store(url, std::nullopt);
        store.set_warn([](const std::string &) {});
        worker::Options o;
        o.owner = "test-worker";
        o.poll_interval = 0.02;
        o.stop = &stop;
        worker::Worker(store, registry, o).run();
    });
    MongoStore store(url, std::nullopt);
    store.set_warn([](const std::string &) {});
    fmin::Options opts;
    opts.max_evals = max_evals;
    opts.seed = 3;
    opts.show_progress = false;
    opts.poll_interval = 0.05;
    const auto space = space::Space::from_json(Json::parse(R"({"hp": "uniform", "label": "x", "low": -1, "high": 1})"));
    fmin::fmin(objective, space, *algo::make("rand"), store, opts);
    stop = true;
    worker_thread.join();
}

std::string id_of(int64_t tid) { return trials::mongo::tid_key(tid); }

}  // namespace

static void unreadable_documents_are_skipped_and_kept(void **) {
    const std::string url = test_url("baddocs");
    auto objective = std::make_shared<Square>();
    run_fmin(url, objective, 6);

    trials::mongo::Pool raw(trials::mongo::parse_address(url));
    MongoStore store(url, std::nullopt);
    const auto done = store.refresh();
    assert_int_equal(done.size(), 6);

    // Two NEW trials queued by hand, the way fmin queues them.
    const auto tids = store.new_tids(2);
    std::vector<trials::Trial> queued;
    for (int64_t tid : tids) {
        trials::Trial t;
        t.tid = tid;
        t.cmd = Json::array({"hopt_domain", "square"});
        t.vals.push_back({"x", 0.5, true, false});
        queued.push_back(std::move(t));
    }
    store.insert(queued);

    // Documents that are not hopt's: one of this experiment's (no exp_key is
    // hyperopt's None), one shaped almost like a trial, one of another
    // experiment.
    const std::vector<Json> foreign = {
        Json{{"_id", "foreign-1"}, {"hello", "world"}},
        Json{{"_id", "foreign-2"}, {"exp_key", nullptr}, {"tid", "seven"}, {"state", 0}, {"misc", Json::array({1, 2})}},
        Json{{"_id", "foreign-3"}, {"exp_key", "not-ours"}, {"x", 1}},
    };
    for (const Json &d : foreign) assert_true(raw.insert("jobs", d));
    // Trials edited by hand: two DONE ones and a queued one.
    auto edit = [&](int64_t tid, const char *key, const Json &value) {
        Json doc = *raw.find_one("jobs", Json{{"_id", id_of(tid)}});
        if (std::string(key) == "misc.vals") doc["misc"]["vals"] = value;
        else doc[key] = value;
        assert_int_equal(raw.replace("jobs", Json{{"_id", id_of(tid)}}, doc, false), 1);
    };
    edit(done[0]->tid, "misc.vals", "garbage");
    edit(done[1]->tid, "result", "lost");
    edit(tids[0], "state", 17);
    std::vector<std::string> ids = {"foreign-1", "foreign-2", "foreign-3", id_of(done[0]->tid), id_of(done[1]->tid),
                                    id_of(tids[0])};
    std::vector<Json> before;
    for (const auto &id : ids) before.push_back(*raw.find_one("jobs", Json{{"_id", id}}));

    // A reader: the other trials, and a reason for each skipped document, once.
    MongoStore reader(url, std::nullopt);
    std::vector<std::string> lines;
    reader.set_warn([&](const std::string &l) { lines.push_back(l); });
    auto docs = reader.refresh();
    assert_int_equal(docs.size(), 6 - 2 + 2 - 1);
    docs = reader.refresh();
    (void)reader.poll();
    assert_int_equal(lines.size(), 5);
    const auto skipped = reader.skipped();
    assert_int_equal(skipped.size(), 5);
    for (const auto &l : lines)
        if (l.find("left as it is") == std::string::npos || l.find("invalid trial document") == std::string::npos)
            fail_msg("unclear: %s", l.c_str());
    assert_true(skipped.count("\"foreign-1\"") && skipped.at("\"foreign-1\"").find("\"tid\"") != std::string::npos);
    assert_true(skipped.count("\"" + id_of(tids[0]) + "\"") &&
                skipped.at("\"" + id_of(tids[0]) + "\"").find("state") != std::string::npos);

    // fmin goes on to 9 readable trials; the worker passes over the edited
    // queued trial and evaluates the other.
    run_fmin(url, objective, 9);
    MongoStore after(url, std::nullopt);
    after.set_warn([](const std::string &) {});
    docs = after.refresh();
    assert_int_equal(trials::count_states(docs, trials::mask_of(trials::kDone)), 9);
    assert_int_equal(docs.size(), 9);
    assert_int_equal(after.skipped().size(), 5);

    // Nothing hopt could not read was changed.
    for (size_t i = 0; i < ids.size(); ++i) {
        const auto now = raw.find_one("jobs", Json{{"_id", ids[i]}});
        if (!now || *now != before[i])
            fail_msg("%s changed:\n%s\n%s", ids[i].c_str(), dump_json(before[i]).c_str(),
                     now ? dump_json(*now).c_str() : "(gone)");
    }
}

// A running job edited by hand and then abandoned: recovery, which would
// mark it ERROR after its last attempt, leaves the document as it is.
static void recovery_leaves_an_edited_job_alone(void **) {
    const std::string url = test_url("badrunning");
    MongoStore driver(url, std::string("e"));
    std::vector<std::string> lines;
    driver.set_warn([&](const std::string &l) { lines.push_back(l); });
    trials::Trial t;
    t.tid = driver.new_tids(1)[0];
    t.exp_key = "e";
    t.cmd = Json::array({"hopt_domain", "square"});
    t.vals.push_back({"x", 0.5, true, false});
    driver.insert({t});
    MongoStore worker(url, std::nullopt);
    assert_true(worker.reserve("dead", {std::string("e"), {}}).has_value());

    trials::mongo::Pool raw(trials::mongo::parse_address(url));
    Json doc = *raw.find_one("jobs", Json{{"_id", id_of(t.tid)}});
    doc["misc"] = 5;
    assert_int_equal(raw.replace("jobs", Json{{"_id", id_of(t.tid)}}, doc, false), 1);
    const Json edited = *raw.find_one("jobs", Json{{"_id", id_of(t.tid)}});

    const trials::RecoveryPolicy policy{0.3, 1};
    driver.recover_stale(policy);  // first sight of its heartbeat
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    driver.recover_stale(policy);
    assert_true(*raw.find_one("jobs", Json{{"_id", id_of(t.tid)}}) == edited);
    assert_false(raw.find_one("hopt_running", Json{{"_id", id_of(t.tid)}}).has_value());
    assert_int_equal(lines.size(), 1);
    assert_non_null(strstr(lines[0].c_str(), "misc"));
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unreadable_documents_are_skipped_and_kept),
        cmocka_unit_test(recovery_leaves_an_edited_job_alone),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}

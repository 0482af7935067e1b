// The attack of docs/threat-model.md against a real server: someone who can
// write to the database edits or creates experiments so that a worker would
// run an objective of the attacker's choosing (one the worker has for
// another experiment, or "os:system", which a binding's resolver would turn
// into code) on a point of the attacker's choosing. Workers here are the
// job loop hyperopt-mongo-worker runs (tests/integration runs the binary).
#include <mongoc/mongoc.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <filesystem>
#include <mutex>
#include <thread>

#include "core/error.hpp"
#include "server.hpp"
#include "trials/mongo/client.hpp"
#include "trials/mongo/mongo_store.hpp"
#include "worker/auth.hpp"
#include "worker/worker.hpp"
#include "../unit/cmocka.hpp"
#include "../unit/text_and_files.hpp"

using namespace hopt;
using trials::Trial;
using trials::mongo::MongoStore;

namespace {

const Json kSpace = Json{{"hp", "uniform"}, {"label", "x"}, {"low", -5}, {"high", 5}};

// Counts its calls: the attack succeeded if an objective it should not
// reach was called.
class Recorder final : public objective::Objective {
public:
    explicit Recorder(std::string name) : name_(std::move(name)) {}
    const std::string &name() const override { return name_; }
    objective::Outcome evaluate(const objective::Request &req) override {
        ++calls;
        objective::Outcome o;
        o.result = objective::loss_result(req.point.get<double>());
        return o;
    }
    std::atomic<int> calls{0};

private:
    std::string name_;
};

// The driver's part: the domain, signed with `key_file` ("" = unsigned),
// and NEW jobs at points xs naming `objective`.
void queue(MongoStore &s, const std::string &objective, const std::string &key_file, const std::vector<double> &xs) {
    trials::Domain d{kSpace, objective, Json::object(), ""};
    if (!key_file.empty()) worker::seal_domain(d, s.exp_key(), {key_file, false}, [](const std::string &) {});
    s.put_domain(d);
    std::vector<Trial> docs;
    const auto tids = s.new_tids(xs.size());
    for (size_t i = 0; i < xs.size(); ++i) {
        Trial t;
        t.tid = tids[i];
        t.exp_key = s.exp_key();
        t.cmd = Json::array({"hopt_domain", objective});
        t.vals.push_back({"x", xs[i], true, false});
        docs.push_back(t);
    }
    s.insert(docs);
}

// A worker with `trust`, run until it has found no job for `idle` seconds.
struct WorkerRun {
    worker::RunSummary summary;
    std::vector<std::string> log;
    bool said(const std::string &needle) const {
        for (const auto &l : log)
            if (contains(l, needle)) return true;
        return false;
    }
    int count(const std::string &needle) const {
        int n = 0;
        for (const auto &l : log) n += contains(l, needle);
        return n;
    }
};

WorkerRun run_worker(const std::string &url, const worker::Registry &registry, worker::TrustSettings trust,
                     double idle = 1.0, int64_t max_jobs = 1000) {
    WorkerRun run;
    MongoStore store(url, std::nullopt);
    worker::Options o;
    o.owner = "security-test";
    o.poll_interval = 0.02;
    o.reserve_timeout = idle;
    o.max_jobs = max_jobs;
    o.gate = std::make_shared<const worker::ExperimentGate>(std::move(trust));
    std::mutex mu;
    o.log = [&](const std::string &line) {
        std::lock_guard lock(mu);
        run.log.push_back(line);
    };
    for (const std::string &line : o.gate->describe()) o.log(line);  // as serve() does
    run.summary = worker::Worker(store, registry, o).run();
    return run;
}

int64_t count_state(const std::string &url, const std::optional<std::string> &exp_key, int state) {
    return MongoStore(url, exp_key).count(trials::mask_of(state));
}

void dump_log(const WorkerRun &run) {
    for (const auto &l : run.log) print_message("  worker: %s\n", l.c_str());
}

#define assert_said(run, needle)                                                 \
    do {                                                                         \
        if (!(run).said(needle)) {                                               \
            dump_log(run);                                                       \
            fail_msg("the worker never logged \"%s\"", std::string(needle).c_str()); \
        }                                                                        \
    } while (0)

// What the worker has: the experiment's objective, and the objective the
// attacker wants ("os:system" stands for any name a binding would resolve).
struct Objectives {
    std::shared_ptr<Recorder> mine = std::make_shared<Recorder>("quadratic");
    std::shared_ptr<Recorder> target = std::make_shared<Recorder>("os:system");
    worker::Registry registry;
    Objectives() {
        registry.add(mine);
        registry.add(target);
    }
};

}  // namespace

// A signed experiment runs; nothing else is needed on one machine.
static void signed_experiment_runs(void **) {
    TempDir dir;
    Objectives obj;
    const std::string url = test_url("sec_ok");
    MongoStore driver(url, std::string("e"));
    queue(driver, "quadratic", dir / "key", {1, 2});
    const WorkerRun run = run_worker(url, obj.registry, {{dir / "key", false}, {}});
    assert_int_equal(run.summary.jobs, 2);
    assert_int_equal(obj.mine.get()->calls.load(), 2);
    assert_int_equal(count_state(url, std::string("e"), trials::kDone), 2);
    assert_said(run, "experiments must be signed with the key " + dir / "key");
}

// The attack: the experiment document is edited to name another objective,
// and a job with the attacker's point is added.
static void edited_experiment_is_refused(void **) {
    TempDir dir;
    Objectives obj;
    const std::string url = test_url("sec_edit");
    MongoStore driver(url, std::string("e"));
    queue(driver, "quadratic", dir / "key", {1});
    trials::mongo::Pool attacker(trials::mongo::parse_address(url));
    assert_int_equal(attacker.update("hopt_experiments", Json{{"_id", "k:e"}},
                                     Json{{"$set", Json{{"objective", "os:system"}}}}),
                     1);
    MongoStore writer(url, std::string("e"));
    Trial evil;
    evil.tid = writer.new_tids(1)[0];
    evil.exp_key = "e";
    evil.cmd = Json::array({"hopt_domain", "os:system"});
    evil.vals.push_back({"x", 4.25, true, false});
    writer.insert({evil});

    const WorkerRun run = run_worker(url, obj.registry, {{dir / "key", false}, {}});
    assert_int_equal(obj.target->calls.load(), 0);
    assert_int_equal(obj.mine->calls.load(), 0);
    assert_int_equal(run.summary.jobs, 0);
    assert_said(run, "refused: experiment \"e\" was changed after it was signed");
    // Logged once, and the jobs were not taken and released again at every
    // poll: the experiment is skipped until its domain changes.
    assert_int_equal(run.count("refused"), 1);
    assert_int_equal(count_state(url, std::string("e"), trials::kNew), 2);
    for (const Json &q : attacker.find("hopt_queue", Json::object())) assert_true(q.value("claim", 0) <= 1);
}

// A new experiment, unsigned or with a signature copied from another one.
static void forged_experiments_are_refused(void **) {
    TempDir dir;
    Objectives obj;
    const std::string url = test_url("sec_forge");
    MongoStore legit(url, std::string("e"));
    queue(legit, "quadratic", dir / "key", {});
    MongoStore unsigned_exp(url, std::string("evil"));
    queue(unsigned_exp, "os:system", "", {3});
    // Replay: the legitimate signature under another exp_key.
    const std::string sig = legit.get_domain(std::string("e"))->signature;
    MongoStore replay(url, std::string("replay"));
    queue(replay, "quadratic", "", {2});
    trials::Domain copied{kSpace, "quadratic", Json::object(), sig};
    replay.put_domain(copied);

    // And hyperopt's exp_key None.
    MongoStore none_exp(url, std::nullopt);
    queue(none_exp, "os:system", "", {1});

    const WorkerRun run = run_worker(url, obj.registry, {{dir / "key", false}, {}});
    assert_int_equal(obj.target->calls.load(), 0);
    assert_int_equal(obj.mine->calls.load(), 0);
    assert_said(run, "refused: experiment \"evil\" is not signed");
    assert_said(run, "refused: experiment \"replay\" was changed after it was signed");
    assert_said(run, "refused: experiment with exp_key null is not signed");
    // Each refused once, then skipped (null included): no job was taken twice.
    assert_int_equal(run.count("refused"), 3);
    trials::mongo::Pool reader(trials::mongo::parse_address(url));
    for (const Json &q : reader.find("hopt_queue", Json::object())) assert_true(q.value("claim", 0) <= 1);
}

// Space or settings changed after signing (e.g. to widen the bounds).
static void tampered_space_and_settings_are_refused(void **) {
    TempDir dir;
    Objectives obj;
    const std::string url = test_url("sec_tamper");
    trials::mongo::Pool attacker(trials::mongo::parse_address(url));
    for (const char *field : {"space", "settings"}) {
        const std::string exp = std::string("t_") + field;
        MongoStore driver(url, exp);
        queue(driver, "quadratic", dir / "key", {1});
        const Json value = std::string(field) == "space"
                               ? Json(dump_json(Json{{"hp", "uniform"}, {"label", "x"}, {"low", -500}, {"high", 500}}))
                               : Json(dump_json(Json{{"trial_timeout", 0}}));
        attacker.update("hopt_experiments", Json{{"_id", "k:" + exp}}, Json{{"$set", Json{{field, value}}}});
    }
    const WorkerRun run = run_worker(url, obj.registry, {{dir / "key", false}, {}});
    assert_int_equal(obj.mine->calls.load(), 0);
    assert_said(run, "refused: experiment \"t_space\" was changed after it was signed");
    assert_said(run, "refused: experiment \"t_settings\" was changed after it was signed");
}

// A driver with another key (or a worker whose key was not copied).
static void wrong_key_is_refused(void **) {
    TempDir dir;
    Objectives obj;
    const std::string url = test_url("sec_key");
    MongoStore driver(url, std::string("e"));
    queue(driver, "quadratic", dir / "driver-key", {1});
    const WorkerRun run = run_worker(url, obj.registry, {{dir / "worker-key", false}, {}});
    assert_int_equal(obj.mine->calls.load(), 0);
    assert_said(run, "refused: experiment \"e\" was signed with another key (id " +
                         security::load_or_create_key(dir / "driver-key").id);
    // The same worker with the driver's key runs it.
    const WorkerRun fixed = run_worker(url, obj.registry, {{dir / "driver-key", false}, {}});
    assert_int_equal(fixed.summary.jobs, 1);
}

// The allow-list restricts even signed experiments; insecure mode runs
// unsigned ones, loudly.
static void allow_list_and_insecure_mode(void **) {
    TempDir dir;
    Objectives obj;
    const std::string url = test_url("sec_allow");
    MongoStore driver(url, std::string("e"));
    queue(driver, "quadratic", dir / "key", {1});
    const WorkerRun refused = run_worker(url, obj.registry, {{dir / "key", false}, {"train_*", "os:*x"}});
    assert_int_equal(obj.mine->calls.load(), 0);
    assert_said(refused, "names objective \"quadratic\", which is not on this worker's allow-list");
    const WorkerRun allowed = run_worker(url, obj.registry, {{dir / "key", false}, {"quad*"}});
    assert_int_equal(allowed.summary.jobs, 1);

    MongoStore unsigned_exp(url, std::string("plain"));
    queue(unsigned_exp, "quadratic", "", {2});
    const WorkerRun insecure = run_worker(url, obj.registry, {{dir / "unused", true}, {}});
    assert_int_equal(insecure.summary.jobs, 1);
    assert_said(insecure, "WARNING: insecure mode");
    assert_false(std::filesystem::exists(dir / "unused"));
}

// Once the driver signs the experiment again, a waiting worker takes it up.
static void refused_experiment_is_served_once_signed(void **) {
    TempDir dir;
    Objectives obj;
    const std::string url = test_url("sec_resign");
    MongoStore driver(url, std::string("e"));
    queue(driver, "quadratic", "", {1});
    std::atomic<bool> signed_again{false};
    std::thread fix([&] {
        // After the refusal: sign as fmin would.
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        trials::Domain d{kSpace, "quadratic", Json::object(), ""};
        worker::seal_domain(d, std::string("e"), {dir / "key", false}, [](const std::string &) {});
        driver.put_domain(d);
        signed_again = true;
    });
    const WorkerRun run = run_worker(url, obj.registry, {{dir / "key", false}, {}}, 15, 1);
    fix.join();
    assert_true(signed_again.load());
    assert_said(run, "is not signed");
    assert_int_equal(run.summary.jobs, 1);
    assert_int_equal(obj.mine->calls.load(), 1);
}

// The test server's host:port.
std::string test_host() {
    std::string base = test_server();
    base = base.substr(base.find("://") + 3);
    return base.substr(0, base.find('/'));
}

// Credentials in the address reach the server, and authSource the driver.
// FerretDB's SQLite backend has no users: it takes PLAIN without checking
// the password and reports who authenticated (connectionStatus); it refuses
// SCRAM, the driver's default, which gives an authentication error to check
// for leaks.
static void credentials_reach_the_server_and_no_message(void **) {
    const std::string secret = "pw-Zq9s3cret";
    const std::string url = "mongodb://hopt_user:" + secret + "@" + test_host() +
                            "/sec_auth?authMechanism=PLAIN&authSource=admin";
    MongoStore store(url, std::string("e"));
    assert_int_equal(store.count(trials::kAllStates), 0);
    const trials::mongo::Address a = trials::mongo::parse_address(url);
    assert_false(contains(a.display, secret));
    mongoc_client_t *client = mongoc_client_new(a.uri.c_str());
    assert_non_null(client);
    bson_t *cmd = BCON_NEW("connectionStatus", BCON_INT32(1));
    bson_t reply;
    bson_error_t error;
    const bool ok = mongoc_client_command_simple(client, "admin", cmd, nullptr, &reply, &error);
    const Json status = ok ? trials::mongo::from_bson(&reply) : Json();
    bson_destroy(&reply);
    bson_destroy(cmd);
    mongoc_client_destroy(client);
    assert_true(ok);
    const Json users = status["authInfo"]["authenticatedUsers"];
    assert_true(users.is_array() && users.size() == 1);
    assert_string_equal(users[0].value("user", "").c_str(), "hopt_user");
    // libmongoc sends PLAIN to $external whatever authSource says; the
    // option itself reaches the driver.
    assert_string_equal(users[0].value("db", "").c_str(), "$external");
    mongoc_uri_t *uri = mongoc_uri_new(a.uri.c_str());
    assert_non_null(uri);
    assert_string_equal(mongoc_uri_get_auth_source(uri), "admin");
    assert_string_equal(mongoc_uri_get_password(uri), secret.c_str());
    mongoc_uri_destroy(uri);

    // SCRAM: refused by this server; the error names the address, masked.
    try {
        MongoStore scram("mongodb://hopt_user:" + secret + "@" + test_host() + "/sec_auth", std::nullopt);
        fail_msg("SCRAM authentication unexpectedly succeeded");
    } catch (const Error &e) {
        print_message("  SCRAM refused: %s\n", e.what());
        assert_int_equal(e.code(), HOPT_ECONNECT);
        assert_false(contains(e.what(), secret));
        assert_true(contains(e.what(), "mongodb://***@"));
    }
    // A one-letter user name and password: the driver's message keeps its
    // words (it once read "No suitabl*** s***rv***rs"): every *** stands
    // where a whole word was.
    try {
        MongoStore scram("mongodb://e:s@" + test_host() + "/sec_auth", std::nullopt);
        fail_msg("SCRAM authentication unexpectedly succeeded");
    } catch (const Error &e) {
        const std::string msg = e.what();
        print_message("  SCRAM refused: %s\n", msg.c_str());
        assert_true(contains(msg, "mongodb://***@"));
        for (size_t at = msg.find("***"); at != std::string::npos; at = msg.find("***", at + 3)) {
            const bool glued = (at > 0 && std::isalnum(static_cast<unsigned char>(msg[at - 1]))) ||
                               (at + 3 < msg.size() && std::isalnum(static_cast<unsigned char>(msg[at + 3])));
            if (glued) fail_msg("a mask inside a word: %s", msg.c_str());
        }
    }
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(signed_experiment_runs),
        cmocka_unit_test(edited_experiment_is_refused),
        cmocka_unit_test(forged_experiments_are_refused),
        cmocka_unit_test(tampered_space_and_settings_are_refused),
        cmocka_unit_test(wrong_key_is_refused),
        cmocka_unit_test(allow_list_and_insecure_mode),
        cmocka_unit_test(refused_experiment_is_served_once_signed),
        cmocka_unit_test(credentials_reach_the_server_and_no_message),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}

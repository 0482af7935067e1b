// The worker's machinery without a server: child processes (worker/child),
// command objectives (worker/command), process isolation (worker/isolated)
// and the job loop's stop conditions (worker/worker) over an in-memory store.
#include <signal.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "core/clock.hpp"
#include "trials/memory_store.hpp"
#include "worker/command.hpp"
#include "worker/isolated.hpp"
#include "worker/worker.hpp"

// Last: cmocka defines a fail() macro that would clash with hopt::fail.
#include "cmocka.hpp"
#include "text_and_files.hpp"

using namespace hopt;
using worker::ChildEnd;

namespace {

// ------------------------------------------------------------- helpers --

// Limits with these fields set and the others left empty.
worker::ChildLimits limits(std::string workdir, std::optional<double> timeout = std::nullopt,
                           std::function<bool()> abandon = nullptr) {
    worker::ChildLimits l;
    l.workdir = std::move(workdir);
    l.timeout = timeout;
    l.abandon = std::move(abandon);
    return l;
}

objective::Request request(int64_t tid, double x) {
    objective::Request r;
    r.tid = tid;
    r.point = x;
    r.vals = Json{{"x", x}};
    return r;
}

// An objective from a lambda.
template <class F>
class Lambda final : public objective::Objective {
public:
    Lambda(std::string name, F f) : name_(std::move(name)), f_(std::move(f)) {}
    const std::string &name() const override { return name_; }
    objective::Outcome evaluate(const objective::Request &r) override { return f_(r); }

private:
    std::string name_;
    F f_;
};
template <class F>
std::shared_ptr<objective::Objective> lambda(std::string name, F f) {
    return std::make_shared<Lambda<F>>(std::move(name), std::move(f));
}

objective::Outcome loss_of_x(const objective::Request &r) {
    objective::Outcome o;
    o.result = objective::loss_result(r.point.get<double>());
    return o;
}

// ------------------------------------------------------ child processes --

void child_reports_how_it_ended(void **) {
    auto run_sh = [](const std::string &script, worker::ChildLimits limits = {}) {
        worker::ChildProgram p;
        p.argv = {"/bin/sh", "-c", script};
        p.input = "{\"a\": 1}\n";
        return worker::run_child(p, limits);
    };
    ChildEnd e = run_sh("cat; echo err >&2");
    assert_true(e.ok());
    assert_string_equal(e.output.c_str(), "{\"a\": 1}\n");
    assert_string_equal(e.error_tail.c_str(), "err\n");

    e = run_sh("exit 5");
    assert_int_equal(static_cast<int>(e.how), static_cast<int>(ChildEnd::How::Exited));
    assert_string_equal(e.describe().c_str(), "exited with status 5");

    e = run_sh("kill -SEGV $$");
    assert_string_equal(e.describe().c_str(), "was killed by signal 11 (SIGSEGV)");

    // The timeout kills the whole group: the background sleep too, so the
    // run ends at the timeout, not when the sleeps would.
    const Stopwatch clock;
    e = run_sh("sleep 30 & sleep 30", limits("", 0.3));
    assert_int_equal(static_cast<int>(e.how), static_cast<int>(ChildEnd::How::TimedOut));
    assert_true(clock.seconds() < 5);
    assert_contains(e.describe(), "timed out after 0.3 s");

    e = run_sh("pwd", limits("/tmp", std::nullopt));
    assert_string_equal(e.output.c_str(), "/tmp\n");
    e = run_sh("pwd", limits("/nonexistent-hopt-dir", std::nullopt));
    assert_int_equal(static_cast<int>(e.how), static_cast<int>(ChildEnd::How::SetupFailed));
    assert_contains(e.describe(), "chdir(/nonexistent-hopt-dir)");

    // A command that does not read a large input must not hurt the worker
    // (SIGPIPE) nor block it.
    worker::ChildProgram big;
    big.argv = {"/bin/sh", "-c", "exit 0"};
    big.input.assign(8 << 20, 'x');
    assert_true(worker::run_child(big, {}).ok());
}

void child_can_be_abandoned(void **) {
    worker::ChildProgram p;
    p.argv = {"/bin/sh", "-c", "sleep 30"};
    const Stopwatch clock;
    bool thrown = false;
    try {
        worker::run_child(p, limits("", std::nullopt, [&] { return clock.seconds() > 0.2; }));
    } catch (const worker::Abandoned &) {
        thrown = true;
    }
    assert_true(thrown);
    assert_true(clock.seconds() < 5);
}

// --------------------------------------------------- command objectives --

void command_output_is_parsed_as_hyperopt_would(void **) {
    using worker::parse_command_output;
    objective::Outcome o = parse_command_output("0.25\n");
    assert_false(o.raised);
    assert_true(o.result["loss"] == 0.25);
    o = parse_command_output("nan\n");
    assert_false(o.raised);
    assert_string_equal(o.result["status"].get<std::string>().c_str(), "fail");
    o = parse_command_output("{\"loss\": 1, \"status\": \"ok\", \"extra\": [1, 2]}");
    assert_false(o.raised);
    assert_true(o.result["extra"] == Json::array({1, 2}));
    o = parse_command_output("epoch 1\nepoch 2\n0.5\n");  // logs before the result
    assert_false(o.raised);
    assert_true(o.result["loss"] == 0.5);
    o = parse_command_output("");
    assert_true(o.raised);
    assert_contains(o.error_message, "printed nothing");
    o = parse_command_output("hello");
    assert_true(o.raised);
    assert_contains(o.error_message, "neither a number nor a JSON result object: 'hello'");
    o = parse_command_output("{\"status\": \"ok\"}");
    assert_true(o.raised);
    assert_contains(o.error_message, "needs a numeric \"loss\"");
    o = parse_command_output("[1]");
    assert_true(o.raised);
}

void command_objective_runs_with_the_trial(void **) {
    worker::CommandObjective c("c", "read p; echo \"{\\\"loss\\\": $p, \\\"status\\\": \\\"ok\\\", \\\"tid\\\": $HOPT_TID}\"");
    objective::Outcome o = c.evaluate(request(17, 0.5));
    assert_false(o.raised);
    assert_true(o.result["loss"] == 0.5);
    assert_true(o.result["tid"] == 17);

    worker::CommandObjective bad("bad", "echo partial; echo 'it broke' >&2; exit 2");
    o = bad.evaluate(request(1, 0));
    assert_true(o.raised);
    assert_contains(o.error_message, "command objective 'bad' exited with status 2; stderr: it broke");

    worker::CommandObjective slow("slow", "sleep 30");
    o = slow.run(request(1, 0), limits("", 0.2));
    assert_true(o.raised);
    assert_string_equal(o.error_type.c_str(), "hopt.TrialTimeout");
}

// ---------------------------------------------------- process isolation --

void isolated_objective_crashes_fail_only_the_trial(void **) {
    auto ok = lambda("ok", loss_of_x);
    objective::Outcome o = worker::evaluate_in_child(*ok, request(1, 0.75), {});
    assert_false(o.raised);
    assert_true(o.result["loss"] == 0.75);

    auto segv = lambda("segv", [](const objective::Request &) -> objective::Outcome {
        ::raise(SIGSEGV);
        return {};
    });
    o = worker::evaluate_in_child(*segv, request(1, 0), {});
    assert_true(o.raised);
    assert_contains(o.error_message, "killed by signal 11 (SIGSEGV)");

    auto quits = lambda("quits", [](const objective::Request &) -> objective::Outcome { ::_exit(0); });
    o = worker::evaluate_in_child(*quits, request(1, 0), {});
    assert_contains(o.error_message, "exited without reporting a result");

    auto hangs = lambda("hangs", [](const objective::Request &) -> objective::Outcome {
        for (;;) ::pause();
    });
    o = worker::evaluate_in_child(*hangs, request(1, 0), limits("", 0.2));
    assert_string_equal(o.error_type.c_str(), "hopt.TrialTimeout");

    auto where = lambda("where", [](const objective::Request &) {
        objective::Outcome out;
        out.result = Json{{"status", "ok"}, {"loss", 0}, {"cwd", std::filesystem::current_path().string()}};
        return out;
    });
    o = worker::evaluate_in_child(*where, request(1, 0), limits("/tmp", std::nullopt));
    assert_true(o.result["cwd"] == "/tmp");
}

// ------------------------------------------------------------ the loop --

// An in-memory experiment with `n` NEW trials (x = tid / n) for `objective`.
std::unique_ptr<trials::MemoryStore> store_with(const std::string &objective, int n) {
    auto store = std::make_unique<trials::MemoryStore>(std::nullopt);
    store->put_domain({Json{{"hp", "uniform"}, {"label", "x"}, {"low", 0}, {"high", 1}}, objective, Json::object()});
    std::vector<trials::Trial> docs;
    for (int64_t tid : store->new_tids(static_cast<size_t>(n))) {
        trials::Trial t;
        t.tid = tid;
        t.cmd = Json::array({"hopt_domain", objective});
        t.vals = {trials::TrialVal{"x", static_cast<double>(tid) / n, true, false}};
        docs.push_back(t);
    }
    store->insert(docs);
    return store;
}

int64_t count(trials::Store &s, int state) { return s.count(trials::mask_of(state)); }

void loop_stops_after_max_jobs_and_when_idle(void **) {
    auto store = store_with("f", 5);
    worker::Registry reg;
    reg.add(lambda("f", loss_of_x));
    worker::Options o;
    o.max_jobs = 3;
    o.isolation = worker::Isolation::Process;
    worker::RunSummary sum = worker::Worker(*store, reg, o).run();
    assert_int_equal(sum.jobs, 3);
    assert_int_equal(static_cast<int>(sum.reason), static_cast<int>(worker::ExitReason::MaxJobs));

    o.max_jobs = std::numeric_limits<int64_t>::max();
    o.reserve_timeout = 0.3;
    o.poll_interval = 0.05;
    sum = worker::Worker(*store, reg, o).run();
    assert_int_equal(sum.jobs, 2);
    assert_int_equal(static_cast<int>(sum.reason), static_cast<int>(worker::ExitReason::ReserveTimeout));
    assert_int_equal(count(*store, trials::kDone), 5);
}

void loop_stops_after_consecutive_failures(void **) {
    auto store = store_with("crash", 6);
    worker::Registry reg;
    reg.add(lambda("crash", [](const objective::Request &) -> objective::Outcome { std::abort(); }));
    worker::Options o;
    o.isolation = worker::Isolation::Process;
    o.max_consecutive_failures = 2;
    std::string log;
    o.log = [&](const std::string &line) { log += line + "\n"; };
    worker::RunSummary sum = worker::Worker(*store, reg, o).run();
    assert_int_equal(static_cast<int>(sum.reason), static_cast<int>(worker::ExitReason::TooManyFailures));
    assert_int_equal(sum.jobs, 2);
    assert_contains(sum.message, "2 consecutive trials failed");
    assert_contains(sum.message, "SIGABRT");
    assert_int_equal(count(*store, trials::kError), 2);
    assert_contains(log, "job exception: ");
}

void loop_honours_stop_requests_and_last_job_timeout(void **) {
    auto store = store_with("f", 3);
    worker::Registry reg;
    reg.add(lambda("f", loss_of_x));
    worker::Options o;
    o.should_stop = [] { return true; };
    worker::RunSummary sum = worker::Worker(*store, reg, o).run();
    assert_int_equal(sum.jobs, 0);
    assert_int_equal(static_cast<int>(sum.reason), static_cast<int>(worker::ExitReason::Stopped));

    // A stop request during a trial that outlasts the grace: the child is
    // killed and the job goes back to the queue.
    auto slow_store = store_with("slow", 1);
    worker::Registry slow;
    slow.add(lambda("slow", [](const objective::Request &) -> objective::Outcome {
        for (;;) ::pause();
    }));
    const Stopwatch clock;
    o.isolation = worker::Isolation::Process;
    o.stop_grace = 0.2;
    o.should_stop = [&] { return clock.seconds() > 0.2; };
    sum = worker::Worker(*slow_store, slow, o).run();
    assert_int_equal(sum.jobs, 0);
    assert_true(clock.seconds() < 5);
    assert_int_equal(count(*slow_store, trials::kNew), 1);

    o.should_stop = nullptr;
    o.last_job_timeout = 1e-9;
    sum = worker::Worker(*store, reg, o).run();
    assert_int_equal(sum.jobs, 0);
    assert_int_equal(static_cast<int>(sum.reason), static_cast<int>(worker::ExitReason::LastJobTimeout));
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(child_reports_how_it_ended),
        cmocka_unit_test(child_can_be_abandoned),
        cmocka_unit_test(command_output_is_parsed_as_hyperopt_would),
        cmocka_unit_test(command_objective_runs_with_the_trial),
        cmocka_unit_test(isolated_objective_crashes_fail_only_the_trial),
        cmocka_unit_test(loop_stops_after_max_jobs_and_when_idle),
        cmocka_unit_test(loop_stops_after_consecutive_failures),
        cmocka_unit_test(loop_honours_stop_requests_and_last_job_timeout),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}

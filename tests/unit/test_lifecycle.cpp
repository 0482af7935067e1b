// A trial's state changes (src/trials/lifecycle) write the documents hyperopt
// writes, and the in-memory store goes through them: what a queued, running,
// finished, failed or cancelled trial looks like is checked here once.
#include <cstring>

#include "core/error.hpp"
#include "trials/lifecycle.hpp"
#include "trials/memory_store.hpp"
// last: cmocka defines a macro `fail`, which hopt's headers declare as a function
#include "cmocka.hpp"

using namespace hopt;
namespace lifecycle = trials::lifecycle;

namespace {

void each_change_writes_hyperopts_document(void **) {
    trials::Trial t;
    t.tid = 7;
    lifecycle::reserve(t, Json("host:1"), 1000);
    assert_int_equal(t.state, trials::kRunning);
    assert_true(t.owner == Json("host:1"));
    assert_true(t.book_time == 1000 && t.refresh_time == 1000);
    assert_true(t.result == (Json{{"status", "running"}}));

    lifecycle::queue(t);  // released: back to NEW, nobody's
    assert_int_equal(t.state, trials::kNew);
    assert_true(t.owner.is_null());
    assert_false(t.book_time.has_value());
    assert_true(t.result == (Json{{"status", "new"}}));

    lifecycle::reserve(t, Json("host:2"), 2000);
    lifecycle::finish(t, Json{{"status", "ok"}, {"loss", 0.5}});
    assert_int_equal(t.state, trials::kDone);
    assert_true(t.result == (Json{{"status", "ok"}, {"loss", 0.5}}));
    assert_true(t.owner == Json("host:2"));  // who ran it stays on record

    trials::Trial f;
    (lifecycle::fail)(f, "hopt.ObjectiveError", "boom");  // parenthesised: cmocka has a macro `fail`
    assert_int_equal(f.state, trials::kError);
    assert_true(f.result == (Json{{"status", "fail"}}));
    assert_true(f.error == Json::array({"hopt.ObjectiveError", "boom"}));

    trials::Trial c;
    lifecycle::cancel(c, 3000);
    assert_int_equal(c.state, trials::kCancel);
    assert_true(c.result == (Json{{"status", "new"}}));  // it never ran
    assert_true(c.refresh_time == 3000);
}

void vals_are_sorted_by_label(void **) {
    std::vector<trials::TrialVal> vals{{"b", 1, true, false}, {"a", 2, true, false}, {"c", 3, false, false}};
    lifecycle::sort_vals(vals);
    assert_string_equal(vals[0].label.c_str(), "a");
    assert_string_equal(vals[1].label.c_str(), "b");
    assert_string_equal(vals[2].label.c_str(), "c");
}

void another_experiments_trial_is_refused_naming_both_keys(void **) {
    trials::Trial t;
    t.tid = 3;
    t.exp_key = "mine";
    lifecycle::check_exp_key(t, std::string("mine"));  // same key: accepted
    try {
        lifecycle::check_exp_key(t, std::nullopt);
        fail_msg("a trial of exp_key 'mine' was accepted by a store of no exp_key");
    } catch (const Error &e) {
        assert_int_equal(e.code(), HOPT_EINVAL);
        assert_non_null(std::strstr(e.what(), "trial 3 has exp_key 'mine', the store null"));
    }
}

void memory_store_goes_through_the_lifecycle(void **) {
    trials::MemoryStore store(std::nullopt);
    trials::Trial a, b;
    a.tid = 0;
    b.tid = 1;
    store.insert({a, b});
    std::optional<trials::Trial> job = store.reserve("w", {});
    assert_true(job.has_value());
    assert_true(job->result == (Json{{"status", "running"}}));
    assert_true(job->owner == Json("w"));
    assert_true(store.release(*job));
    assert_int_equal(store.cancel_new(), 2);
    for (const auto &d : store.refresh()) {
        assert_int_equal(d->state, trials::kCancel);
        assert_true(d->owner.is_null());
        assert_true(d->result == (Json{{"status", "new"}}));
        assert_true(d->refresh_time.has_value());
    }
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_change_writes_hyperopts_document),
        cmocka_unit_test(vals_are_sorted_by_label),
        cmocka_unit_test(another_experiments_trial_is_refused_naming_both_keys),
        cmocka_unit_test(memory_store_goes_through_the_lifecycle),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}

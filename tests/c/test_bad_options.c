/* Option values no search can use (negative, NaN, infinite, out of range,
 * malformed JSON) are refused by the setter that receives them, with
 * HOPT_EINVAL or HOPT_EJSON naming the option; a huge max_evals is a search
 * bounded by something else, not an overflow. What test_fmin.c and
 * test_worker.c already check is not repeated here. */
#include <limits.h>
#include <math.h>
#include <stdint.h>

#include "helpers.h"

static const char *X_UNIFORM = "{\"hp\": \"uniform\", \"label\": \"x\", \"low\": -5, \"high\": 5}";

static double x_squared(const hopt_point *p) {
    double x = NAN;
    hopt_point_get_double(p, "", &x);
    return x * x;
}

static void fmin_option_values(void **state) {
    (void)state;
    hopt_fmin_options *opts = quiet_options(1);
    assert_hopt_fails(hopt_fmin_options_set_loss_threshold(opts, INFINITY), HOPT_EINVAL, "loss_threshold");
    assert_hopt_fails(hopt_fmin_options_set_loss_threshold(opts, -INFINITY), HOPT_EINVAL, "loss_threshold");
    assert_hopt_fails(hopt_fmin_options_set_threads(opts, -1), HOPT_EINVAL, "threads");
    assert_hopt_fails(hopt_fmin_options_set_threads(opts, INT_MIN), HOPT_EINVAL, "threads");
    assert_hopt_fails(hopt_fmin_options_set_max_queue_len(opts, -5), HOPT_EINVAL, "max_queue_len");
    assert_hopt_fails(hopt_fmin_options_set_max_queue_len(opts, INT_MIN), HOPT_EINVAL, "max_queue_len");
    const double bad_seconds[] = {-1, -INFINITY, INFINITY, NAN, 1e9};
    for (size_t i = 0; i < sizeof bad_seconds / sizeof *bad_seconds; ++i) {
        double v = bad_seconds[i];
        assert_hopt_fails(hopt_fmin_options_set_poll_interval(opts, v), HOPT_EINVAL, "poll_interval");
        if (v != 1e9) assert_hopt_fails(hopt_fmin_options_set_recovery(opts, v, 3), HOPT_EINVAL, "heartbeat_timeout");
    }
    assert_hopt_fails(hopt_fmin_options_set_recovery(opts, 0, 3), HOPT_EINVAL, "heartbeat_timeout");
    assert_hopt_fails(hopt_fmin_options_set_recovery(opts, 30, 0), HOPT_EINVAL, "max_attempts");
    assert_hopt_fails(hopt_fmin_options_set_recovery(opts, 30, INT_MIN), HOPT_EINVAL, "max_attempts");
    assert_hopt_fails(hopt_fmin_options_set_no_progress_loss(opts, -1, 0), HOPT_EINVAL, "iteration_stop_count");
    assert_hopt_fails(hopt_fmin_options_set_no_progress_loss(opts, 3, -1), HOPT_EINVAL, "percent_increase");
    assert_hopt_fails(hopt_fmin_options_set_no_progress_loss(opts, 3, INFINITY), HOPT_EINVAL, "percent_increase");
    /* points_to_evaluate: JSON, an array, of objects, of finite numbers. */
    const char *bad_points[] = {"", "{}", "[1]", "[[0.5]]", "[{\"x\": NaN}]", "[{\"x\": 1e999}]", "[{\"x\": 1}",
                                "\"[]\"", "[{\"x\": 0.5}] trailing"};
    for (size_t i = 0; i < sizeof bad_points / sizeof *bad_points; ++i) {
        int rc = hopt_fmin_options_set_points_to_evaluate(opts, bad_points[i]);
        if (rc != HOPT_EJSON) fail_msg("points_to_evaluate %s: %s %s", bad_points[i], hopt_status_name(rc), hopt_errmsg());
    }
    /* A refused value leaves the options as they were: fmin still runs. */
    hopt_space *space = space_from(X_UNIFORM);
    hopt_objective *fn = objective_from(x_squared);
    hopt_trials *trials = NULL;
    assert_hopt_ok(hopt_trials_new(NULL, &trials));
    assert_hopt_ok(hopt_fmin(fn, space, NULL, 3, trials, opts, NULL));
    assert_hopt_fails(hopt_fmin(fn, space, NULL, -1, trials, opts, NULL), HOPT_EINVAL, "max_evals");
    assert_hopt_fails(hopt_fmin(fn, space, NULL, INT64_MIN, trials, opts, NULL), HOPT_EINVAL, "max_evals");
    hopt_trials_free(trials);
    hopt_objective_free(fn);
    hopt_space_free(space);
    hopt_fmin_options_free(opts);
}

/* max_evals = INT64_MAX, with points on top of it: a search that ends by
 * its loss threshold (the progress total saturates instead of overflowing,
 * which UBSan would report). */
static void huge_max_evals(void **state) {
    (void)state;
    hopt_fmin_options *opts = quiet_options(2);
    assert_hopt_ok(hopt_fmin_options_set_points_to_evaluate(opts, "[{\"x\": 4}, {\"x\": 3}]"));
    assert_hopt_ok(hopt_fmin_options_set_loss_threshold(opts, 0.01));
    hopt_space *space = space_from(X_UNIFORM);
    hopt_objective *fn = objective_from(x_squared);
    hopt_trials *trials = NULL;
    assert_hopt_ok(hopt_trials_new(NULL, &trials));
    char *best = NULL;
    assert_hopt_ok(hopt_fmin(fn, space, NULL, INT64_MAX, trials, opts, &best));
    assert_true(fabs(json_number(best, "x")) < 0.1);
    int64_t n = -1;
    assert_hopt_ok(hopt_trials_count(trials, -1, &n));
    assert_true(n >= 3 && n < 100000);
    hopt_free(best);
    hopt_trials_free(trials);
    hopt_objective_free(fn);
    hopt_space_free(space);
    hopt_fmin_options_free(opts);
}

static void worker_option_values(void **state) {
    (void)state;
    hopt_worker_options *o = NULL;
    assert_hopt_ok(hopt_worker_options_new(&o));
    assert_hopt_fails(hopt_worker_options_set_max_jobs(o, INT64_MIN), HOPT_EINVAL, "max_jobs");
    assert_hopt_fails(hopt_worker_options_set_max_consecutive_failures(o, -1), HOPT_EINVAL, "max_consecutive_failures");
    assert_hopt_fails(hopt_worker_options_set_max_consecutive_failures(o, INT_MIN), HOPT_EINVAL,
                      "max_consecutive_failures");
    assert_hopt_fails(hopt_worker_options_set_heartbeat(o, 2, 30, -1), HOPT_EINVAL, "max_attempts");
    assert_hopt_fails(hopt_worker_options_set_heartbeat(o, NAN, NAN, 3), HOPT_EINVAL, "heartbeat");
    assert_hopt_fails(hopt_worker_options_set_isolation(o, (hopt_isolation)-1), HOPT_EINVAL, "isolation");
    const double bad_seconds[] = {-INFINITY, -1e300, NAN};
    for (size_t i = 0; i < sizeof bad_seconds / sizeof *bad_seconds; ++i) {
        assert_hopt_fails(hopt_worker_options_set_reserve_timeout(o, bad_seconds[i]), HOPT_EINVAL, "reserve_timeout");
        assert_hopt_fails(hopt_worker_options_set_last_job_timeout(o, bad_seconds[i]), HOPT_EINVAL, "last_job_timeout");
        assert_hopt_fails(hopt_worker_options_set_trial_timeout(o, bad_seconds[i]), HOPT_EINVAL, "trial_timeout");
        assert_hopt_fails(hopt_worker_options_set_poll_interval(o, bad_seconds[i]), HOPT_EINVAL, "poll_interval");
    }
    /* Huge but meaningful values are taken. */
    assert_hopt_ok(hopt_worker_options_set_max_jobs(o, INT64_MAX));
    assert_hopt_ok(hopt_worker_options_set_max_consecutive_failures(o, INT_MAX));
    hopt_worker_options_free(o);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fmin_option_values),
        cmocka_unit_test(huge_max_evals),
        cmocka_unit_test(worker_option_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

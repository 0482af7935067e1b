/* A call that fails clears every out-parameter (docs/api.md): NULL for
 * handles and strings, 0 for numbers, -1 for hopt_ask's tid. Each is
 * filled with a stale value first, so a call that forgets one is caught. */
#include <stdint.h>

#include "helpers.h"

static const char *X_UNIFORM = "{\"hp\": \"uniform\", \"label\": \"x\", \"low\": -5, \"high\": 5}";

/* Not a real allocation: the test only checks that it is overwritten. */
static char stale_text[] = "stale";
#define STALE ((void *)stale_text)

static void space_calls(void **state) {
    (void)state;
    hopt_space *space = space_from(X_UNIFORM);
    hopt_space *parsed = STALE;
    assert_hopt_fails(hopt_space_from_json("{not json", &parsed), HOPT_EJSON, "");
    assert_null(parsed);
    char *text = STALE;
    assert_hopt_fails(hopt_space_to_json(NULL, &text), HOPT_EINVAL, "space");
    assert_null(text);
    text = STALE;
    assert_hopt_fails(hopt_space_labels(NULL, &text), HOPT_EINVAL, "space");
    assert_null(text);
    char *vals = STALE, *point = STALE;
    assert_hopt_fails(hopt_space_sample(NULL, 1, &vals, &point), HOPT_EINVAL, "space");
    assert_null(vals);
    assert_null(point);
    point = STALE;
    assert_hopt_fails(hopt_space_eval(space, "{not json", &point), HOPT_EJSON, "");
    assert_null(point);
    hopt_space_free(space);
}

static void trials_calls(void **state) {
    (void)state;
    hopt_trials *trials = NULL;
    assert_hopt_ok(hopt_trials_new(NULL, &trials));
    int64_t count = 42;
    assert_hopt_fails(hopt_trials_count(trials, 99, &count), HOPT_EINVAL, "state");
    assert_int_equal(count, 0);
    double *losses = STALE;
    size_t n = 42;
    assert_hopt_fails(hopt_trials_losses(NULL, &losses, &n), HOPT_EINVAL, "trials");
    assert_null(losses);
    assert_int_equal(n, 0);
    char *text = STALE;
    assert_hopt_fails(hopt_trials_statuses(NULL, &text), HOPT_EINVAL, "trials");
    assert_null(text);
    text = STALE;
    assert_hopt_fails(hopt_trials_best_trial(trials, &text), HOPT_EALLFAILED, "no trial");
    assert_null(text);
    text = STALE;
    assert_hopt_fails(hopt_trials_argmin(NULL, &text), HOPT_EINVAL, "trials");
    assert_null(text);
    text = STALE;
    assert_hopt_fails(hopt_trials_export(NULL, &text), HOPT_EINVAL, "trials");
    assert_null(text);
    text = STALE;
    assert_hopt_fails(hopt_trials_get(trials, 99, &text), HOPT_ENOTFOUND, "99");
    assert_null(text);
    hopt_trials *opened = STALE;
    assert_hopt_fails(hopt_trials_mongo_open("http://localhost/db", NULL, &opened), HOPT_EINVAL, "");
    assert_null(opened);
    hopt_trials_free(trials);
}

static void ask_and_fmin_calls(void **state) {
    (void)state;
    int64_t tid = 42;
    char *vals = STALE, *point = STALE;
    assert_hopt_fails(hopt_ask(NULL, &tid, &vals, &point), HOPT_EINVAL, "optimizer");
    assert_int_equal(tid, -1);
    assert_null(vals);
    assert_null(point);
    hopt_optimizer *opt = STALE;
    assert_hopt_fails(hopt_optimizer_new(NULL, NULL, NULL, 1, &opt), HOPT_EINVAL, "space");
    assert_null(opt);
    char *best = STALE;
    hopt_space *space = space_from(X_UNIFORM);
    assert_hopt_fails(hopt_fmin(NULL, space, NULL, 1, NULL, NULL, &best), HOPT_EINVAL, "objective");
    assert_null(best);
    hopt_space_free(space);
    hopt_algo *algo = STALE;
    assert_hopt_fails(hopt_algo_new("no-such-algorithm", &algo), HOPT_ENOTFOUND, "no-such-algorithm");
    assert_null(algo);
    assert_hopt_ok(hopt_algo_new("tpe", &algo));
    double value = 42;
    assert_hopt_fails(hopt_algo_get(algo, "no_such_param", &value), HOPT_ENOTFOUND, "no_such_param");
    assert_true(value == 0);
    const char *param_name = STALE;
    double dflt = 42, current = 42, lo = 42, hi = 42;
    int integer = 42;
    assert_hopt_fails(hopt_algo_param_info(algo, 1000, &param_name, &dflt, &current, &lo, &hi, &integer),
                      HOPT_EINVAL, "out of range");
    assert_null(param_name);
    assert_true(dflt == 0 && current == 0 && lo == 0 && hi == 0 && integer == 0);
    size_t n_params = 42;
    assert_hopt_fails(hopt_algo_param_count(NULL, &n_params), HOPT_EINVAL, "algo");
    assert_true(n_params == 0);
    hopt_algo_free(algo);
    hopt_objective *objective = STALE;
    assert_hopt_fails(hopt_objective_new("f", NULL, NULL, NULL, &objective), HOPT_EINVAL, "fn");
    assert_null(objective);
}

static void point_and_worker_calls(void **state) {
    (void)state;
    double d = 42;
    assert_hopt_fails(hopt_point_get_double(NULL, "", &d), HOPT_EINVAL, "point");
    assert_true(d == 0);
    int64_t i = 42;
    assert_hopt_fails(hopt_point_get_int(NULL, "", &i), HOPT_EINVAL, "point");
    assert_int_equal(i, 0);
    const char *s = STALE;
    assert_hopt_fails(hopt_point_get_string(NULL, "", &s), HOPT_EINVAL, "point");
    assert_null(s);
    char *names = STALE;
    assert_hopt_fails(hopt_registry_names(NULL, &names), HOPT_EINVAL, "registry");
    assert_null(names);
    int64_t jobs = 42;
    assert_hopt_fails(hopt_worker_run(NULL, NULL, NULL, &jobs), HOPT_EINVAL, "must not be NULL");
    assert_int_equal(jobs, 0);
}

/* `*require(out) = new T` ran the new before the check: hopt_fmin_options_new(NULL)
 * leaked (LeakSanitizer reports it in the sanitizer build). */
static void constructors_refuse_null_out_without_leaking(void **state) {
    (void)state;
    assert_hopt_fails(hopt_fmin_options_new(NULL), HOPT_EINVAL, "out");
    assert_hopt_fails(hopt_worker_options_new(NULL), HOPT_EINVAL, "out");
    assert_hopt_fails(hopt_registry_new(NULL), HOPT_EINVAL, "out");
    assert_hopt_fails(hopt_trials_new(NULL, NULL), HOPT_EINVAL, "out");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(space_calls),
        cmocka_unit_test(trials_calls),
        cmocka_unit_test(ask_and_fmin_calls),
        cmocka_unit_test(point_and_worker_calls),
        cmocka_unit_test(constructors_refuse_null_out_without_leaking),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

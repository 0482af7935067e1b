/* fmin through the C API: each option with hyperopt's meaning. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"

static const char *X_UNIFORM = "{\"hp\": \"uniform\", \"label\": \"x\", \"low\": -5, \"high\": 5}";

static double get(const hopt_point *p, const char *path) {
    double v = NAN;
    hopt_point_get_double(p, path, &v);
    return v;
}

static double quadratic(const hopt_point *p) { return pow(get(p, "") - 3, 2); }

static int64_t count(hopt_trials *t, int state) {
    int64_t n = -1;
    assert_hopt_ok(hopt_trials_count(t, state, &n));
    return n;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* hyperopt's test_quadratic1: rand 500, tpe 50, anneal 30 -> |x - 3| < 0.25; mtpe does it in 30 */
static void quadratic_each_algo(void **state) {
    (void)state;
    const struct {
        const char *algo;
        int evals;
    } cases[] = {{"rand", 500}, {"tpe", 50}, {"anneal", 30}, {"mtpe", 30}};
    hopt_space *space = space_from(X_UNIFORM);
    hopt_objective *fn = objective_from(quadratic);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; ++i) {
        for (uint64_t seed = 1; seed <= 3; ++seed) {
            hopt_algo *algo;
            hopt_trials *trials;
            hopt_fmin_options *opts = quiet_options(seed);
            char *best;
            assert_hopt_ok(hopt_algo_new(cases[i].algo, &algo));
            assert_hopt_ok(hopt_trials_new(NULL, &trials));
            assert_hopt_ok(hopt_fmin(fn, space, algo, cases[i].evals, trials, opts, &best));
            const double x = json_number(best, "x");
            if (fabs(x - 3) >= 0.25) fail_msg("%s seed %d: argmin x = %g", cases[i].algo, (int)seed, x);
            assert_int_equal(count(trials, -1), cases[i].evals);
            assert_int_equal(count(trials, HOPT_STATE_DONE), cases[i].evals);
            hopt_free(best);
            hopt_fmin_options_free(opts);
            hopt_trials_free(trials);
            hopt_algo_free(algo);
        }
    }
    hopt_objective_free(fn);
    hopt_space_free(space);
}

static int calls;
static double counting(const hopt_point *p) {
    __atomic_add_fetch(&calls, 1, __ATOMIC_SEQ_CST);
    return quadratic(p);
}

/* max_evals counts the trials already present: a second call with the same
 * value evaluates nothing, a larger one extends the search. */
static void max_evals_is_a_total(void **state) {
    (void)state;
    hopt_space *space = space_from(X_UNIFORM);
    hopt_objective *fn = objective_from(counting);
    hopt_trials *trials;
    hopt_fmin_options *opts = quiet_options(5);
    assert_hopt_ok(hopt_trials_new(NULL, &trials));
    calls = 0;
    assert_hopt_ok(hopt_fmin(fn, space, NULL, 10, trials, opts, NULL));
    assert_int_equal(calls, 10);
    assert_hopt_ok(hopt_fmin(fn, space, NULL, 10, trials, opts, NULL));
    assert_int_equal(calls, 10);
    assert_hopt_ok(hopt_fmin(fn, space, NULL, 25, trials, opts, NULL));
    assert_int_equal(calls, 25);
    assert_int_equal(count(trials, -1), 25);
    /* tids are 0..24, each once */
    double *losses;
    size_t n;
    assert_hopt_ok(hopt_trials_losses(trials, &losses, &n));
    assert_int_equal(n, 25);
    hopt_free(losses);
    for (int64_t tid = 0; tid < 25; ++tid) {
        char *doc;
        assert_hopt_ok(hopt_trials_get(trials, tid, &doc));
        hopt_free(doc);
    }
    /* max_evals 0 on an empty store: nothing to return */
    hopt_trials *empty;
    assert_hopt_ok(hopt_trials_new(NULL, &empty));
    assert_hopt_fails(hopt_fmin(fn, space, NULL, 0, empty, opts, NULL), HOPT_EEMPTY, "no evaluation");
    assert_hopt_fails(hopt_fmin(fn, space, NULL, -1, empty, opts, NULL), HOPT_EINVAL, "max_evals");
    hopt_trials_free(empty);
    hopt_fmin_options_free(opts);
    hopt_trials_free(trials);
    hopt_objective_free(fn);
    hopt_space_free(space);
}

static double slow(const hopt_point *p) {
    usleep(100 * 1000);
    return quadratic(p);
}

/* timeout stops suggesting; the running evaluation is not interrupted. */
static void timeout_stops_the_search(void **state) {
    (void)state;
    hopt_space *space = space_from(X_UNIFORM);
    hopt_objective *fn = objective_from(slow);
    hopt_trials *trials;
    hopt_fmin_options *opts = quiet_options(1);
    assert_hopt_ok(hopt_trials_new(NULL, &trials));
    assert_hopt_ok(hopt_fmin_options_set_timeout(opts, 0.5));
    const double t0 = now_s();
    assert_hopt_ok(hopt_fmin(fn, space, NULL, 1000, trials, opts, NULL));
    const double took = now_s() - t0;
    if (took < 0.45 || took > 1.2) fail_msg("fmin with timeout 0.5 s took %.3f s", took);
    assert_in_range(count(trials, HOPT_STATE_DONE), 4, 7);
    hopt_fmin_options_free(opts);
    hopt_trials_free(trials);
    hopt_objective_free(fn);
    hopt_space_free(space);
}

/* Parallel threads: the timeout also cancels queued trials. */
static void timeout_with_threads_cancels_the_queue(void **state) {
    (void)state;
    hopt_space *space = space_from(X_UNIFORM);
    hopt_objective *fn = objective_from(slow);
    hopt_trials *trials;
    hopt_fmin_options *opts = quiet_options(1);
    assert_hopt_ok(hopt_trials_new(NULL, &trials));
    assert_hopt_ok(hopt_fmin_options_set_timeout(opts, 0.5));
    assert_hopt_ok(hopt_fmin_options_set_threads(opts, 4));
    assert_hopt_ok(hopt_fmin_options_set_max_queue_len(opts, 8));
    const double t0 = now_s();
    assert_hopt_ok(hopt_fmin(fn, space, NULL, 1000, trials, opts, NULL));
    const double took = now_s() - t0;
    if (took < 0.45 || took > 1.2) fail_msg("fmin with timeout 0.5 s took %.3f s", took);
    assert_int_equal(count(trials, HOPT_STATE_NEW), 0);
    assert_int_equal(count(trials, HOPT_STATE_RUNNING), 0);
    assert_true(count(trials, HOPT_STATE_DONE) >= 16);
    hopt_fmin_options_free(opts);
    hopt_trials_free(trials);
    hopt_objective_free(fn);
    hopt_space_free(space);
}

static double square(const hopt_point *p) { return pow(get(p, ""), 2); }

/* hyperopt: x^2 on uniform(-10, 10), rand, loss_threshold 0.001 */
static void loss_threshold_stops_early(void **state) {
    (void)state;
    hopt_space *space = space_from("{\"hp\": \"uniform\", \"label\": \"x\", \"low\": -10, \"high\": 10}");
    hopt_objective *fn = objective_from(square);
    hopt_algo *rand;
    hopt_trials *trials;
    hopt_fmin_options *opts = quiet_options(0);
    assert_hopt_ok(hopt_algo_new("rand", &rand));
    assert_hopt_ok(hopt_trials_new(NULL, &trials));
    assert_hopt_ok(hopt_fmin_options_set_loss_threshold(opts, 0.001));
    char *best;
    assert_hopt_ok(hopt_fmin(fn, space, rand, 100000, trials, opts, &best));
    const double x = json_number(best, "x");
    assert_true(x * x <= 0.001);
    assert_true(count(trials, -1) < 100000);
    hopt_free(best);
    hopt_fmin_options_free(opts);
    hopt_trials_free(trials);
    hopt_algo_free(rand);
    hopt_objective_free(fn);
    hopt_space_free(space);
}

struct stop_after {
    int64_t limit;
    int calls;
    int freed;
};

static int stop_after_n(const hopt_trials *trials, int *stop, void *user) {
    struct stop_after *s = user;
    int64_t n;
    hopt_trials_count(trials, HOPT_STATE_DONE, &n);
    s->calls++;
    *stop = n >= s->limit;
    return 0;
}

static void mark_freed(void *user) { ((struct stop_after *)user)->freed++; }

static void early_stop_callback(void **state) {
    (void)state;
    hopt_space *space = space_from(X_UNIFORM);
    hopt_objective *fn = objective_from(quadratic);
    hopt_trials *trials;
    hopt_fmin_options *opts = quiet_options(3);
    struct stop_after s = {7, 0, 0};
    assert_hopt_ok(hopt_trials_new(NULL, &trials));
    assert_hopt_ok(hopt_fmin_options_set_early_stop(opts, stop_after_n, &s, mark_freed));
    assert_hopt_ok(hopt_fmin(fn, space, NULL, 500, trials, opts, NULL));
    assert_int_equal(count(trials, -1), 7);
    assert_int_equal(s.calls, 7);
    assert_int_equal(s.freed, 0);
    hopt_fmin_options_free(opts);
    assert_int_equal(s.freed, 1); /* user_free ran once, when the options died */
    hopt_trials_free(trials);
    hopt_objective_free(fn);
    hopt_space_free(space);
}

static int abort_search(const hopt_trials *trials, int *stop, void *user) {
    (void)trials;
    (void)user;
    *stop = 0;
    return 42;
}

static void early_stop_callback_can_abort(void **state) {
    (void)state;
    hopt_space *space = space_from(X_UNIFORM);
    hopt_objective *fn = objective_from(quadratic);
    hopt_fmin_options *opts = quiet_options(3);
    struct stop_after s = {0, 0, 0};
    assert_hopt_ok(hopt_fmin_options_set_early_stop(opts, abort_search, &s, mark_freed));
    assert_hopt_fails(hopt_fmin(fn, space, NULL, 50, NULL, opts, NULL), HOPT_ECANCELLED, "42");
    /* replacing the callback releases the old user data */
    assert_hopt_ok(hopt_fmin_options_set_no_progress_loss(opts, 5, 0));
    assert_int_equal(s.freed, 1);
    hopt_fmin_options_free(opts);
    assert_int_equal(s.freed, 1);
    hopt_objective_free(fn);
    hopt_space_free(space);
}

static double identity(const hopt_point *p) { return get(p, ""); }

/* hyperopt's test: one point at x = -100 is never beaten, so
 * no_progress_loss(10) stops after exactly 10 trials. */
static void no_progress_loss_stops_after_n(void **state) {
    (void)state;
    hopt_space *space = space_from(X_UNIFORM);
    hopt_objective *fn = objective_from(identity);
    hopt_trials *trials;
    hopt_fmin_options *opts = quiet_options(11);
    assert_hopt_ok(hopt_trials_new(NULL, &trials));
    assert_hopt_ok(hopt_fmin_options_set_points_to_evaluate(opts, "[{\"x\": -100}]"));
    assert_hopt_ok(hopt_fmin_options_set_no_progress_loss(opts, 10, 0.0));
    char *best;
    assert_hopt_ok(hopt_fmin(fn, space, NULL, 500, trials, opts, &best));
    assert_int_equal(count(trials, -1), 10);
    assert_float_equal(json_number(best, "x"), -100.0, 0);
    hopt_free(best);
    hopt_fmin_options_free(opts);
    hopt_trials_free(trials);
    hopt_objective_free(fn);
    hopt_space_free(space);
}

static double sum_of_squares(const hopt_point *p) { return pow(get(p, "x"), 2) + pow(get(p, "y"), 2); }

/* hyperopt: points_to_evaluate [{x:0,y:0},{x:1,y:1}], x^2+y^2, tpe, 10 evals
 * -> best (0, 0); the points come on top of max_evals. */
static void points_to_evaluate_first(void **state) {
    (void)state;
    hopt_space *space = space_from("{\"x\": {\"hp\": \"uniform\", \"label\": \"x\", \"low\": -10, \"high\": 10},"
                                   " \"y\": {\"hp\": \"uniform\", \"label\": \"y\", \"low\": -10, \"high\": 10}}");
    hopt_objective *fn = objective_from(sum_of_squares);
    hopt_trials *trials;
    hopt_fmin_options *opts = quiet_options(4);
    assert_hopt_ok(hopt_trials_new(NULL, &trials));
    assert_hopt_ok(hopt_fmin_options_set_points_to_evaluate(opts, "[{\"x\": 0, \"y\": 0}, {\"x\": 1, \"y\": 1}]"));
    char *best;
    assert_hopt_ok(hopt_fmin(fn, space, NULL, 10, trials, opts, &best));
    assert_string_equal(best, "{\"x\":0.0,\"y\":0.0}");
    assert_int_equal(count(trials, -1), 12);
    char *first;
    assert_hopt_ok(hopt_trials_get(trials, 1, &first));
    assert_non_null(strstr(first, "\"vals\":{\"x\":[1.0],\"y\":[1.0]}"));
    hopt_free(first);
    hopt_free(best);
    /* points are only added to an empty store, and must fit the space */
    assert_hopt_ok(hopt_fmin_options_set_points_to_evaluate(opts, "[{\"z\": 1}]"));
    assert_hopt_ok(hopt_fmin(fn, space, NULL, 12, trials, opts, NULL));
    assert_hopt_fails(hopt_fmin(fn, space, NULL, 10, NULL, opts, NULL), HOPT_EINVAL, "'z'");
    assert_hopt_ok(hopt_fmin_options_set_points_to_evaluate(opts, "[{\"x\": 1}]"));
    assert_hopt_fails(hopt_fmin(fn, space, NULL, 10, NULL, opts, NULL), HOPT_EINVAL, "'y'");
    assert_hopt_fails(hopt_fmin_options_set_points_to_evaluate(opts, "{\"x\": 1}"), HOPT_EJSON, "array");
    assert_hopt_fails(hopt_fmin_options_set_points_to_evaluate(opts, "[1, 2]"), HOPT_EJSON, "object");
    hopt_fmin_options_free(opts);
    hopt_trials_free(trials);
    hopt_objective_free(fn);
    hopt_space_free(space);
}

/* Conditional spaces: a point lists the labels its choices make active. */
static void points_to_evaluate_conditional(void **state) {
    (void)state;
    hopt_space *space = space_from(
        "{\"hp\": \"choice\", \"label\": \"a\", \"options\": ["
        " {\"hp\": \"uniform\", \"label\": \"b\", \"low\": 0, \"high\": 1},"
        " {\"hp\": \"uniform\", \"label\": \"c\", \"low\": 5, \"high\": 6}]}");
    hopt_objective *fn = objective_from(identity);
    hopt_fmin_options *opts = quiet_options(4);
    hopt_trials *trials;
    assert_hopt_ok(hopt_trials_new(NULL, &trials));
    /* inactive labels given anyway are dropped, not stored */
    assert_hopt_ok(hopt_fmin_options_set_points_to_evaluate(opts, "[{\"a\": 1, \"c\": 5.5, \"b\": 0.3}]"));
    assert_hopt_ok(hopt_fmin(fn, space, NULL, 3, trials, opts, NULL));
    char *doc;
    assert_hopt_ok(hopt_trials_get(trials, 0, &doc));
    assert_non_null(strstr(doc, "\"vals\":{\"a\":[1],\"b\":[],\"c\":[5.5]}"));
    hopt_free(doc);
    hopt_trials_free(trials);
    assert_hopt_ok(hopt_fmin_options_set_points_to_evaluate(opts, "[{\"a\": 2}]"));
    assert_hopt_fails(hopt_fmin(fn, space, NULL, 3, NULL, opts, NULL), HOPT_EINVAL, "option indices");
    hopt_fmin_options_free(opts);
    hopt_objective_free(fn);
    hopt_space_free(space);
}

static double identity_x_c(const hopt_point *p) {
    double c = 0;
    hopt_point_get_double(p, "c", &c);
    return get(p, "x") + c;
}

/* Losses of a 40-trial run, which the seed alone decides. */
static char *run_export(const char *algo_name, uint64_t seed, int threads) {
    hopt_space *space = space_from(
        "{\"x\": {\"hp\": \"uniform\", \"label\": \"x\", \"low\": -5, \"high\": 5},"
        " \"c\": {\"hp\": \"choice\", \"label\": \"c\", \"options\": [1, {\"hp\": \"normal\", \"label\": \"n\", \"mu\": 0, \"sigma\": 1}]}}");
    hopt_objective *fn = objective_from(identity_x_c);
    hopt_algo *algo;
    hopt_trials *trials;
    hopt_fmin_options *opts = quiet_options(seed);
    assert_hopt_ok(hopt_algo_new(algo_name, &algo));
    assert_hopt_ok(hopt_trials_new(NULL, &trials));
    assert_hopt_ok(hopt_fmin_options_set_threads(opts, threads));
    assert_hopt_ok(hopt_fmin(fn, space, algo, 40, trials, opts, NULL));
    double *losses;
    size_t n;
    assert_hopt_ok(hopt_trials_losses(trials, &losses, &n));
    char *out = malloc(n * 32 + 1);
    out[0] = 0;
    for (size_t i = 0; i < n; ++i) sprintf(out + strlen(out), "%.17g,", losses[i]);
    hopt_free(losses);
    hopt_fmin_options_free(opts);
    hopt_trials_free(trials);
    hopt_algo_free(algo);
    hopt_objective_free(fn);
    hopt_space_free(space);
    return out;
}

static void seeds_reproduce(void **state) {
    (void)state;
    const char *algos[] = {"rand", "tpe", "anneal"};
    for (size_t i = 0; i < 3; ++i) {
        char *a = run_export(algos[i], 123, 1), *b = run_export(algos[i], 123, 1), *c = run_export(algos[i], 124, 1);
        assert_string_equal(a, b);
        assert_string_not_equal(a, c);
        free(a);
        free(b);
        free(c);
    }
}

/* $HOPT_FMIN_SEED seeds runs that set no seed, like $HYPEROPT_FMIN_SEED. */
static void seed_from_environment(void **state) {
    (void)state;
    hopt_space *space = space_from(X_UNIFORM);
    hopt_objective *fn = objective_from(quadratic);
    hopt_fmin_options *opts;
    char *a, *b;
    assert_hopt_ok(hopt_fmin_options_new(&opts));
    assert_hopt_ok(hopt_fmin_options_set_show_progress(opts, 0));
    setenv("HOPT_FMIN_SEED", "77", 1);
    assert_hopt_ok(hopt_fmin(fn, space, NULL, 25, NULL, opts, &a));
    assert_hopt_ok(hopt_fmin(fn, space, NULL, 25, NULL, opts, &b));
    assert_string_equal(a, b);
    setenv("HOPT_FMIN_SEED", "not a number", 1);
    assert_hopt_fails(hopt_fmin(fn, space, NULL, 25, NULL, opts, NULL), HOPT_EINVAL, "HOPT_FMIN_SEED");
    unsetenv("HOPT_FMIN_SEED");
    hopt_free(a);
    hopt_free(b);
    hopt_fmin_options_free(opts);
    hopt_objective_free(fn);
    hopt_space_free(space);
}

/* hyperopt: choice('x', [100, 5, 10]), identity, rand 10 evals:
 * argmin is the index 1, return_argmin=False gives the value 5. */
static void return_argmin_or_point(void **state) {
    (void)state;
    hopt_space *space = space_from("{\"hp\": \"choice\", \"label\": \"x\", \"options\": [100, 5, 10]}");
    hopt_objective *fn = objective_from(identity);
    hopt_algo *rand;
    hopt_fmin_options *opts = quiet_options(0);
    char *best;
    assert_hopt_ok(hopt_algo_new("rand", &rand));
    assert_hopt_ok(hopt_fmin(fn, space, rand, 10, NULL, opts, &best));
    assert_string_equal(best, "{\"x\":1}");
    hopt_free(best);
    assert_hopt_ok(hopt_fmin_options_set_return_argmin(opts, 0));
    assert_hopt_ok(hopt_fmin(fn, space, rand, 10, NULL, opts, &best));
    assert_string_equal(best, "5");
    hopt_free(best);
    hopt_fmin_options_free(opts);
    hopt_algo_free(rand);
    hopt_objective_free(fn);
    hopt_space_free(space);
}

struct raising {
    int calls;
};

static int always_raises(const hopt_point *point, hopt_result *result, void *user) {
    (void)point;
    ((struct raising *)user)->calls++;
    hopt_result_set_error(result, "disk on fire");
    return 1;
}

/* hyperopt: an always-raising objective. Without catch_eval_exceptions the
 * first failure ends fmin; with it, every trial is an ERROR and there is
 * nothing to return. */
static void objective_exceptions(void **state) {
    (void)state;
    hopt_space *space = space_from(X_UNIFORM);
    struct raising r = {0};
    hopt_objective *fn;
    hopt_trials *trials;
    hopt_fmin_options *opts = quiet_options(1);
    assert_hopt_ok(hopt_objective_new("raiser", always_raises, &r, NULL, &fn));
    assert_hopt_ok(hopt_trials_new(NULL, &trials));
    assert_hopt_fails(hopt_fmin(fn, space, NULL, 2, trials, opts, NULL), HOPT_EOBJECTIVE, "disk on fire");
    assert_int_equal(r.calls, 1);
    assert_int_equal(count(trials, HOPT_STATE_ERROR), 1);
    char *doc;
    assert_hopt_ok(hopt_trials_get(trials, 0, &doc));
    assert_non_null(strstr(doc, "\"error\":[\"hopt.ObjectiveError\",\"disk on fire\"]"));
    assert_non_null(strstr(doc, "\"state\":3"));
    hopt_free(doc);
    hopt_trials_free(trials);

    assert_hopt_ok(hopt_trials_new(NULL, &trials));
    assert_hopt_ok(hopt_fmin_options_set_catch_eval_exceptions(opts, 1));
    r.calls = 0;
    assert_hopt_fails(hopt_fmin(fn, space, NULL, 2, trials, opts, NULL), HOPT_EEMPTY, "no evaluation");
    assert_int_equal(r.calls, 2);
    assert_int_equal(count(trials, HOPT_STATE_ERROR), 2);
    hopt_trials_free(trials);

    /* the same through the thread pool */
    assert_hopt_ok(hopt_trials_new(NULL, &trials));
    assert_hopt_ok(hopt_fmin_options_set_catch_eval_exceptions(opts, 0));
    assert_hopt_ok(hopt_fmin_options_set_threads(opts, 3));
    assert_hopt_fails(hopt_fmin(fn, space, NULL, 50, trials, opts, NULL), HOPT_EOBJECTIVE, "disk on fire");
    assert_int_equal(count(trials, HOPT_STATE_NEW), 0);
    assert_int_equal(count(trials, HOPT_STATE_RUNNING), 0);
    assert_in_range(count(trials, HOPT_STATE_ERROR), 1, 6);
    hopt_trials_free(trials);
    hopt_fmin_options_free(opts);
    hopt_objective_free(fn);
    hopt_space_free(space);
}

static int ok_only_below_zero(const hopt_point *point, hopt_result *result, void *user) {
    (void)user;
    const double x = get(point, "");
    if (x >= 0) return hopt_result_set_status(result, HOPT_STATUS_FAIL);
    return hopt_result_set_loss(result, pow(x - 3, 2));
}

/* hyperopt's status-fail test: (x-3)^2 is "ok" only for x < 0. */
static void status_fail_trials_are_not_best(void **state) {
    (void)state;
    hopt_space *space = space_from(X_UNIFORM);
    hopt_objective *fn;
    hopt_trials *trials;
    hopt_fmin_options *opts = quiet_options(123);
    char *best;
    assert_hopt_ok(hopt_objective_new(NULL, ok_only_below_zero, NULL, NULL, &fn));
    assert_hopt_ok(hopt_trials_new(NULL, &trials));
    assert_hopt_ok(hopt_fmin(fn, space, NULL, 50, trials, opts, &best));
    assert_true(json_number(best, "x") < 0);
    assert_int_equal(count(trials, HOPT_STATE_DONE), 50);
    double *losses;
    size_t n;
    assert_hopt_ok(hopt_trials_losses(trials, &losses, &n));
    double lowest = INFINITY;
    for (size_t i = 0; i < n; ++i)
        if (losses[i] < lowest) lowest = losses[i];
    assert_true(lowest >= 9);
    hopt_free(losses);
    hopt_free(best);
    /* all failed */
    hopt_space *positive = space_from("{\"hp\": \"uniform\", \"label\": \"x\", \"low\": 1, \"high\": 2}");
    assert_hopt_fails(hopt_fmin(fn, positive, NULL, 5, NULL, opts, NULL), HOPT_EALLFAILED, "failed");
    hopt_space_free(positive);
    hopt_fmin_options_free(opts);
    hopt_trials_free(trials);
    hopt_objective_free(fn);
    hopt_space_free(space);
}

static int weird_losses(const hopt_point *point, hopt_result *result, void *user) {
    (void)user;
    const int64_t tid = hopt_point_tid(point);
    const double values[] = {NAN, INFINITY, -INFINITY, 1.5};
    return hopt_result_set_loss(result, values[tid % 4]);
}

/* Non-finite losses are stored as failures with the raw value as text
 * (docs/trials.md), and never chosen as best. */
static void non_finite_losses_are_failures(void **state) {
    (void)state;
    hopt_space *space = space_from(X_UNIFORM);
    hopt_objective *fn;
    hopt_trials *trials;
    hopt_fmin_options *opts = quiet_options(1);
    assert_hopt_ok(hopt_objective_new(NULL, weird_losses, NULL, NULL, &fn));
    assert_hopt_ok(hopt_trials_new(NULL, &trials));
    assert_hopt_ok(hopt_fmin(fn, space, NULL, 8, trials, opts, NULL));
    const char *raw[] = {"\"loss_raw\":\"nan\"", "\"loss_raw\":\"inf\"", "\"loss_raw\":\"-inf\"", "\"loss\":1.5"};
    for (int64_t tid = 0; tid < 8; ++tid) {
        char *doc;
        assert_hopt_ok(hopt_trials_get(trials, tid, &doc));
        assert_non_null(strstr(doc, raw[tid % 4]));
        assert_non_null(strstr(doc, tid % 4 == 3 ? "\"status\":\"ok\"" : "\"status\":\"fail\""));
        hopt_free(doc);
    }
    char *best;
    assert_hopt_ok(hopt_trials_best_trial(trials, &best));
    assert_non_null(strstr(best, "\"loss\":1.5"));
    hopt_free(best);
    char *statuses;
    assert_hopt_ok(hopt_trials_statuses(trials, &statuses));
    assert_string_equal(statuses, "[\"fail\",\"fail\",\"fail\",\"ok\",\"fail\",\"fail\",\"fail\",\"ok\"]");
    hopt_free(statuses);
    hopt_fmin_options_free(opts);
    hopt_trials_free(trials);
    hopt_objective_free(fn);
    hopt_space_free(space);
}

static int bad_results(const hopt_point *point, hopt_result *result, void *user) {
    (void)user;
    switch (hopt_point_tid(point)) {
    case 0: return HOPT_OK; /* status ok, no loss */
    case 1: return hopt_result_set_document(result, "{\"status\": \"running\", \"loss\": 1}");
    case 2: return hopt_result_set_document(result, "{\"status\": \"ok\", \"loss\": \"low\"}");
    default:
        hopt_result_set_loss(result, 2.0);
        hopt_result_set_json(result, "eval_time", "3.5");
        return hopt_result_set_json(result, "other_stuff", "{\"a\": [1, 2]}");
    }
}

/* Results hyperopt would reject (InvalidLoss, InvalidResultStatus) become
 * ERROR trials saying why; extra keys are kept. */
static void invalid_results_are_errors(void **state) {
    (void)state;
    hopt_space *space = space_from(X_UNIFORM);
    hopt_objective *fn;
    hopt_trials *trials;
    hopt_fmin_options *opts = quiet_options(1);
    assert_hopt_ok(hopt_objective_new(NULL, bad_results, NULL, NULL, &fn));
    assert_hopt_ok(hopt_trials_new(NULL, &trials));
    assert_hopt_ok(hopt_fmin_options_set_catch_eval_exceptions(opts, 1));
    assert_hopt_ok(hopt_fmin(fn, space, NULL, 4, trials, opts, NULL));
    const char *why[] = {"needs a numeric \\\"loss\\\"", "invalid result status", "must be a number",
                         "\"other_stuff\":{\"a\":[1,2]}"};
    for (int64_t tid = 0; tid < 4; ++tid) {
        char *doc;
        assert_hopt_ok(hopt_trials_get(trials, tid, &doc));
        if (!strstr(doc, why[tid])) fail_msg("trial %d: no \"%s\" in %s", (int)tid, why[tid], doc);
        hopt_free(doc);
    }
    assert_int_equal(count(trials, HOPT_STATE_ERROR), 3);
    hopt_fmin_options_free(opts);
    hopt_trials_free(trials);
    hopt_objective_free(fn);
    hopt_space_free(space);
}

static int64_t seen[1000];
static int tid_recorder(const hopt_point *point, hopt_result *result, void *user) {
    (void)user;
    __atomic_add_fetch(&seen[hopt_point_tid(point)], 1, __ATOMIC_SEQ_CST);
    usleep(200);
    return hopt_result_set_loss(result, quadratic(point));
}

/* The local thread pool evaluates every trial exactly once. */
static void threads_evaluate_each_trial_once(void **state) {
    (void)state;
    hopt_space *space = space_from(X_UNIFORM);
    hopt_objective *fn;
    hopt_trials *trials;
    hopt_fmin_options *opts = quiet_options(9);
    const char *algos[] = {"rand", "tpe", "anneal"};
    assert_hopt_ok(hopt_objective_new(NULL, tid_recorder, NULL, NULL, &fn));
    assert_hopt_ok(hopt_fmin_options_set_threads(opts, 4));
    for (size_t a = 0; a < 3; ++a) {
        hopt_algo *algo;
        memset(seen, 0, sizeof seen);
        assert_hopt_ok(hopt_algo_new(algos[a], &algo));
        assert_hopt_ok(hopt_trials_new(NULL, &trials));
        assert_hopt_ok(hopt_fmin(fn, space, algo, 300, trials, opts, NULL));
        assert_int_equal(count(trials, HOPT_STATE_DONE), 300);
        assert_int_equal(count(trials, -1), 300);
        for (int tid = 0; tid < 300; ++tid) assert_int_equal(seen[tid], 1);
        hopt_trials_free(trials);
        hopt_algo_free(algo);
    }
    hopt_fmin_options_free(opts);
    hopt_objective_free(fn);
    hopt_space_free(space);
}

/* The progress line goes to stderr, and only when asked for. */
static char *stderr_of_fmin(int show) {
    hopt_space *space = space_from(X_UNIFORM);
    hopt_objective *fn = objective_from(quadratic);
    hopt_fmin_options *opts = quiet_options(1);
    assert_hopt_ok(hopt_fmin_options_set_show_progress(opts, show));
    char path[] = "/tmp/hopt-progress-XXXXXX";
    const int fd = mkstemp(path);
    fflush(stderr);
    const int saved = dup(2);
    dup2(fd, 2);
    const int rc = hopt_fmin(fn, space, NULL, 5, NULL, opts, NULL);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    assert_hopt_ok(rc);
    char *buf = calloc(1, 4096);
    const ssize_t n = pread(fd, buf, 4095, 0);
    assert_true(n >= 0);
    close(fd);
    unlink(path);
    hopt_fmin_options_free(opts);
    hopt_objective_free(fn);
    hopt_space_free(space);
    return buf;
}

static void progress_display(void **state) {
    (void)state;
    char *shown = stderr_of_fmin(1), *hidden = stderr_of_fmin(0);
    assert_non_null(strstr(shown, "hopt: 5/5 trials, best loss "));
    assert_non_null(strstr(shown, "trials/s"));
    assert_string_equal(hidden, "");
    free(shown);
    free(hidden);
}

static void option_errors(void **state) {
    (void)state;
    hopt_fmin_options *opts = quiet_options(1);
    assert_hopt_fails(hopt_fmin_options_set_timeout(opts, -1), HOPT_EINVAL, "timeout");
    assert_hopt_fails(hopt_fmin_options_set_timeout(opts, NAN), HOPT_EINVAL, "timeout");
    assert_hopt_fails(hopt_fmin_options_set_timeout(opts, INFINITY), HOPT_EINVAL, "timeout");
    assert_hopt_fails(hopt_fmin_options_set_loss_threshold(opts, NAN), HOPT_EINVAL, "loss_threshold");
    assert_hopt_fails(hopt_fmin_options_set_server_timeout(opts, -1), HOPT_EINVAL, "server_timeout");
    assert_hopt_fails(hopt_fmin_options_set_server_timeout(opts, NAN), HOPT_EINVAL, "server_timeout");
    assert_hopt_fails(hopt_fmin_options_set_server_timeout(opts, INFINITY), HOPT_EINVAL, "server_timeout");
    assert_hopt_ok(hopt_fmin_options_set_server_timeout(opts, 0));
    assert_hopt_fails(hopt_fmin_options_set_threads(opts, 0), HOPT_EINVAL, "threads");
    assert_hopt_fails(hopt_fmin_options_set_threads(opts, 100000), HOPT_EINVAL, "threads");
    assert_hopt_fails(hopt_fmin_options_set_max_queue_len(opts, 0), HOPT_EINVAL, "max_queue_len");
    assert_hopt_fails(hopt_fmin_options_set_poll_interval(opts, 0), HOPT_EINVAL, "poll_interval");
    assert_hopt_fails(hopt_fmin_options_set_poll_interval(opts, NAN), HOPT_EINVAL, "poll_interval");
    assert_hopt_fails(hopt_fmin_options_set_points_to_evaluate(opts, "[{"), HOPT_EJSON, "points_to_evaluate");
    assert_hopt_fails(hopt_fmin_options_set_no_progress_loss(opts, 0, 0), HOPT_EINVAL, "iteration_stop_count");
    assert_hopt_fails(hopt_fmin_options_set_no_progress_loss(opts, 3, NAN), HOPT_EINVAL, "percent_increase");
    assert_hopt_fails(hopt_fmin_options_set_seed(NULL, 1), HOPT_EINVAL, "opts");
    assert_hopt_fails(hopt_fmin_options_set_key_file(opts, ""), HOPT_EINVAL, "key file");
    assert_hopt_ok(hopt_fmin_options_set_key_file(opts, NULL));
    assert_hopt_ok(hopt_fmin_options_set_insecure(opts, 1));
    assert_hopt_fails(hopt_fmin_options_set_insecure(NULL, 1), HOPT_EINVAL, "opts");
    hopt_space *space = space_from(X_UNIFORM);
    hopt_objective *fn = objective_from(quadratic);
    assert_hopt_fails(hopt_fmin(NULL, space, NULL, 5, NULL, opts, NULL), HOPT_EINVAL, "objective");
    assert_hopt_fails(hopt_fmin(fn, NULL, NULL, 5, NULL, opts, NULL), HOPT_EINVAL, "space");
    hopt_space_free(space);
    hopt_objective_free(fn);
    hopt_fmin_options_free(opts);
}

/* The objective sees the space its point came from, tuple nodes included. */
static int space_reader(const hopt_point *point, hopt_result *result, void *user) {
    const char *text = hopt_point_space_json(point);
    if (!text || !strstr(text, "\"tuple\"") || !strstr(text, "\"uniform\"")) *(int *)user += 1;
    return hopt_result_set_loss(result, 0);
}

static void the_point_carries_its_space(void **state) {
    (void)state;
    hopt_space *space = space_from("{\"t\": {\"tuple\": [1, {\"hp\": \"uniform\", \"label\": \"x\", \"low\": 0, \"high\": 1}]}}");
    hopt_objective *fn;
    hopt_fmin_options *opts = quiet_options(5);
    int wrong = 0;
    assert_hopt_ok(hopt_objective_new(NULL, space_reader, &wrong, NULL, &fn));
    assert_hopt_ok(hopt_fmin(fn, space, NULL, 3, NULL, opts, NULL));
    assert_int_equal(wrong, 0);
    assert_null(hopt_point_space_json(NULL));
    hopt_fmin_options_free(opts);
    hopt_objective_free(fn);
    hopt_space_free(space);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quadratic_each_algo),
        cmocka_unit_test(max_evals_is_a_total),
        cmocka_unit_test(timeout_stops_the_search),
        cmocka_unit_test(timeout_with_threads_cancels_the_queue),
        cmocka_unit_test(loss_threshold_stops_early),
        cmocka_unit_test(early_stop_callback),
        cmocka_unit_test(early_stop_callback_can_abort),
        cmocka_unit_test(no_progress_loss_stops_after_n),
        cmocka_unit_test(points_to_evaluate_first),
        cmocka_unit_test(points_to_evaluate_conditional),
        cmocka_unit_test(seeds_reproduce),
        cmocka_unit_test(seed_from_environment),
        cmocka_unit_test(return_argmin_or_point),
        cmocka_unit_test(objective_exceptions),
        cmocka_unit_test(status_fail_trials_are_not_best),
        cmocka_unit_test(non_finite_losses_are_failures),
        cmocka_unit_test(invalid_results_are_errors),
        cmocka_unit_test(threads_evaluate_each_trial_once),
        cmocka_unit_test(progress_display),
        cmocka_unit_test(option_errors),
        cmocka_unit_test(the_point_carries_its_space),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

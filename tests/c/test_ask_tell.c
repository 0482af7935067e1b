/* Ask and tell: suggestions on request, results reported by the caller. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

static const char *XY = "{\"x\": {\"hp\": \"uniform\", \"label\": \"x\", \"low\": -5, \"high\": 5},"
                        " \"y\": {\"hp\": \"uniform\", \"label\": \"y\", \"low\": -5, \"high\": 5}}";

static double bowl(const char *vals) {
    const double x = json_number(vals, "x"), y = json_number(vals, "y");
    return (x - 1) * (x - 1) + (y + 2) * (y + 2);
}

static void ask_then_tell_converges(void **state) {
    (void)state;
    hopt_space *space = space_from(XY);
    hopt_optimizer *opt;
    assert_hopt_ok(hopt_optimizer_new(space, NULL, NULL, 17, &opt));
    double best = INFINITY;
    for (int i = 0; i < 80; ++i) {
        int64_t tid;
        char *vals, *point;
        assert_hopt_ok(hopt_ask(opt, &tid, &vals, &point));
        assert_int_equal(tid, i);
        assert_string_equal(vals, point); /* a flat dict space: the point is the vals */
        const double loss = bowl(vals);
        if (loss < best) best = loss;
        assert_hopt_ok(hopt_tell(opt, tid, loss));
        hopt_free(vals);
        hopt_free(point);
    }
    assert_true(best < 0.5);
    int64_t n;
    assert_hopt_ok(hopt_trials_count(hopt_optimizer_trials(opt), HOPT_STATE_DONE, &n));
    assert_int_equal(n, 80);
    hopt_optimizer_free(opt);
    hopt_space_free(space);
}

/* Several points may be out at once; pending ones are RUNNING trials. */
static void asks_outstanding_and_out_of_order(void **state) {
    (void)state;
    hopt_space *space = space_from(XY);
    hopt_trials *trials;
    hopt_optimizer *opt;
    assert_hopt_ok(hopt_trials_new("ask", &trials));
    assert_hopt_ok(hopt_optimizer_new(space, NULL, trials, 3, &opt));
    int64_t tids[5];
    char *vals[5];
    for (int i = 0; i < 5; ++i) assert_hopt_ok(hopt_ask(opt, &tids[i], &vals[i], NULL));
    int64_t running;
    assert_hopt_ok(hopt_trials_count(trials, HOPT_STATE_RUNNING, &running));
    assert_int_equal(running, 5);
    for (int i = 4; i >= 0; --i) {
        if (i == 2) assert_hopt_ok(hopt_tell_result(opt, tids[i], "{\"status\": \"fail\", \"reason\": \"diverged\"}"));
        else if (i == 1) assert_hopt_ok(hopt_tell_error(opt, tids[i], "machine crashed"));
        else assert_hopt_ok(hopt_tell(opt, tids[i], bowl(vals[i])));
        hopt_free(vals[i]);
    }
    char *doc;
    assert_hopt_ok(hopt_trials_get(trials, tids[2], &doc));
    assert_non_null(strstr(doc, "\"reason\":\"diverged\""));
    assert_non_null(strstr(doc, "\"state\":2"));
    hopt_free(doc);
    assert_hopt_ok(hopt_trials_get(trials, tids[1], &doc));
    assert_non_null(strstr(doc, "\"state\":3"));
    assert_non_null(strstr(doc, "machine crashed"));
    hopt_free(doc);
    /* telling twice, or an unknown tid */
    assert_hopt_fails(hopt_tell(opt, tids[0], 1.0), HOPT_ENOTFOUND, "already told");
    assert_hopt_fails(hopt_tell(opt, 999, 1.0), HOPT_ENOTFOUND, "999");
    /* an invalid result leaves the trial asked */
    int64_t tid;
    assert_hopt_ok(hopt_ask(opt, &tid, NULL, NULL));
    assert_hopt_fails(hopt_tell_result(opt, tid, "{\"status\": \"ok\"}"), HOPT_EINVAL, "loss");
    assert_hopt_fails(hopt_tell_result(opt, tid, "{"), HOPT_EJSON, "result");
    assert_hopt_ok(hopt_tell(opt, tid, NAN));
    assert_hopt_ok(hopt_trials_get(trials, tid, &doc));
    assert_non_null(strstr(doc, "\"loss_raw\":\"nan\""));
    hopt_free(doc);
    hopt_optimizer_free(opt);
    hopt_trials_free(trials);
    hopt_space_free(space);
}

static double bowl_point(const hopt_point *p) { return bowl(hopt_point_json(p)); }

/* Trials from ask/tell and from fmin are the same documents: fmin can
 * continue a search that ask/tell started. */
static void fmin_continues_ask_tell(void **state) {
    (void)state;
    hopt_space *space = space_from(XY);
    hopt_trials *trials;
    hopt_optimizer *opt;
    hopt_algo *anneal;
    assert_hopt_ok(hopt_algo_new("anneal", &anneal));
    assert_hopt_ok(hopt_trials_new(NULL, &trials));
    assert_hopt_ok(hopt_optimizer_new(space, anneal, trials, 3, &opt));
    hopt_algo_free(anneal); /* the optimiser keeps its own copy */
    for (int i = 0; i < 10; ++i) {
        int64_t tid;
        char *vals;
        assert_hopt_ok(hopt_ask(opt, &tid, &vals, NULL));
        assert_hopt_ok(hopt_tell(opt, tid, bowl(vals)));
        hopt_free(vals);
    }
    hopt_optimizer_free(opt);
    hopt_objective *fn = objective_from(bowl_point);
    hopt_fmin_options *opts = quiet_options(1);
    assert_hopt_ok(hopt_fmin(fn, space, NULL, 30, trials, opts, NULL));
    int64_t n;
    assert_hopt_ok(hopt_trials_count(trials, HOPT_STATE_DONE, &n));
    assert_int_equal(n, 30);
    hopt_fmin_options_free(opts);
    hopt_objective_free(fn);
    hopt_trials_free(trials);
    hopt_space_free(space);
}

static void errors(void **state) {
    (void)state;
    hopt_space *space = space_from(XY);
    hopt_optimizer *opt = (hopt_optimizer *)1;
    assert_hopt_fails(hopt_optimizer_new(NULL, NULL, NULL, 1, &opt), HOPT_EINVAL, "space");
    assert_null(opt);
    assert_hopt_fails(hopt_optimizer_new(space, NULL, NULL, 1, NULL), HOPT_EINVAL, "out");
    assert_hopt_fails(hopt_ask(NULL, NULL, NULL, NULL), HOPT_EINVAL, "optimizer");
    assert_hopt_fails(hopt_tell(NULL, 0, 1), HOPT_EINVAL, "optimizer");
    assert_null(hopt_optimizer_trials(NULL));
    hopt_optimizer_free(NULL);
    hopt_space_free(space);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ask_then_tell_converges),
        cmocka_unit_test(asks_outstanding_and_out_of_order),
        cmocka_unit_test(fmin_continues_ask_tell),
        cmocka_unit_test(errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Trials queries, export/import and the trial document shape. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

static double loss_by_tid(const hopt_point *p) {
    /* tid 0..5 -> 5, 3, 3, 1, 4, 1 */
    const double losses[] = {5, 3, 3, 1, 4, 1};
    return losses[hopt_point_tid(p) % 6];
}

static hopt_trials *six_trials(const char *exp_key) {
    hopt_space *space = space_from("{\"a\": {\"hp\": \"choice\", \"label\": \"a\", \"options\": ["
                                   "  {\"hp\": \"uniform\", \"label\": \"u\", \"low\": 0, \"high\": 1}, 7]},"
                                   " \"r\": {\"hp\": \"randint\", \"label\": \"r\", \"upper\": 10}}");
    hopt_objective *fn = objective_from(loss_by_tid);
    hopt_trials *trials;
    hopt_algo *rand;
    hopt_fmin_options *opts = quiet_options(3);
    assert_hopt_ok(hopt_algo_new("rand", &rand));
    assert_hopt_ok(hopt_trials_new(exp_key, &trials));
    assert_hopt_ok(hopt_fmin(fn, space, rand, 6, trials, opts, NULL));
    hopt_fmin_options_free(opts);
    hopt_algo_free(rand);
    hopt_objective_free(fn);
    hopt_space_free(space);
    return trials;
}

static void queries(void **state) {
    (void)state;
    hopt_trials *t = six_trials(NULL);
    int64_t n;
    assert_hopt_ok(hopt_trials_count(t, -1, &n));
    assert_int_equal(n, 6);
    assert_hopt_ok(hopt_trials_count(t, HOPT_STATE_DONE, &n));
    assert_int_equal(n, 6);
    assert_hopt_ok(hopt_trials_count(t, HOPT_STATE_NEW, &n));
    assert_int_equal(n, 0);
    assert_hopt_fails(hopt_trials_count(t, 7, &n), HOPT_EINVAL, "state");

    double *losses;
    size_t len;
    assert_hopt_ok(hopt_trials_losses(t, &losses, &len));
    assert_int_equal(len, 6);
    const double want[] = {5, 3, 3, 1, 4, 1};
    for (size_t i = 0; i < len; ++i) assert_float_equal(losses[i], want[i], 0);
    hopt_free(losses);

    /* best: the first of the ties (tid 3) */
    char *best;
    assert_hopt_ok(hopt_trials_best_trial(t, &best));
    assert_non_null(strstr(best, "\"tid\":3"));
    char *argmin, *doc3;
    assert_hopt_ok(hopt_trials_argmin(t, &argmin));
    assert_hopt_ok(hopt_trials_get(t, 3, &doc3));
    /* argmin = tid 3's active vals, unpacked */
    assert_true(json_has(argmin, "a") && json_has(argmin, "r"));
    assert_true(json_number(argmin, "a") == 0 ? json_has(argmin, "u") : !json_has(argmin, "u"));
    hopt_free(doc3);
    hopt_free(argmin);
    hopt_free(best);

    assert_hopt_fails(hopt_trials_get(t, 99, &best), HOPT_ENOTFOUND, "99");
    assert_null(hopt_trials_exp_key(t));
    assert_hopt_ok(hopt_trials_delete_all(t));
    assert_hopt_ok(hopt_trials_count(t, -1, &n));
    assert_int_equal(n, 0);
    assert_hopt_fails(hopt_trials_argmin(t, &argmin), HOPT_EEMPTY, "no evaluation");
    assert_hopt_ok(hopt_trials_losses(t, &losses, &len));
    assert_int_equal(len, 0);
    hopt_free(losses);
    hopt_trials_free(t);
}

/* A trial document has hyperopt's fields (docs/trials.md). */
static void document_shape(void **state) {
    (void)state;
    hopt_trials *t = six_trials("exp1");
    assert_string_equal(hopt_trials_exp_key(t), "exp1");
    char *doc;
    assert_hopt_ok(hopt_trials_get(t, 0, &doc));
    const char *fields[] = {"\"tid\":0",          "\"state\":2",        "\"spec\":null",     "\"result\":{",
                            "\"status\":\"ok\"",  "\"misc\":{",         "\"cmd\":[\"hopt_domain\",\"test_objective\"]",
                            "\"workdir\":null",   "\"idxs\":{",         "\"vals\":{",        "\"exp_key\":\"exp1\"",
                            "\"owner\":",         "\"version\":",       "\"book_time\":\"20", "\"refresh_time\":\"20"};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; ++i)
        if (!strstr(doc, fields[i])) fail_msg("no %s in %s", fields[i], doc);
    /* idxs hold [tid] for active labels and [] for inactive ones */
    const int active_u = strstr(doc, "\"a\":[0]") != NULL;
    assert_non_null(strstr(doc, active_u ? "\"u\":[0]" : "\"u\":[]"));
    hopt_free(doc);
    hopt_trials_free(t);
}

static void export_import_round_trip(void **state) {
    (void)state;
    hopt_trials *t = six_trials(NULL), *copy;
    char *exported, *again;
    assert_hopt_ok(hopt_trials_export(t, &exported));
    assert_hopt_ok(hopt_trials_new(NULL, &copy));
    assert_hopt_ok(hopt_trials_import(copy, exported));
    assert_hopt_ok(hopt_trials_export(copy, &again));
    assert_string_equal(exported, again);
    /* importing the same tids again is refused, and nothing is added */
    assert_hopt_fails(hopt_trials_import(copy, exported), HOPT_EINVAL, "tid 0");
    int64_t n;
    assert_hopt_ok(hopt_trials_count(copy, -1, &n));
    assert_int_equal(n, 6);
    hopt_free(exported);
    hopt_free(again);
    hopt_trials_free(copy);
    hopt_trials_free(t);
}

/* Documents as Python hyperopt writes them (json.dumps of trials.trials
 * with datetimes as strings) import and answer queries. */
static void import_hyperopt_documents(void **state) {
    (void)state;
    const char *docs =
        "[{\"state\": 2, \"tid\": 0, \"spec\": null, \"result\": {\"loss\": 0.5, \"status\": \"ok\"},"
        "  \"misc\": {\"tid\": 0, \"cmd\": [\"domain_attachment\", \"FMinIter_Domain\"], \"workdir\": null,"
        "           \"idxs\": {\"x\": [0]}, \"vals\": {\"x\": [1.25]}},"
        "  \"exp_key\": null, \"owner\": null, \"version\": 0,"
        "  \"book_time\": \"2021-11-17T10:00:00.123Z\", \"refresh_time\": \"2021-11-17T10:00:01.000Z\"},"
        " {\"state\": 2, \"tid\": 1, \"spec\": null, \"result\": {\"loss\": 0.25, \"status\": \"ok\", \"eval_time\": 3},"
        "  \"misc\": {\"tid\": 1, \"cmd\": [\"domain_attachment\", \"FMinIter_Domain\"], \"workdir\": null,"
        "           \"idxs\": {\"x\": [1]}, \"vals\": {\"x\": [-0.5]}},"
        "  \"exp_key\": null, \"owner\": null, \"version\": 0, \"book_time\": null, \"refresh_time\": null}]";
    hopt_trials *t;
    assert_hopt_ok(hopt_trials_new(NULL, &t));
    assert_hopt_ok(hopt_trials_import(t, docs));
    char *argmin, *doc;
    assert_hopt_ok(hopt_trials_argmin(t, &argmin));
    assert_string_equal(argmin, "{\"x\":-0.5}");
    assert_hopt_ok(hopt_trials_get(t, 0, &doc));
    assert_non_null(strstr(doc, "\"book_time\":\"2021-11-17T10:00:00.123Z\""));
    assert_non_null(strstr(doc, "\"cmd\":[\"domain_attachment\",\"FMinIter_Domain\"]"));
    hopt_free(doc);
    hopt_free(argmin);
    hopt_trials_free(t);
}

/* Invalid documents are refused with the field named, and nothing is
 * imported from a batch that has one. */
static void import_errors(void **state) {
    (void)state;
    const struct {
        const char *json;
        int status;
        const char *needle;
    } cases[] = {
        {"{}", HOPT_EJSON, "array"},
        {"[1]", HOPT_EJSON, "object"},
        {"[{\"state\": 2}]", HOPT_EJSON, "\"tid\""},
        {"[{\"tid\": \"a\", \"state\": 2}]", HOPT_EJSON, "integer"},
        {"[{\"tid\": 1, \"state\": 9, \"result\": {}, \"misc\": {}}]", HOPT_EJSON, "state"},
        {"[{\"tid\": 1, \"state\": 2, \"result\": [], \"misc\": {}}]", HOPT_EJSON, "result"},
        {"[{\"tid\": 1, \"state\": 2, \"result\": {}, \"misc\": {\"tid\": 2}}]", HOPT_EJSON, "misc.tid"},
        {"[{\"tid\": 1, \"state\": 2, \"result\": {}, \"misc\": {\"vals\": {\"x\": [1, 2]}}}]", HOPT_EJSON, "misc.vals.x"},
        {"[{\"tid\": 1, \"state\": 2, \"result\": {}, \"misc\": {\"vals\": {\"x\": [\"s\"]}}}]", HOPT_EJSON, "number"},
        {"[{\"tid\": 1, \"state\": 2, \"result\": {}, \"misc\": {}, \"book_time\": \"yesterday\"}]", HOPT_EJSON, "time"},
        {"[{\"tid\": 1, \"state\": 2, \"result\": {}, \"misc\": {}, \"exp_key\": 5}]", HOPT_EJSON, "exp_key"},
        {"[{\"tid\": 1, \"state\": 2, \"result\": {}, \"misc\": {}, \"exp_key\": \"other\"}]", HOPT_EINVAL, "exp_key"},
        {"[{\"tid\": 1, \"state\": 2, \"result\": {}, \"misc\": {}}, {\"tid\": 1, \"state\": 2, \"result\": {}, \"misc\": {}}]",
         HOPT_EINVAL, "tid 1"},
        {"[{\"tid\": 1, \"state\": 2, \"result\": {}, \"misc\": {}}, {\"tid\": 2}]", HOPT_EJSON, "\"state\""},
        {"not json", HOPT_EJSON, "invalid JSON"},
    };
    hopt_trials *t;
    assert_hopt_ok(hopt_trials_new(NULL, &t));
    for (size_t i = 0; i < sizeof cases / sizeof *cases; ++i) {
        assert_hopt_fails(hopt_trials_import(t, cases[i].json), cases[i].status, cases[i].needle);
        int64_t n;
        assert_hopt_ok(hopt_trials_count(t, -1, &n));
        assert_int_equal(n, 0);
    }
    hopt_trials_free(t);
}

/* New trials continue after imported tids. */
static void tids_continue_after_import(void **state) {
    (void)state;
    hopt_trials *t;
    assert_hopt_ok(hopt_trials_new(NULL, &t));
    assert_hopt_ok(hopt_trials_import(
        t, "[{\"tid\": 41, \"state\": 2, \"result\": {\"status\": \"ok\", \"loss\": 9}, \"misc\": {\"vals\": {\"x\": [1.0]}}}]"));
    hopt_space *space = space_from("{\"hp\": \"uniform\", \"label\": \"x\", \"low\": 0, \"high\": 1}");
    hopt_objective *fn = objective_from(loss_by_tid);
    hopt_fmin_options *opts = quiet_options(1);
    assert_hopt_ok(hopt_fmin(fn, space, NULL, 3, t, opts, NULL));
    char *doc;
    assert_hopt_ok(hopt_trials_get(t, 43, &doc));
    hopt_free(doc);
    hopt_fmin_options_free(opts);
    hopt_objective_free(fn);
    hopt_space_free(space);
    hopt_trials_free(t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(queries),
        cmocka_unit_test(document_shape),
        cmocka_unit_test(export_import_round_trip),
        cmocka_unit_test(import_hyperopt_documents),
        cmocka_unit_test(import_errors),
        cmocka_unit_test(tids_continue_after_import),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

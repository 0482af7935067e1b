/* ABI conventions: versions, status names, NULL-safe frees, per-thread
 * messages, user_free exactly once. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

static void versions_agree(void **state) {
    (void)state;
    assert_string_equal(hopt_version(), HOPT_VERSION_STRING);
    assert_int_equal(hopt_version_number(), HOPT_VERSION_NUMBER);
    assert_int_equal(HOPT_VERSION_NUMBER,
                     HOPT_VERSION_MAJOR * 10000 + HOPT_VERSION_MINOR * 100 + HOPT_VERSION_PATCH);
}

static void status_names(void **state) {
    (void)state;
    assert_string_equal(hopt_status_name(HOPT_OK), "HOPT_OK");
    assert_string_equal(hopt_status_name(HOPT_ESPACE), "HOPT_ESPACE");
    assert_string_equal(hopt_status_name(HOPT_EINTERNAL), "HOPT_EINTERNAL");
    assert_string_equal(hopt_status_name(12345), "HOPT_UNKNOWN");
}

static void frees_accept_null(void **state) {
    (void)state;
    hopt_free(NULL);
    hopt_space_free(NULL);
    hopt_objective_free(NULL);
    hopt_algo_free(NULL);
    hopt_trials_free(NULL);
    hopt_fmin_options_free(NULL);
    hopt_optimizer_free(NULL);
}

static void *fail_in_thread(void *arg) {
    (void)arg;
    hopt_space *s;
    hopt_space_from_json("{\"hp\": \"nope\", \"label\": \"t\"}", &s);
    return strdup(hopt_errmsg());
}

static void messages_are_per_thread(void **state) {
    (void)state;
    hopt_space *s;
    assert_hopt_fails(hopt_space_from_json("[", &s), HOPT_EJSON, "invalid JSON");
    pthread_t th;
    void *other;
    pthread_create(&th, NULL, fail_in_thread, NULL);
    pthread_join(th, &other);
    assert_non_null(strstr(other, "unknown distribution 'nope'"));
    assert_non_null(strstr(hopt_errmsg(), "invalid JSON"));
    free(other);
}

static int frees;
static void count_free(void *user) {
    assert_ptr_equal(user, &frees);
    frees++;
}
static int noop(const hopt_point *p, hopt_result *r, void *u) {
    (void)p;
    (void)u;
    return hopt_result_set_loss(r, 0);
}

static void user_free_exactly_once(void **state) {
    (void)state;
    hopt_objective *o;
    frees = 0;
    assert_hopt_ok(hopt_objective_new("f", noop, &frees, count_free, &o));
    assert_int_equal(frees, 0);
    hopt_objective_free(o);
    assert_int_equal(frees, 1);
    /* a failing registration still releases the user data */
    assert_hopt_fails(hopt_objective_new("f", NULL, &frees, count_free, &o), HOPT_EINVAL, "fn");
    assert_null(o);
    assert_int_equal(frees, 2);
    assert_hopt_fails(hopt_objective_new("", noop, &frees, count_free, &o), HOPT_EINVAL, "name");
    assert_int_equal(frees, 3);
    assert_hopt_fails(hopt_objective_new("f", noop, &frees, count_free, NULL), HOPT_EINVAL, "out");
    assert_int_equal(frees, 4);
    /* early-stop user data: released on replacement and on free */
    hopt_fmin_options *opts;
    assert_hopt_ok(hopt_fmin_options_new(&opts));
    assert_hopt_ok(hopt_fmin_options_set_early_stop(opts, NULL, &frees, count_free));
    assert_int_equal(frees, 5); /* no callback: nothing to keep */
    hopt_fmin_options_free(opts);
    assert_int_equal(frees, 5);
}

static void algorithms(void **state) {
    (void)state;
    hopt_algo *a;
    double v;
    assert_hopt_ok(hopt_algo_new("tpe", &a));
    assert_string_equal(hopt_algo_name(a), "tpe");
    const struct {
        const char *name;
        double value;
    } defaults[] = {{"n_startup_jobs", 20}, {"n_EI_candidates", 24}, {"gamma", 0.25}, {"prior_weight", 1.0},
                    {"linear_forgetting", 25}};
    for (size_t i = 0; i < 5; ++i) {
        assert_hopt_ok(hopt_algo_get(a, defaults[i].name, &v));
        assert_float_equal(v, defaults[i].value, 0);
    }
    assert_hopt_ok(hopt_algo_set(a, "gamma", 0.1));
    assert_hopt_ok(hopt_algo_get(a, "gamma", &v));
    assert_float_equal(v, 0.1, 0);
    assert_hopt_fails(hopt_algo_set(a, "gamma", 2), HOPT_EINVAL, "gamma");
    assert_hopt_fails(hopt_algo_set(a, "n_startup_jobs", 2.5), HOPT_EINVAL, "integer");
    assert_hopt_fails(hopt_algo_set(a, "shrink_coef", 1), HOPT_ENOTFOUND, "n_EI_candidates");
    hopt_algo_free(a);
    assert_hopt_ok(hopt_algo_new("anneal", &a));
    assert_hopt_ok(hopt_algo_get(a, "avg_best_idx", &v));
    assert_float_equal(v, 2.0, 0);
    assert_hopt_ok(hopt_algo_get(a, "shrink_coef", &v));
    assert_float_equal(v, 0.1, 0);
    hopt_algo_free(a);
    assert_hopt_ok(hopt_algo_new("rand", &a));
    assert_hopt_fails(hopt_algo_set(a, "gamma", 0.5), HOPT_ENOTFOUND, "rand");
    hopt_algo_free(a);
    a = (hopt_algo *)1;
    assert_hopt_fails(hopt_algo_new("bayes", &a), HOPT_ENOTFOUND, "rand, tpe, anneal");
    assert_null(a);
    assert_hopt_fails(hopt_algo_new(NULL, &a), HOPT_EINVAL, "name");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(versions_agree),         cmocka_unit_test(status_names),
        cmocka_unit_test(frees_accept_null),      cmocka_unit_test(messages_are_per_thread),
        cmocka_unit_test(user_free_exactly_once), cmocka_unit_test(algorithms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Every algorithm lists its parameters through the C API with the defaults
 * and ranges hopt.h documents, and refuses values outside them. */
#include <math.h>
#include <string.h>

#include "helpers.h"

struct expected {
    const char *name;
    double default_value, min, max;
    int integer;
};

static void check_params(const char *algorithm, const struct expected *want, size_t n_want) {
    hopt_algo *algo = NULL;
    assert_hopt_ok(hopt_algo_new(algorithm, &algo));
    size_t n = 0;
    assert_hopt_ok(hopt_algo_param_count(algo, &n));
    assert_int_equal(n, n_want);
    for (size_t i = 0; i < n; ++i) {
        const char *name = NULL;
        double dflt = NAN, value = NAN, lo = NAN, hi = NAN;
        int integer = -1;
        assert_hopt_ok(hopt_algo_param_info(algo, i, &name, &dflt, &value, &lo, &hi, &integer));
        assert_string_equal(name, want[i].name);
        if (dflt != want[i].default_value || value != dflt || lo != want[i].min || hi != want[i].max ||
            integer != want[i].integer)
            fail_msg("%s.%s: default %g value %g range [%g, %g] integer %d", algorithm, name, dflt, value, lo, hi,
                     integer);
        double got = NAN;
        assert_hopt_ok(hopt_algo_get(algo, name, &got));
        assert_true(got == dflt);
        /* Out of range either side, and a fraction for an integer one. */
        assert_hopt_fails(hopt_algo_set(algo, name, hi + 1), HOPT_EINVAL, name);
        assert_hopt_fails(hopt_algo_set(algo, name, lo - 1), HOPT_EINVAL, name);
        if (integer) assert_hopt_fails(hopt_algo_set(algo, name, lo + 0.5), HOPT_EINVAL, "integer");
        /* A set value is listed as the current one; the default stays. */
        assert_hopt_ok(hopt_algo_set(algo, name, hi));
        assert_hopt_ok(hopt_algo_param_info(algo, i, NULL, &dflt, &value, NULL, NULL, NULL));
        assert_true(value == hi && dflt == want[i].default_value);
    }
    hopt_algo_free(algo);
}

static void mtpe_params(void **state) {
    (void)state;
    const struct expected want[] = {
        {"n_startup_jobs", 10, 0, 1e9, 1},       {"n_EI_candidates", 100, 1, 1e6, 1},
        {"gamma", 0.1, 1e-6, 1, 0},              {"gamma_cap", 25, 1, 1e9, 1},
        {"prior_weight", 1, 0, 1e9, 0},          {"linear_forgetting", 25, 0, 1e9, 1},
        {"bandwidth_rule", 1, 0, 1, 1},          {"bandwidth", 0.2, 1e-6, 10, 0},
        {"min_bandwidth", 0.01, 0, 1, 0},        {"magic_clip", 1, 0, 1, 1},
        {"adaptive_bandwidth", 0, 0, 10, 0},     {"categorical_smoothing", 0.3, 0, 10, 0},
        {"constant_liar", 1, 0, 1, 1},
    };
    check_params("mtpe", want, sizeof want / sizeof *want);
}

static void tpe_and_anneal_params(void **state) {
    (void)state;
    hopt_algo *algo = NULL;
    assert_hopt_ok(hopt_algo_new("tpe", &algo));
    size_t n = 0;
    assert_hopt_ok(hopt_algo_param_count(algo, &n));
    const char *name = NULL;
    double dflt = NAN;
    int found = 0;
    for (size_t i = 0; i < n; ++i) {
        assert_hopt_ok(hopt_algo_param_info(algo, i, &name, &dflt, NULL, NULL, NULL, NULL));
        if (strcmp(name, "gamma") == 0) found = dflt == 0.25;  /* hyperopt's default */
        if (strcmp(name, "n_startup_jobs") == 0) assert_true(dflt == 20);
    }
    assert_true(found);
    hopt_algo_free(algo);
    assert_hopt_ok(hopt_algo_new("rand", &algo));
    assert_hopt_ok(hopt_algo_param_count(algo, &n));
    assert_int_equal(n, 0);
    assert_hopt_fails(hopt_algo_param_info(algo, 0, &name, NULL, NULL, NULL, NULL, NULL), HOPT_EINVAL, "rand");
    assert_null(name);
    hopt_algo_free(algo);
}

static void unknown_names_list_mtpe(void **state) {
    (void)state;
    hopt_algo *algo = NULL;
    assert_hopt_fails(hopt_algo_new("mpte", &algo), HOPT_ENOTFOUND, "mtpe");
    assert_null(algo);
    assert_hopt_ok(hopt_algo_new("mtpe", &algo));
    assert_string_equal(hopt_algo_name(algo), "mtpe");
    assert_hopt_fails(hopt_algo_set(algo, "gama", 0.2), HOPT_ENOTFOUND, "gamma");
    hopt_algo_free(algo);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mtpe_params),
        cmocka_unit_test(tpe_and_anneal_params),
        cmocka_unit_test(unknown_names_list_mtpe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* hopt_registry_set_resolver through the C API: ownership of `user` and of
 * the objectives a resolver returns (the lookups themselves are tested in
 * tests/unit/test_registry_resolver.cpp, and end to end by the Python
 * binding's MongoDB tests, whose workers resolve module:qualname names). */
#include "helpers.h"

static int frees;

static void count_free(void *user) {
    (void)user;
    ++frees;
}

static int resolve_nothing(const char *name, hopt_objective **out, void *user) {
    (void)name, (void)out, (void)user;
    return HOPT_ENOTFOUND;
}

static void user_data_released_once(void **state) {
    (void)state;
    hopt_registry *r = NULL;
    assert_hopt_ok(hopt_registry_new(&r));
    frees = 0;
    assert_hopt_ok(hopt_registry_set_resolver(r, resolve_nothing, NULL, count_free));
    assert_int_equal(frees, 0);
    /* Replacing and removing release the previous user data. */
    assert_hopt_ok(hopt_registry_set_resolver(r, resolve_nothing, NULL, count_free));
    assert_int_equal(frees, 1);
    assert_hopt_ok(hopt_registry_set_resolver(r, NULL, NULL, NULL));
    assert_int_equal(frees, 2);
    assert_hopt_ok(hopt_registry_set_resolver(r, resolve_nothing, NULL, count_free));
    hopt_registry_free(r);
    assert_int_equal(frees, 3);
    /* A failing call releases it too. */
    assert_hopt_fails(hopt_registry_set_resolver(NULL, resolve_nothing, NULL, count_free), HOPT_EINVAL, "registry");
    assert_int_equal(frees, 4);
}

static void a_resolver_only_registry_lists_no_names(void **state) {
    (void)state;
    hopt_registry *r = NULL;
    char *names = NULL;
    assert_hopt_ok(hopt_registry_new(&r));
    assert_hopt_ok(hopt_registry_set_resolver(r, resolve_nothing, NULL, NULL));
    assert_hopt_ok(hopt_registry_names(r, &names));
    assert_string_equal(names, "[]");
    hopt_free(names);
    hopt_registry_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(user_data_released_once),
        cmocka_unit_test(a_resolver_only_registry_lists_no_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

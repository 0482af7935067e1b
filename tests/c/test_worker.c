/* The worker's C API without a server: options, registries, plugins, and
 * hopt_worker_run's refusals. Serving trials is tested in tests/integration. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"

/* ------------------------------------------------------------------ */
/* Options                                                             */
/* ------------------------------------------------------------------ */

static void options_reject_bad_values(void **state) {
    (void)state;
    hopt_worker_options *o = NULL;
    assert_hopt_ok(hopt_worker_options_new(&o));
    const double bad_seconds[] = {NAN, INFINITY, -1, 0};
    for (size_t i = 0; i < sizeof bad_seconds / sizeof *bad_seconds; ++i) {
        const double v = bad_seconds[i];
        assert_hopt_fails(hopt_worker_options_set_poll_interval(o, v), HOPT_EINVAL, "poll_interval");
        assert_hopt_fails(hopt_worker_options_set_last_job_timeout(o, v), HOPT_EINVAL, "last_job_timeout");
        assert_hopt_fails(hopt_worker_options_set_heartbeat(o, v, 30, 3), HOPT_EINVAL, "heartbeat interval");
        assert_hopt_fails(hopt_worker_options_set_heartbeat(o, 2, v, 3), HOPT_EINVAL, "heartbeat timeout");
        if (v != 0) {  /* 0 means "none" for these, "at once" for server_timeout */
            assert_hopt_fails(hopt_worker_options_set_reserve_timeout(o, v), HOPT_EINVAL, "reserve_timeout");
            assert_hopt_fails(hopt_worker_options_set_trial_timeout(o, v), HOPT_EINVAL, "trial_timeout");
            assert_hopt_fails(hopt_worker_options_set_server_timeout(o, v), HOPT_EINVAL, "server_timeout");
        }
    }
    assert_hopt_ok(hopt_worker_options_set_reserve_timeout(o, 0));
    assert_hopt_ok(hopt_worker_options_set_trial_timeout(o, 0));
    assert_hopt_ok(hopt_worker_options_set_server_timeout(o, 0));
    assert_hopt_ok(hopt_worker_options_set_server_timeout(o, 7.5));
    assert_hopt_fails(hopt_worker_options_set_memory_limit(o, -1), HOPT_EINVAL, "memory_limit must be >= 0");
    assert_hopt_fails(hopt_worker_options_set_memory_limit(o, 4096), HOPT_EINVAL, "at least 1 MiB");
    assert_hopt_ok(hopt_worker_options_set_memory_limit(o, (int64_t)64 << 20));
    assert_hopt_ok(hopt_worker_options_set_memory_limit(o, 0));
    assert_hopt_ok(hopt_worker_options_set_poll_interval(o, 0.05));
    assert_hopt_fails(hopt_worker_options_set_max_jobs(o, 0), HOPT_EINVAL, "max_jobs");
    assert_hopt_fails(hopt_worker_options_set_max_jobs(o, -3), HOPT_EINVAL, "max_jobs");
    assert_hopt_ok(hopt_worker_options_set_max_jobs(o, 1));
    assert_hopt_fails(hopt_worker_options_set_max_consecutive_failures(o, 0), HOPT_EINVAL, "max_consecutive_failures");
    assert_hopt_fails(hopt_worker_options_set_heartbeat(o, 2, 2, 3), HOPT_EINVAL, "must exceed the interval");
    assert_hopt_fails(hopt_worker_options_set_heartbeat(o, 2, 30, 0), HOPT_EINVAL, "max_attempts");
    assert_hopt_ok(hopt_worker_options_set_heartbeat(o, 0.5, 3, 1));
    assert_hopt_fails(hopt_worker_options_set_isolation(o, (hopt_isolation)7), HOPT_EINVAL, "isolation");
    assert_hopt_fails(hopt_worker_options_set_workdir(o, ""), HOPT_EINVAL, "workdir");
    assert_hopt_ok(hopt_worker_options_set_workdir(o, NULL));
    assert_hopt_ok(hopt_worker_options_set_exp_key(o, "e1"));
    assert_hopt_ok(hopt_worker_options_set_exp_key(o, NULL));
    assert_hopt_fails(hopt_worker_options_set_key_file(o, ""), HOPT_EINVAL, "key file");
    assert_hopt_ok(hopt_worker_options_set_key_file(o, NULL));
    assert_hopt_fails(hopt_worker_options_allow_objective(o, NULL), HOPT_EINVAL, "pattern");
    assert_hopt_fails(hopt_worker_options_allow_objective(o, ""), HOPT_EINVAL, "allow-list");
    assert_hopt_ok(hopt_worker_options_allow_objective(o, "train_*"));
    assert_hopt_ok(hopt_worker_options_set_insecure(o, 1));
    assert_hopt_ok(hopt_worker_options_set_insecure(o, 0));
    assert_hopt_fails(hopt_worker_options_set_insecure(NULL, 1), HOPT_EINVAL, NULL);
    hopt_worker_options_free(o);
    hopt_worker_options_free(NULL);
}

static void options_null_handle(void **state) {
    (void)state;
    assert_hopt_fails(hopt_worker_options_new(NULL), HOPT_EINVAL, "out");
    assert_hopt_fails(hopt_worker_options_set_poll_interval(NULL, 1), HOPT_EINVAL, "options");
    assert_hopt_fails(hopt_worker_options_set_max_jobs(NULL, 1), HOPT_EINVAL, "options");
}

static int calls_to_free;
static void count_free(void *user) {
    (void)user;
    ++calls_to_free;
}
static int never_stop(void *user) {
    (void)user;
    return 0;
}
static void ignore_line(const char *line, void *user) { (void)line, (void)user; }

static void callbacks_release_user_data_once(void **state) {
    (void)state;
    hopt_worker_options *o = NULL;
    assert_hopt_ok(hopt_worker_options_new(&o));
    calls_to_free = 0;
    assert_hopt_ok(hopt_worker_options_set_stop_check(o, never_stop, NULL, count_free));
    assert_hopt_ok(hopt_worker_options_set_log(o, ignore_line, NULL, count_free));
    assert_int_equal(calls_to_free, 0);
    /* Replacing a callback releases the old user data. */
    assert_hopt_ok(hopt_worker_options_set_stop_check(o, never_stop, NULL, count_free));
    assert_int_equal(calls_to_free, 1);
    hopt_worker_options_free(o);
    assert_int_equal(calls_to_free, 3);
    /* A failing registration releases it too. */
    assert_hopt_fails(hopt_worker_options_set_log(NULL, ignore_line, NULL, count_free), HOPT_EINVAL, "options");
    assert_int_equal(calls_to_free, 4);
}

/* ------------------------------------------------------------------ */
/* Registries                                                          */
/* ------------------------------------------------------------------ */

static int zero_loss(const hopt_point *point, hopt_result *result, void *user) {
    (void)point, (void)user;
    return hopt_result_set_loss(result, 0);
}

static hopt_objective *named(const char *name, void (*user_free)(void *)) {
    hopt_objective *o = NULL;
    assert_hopt_ok(hopt_objective_new(name, zero_loss, NULL, user_free, &o));
    return o;
}

static void assert_names(const hopt_registry *r, const char *expected) {
    char *names = NULL;
    assert_hopt_ok(hopt_registry_names(r, &names));
    assert_string_equal(names, expected);
    hopt_free(names);
}

static void registry_add_and_names(void **state) {
    (void)state;
    hopt_registry *r = NULL;
    assert_hopt_ok(hopt_registry_new(&r));
    assert_names(r, "[]");
    calls_to_free = 0;
    hopt_objective *b = named("b", count_free), *a = named("a", NULL);
    assert_hopt_ok(hopt_registry_add(r, b));
    assert_hopt_ok(hopt_registry_add(r, a));
    /* The registry holds its own reference. */
    hopt_objective_free(b);
    hopt_objective_free(a);
    assert_int_equal(calls_to_free, 0);
    assert_names(r, "[\"a\",\"b\"]");

    hopt_objective *again = named("a", NULL);
    assert_hopt_fails(hopt_registry_add(r, again), HOPT_EINVAL, "'a' is already registered");
    hopt_objective_free(again);
    assert_hopt_ok(hopt_registry_add_command(r, "c", "echo 1"));
    assert_hopt_fails(hopt_registry_add_command(r, "b", "echo 1"), HOPT_EINVAL, "'b' is already registered");
    assert_hopt_fails(hopt_registry_add_command(r, "", "echo 1"), HOPT_EINVAL, "non-empty name");
    assert_hopt_fails(hopt_registry_add_command(r, "d", "  "), HOPT_EINVAL, "non-empty command");
    assert_hopt_fails(hopt_registry_add_command(r, "d", NULL), HOPT_EINVAL, "command");
    assert_hopt_fails(hopt_registry_add(r, NULL), HOPT_EINVAL, "objective");
    assert_names(r, "[\"a\",\"b\",\"c\"]");
    hopt_registry_free(r);
    assert_int_equal(calls_to_free, 1);
    hopt_registry_free(NULL);
}

static void plugin_loading_errors(void **state) {
    (void)state;
    hopt_registry *r = NULL;
    assert_hopt_ok(hopt_registry_new(&r));
    hopt_objective *mine = named("mine", NULL);
    assert_hopt_ok(hopt_registry_add(r, mine));
    hopt_objective_free(mine);

    assert_hopt_fails(hopt_registry_load_plugin(r, "/nonexistent/libnothing.so"), HOPT_EINVAL,
                      "cannot load plugin '/nonexistent/libnothing.so'");
    assert_hopt_fails(hopt_registry_load_plugin(r, HOPT_TEST_PLUGIN_NOT_A_PLUGIN), HOPT_EINVAL,
                      "does not export hopt_plugin_register");
    /* The failing register function added an objective before failing:
     * the registry must not have it. */
    assert_hopt_fails(hopt_registry_load_plugin(r, HOPT_TEST_PLUGIN_BAD_REGISTER), HOPT_ESTATE, "HOPT_ESTATE");
    assert_names(r, "[\"mine\"]");
    assert_hopt_fails(hopt_registry_load_plugin(r, ""), HOPT_EINVAL, "empty");
    assert_hopt_fails(hopt_registry_load_plugin(r, NULL), HOPT_EINVAL, "path");
    hopt_registry_free(r);
}

static void plugin_registers_its_objectives(void **state) {
    (void)state;
    hopt_registry *r = NULL;
    assert_hopt_ok(hopt_registry_new(&r));
    assert_hopt_ok(hopt_registry_load_plugin(r, HOPT_TEST_PLUGIN_CRASHY));
    assert_names(r, "[\"abort\",\"count\",\"error\",\"exit3\",\"hang\",\"leak\",\"segv\",\"segv_low\",\"slow\"]");
    /* Loading it again clashes, and the message says who had the name. */
    assert_hopt_fails(hopt_registry_load_plugin(r, HOPT_TEST_PLUGIN_CRASHY), HOPT_EINVAL,
                      "already registered by plugin " HOPT_TEST_PLUGIN_CRASHY);
    hopt_registry_free(r);
}

/* ------------------------------------------------------------------ */
/* hopt_worker_run's refusals                                          */
/* ------------------------------------------------------------------ */

static void run_refuses_what_cannot_work(void **state) {
    (void)state;
    hopt_registry *empty = NULL, *r = NULL;
    hopt_worker_options *o = NULL;
    assert_hopt_ok(hopt_registry_new(&empty));
    assert_hopt_ok(hopt_registry_new(&r));
    assert_hopt_ok(hopt_worker_options_new(&o));
    hopt_objective *obj = named("x", NULL);
    assert_hopt_ok(hopt_registry_add(r, obj));
    hopt_objective_free(obj);

    int64_t jobs = 42;
    assert_hopt_fails(hopt_worker_run(NULL, r, o, &jobs), HOPT_EINVAL, "url");
    assert_int_equal(jobs, 0);
    assert_hopt_fails(hopt_worker_run("localhost:1/db", NULL, o, NULL), HOPT_EINVAL, "registry");
    assert_hopt_fails(hopt_worker_run("localhost:1/db", empty, o, NULL), HOPT_EINVAL, "no objectives");
    assert_hopt_fails(hopt_worker_run("ftp://x/y", r, o, NULL), HOPT_EINVAL, "ftp://x/y");

    /* chdir() of the whole process is not the library's to do. */
    assert_hopt_ok(hopt_worker_options_set_isolation(o, HOPT_ISOLATE_NONE));
    assert_hopt_ok(hopt_worker_options_set_workdir(o, "/tmp"));
    assert_hopt_fails(hopt_worker_run("localhost:1/db", r, o, NULL), HOPT_EINVAL, "workdir needs process isolation");
    assert_hopt_ok(hopt_worker_options_set_workdir(o, NULL));
    /* A memory limit bounds a child process; in-process objectives have none. */
    assert_hopt_ok(hopt_worker_options_set_memory_limit(o, (int64_t)64 << 20));
    assert_hopt_fails(hopt_worker_run("localhost:1/db", r, o, NULL), HOPT_EINVAL, "memory limit needs process isolation");
    assert_hopt_ok(hopt_worker_options_set_memory_limit(o, 0));

    /* A key file other users can read: refused before any connection. */
    char dir[] = "/tmp/hopt-test-worker-key.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char key[sizeof dir + 8];
    snprintf(key, sizeof key, "%s/key", dir);
    FILE *f = fopen(key, "w");
    assert_non_null(f);
    fprintf(f, "%064d\n", 7);
    fclose(f);
    assert_int_equal(chmod(key, 0644), 0);
    assert_hopt_ok(hopt_worker_options_set_key_file(o, key));
    assert_hopt_fails(hopt_worker_run("mongodb://127.0.0.1:1/db", r, o, NULL), HOPT_EINVAL, "chmod 600");
    assert_int_equal(chmod(key, 0600), 0);

    /* Nobody listens on port 1: with a server timeout of 0 the worker gives
     * up at the first failure (by default it would wait 60 s for a server). */
    assert_hopt_ok(hopt_worker_options_set_log(o, ignore_line, NULL, NULL));
    assert_hopt_ok(hopt_worker_options_set_server_timeout(o, 0));
    assert_hopt_fails(hopt_worker_run("mongodb://127.0.0.1:1/db?serverSelectionTimeoutMS=300", r, o, NULL),
                      HOPT_ECONNECT, NULL);

    unlink(key);
    rmdir(dir);
    hopt_worker_options_free(o);
    hopt_registry_free(r);
    hopt_registry_free(empty);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(options_reject_bad_values),
        cmocka_unit_test(options_null_handle),
        cmocka_unit_test(callbacks_release_user_data_once),
        cmocka_unit_test(registry_add_and_names),
        cmocka_unit_test(plugin_loading_errors),
        cmocka_unit_test(plugin_registers_its_objectives),
        cmocka_unit_test(run_refuses_what_cannot_work),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * A worker plugin for the tests: objectives that misbehave in every way a
 * real one might. Each takes a point that is a number x. When
 * $HOPT_TEST_EVAL_LOG names a file, every evaluation appends "<tid>\n" to
 * it first, so that tests can count evaluations across processes.
 *
 *   count      loss = x
 *   segv_low   segfaults when x < 0.3, else loss = x
 *   segv       always segfaults
 *   abort      always calls abort()
 *   exit3      calls exit(3) without a result
 *   hang       never returns
 *   error      returns an error naming x
 *   slow       loss = x after 0.8 s
 *   leak       allocates and touches 1 MiB blocks without freeing them, up
 *              to 512 MiB (then loss = x), aborting when an allocation
 *              fails: a memory limit makes it fail its trial
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hopt/hopt.h>

static void log_evaluation(const hopt_point *point) {
    const char *path = getenv("HOPT_TEST_EVAL_LOG");
    if (!path || !*path) return;
    char line[32];
    int n = snprintf(line, sizeof line, "%lld\n", (long long)hopt_point_tid(point));
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
    if (fd < 0) return;
    /* One short O_APPEND write: lines from several processes never mix. */
    ssize_t ignored = write(fd, line, (size_t)n);
    (void)ignored;
    close(fd);
}

static void crash(void) {
    /* A real invalid access, not raise(): what a buggy objective does. */
    volatile int *volatile nowhere = NULL;
    *nowhere = 1;
}

static int evaluate(const hopt_point *point, hopt_result *result, void *user) {
    const char *mode = user;
    log_evaluation(point);
    double x;
    if (hopt_point_get_double(point, "", &x) != HOPT_OK) {
        hopt_result_set_error(result, hopt_errmsg());
        return 1;
    }
    if (!strcmp(mode, "segv") || (!strcmp(mode, "segv_low") && x < 0.3)) crash();
    if (!strcmp(mode, "abort")) abort();
    if (!strcmp(mode, "exit3")) exit(3);
    if (!strcmp(mode, "hang"))
        for (;;) pause();
    if (!strcmp(mode, "slow")) usleep(800 * 1000); /* long enough to be killed mid-trial */
    if (!strcmp(mode, "leak")) {
        for (int mib = 0; mib < 512; ++mib) {
            char *block = malloc(1 << 20);
            if (!block) abort(); /* what most programs do when memory runs out */
            memset(block, mib, 1 << 20);
            __asm__ volatile("" : : "r"(block) : "memory"); /* kept: the compiler may not drop it */
        }
    }
    if (!strcmp(mode, "error")) {
        char msg[64];
        snprintf(msg, sizeof msg, "refused x=%.3f", x);
        hopt_result_set_error(result, msg);
        return 1;
    }
    return hopt_result_set_loss(result, x);
}

__attribute__((visibility("default"))) int hopt_plugin_register(hopt_registry *registry) {
    static const char *const modes[] = {"count", "segv_low", "segv", "abort", "exit3", "hang", "error", "slow", "leak"};
    for (size_t i = 0; i < sizeof modes / sizeof *modes; ++i) {
        hopt_objective *o = NULL;
        int rc = hopt_objective_new(modes[i], evaluate, (void *)modes[i], NULL, &o);
        if (rc == HOPT_OK) rc = hopt_registry_add(registry, o);
        hopt_objective_free(o);
        if (rc != HOPT_OK) return rc;
    }
    return HOPT_OK;
}

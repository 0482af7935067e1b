/*
 * The chaos soak's objective, as a worker plugin: "soak" takes a point with
 * a number x, sleeps a random 0-20 ms (a trial of random duration), and
 * returns loss = (x - 0.3)^2. Just before returning it appends
 * "<tid> <loss>\n" to $HOPT_SOAK_EVAL_LOG (one O_APPEND write: lines from
 * concurrent processes never mix), so that the soak can check the search's
 * best loss against every evaluation that really happened.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <hopt/hopt.h>

static void log_evaluation(long long tid, double loss) {
    const char *path = getenv("HOPT_SOAK_EVAL_LOG");
    if (!path || !*path) return;
    char line[64];
    int n = snprintf(line, sizeof line, "%lld %.17g\n", tid, loss);
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
    if (fd < 0) return;
    ssize_t ignored = write(fd, line, (size_t)n);
    (void)ignored;
    close(fd);
}

static int soak(const hopt_point *point, hopt_result *result, void *user) {
    (void)user;
    double x;
    if (hopt_point_get_double(point, "", &x) != HOPT_OK) {
        hopt_result_set_error(result, hopt_errmsg());
        return 1;
    }
    const long long tid = (long long)hopt_point_tid(point);
    unsigned seed = (unsigned)(tid * 2654435761u) ^ (unsigned)getpid();
    struct timespec pause = {0, (long)(rand_r(&seed) % 20) * 1000000L};
    nanosleep(&pause, NULL);
    const double loss = (x - 0.3) * (x - 0.3);
    log_evaluation(tid, loss);
    return hopt_result_set_loss(result, loss);
}

__attribute__((visibility("default"))) int hopt_plugin_register(hopt_registry *registry) {
    hopt_objective *o = NULL;
    int rc = hopt_objective_new("soak", soak, NULL, NULL, &o);
    if (rc == HOPT_OK) rc = hopt_registry_add(registry, o);
    hopt_objective_free(o);
    return rc;
}

/* Ask and tell: the caller owns the evaluation loop (a scheduler, an
 * experiment on hardware). Here: minimise (x - 1)^2 + (y + 2)^2 in 60 steps.
 */
#include <stdio.h>

#include <hopt/hopt.h>

int main(void) {
    hopt_space *space;
    hopt_optimizer *opt;
    if (hopt_space_from_json("{\"x\": {\"hp\": \"uniform\", \"label\": \"x\", \"low\": -5, \"high\": 5},"
                             " \"y\": {\"hp\": \"normal\", \"label\": \"y\", \"mu\": 0, \"sigma\": 3}}",
                             &space) ||
        hopt_optimizer_new(space, NULL, NULL, 7, &opt)) {
        fprintf(stderr, "setup: %s\n", hopt_errmsg());
        return 1;
    }
    for (int i = 0; i < 60; ++i) {
        int64_t tid;
        char *vals;
        if (hopt_ask(opt, &tid, &vals, NULL)) {
            fprintf(stderr, "ask: %s\n", hopt_errmsg());
            return 1;
        }
        /* The "experiment": read the point back through space_eval. */
        char *point;
        hopt_space_eval(space, vals, &point);
        double x = 0, y = 0;
        sscanf(point, "{\"x\":%lf,\"y\":%lf}", &x, &y);
        if (hopt_tell(opt, tid, (x - 1) * (x - 1) + (y + 2) * (y + 2))) {
            fprintf(stderr, "tell: %s\n", hopt_errmsg());
            return 1;
        }
        hopt_free(point);
        hopt_free(vals);
    }
    char *argmin;
    if (hopt_trials_argmin(hopt_optimizer_trials(opt), &argmin) == HOPT_OK) {
        printf("argmin: %s\n", argmin);
        hopt_free(argmin);
    }
    hopt_optimizer_free(opt);
    hopt_space_free(space);
    return 0;
}

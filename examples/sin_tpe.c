/* The product's seed example: minimise sin(x) for x ~ uniform(-2, 2) with TPE
 * in 10 evaluations, then print the argmin and the best point.
 *
 *   cc sin_tpe.c $(pkg-config --cflags --libs hopt) -lm -o sin_tpe
 */
#include <math.h>
#include <stdio.h>

#include <hopt/hopt.h>

static int objective(const hopt_point *point, hopt_result *result, void *user) {
    (void)user;
    double x;
    if (hopt_point_get_double(point, "", &x) != HOPT_OK) return 1;
    return hopt_result_set_loss(result, sin(x));
}

static int check(int status, const char *what) {
    if (status != HOPT_OK) fprintf(stderr, "%s: %s: %s\n", what, hopt_status_name(status), hopt_errmsg());
    return status != HOPT_OK;
}

int main(void) {
    hopt_space *space = NULL;
    hopt_objective *fn = NULL;
    hopt_algo *tpe = NULL;
    hopt_trials *trials = NULL;
    hopt_fmin_options *opts = NULL;
    char *best = NULL;
    int failed = check(hopt_space_from_json("{\"hp\": \"uniform\", \"label\": \"x\", \"low\": -2, \"high\": 2}", &space),
                       "space") ||
                 check(hopt_objective_new("sin", objective, NULL, NULL, &fn), "objective") ||
                 check(hopt_algo_new("tpe", &tpe), "algo") || check(hopt_trials_new(NULL, &trials), "trials") ||
                 check(hopt_fmin_options_new(&opts), "options") ||
                 check(hopt_fmin_options_set_seed(opts, 42), "seed") ||
                 check(hopt_fmin(fn, space, tpe, 10, trials, opts, &best), "fmin");
    if (!failed) {
        printf("argmin: %s\n", best);
        char *point = NULL;
        if (!check(hopt_space_eval(space, best, &point), "space_eval")) printf("best point: %s\n", point);
        hopt_free(point);
    }
    hopt_free(best);
    hopt_fmin_options_free(opts);
    hopt_trials_free(trials);
    hopt_algo_free(tpe);
    hopt_objective_free(fn);
    hopt_space_free(space);
    return failed;
}

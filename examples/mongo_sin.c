/* hyperopt's MongoDB tutorial in C: fmin with MongoTrials queues the search
 * for sin(x), x ~ uniform(-2, 2), and waits for workers to evaluate it:
 *
 *   mongo_sin mongo://localhost:1234/foo_db/jobs exp1 [max_evals]
 *   hyperopt-mongo-worker --mongo=localhost:1234/foo_db --poll-interval=0.1 \
 *       --plugin libplugin_sin.so
 *
 * The objective is named "sin"; workers run their own "sin" (the plugin),
 * so the function below is never called here: it documents the contract.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <hopt/hopt.h>

static int sin_objective(const hopt_point *point, hopt_result *result, void *user) {
    (void)user;
    double x;
    if (hopt_point_get_double(point, "", &x) != HOPT_OK) return 1;
    return hopt_result_set_loss(result, sin(x));
}

#define CHECK(call)                                                                              \
    do {                                                                                         \
        int rc_ = (call);                                                                        \
        if (rc_ != HOPT_OK) {                                                                    \
            fprintf(stderr, "%s failed: %s: %s\n", #call, hopt_status_name(rc_), hopt_errmsg()); \
            return 1;                                                                            \
        }                                                                                        \
    } while (0)

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s mongo://host:port/db/jobs exp_key [max_evals]\n", argv[0]);
        return 2;
    }
    const int64_t max_evals = argc > 3 ? atoll(argv[3]) : 10;
    hopt_space *space;
    hopt_objective *fn;
    hopt_trials *trials;
    hopt_fmin_options *opts;
    char *best;
    CHECK(hopt_space_from_json("{\"hp\": \"uniform\", \"label\": \"x\", \"low\": -2, \"high\": 2}", &space));
    CHECK(hopt_objective_new("sin", sin_objective, NULL, NULL, &fn));
    CHECK(hopt_trials_mongo_open(argv[1], argv[2], &trials));
    CHECK(hopt_fmin_options_new(&opts));
    CHECK(hopt_fmin(fn, space, NULL, max_evals, trials, opts, &best));
    int64_t done;
    CHECK(hopt_trials_count(trials, HOPT_STATE_DONE, &done));
    printf("best: %s (%lld trials done)\n", best, (long long)done);
    hopt_free(best);
    hopt_fmin_options_free(opts);
    hopt_trials_free(trials);
    hopt_objective_free(fn);
    hopt_space_free(space);
    return 0;
}

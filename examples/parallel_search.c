/* The README's main job: a parallel mtpe search on the local thread pool
 * (mtpe is hopt's recommended algorithm; it sees the trials other threads
 * are still evaluating).
 *
 * The objective stands in for a model trained with the chosen
 * hyperparameters: a noisy-free response surface over a learning rate (log
 * scale), a layer count, an optimiser choice with its own conditional
 * parameter, and a dropout rate. It sleeps a little per evaluation, like a
 * real training run, so the threads have something to overlap.
 *
 *   parallel_search [threads] [max_evals] [algorithm: mtpe, tpe, rand, anneal]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hopt/hopt.h>

static const char *space_json =
    "{"
    "  \"lr\": {\"hp\": \"loguniform\", \"label\": \"lr\", \"low\": -9.2, \"high\": -0.7},"
    "  \"layers\": {\"hp\": \"quniform\", \"label\": \"layers\", \"low\": 1, \"high\": 8, \"q\": 1},"
    "  \"dropout\": {\"hp\": \"uniform\", \"label\": \"dropout\", \"low\": 0, \"high\": 0.6},"
    "  \"optimizer\": {\"hp\": \"choice\", \"label\": \"optimizer\", \"options\": ["
    "     {\"name\": \"sgd\", \"momentum\": {\"hp\": \"uniform\", \"label\": \"momentum\", \"low\": 0.5, \"high\": 0.99}},"
    "     {\"name\": \"adam\", \"beta1\": {\"hp\": \"uniform\", \"label\": \"beta1\", \"low\": 0.8, \"high\": 0.999}}"
    "  ]}"
    "}";

static int train(const hopt_point *point, hopt_result *result, void *user) {
    (void)user;
    double lr, layers, dropout, extra;
    const char *opt;
    if (hopt_point_get_double(point, "lr", &lr) || hopt_point_get_double(point, "layers", &layers) ||
        hopt_point_get_double(point, "dropout", &dropout) || hopt_point_get_string(point, "optimizer.name", &opt))
        return 1;
    const int sgd = strcmp(opt, "sgd") == 0;
    if (hopt_point_get_double(point, sgd ? "optimizer.momentum" : "optimizer.beta1", &extra)) return 1;
    /* "validation error": best near lr = 3e-3 (adam) or 3e-2 (sgd, momentum 0.9), 4 layers, dropout 0.2 */
    const double best_lr = sgd ? log(3e-2) : log(3e-3);
    double err = 0.05 + 0.04 * pow(log(lr) - best_lr, 2) + 0.01 * pow(layers - 4, 2) + 0.5 * pow(dropout - 0.2, 2);
    err += sgd ? 2.0 * pow(extra - 0.9, 2) + 0.01 : 4.0 * pow(extra - 0.9, 2);
    struct timespec ts = {0, 2 * 1000 * 1000}; /* 2 ms of "training" */
    nanosleep(&ts, NULL);
    return hopt_result_set_loss(result, err);
}

#define CHECK(call)                                                                          \
    do {                                                                                     \
        int rc_ = (call);                                                                    \
        if (rc_ != HOPT_OK) {                                                                \
            fprintf(stderr, "%s failed: %s: %s\n", #call, hopt_status_name(rc_), hopt_errmsg()); \
            return 1;                                                                        \
        }                                                                                    \
    } while (0)

int main(int argc, char **argv) {
    const int threads = argc > 1 ? atoi(argv[1]) : 4;
    const int max_evals = argc > 2 ? atoi(argv[2]) : 300;
    const char *algo_name = argc > 3 ? argv[3] : "mtpe";
    hopt_space *space;
    hopt_objective *fn;
    hopt_algo *algo;
    hopt_trials *trials;
    hopt_fmin_options *opts;
    char *argmin, *point;
    CHECK(hopt_space_from_json(space_json, &space));
    CHECK(hopt_objective_new("train", train, NULL, NULL, &fn));
    CHECK(hopt_algo_new(algo_name, &algo));
    CHECK(hopt_trials_new(NULL, &trials));
    CHECK(hopt_fmin_options_new(&opts));
    CHECK(hopt_fmin_options_set_threads(opts, threads));
    CHECK(hopt_fmin_options_set_seed(opts, 2026));
    printf("hopt %s: %s on %d threads, %d trials\n", hopt_version(), algo_name, threads, max_evals);
    CHECK(hopt_fmin(fn, space, algo, max_evals, trials, opts, &argmin));
    CHECK(hopt_space_eval(space, argmin, &point));
    double *losses;
    size_t n;
    CHECK(hopt_trials_losses(trials, &losses, &n));
    double best = INFINITY;
    for (size_t i = 0; i < n; ++i)
        if (losses[i] < best) best = losses[i];
    printf("trials: %zu\nbest loss: %.6f\nargmin: %s\nbest point: %s\n", n, best, argmin, point);
    hopt_free(losses);
    hopt_free(argmin);
    hopt_free(point);
    hopt_fmin_options_free(opts);
    hopt_trials_free(trials);
    hopt_algo_free(algo);
    hopt_objective_free(fn);
    hopt_space_free(space);
    return 0;
}

/*
 * Worker plugin for the MongoDB throughput benchmark (bench/run_mongo_throughput.sh):
 * objective "trivial", loss = x for the point x (space: one uniform number). It costs
 * nothing, so the benchmark measures the store, the protocol and the processes, not the
 * objective. Python's side uses the same function (bench/ref/mongo_objective.py).
 *
 *   hyperopt-mongo-worker --mongo=HOST:PORT/DB --plugin=libbench_mongo_plugin_trivial.so
 */
#include <hopt/hopt.h>

static int trivial(const hopt_point *point, hopt_result *result, void *user) {
    (void)user;
    double x;
    int rc = hopt_point_get_double(point, "", &x);
    if (rc != HOPT_OK) {
        hopt_result_set_error(result, hopt_errmsg());
        return rc;
    }
    return hopt_result_set_loss(result, x);
}

__attribute__((visibility("default"))) int hopt_plugin_register(hopt_registry *registry) {
    hopt_objective *objective = NULL;
    int rc = hopt_objective_new("trivial", trivial, NULL, NULL, &objective);
    if (rc == HOPT_OK) rc = hopt_registry_add(registry, objective);
    hopt_objective_free(objective);
    return rc;
}

/*
 * A worker plugin: registers objective "sin" (loss = sin(x) at the point x),
 * the objective of hyperopt's MongoDB tutorial. Build it as a shared library
 * and give it to the worker:
 *
 *   cc -shared -fPIC plugin_sin.c $(pkg-config --cflags --libs hopt) -lm -o libplugin_sin.so
 *   hyperopt-mongo-worker --mongo=localhost:27017/db --plugin=./libplugin_sin.so
 *
 * fmin's side names the objective "sin" (hopt_objective_new("sin", ...)) and
 * queues trials whose point is a number, e.g. the space
 *   {"hp": "uniform", "label": "x", "low": -2, "high": 2}.
 */
#include <math.h>

#include <hopt/hopt.h>

static int sin_objective(const hopt_point *point, hopt_result *result, void *user) {
    (void)user;
    double x;
    int rc = hopt_point_get_double(point, "", &x);
    if (rc != HOPT_OK) {
        hopt_result_set_error(result, hopt_errmsg());
        return rc;
    }
    return hopt_result_set_loss(result, sin(x));
}

/* The one symbol the worker looks up. The registry keeps its own reference,
 * so the objective handle is freed here. */
__attribute__((visibility("default"))) int hopt_plugin_register(hopt_registry *registry) {
    hopt_objective *objective = NULL;
    int rc = hopt_objective_new("sin", sin_objective, NULL, NULL, &objective);
    if (rc == HOPT_OK) rc = hopt_registry_add(registry, objective);
    hopt_objective_free(objective);
    return rc;
}

/* A plugin whose register function fails after adding an objective: the
 * worker's registry must stay as it was. */
#include <hopt/hopt.h>

static int never(const hopt_point *point, hopt_result *result, void *user) {
    (void)point, (void)user;
    return hopt_result_set_loss(result, 0);
}

__attribute__((visibility("default"))) int hopt_plugin_register(hopt_registry *registry) {
    hopt_objective *o = NULL;
    if (hopt_objective_new("half_registered", never, NULL, NULL, &o) == HOPT_OK) hopt_registry_add(registry, o);
    hopt_objective_free(o);
    return HOPT_ESTATE;
}

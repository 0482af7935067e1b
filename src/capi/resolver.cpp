// hopt_registry_set_resolver: objectives found by name when a worker needs
// them, for bindings whose objectives are importable names (Python's
// module:qualname) rather than a list known up front. The hook only looks
// a name up; deciding whether a job may run at all happens before it.
#include "capi/guard.hpp"
#include "capi/handles.hpp"

using namespace hopt;
using capi::guard;
using capi::require;

extern "C" {

HOPT_API int hopt_registry_set_resolver(hopt_registry *registry, hopt_objective_resolver_fn fn, void *user,
                                        void (*user_free)(void *)) {
    auto owned = std::make_shared<hopt_user_data>(user, user_free);
    return guard([&] {
        require(registry, "registry");
        if (!fn) {
            registry->registry.set_resolver(nullptr);
            return;
        }
        registry->registry.set_resolver([fn, owned](const std::string &name) -> std::shared_ptr<objective::Objective> {
            hopt_objective *found = nullptr;
            const int rc = fn(name.c_str(), &found, owned->user);
            std::unique_ptr<hopt_objective> holder(found);  // ours whatever rc says
            if (rc != HOPT_OK || !holder) return nullptr;   // not known here: another worker may know it
            return holder->objective;
        });
    });
}

}  // extern "C"

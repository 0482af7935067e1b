// hopt_algo_*: choose an algorithm and set its parameters.
#include "capi/guard.hpp"
#include "capi/handles.hpp"

using namespace hopt;
using capi::guard;
using capi::require;

extern "C" {

HOPT_API int hopt_algo_new(const char *name, hopt_algo **out) {
    return guard([&] {
        require(out, "out");
        *out = new hopt_algo{algo::make(require(name, "name"))};
    }, out);
}

HOPT_API void hopt_algo_free(hopt_algo *algo) { delete algo; }

HOPT_API int hopt_algo_set(hopt_algo *algo, const char *param, double value) {
    return guard([&] { require(algo, "algo")->algo->set(require(param, "param"), value); });
}

HOPT_API int hopt_algo_get(const hopt_algo *algo, const char *param, double *out) {
    return guard([&] { *require(out, "out") = require(algo, "algo")->algo->get(require(param, "param")); }, out);
}

HOPT_API const char *hopt_algo_name(const hopt_algo *algo) { return algo ? algo->algo->name() : ""; }

}  // extern "C"

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

HOPT_API int hopt_algo_param_count(const hopt_algo *algo, size_t *out) {
    return guard([&] { *require(out, "out") = require(algo, "algo")->algo->params().size(); }, out);
}

HOPT_API int hopt_algo_param_info(const hopt_algo *algo, size_t index, const char **name, double *default_value,
                                  double *value, double *min, double *max, int *integer) {
    return guard(
        [&] {
            const algo::Algorithm &a = *require(algo, "algo")->algo;
            const auto &params = a.params();
            if (index >= params.size())
                fail(HOPT_EINVAL, std::string(a.name()) + " has " + std::to_string(params.size()) +
                                      " parameters: index " + std::to_string(index) + " is out of range");
            const algo::ParamSpec &p = params[index];
            if (name) *name = p.name;
            if (default_value) *default_value = a.default_of(index);
            if (value) *value = p.value;
            if (min) *min = p.min;
            if (max) *max = p.max;
            if (integer) *integer = p.integer ? 1 : 0;
        },
        name, default_value, value, min, max, integer);
}

}  // extern "C"

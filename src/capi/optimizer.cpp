// hopt_optimizer_*, hopt_ask and hopt_tell: suggestions on request.
#include "capi/guard.hpp"
#include "capi/handles.hpp"
#include "objective/objective.hpp"
#include "trials/memory_store.hpp"

using namespace hopt;
using capi::guard;
using capi::require;

extern "C" {

HOPT_API int hopt_optimizer_new(const hopt_space *space, const hopt_algo *algo, hopt_trials *trials, uint64_t seed,
                                hopt_optimizer **out) {
    return guard([&] {
        require(out, "out");
        require(space, "space");
        std::shared_ptr<trials::Store> store =
            trials ? trials->store : std::make_shared<trials::MemoryStore>(std::nullopt);
        auto opt = std::make_unique<fmin::Optimizer>(space->space, algo ? algo->algo->clone() : algo::make("tpe"),
                                                     store, seed);
        *out = new hopt_optimizer{std::move(opt), hopt_trials{store}};
    }, out);
}

HOPT_API void hopt_optimizer_free(hopt_optimizer *opt) { delete opt; }

HOPT_API int hopt_ask(hopt_optimizer *opt, int64_t *tid, char **vals_out, char **point_out) {
    if (tid) *tid = -1;  // no trial; 0 would name one
    return guard([&] {
        const auto asked = require(opt, "optimizer")->optimizer->ask();
        const std::string vals = dump_json(asked.vals), point = dump_json(asked.point);
        if (tid) *tid = asked.tid;
        capi::give_string(vals_out, vals);
        capi::give_string(point_out, point);
    }, vals_out, point_out);
}

HOPT_API int hopt_tell(hopt_optimizer *opt, int64_t tid, double loss) {
    return guard([&] { require(opt, "optimizer")->optimizer->tell(tid, objective::loss_result(loss)); });
}

HOPT_API int hopt_tell_result(hopt_optimizer *opt, int64_t tid, const char *result_json) {
    return guard([&] {
        require(opt, "optimizer");
        opt->optimizer->tell(tid, parse_json(require(result_json, "result_json"), "result"));
    });
}

HOPT_API int hopt_tell_error(hopt_optimizer *opt, int64_t tid, const char *message) {
    return guard([&] { require(opt, "optimizer")->optimizer->tell_error(tid, message ? message : ""); });
}

HOPT_API hopt_trials *hopt_optimizer_trials(hopt_optimizer *opt) { return opt ? &opt->trials : nullptr; }

}  // extern "C"

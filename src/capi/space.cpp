// hopt_space_*: parse, print, sample and evaluate search spaces.
#include "capi/guard.hpp"
#include "capi/handles.hpp"
#include "core/rng.hpp"
#include "space/evaluate.hpp"
#include "space/prior.hpp"

using namespace hopt;
using capi::guard;
using capi::require;

extern "C" {

HOPT_API int hopt_space_from_json(const char *json, hopt_space **out) {
    return guard([&] {
        require(out, "out");
        require(json, "json");
        if (json_depth(json) > space::kMaxDepth)
            fail(HOPT_ESPACE, "invalid space: nesting deeper than " + std::to_string(space::kMaxDepth) + " levels");
        const Json description = parse_json(json, "space description");
        auto sp = std::make_shared<const space::Space>(space::Space::from_json(description));
        *out = new hopt_space{std::move(sp)};
    }, out);
}

HOPT_API void hopt_space_free(hopt_space *space) { delete space; }

HOPT_API int hopt_space_to_json(const hopt_space *space, char **out) {
    return guard([&] {
        require(out, "out");
        *out = capi::dup_string(dump_json(require(space, "space")->space->to_json()));
    }, out);
}

HOPT_API int hopt_space_labels(const hopt_space *space, char **out) {
    return guard([&] {
        require(out, "out");
        Json labels = Json::array();
        for (const auto &p : require(space, "space")->space->params()) labels.push_back(p.label);
        *out = capi::dup_string(dump_json(labels));
    }, out);
}

HOPT_API int hopt_space_sample(const hopt_space *space, uint64_t seed, char **vals_out, char **point_out) {
    return guard([&] {
        const space::Space &sp = *require(space, "space")->space;
        Rng rng(seed);
        const space::Vals vals = space::sample_prior(sp, rng);
        const std::string vals_text = dump_json(space::vals_to_json(sp, vals));
        const std::string point_text = point_out ? dump_json(space::evaluate(sp, vals)) : std::string();
        capi::give_string(vals_out, vals_text);
        capi::give_string(point_out, point_text);
    }, vals_out, point_out);
}

HOPT_API int hopt_space_eval(const hopt_space *space, const char *vals_json, char **point_out) {
    return guard([&] {
        require(point_out, "point_out");
        const space::Space &sp = *require(space, "space")->space;
        const Json flat = parse_json(require(vals_json, "vals_json"), "vals");
        *point_out = capi::dup_string(dump_json(space::evaluate(sp, space::vals_from_json(sp, flat, false))));
    }, point_out);
}

}  // extern "C"

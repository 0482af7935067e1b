#include <cmath>

#include "core/error.hpp"
#include "objective/objective.hpp"

namespace hopt::objective {

namespace {

std::string non_finite_text(double v) {
    if (std::isnan(v)) return "nan";
    return v > 0 ? "inf" : "-inf";
}

}  // namespace

Json loss_result(double loss) {
    Json r = Json::object();
    r["status"] = "ok";
    r["loss"] = loss;
    return normalize_result(std::move(r));
}

Json normalize_result(Json r) {
    if (!r.is_object()) fail(HOPT_EINVAL, std::string("a result must be an object, got ") + json_kind(r));
    auto st = r.find("status");
    if (st == r.end()) fail(HOPT_EINVAL, "a result needs a \"status\" (\"ok\" or \"fail\")");
    if (!st->is_string() || (*st != "ok" && *st != "fail"))
        fail(HOPT_EINVAL, "invalid result status " + st->dump() + " (expected \"ok\" or \"fail\")");
    for (const char *key : {"loss", "true_loss", "loss_variance", "true_loss_variance"}) {
        auto it = r.find(key);
        if (it == r.end()) continue;
        if (it->is_null()) continue;
        if (!it->is_number() || it->is_boolean())
            fail(HOPT_EINVAL, std::string("result \"") + key + "\" must be a number, got " + it->dump());
        const double v = it->get<double>();
        if (std::isfinite(v)) continue;
        r[std::string(key) + "_raw"] = non_finite_text(v);
        r.erase(key);
        if (std::string(key) == "loss") r["status"] = "fail";
    }
    if (r["status"] == "ok" && !(r.contains("loss") && r["loss"].is_number()))
        fail(HOPT_EINVAL, "a result with status \"ok\" needs a numeric \"loss\"");
    return r;
}

}  // namespace hopt::objective

// hopt_objective_*, hopt_point_* and hopt_result_*: C callbacks as engine
// objectives.
#include <cmath>

#include "capi/guard.hpp"
#include "capi/handles.hpp"

using namespace hopt;
using capi::guard;
using capi::require;

struct hopt_point {
    int64_t tid;
    const Json *point;
    const Json *vals;
    std::string point_text, vals_text;
    const std::string *space_json;  // the request's; "" when unknown
};

struct hopt_result {
    Json doc = Json{{"status", "ok"}};
    std::string error;
};

namespace {

class CallbackObjective final : public objective::Objective {
public:
    CallbackObjective(std::string name, hopt_objective_fn fn, std::unique_ptr<hopt_user_data> user)
        : name_(std::move(name)), fn_(fn), user_(std::move(user)) {}

    const std::string &name() const override { return name_; }

    objective::Outcome evaluate(const objective::Request &req) override {
        hopt_point point{req.tid, &req.point, &req.vals, dump_json(req.point), dump_json(req.vals),
                         &req.space_json};
        hopt_result result;
        int rc;
        try {
            rc = fn_(&point, &result, user_->user);
        } catch (const std::exception &e) {  // a C++ objective that threw
            return objective::Outcome::failure("hopt.ObjectiveError", e.what());
        } catch (...) {
            return objective::Outcome::failure("hopt.ObjectiveError", "the objective threw an unknown exception");
        }
        if (rc != 0)
            return objective::Outcome::failure(
                "hopt.ObjectiveError",
                result.error.empty() ? "the objective returned " + std::to_string(rc) : result.error);
        try {
            objective::Outcome ok;
            ok.result = objective::normalize_result(std::move(result.doc));
            return ok;
        } catch (const Error &e) {
            return objective::Outcome::failure("hopt.InvalidResult", e.what());
        }
    }

private:
    std::string name_;
    hopt_objective_fn fn_;
    std::unique_ptr<hopt_user_data> user_;
};

// Resolve "a.b.0" inside the point; nullptr when absent.
const Json *at_path(const Json &root, const char *path) {
    const Json *cur = &root;
    std::string p = path ? path : "";
    size_t start = 0;
    while (!p.empty() && start <= p.size()) {
        const size_t dot = p.find('.', start);
        const std::string seg = p.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (cur->is_object()) {
            auto it = cur->find(seg);
            if (it == cur->end()) return nullptr;
            cur = &*it;
        } else if (cur->is_array()) {
            char *end = nullptr;
            const unsigned long i = std::strtoul(seg.c_str(), &end, 10);
            if (seg.empty() || *end || i >= cur->size()) return nullptr;
            cur = &(*cur)[i];
        } else {
            return nullptr;
        }
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    return cur;
}

const Json &member(const hopt_point *point, const char *path) {
    const Json *v = at_path(*require(point, "point")->point, path);
    if (!v) fail(HOPT_ENOTFOUND, std::string("the point has no member '") + (path ? path : "") + "'");
    return *v;
}

double number_at(const hopt_point *point, const char *path) {
    const Json &v = member(point, path);
    if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
    if (!v.is_number())
        fail(HOPT_EINVAL, std::string("point member '") + (path ? path : "") + "' is a " + json_kind(v) + ", not a number");
    return v.get<double>();
}

}  // namespace

extern "C" {

HOPT_API int hopt_objective_new(const char *name, hopt_objective_fn fn, void *user, void (*user_free)(void *),
                                hopt_objective **out) {
    // Own `user` first, so that it is released even when this call fails.
    auto owned = std::make_unique<hopt_user_data>(user, user_free);
    return guard([&] {
        require(out, "out");
        if (!fn) fail(HOPT_EINVAL, "fn must not be NULL");
        const std::string n = name ? name : "objective";
        if (n.empty()) fail(HOPT_EINVAL, "an objective name must not be empty");
        *out = new hopt_objective{std::make_shared<CallbackObjective>(n, fn, std::move(owned))};
    }, out);
}

HOPT_API void hopt_objective_free(hopt_objective *objective) { delete objective; }

HOPT_API const char *hopt_point_json(const hopt_point *point) { return point ? point->point_text.c_str() : ""; }

HOPT_API const char *hopt_point_vals_json(const hopt_point *point) { return point ? point->vals_text.c_str() : ""; }

HOPT_API const char *hopt_point_space_json(const hopt_point *point) {
    return point && !point->space_json->empty() ? point->space_json->c_str() : nullptr;
}

HOPT_API int64_t hopt_point_tid(const hopt_point *point) { return point ? point->tid : -1; }

HOPT_API int hopt_point_get_double(const hopt_point *point, const char *path, double *out) {
    return guard([&] { *require(out, "out") = number_at(point, path); }, out);
}

HOPT_API int hopt_point_get_int(const hopt_point *point, const char *path, int64_t *out) {
    return guard([&] {
        require(out, "out");
        const Json &v = member(point, path);
        if (v.is_number_integer()) {
            *out = v.get<int64_t>();
            return;
        }
        const double d = number_at(point, path);
        if (d != std::floor(d) || std::fabs(d) > 9.2e18)
            fail(HOPT_EINVAL, std::string("point member '") + (path ? path : "") + "' is not an integer");
        *out = static_cast<int64_t>(d);
    }, out);
}

HOPT_API int hopt_point_get_string(const hopt_point *point, const char *path, const char **out) {
    return guard([&] {
        require(out, "out");
        const Json &v = member(point, path);
        if (!v.is_string())
            fail(HOPT_EINVAL, std::string("point member '") + (path ? path : "") + "' is a " + json_kind(v) + ", not a string");
        *out = v.get_ref<const std::string &>().c_str();
    }, out);
}

HOPT_API int hopt_result_set_loss(hopt_result *result, double loss) {
    return guard([&] { require(result, "result")->doc["loss"] = loss; });
}

HOPT_API int hopt_result_set_status(hopt_result *result, hopt_result_status status) {
    return guard([&] {
        require(result, "result");
        if (status != HOPT_STATUS_OK && status != HOPT_STATUS_FAIL)
            fail(HOPT_EINVAL, "status must be HOPT_STATUS_OK or HOPT_STATUS_FAIL");
        result->doc["status"] = status == HOPT_STATUS_OK ? "ok" : "fail";
    });
}

HOPT_API int hopt_result_set_true_loss(hopt_result *result, double true_loss) {
    return guard([&] { require(result, "result")->doc["true_loss"] = true_loss; });
}

HOPT_API int hopt_result_set_loss_variance(hopt_result *result, double variance) {
    return guard([&] { require(result, "result")->doc["loss_variance"] = variance; });
}

HOPT_API int hopt_result_set_json(hopt_result *result, const char *key, const char *json) {
    return guard([&] {
        require(result, "result");
        const std::string k = require(key, "key");
        for (const char *reserved : {"status", "loss", "true_loss", "loss_variance"})
            if (k == reserved) fail(HOPT_EINVAL, "result key '" + k + "' has its own setter");
        if (k.empty() || k[0] == '$' || k.find('.') != std::string::npos)
            fail(HOPT_EINVAL, "result key '" + k + "' must be non-empty, without '.' and not start with '$'");
        result->doc[k] = parse_json(require(json, "json"), ("result key '" + k + "'").c_str());
    });
}

HOPT_API int hopt_result_set_document(hopt_result *result, const char *json) {
    return guard([&] {
        require(result, "result");
        Json doc = parse_json(require(json, "json"), "result document");
        if (!doc.is_object()) fail(HOPT_EJSON, "a result document must be a JSON object");
        result->doc = std::move(doc);
    });
}

HOPT_API int hopt_result_set_error(hopt_result *result, const char *message) {
    return guard([&] { require(result, "result")->error = message ? message : ""; });
}

}  // extern "C"

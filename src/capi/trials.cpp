// hopt_trials_*: create stores and ask them hyperopt's questions.
#include <cmath>

#include "capi/guard.hpp"
#include "capi/handles.hpp"
#include "trials/lifecycle.hpp"
#include "trials/memory_store.hpp"
#include "trials/open.hpp"
#include "trials/queries.hpp"

using namespace hopt;
using capi::guard;
using capi::require;

namespace {

std::vector<trials::TrialPtr> valid_trials(const hopt_trials *t) {
    return trials::in_states(require(t, "trials")->store->refresh(), trials::kValidStates);
}

}  // namespace

extern "C" {

HOPT_API int hopt_trials_new(const char *exp_key, hopt_trials **out) {
    return guard([&] {
        require(out, "out");
        std::optional<std::string> key;
        if (exp_key) key = exp_key;
        *out = new hopt_trials{std::make_shared<trials::MemoryStore>(key)};
    }, out);
}

HOPT_API int hopt_trials_mongo_open(const char *url, const char *exp_key, hopt_trials **out) {
    return guard([&] {
        require(out, "out");
        std::optional<std::string> key;
        if (exp_key) key = exp_key;
        // Fails at once when the server is down (src/trials/open.hpp).
        *out = new hopt_trials{std::shared_ptr<trials::Store>(trials::open_mongo(require(url, "url"), key, {}))};
    }, out);
}

HOPT_API void hopt_trials_free(hopt_trials *trials) { delete trials; }

HOPT_API int hopt_trials_count(const hopt_trials *t, int state, int64_t *out) {
    return guard([&] {
        require(out, "out");
        if (state < -1 || state > trials::kCancel) fail(HOPT_EINVAL, "state must be -1 or a hopt_job_state (0..4)");
        *out = require(t, "trials")->store->count(state == -1 ? trials::kAllStates : trials::mask_of(state));
    }, out);
}

HOPT_API int hopt_trials_losses(const hopt_trials *t, double **losses, size_t *n) {
    return guard([&] {
        require(losses, "losses");
        require(n, "n");
        const auto docs = valid_trials(t);
        double *buf = static_cast<double *>(std::malloc(sizeof(double) * (docs.empty() ? 1 : docs.size())));
        if (!buf) throw std::bad_alloc();
        for (size_t i = 0; i < docs.size(); ++i) buf[i] = docs[i]->loss();
        *losses = buf;
        *n = docs.size();
    }, losses, n);
}

HOPT_API int hopt_trials_statuses(const hopt_trials *t, char **out) {
    return guard([&] {
        require(out, "out");
        Json arr = Json::array();
        for (const auto &d : valid_trials(t)) arr.push_back(d->status());
        *out = capi::dup_string(dump_json(arr));
    }, out);
}

HOPT_API int hopt_trials_best_trial(const hopt_trials *t, char **out) {
    return guard([&] {
        require(out, "out");
        const auto best = trials::best_trial(valid_trials(t));
        if (!best) fail(HOPT_EALLFAILED, "no trial has status \"ok\" and a finite loss");
        *out = capi::dup_string(dump_json(trials::to_json(*best)));
    }, out);
}

HOPT_API int hopt_trials_argmin(const hopt_trials *t, char **out) {
    return guard([&] {
        require(out, "out");
        *out = capi::dup_string(dump_json(fmin::best_of(nullptr, valid_trials(t), true)));
    }, out);
}

HOPT_API int hopt_trials_export(const hopt_trials *t, char **out) {
    return guard([&] {
        require(out, "out");
        Json arr = Json::array();
        for (const auto &d : require(t, "trials")->store->refresh()) arr.push_back(trials::to_json(*d));
        *out = capi::dup_string(dump_json(arr));
    }, out);
}

HOPT_API int hopt_trials_import(hopt_trials *t, const char *json) {
    return guard([&] {
        require(t, "trials");
        const Json arr = parse_json(require(json, "json"), "trial documents");
        if (!arr.is_array()) fail(HOPT_EJSON, "trial documents must be a JSON array");
        std::vector<trials::Trial> docs;
        docs.reserve(arr.size());
        for (const Json &d : arr) {
            trials::Trial tr = trials::from_json(d);
            trials::lifecycle::sort_vals(tr.vals);
            docs.push_back(std::move(tr));
        }
        t->store->insert(docs);
    });
}

HOPT_API int hopt_trials_get(const hopt_trials *t, int64_t tid, char **out) {
    return guard([&] {
        require(out, "out");
        for (const auto &d : require(t, "trials")->store->refresh())
            if (d->tid == tid) {
                *out = capi::dup_string(dump_json(trials::to_json(*d)));
                return;
            }
        fail(HOPT_ENOTFOUND, "no trial has tid " + std::to_string(tid));
    }, out);
}

HOPT_API int hopt_trials_delete_all(hopt_trials *t) {
    return guard([&] { require(t, "trials")->store->delete_all(); });
}

HOPT_API const char *hopt_trials_exp_key(const hopt_trials *t) {
    if (!t || !t->store->exp_key()) return nullptr;
    return t->store->exp_key()->c_str();
}

}  // extern "C"

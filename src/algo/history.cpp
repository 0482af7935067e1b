#include "algo/history.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace hopt::algo {

namespace {

// Trial::loss() without its map look-up by C string: results hold a few
// keys ("loss", "status", ...), so a scan comparing lengths first is several
// times cheaper per trial. The same value: result.loss if it is a number,
// else NaN.
double loss_of(const trials::Trial &t) {
    if (!t.result.is_object()) return NAN;
    const auto &obj = t.result.get_ref<const Json::object_t &>();
    if (obj.size() > 8) return t.loss();
    for (const auto &[key, value] : obj) {
        if (key.size() == 4 && std::memcmp(key.data(), "loss", 4) == 0)
            return value.is_number() ? value.get<double>() : NAN;
    }
    return NAN;
}

// Labels are short: an inline loop beats a call to memcmp.
bool same_label(const std::string &a, const std::string &b) {
    const size_t n = a.size();
    if (n != b.size()) return false;
    const char *x = a.data(), *y = b.data();
    for (size_t i = 0; i < n; ++i)
        if (x[i] != y[i]) return false;
    return true;
}

}  // namespace

History History::build(const space::Space &space, const std::vector<trials::TrialPtr> &docs) {
    History h;
    const size_t n_params = space.params().size();
    h.per_param.resize(n_params);
    for (auto &obs : h.per_param) obs.reserve(docs.size());
    h.tids.reserve(docs.size());
    h.losses.reserve(docs.size());
    // Trial vals are sorted by label (trials/trial.hpp): merge them against
    // the space's labels in the same order, linear in the number of labels.
    std::vector<uint32_t> by_label(n_params);
    for (uint32_t p = 0; p < n_params; ++p) by_label[p] = p;
    std::sort(by_label.begin(), by_label.end(),
              [&](uint32_t a, uint32_t b) { return space.param(a).label < space.param(b).label; });
    std::vector<const std::string *> labels(n_params);
    for (size_t i = 0; i < n_params; ++i) labels[i] = &space.param(by_label[i]).label;
    for (const auto &doc : docs) {
        const uint32_t index = static_cast<uint32_t>(h.tids.size());
        h.tids.push_back(doc->tid);
        const double loss = loss_of(*doc);
        // hyperopt uses result.loss whatever the status; a missing loss is +inf.
        h.losses.push_back(std::isnan(loss) ? INFINITY : loss);
        const auto &vals = doc->vals;
        // Usually a trial of this space has exactly its labels, in order.
        bool exact = vals.size() == n_params;
        for (size_t i = 0; exact && i < n_params; ++i) exact = same_label(vals[i].label, *labels[i]);
        if (exact) {
            for (size_t i = 0; i < n_params; ++i)
                if (vals[i].active) h.per_param[by_label[i]].push_back({index, vals[i].value});
            continue;
        }
        size_t k = 0;
        for (size_t i = 0; i < n_params; ++i) {
            const std::string &label = *labels[i];
            // One comparison per label: trials of this space match at every step.
            while (k < vals.size()) {
                const int c = vals[k].label.compare(label);
                if (c < 0) {
                    ++k;
                    continue;
                }
                if (c == 0) {
                    if (vals[k].active) h.per_param[by_label[i]].push_back({index, vals[k].value});
                    ++k;
                }
                break;
            }
        }
    }
    return h;
}

}  // namespace hopt::algo

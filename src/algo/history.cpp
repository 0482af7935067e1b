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
        if (key.size() != 4 || std::memcmp(key.data(), "loss", 4) != 0) continue;
        if (const double *d = value.get_ptr<const Json::number_float_t *>()) return *d;
        return value.is_number() ? value.get<double>() : NAN;
    }
    return NAN;
}

inline bool same_label(const std::string &s, const std::string &t) {
    return s.size() == t.size() && std::memcmp(s.data(), t.data(), s.size()) == 0;
}

}  // namespace

History History::build(const space::Space &space, const std::vector<trials::TrialPtr> &docs) {
    History h;
    const size_t n_params = space.params().size(), n_docs = docs.size();
    h.tids.resize(n_docs);
    h.losses.resize(n_docs);
    // Each parameter's observations are written in place, then trimmed; room
    // for every trial up front unless that is a lot of (virtual) memory, as
    // with many conditional parameters.
    const size_t room = n_params * n_docs <= (size_t{1} << 22) ? n_docs : std::min<size_t>(n_docs, 256);
    h.per_param.resize(n_params);
    for (auto &obs : h.per_param) obs.resize(room);
    std::vector<size_t> count(n_params, 0);
    // Trial vals are sorted by label (trials/trial.hpp): merge them against
    // the space's labels in the same order, linear in the number of labels.
    std::vector<uint32_t> by_label(n_params);
    for (uint32_t p = 0; p < n_params; ++p) by_label[p] = p;
    std::sort(by_label.begin(), by_label.end(),
              [&](uint32_t a, uint32_t b) { return space.param(a).label < space.param(b).label; });
    std::vector<const std::string *> labels(n_params);
    for (size_t i = 0; i < n_params; ++i) labels[i] = &space.param(by_label[i]).label;
    auto add = [&](uint32_t p, uint32_t index, double value) {
        Observations &obs = h.per_param[p];
        if (count[p] == obs.size()) obs.resize(std::min(n_docs, 2 * obs.size() + 1));
        obs[count[p]++] = {index, value};
    };
    for (uint32_t index = 0; index < n_docs; ++index) {
        const trials::Trial &doc = *docs[index];
        h.tids[index] = doc.tid;
        const double loss = loss_of(doc);
        // hyperopt uses result.loss whatever the status; a missing loss is +inf.
        h.losses[index] = std::isnan(loss) ? INFINITY : loss;
        const auto &vals = doc.vals;
        // Usually a trial of this space has exactly its labels, in order.
        bool exact = vals.size() == n_params;
        for (size_t i = 0; exact && i < n_params; ++i) exact = same_label(vals[i].label, *labels[i]);
        if (exact) {
            for (size_t i = 0; i < n_params; ++i)
                if (vals[i].active) add(by_label[i], index, vals[i].value);
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
                    if (vals[k].active) add(by_label[i], index, vals[k].value);
                    ++k;
                }
                break;
            }
        }
    }
    for (size_t p = 0; p < n_params; ++p) h.per_param[p].resize(count[p]);
    return h;
}

}  // namespace hopt::algo

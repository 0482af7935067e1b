#include "algo/history.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace hopt::algo {

TrialReader::TrialReader(const space::Space &space) {
    const size_t n_params = space.params().size();
    by_label_.resize(n_params);
    for (uint32_t p = 0; p < n_params; ++p) by_label_[p] = p;
    std::sort(by_label_.begin(), by_label_.end(),
              [&](uint32_t a, uint32_t b) { return space.param(a).label < space.param(b).label; });
    labels_.resize(n_params);
    for (size_t i = 0; i < n_params; ++i) labels_[i] = &space.param(by_label_[i]).label;
}

// Trial::loss() without its map look-up by C string: results hold a few
// keys ("loss", "status", ...), so a scan comparing lengths first is several
// times cheaper per trial.
double TrialReader::loss(const trials::Trial &t) {
    double loss = NAN;
    if (t.result.is_object()) {
        const auto &obj = t.result.get_ref<const Json::object_t &>();
        if (obj.size() > 8) {
            loss = t.loss();
        } else {
            for (const auto &[key, value] : obj) {
                if (key.size() != 4 || std::memcmp(key.data(), "loss", 4) != 0) continue;
                if (const double *d = value.get_ptr<const Json::number_float_t *>()) loss = *d;
                else if (value.is_number()) loss = value.get<double>();
                break;
            }
        }
    }
    return std::isnan(loss) ? INFINITY : loss;
}

History History::build(const space::Space &space, const std::vector<trials::TrialPtr> &docs) {
    History h;
    const TrialReader reader(space);
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
    for (uint32_t index = 0; index < n_docs; ++index) {
        const trials::Trial &doc = *docs[index];
        h.tids[index] = doc.tid;
        h.losses[index] = TrialReader::loss(doc);
        reader.values(doc, [&](uint32_t p, double value) {
            Observations &obs = h.per_param[p];
            if (count[p] == obs.size()) obs.resize(std::min(n_docs, 2 * obs.size() + 1));
            obs[count[p]++] = {index, value};
        });
    }
    for (size_t p = 0; p < n_params; ++p) h.per_param[p].resize(count[p]);
    return h;
}

}  // namespace hopt::algo

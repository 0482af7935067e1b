#include "algo/history.hpp"

#include <algorithm>
#include <cmath>

namespace hopt::algo {

History History::build(const space::Space &space, const std::vector<trials::TrialPtr> &docs) {
    History h;
    const size_t n_params = space.params().size();
    h.per_param.resize(n_params);
    h.tids.reserve(docs.size());
    h.losses.reserve(docs.size());
    // Trial vals are sorted by label (trials/trial.hpp): merge them against
    // the space's labels in the same order, linear in the number of labels.
    std::vector<uint32_t> by_label(n_params);
    for (uint32_t p = 0; p < n_params; ++p) by_label[p] = p;
    std::sort(by_label.begin(), by_label.end(),
              [&](uint32_t a, uint32_t b) { return space.param(a).label < space.param(b).label; });
    for (const auto &doc : docs) {
        const uint32_t index = static_cast<uint32_t>(h.tids.size());
        h.tids.push_back(doc->tid);
        const double loss = doc->loss();
        // hyperopt uses result.loss whatever the status; a missing loss is +inf.
        h.losses.push_back(std::isnan(loss) ? INFINITY : loss);
        const auto &vals = doc->vals;
        size_t k = 0;
        for (uint32_t p : by_label) {
            const std::string &label = space.param(p).label;
            // One comparison per label: trials of this space match at every step.
            while (k < vals.size()) {
                const int c = vals[k].label.compare(label);
                if (c < 0) {
                    ++k;
                    continue;
                }
                if (c == 0) {
                    if (vals[k].active) h.per_param[p].push_back({index, vals[k].value});
                    ++k;
                }
                break;
            }
        }
    }
    return h;
}

}  // namespace hopt::algo

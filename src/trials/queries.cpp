#include "trials/queries.hpp"

#include <cmath>

namespace hopt::trials {

std::vector<TrialPtr> in_states(const std::vector<TrialPtr> &all, StateMask states) {
    std::vector<TrialPtr> out;
    out.reserve(all.size());
    for (const auto &t : all)
        if (states & mask_of(t->state)) out.push_back(t);
    return out;
}

int64_t count_states(const std::vector<TrialPtr> &all, StateMask states) {
    int64_t n = 0;
    for (const auto &t : all) n += (states & mask_of(t->state)) != 0;
    return n;
}

TrialPtr best_trial(const std::vector<TrialPtr> &all) {
    TrialPtr best;
    for (const auto &t : all) {
        if ((kValidStates & mask_of(t->state)) == 0 || !t->ok()) continue;
        if (!best || t->loss() < best->loss()) best = t;
    }
    return best;
}

double best_loss(const std::vector<TrialPtr> &all) {
    double best = INFINITY;
    for (const auto &t : all) {
        if (t->state != kDone) continue;
        const double l = t->loss();
        if (std::isfinite(l) && l < best) best = l;
    }
    return best;
}

}  // namespace hopt::trials

#include "algo/mtpe/groups.hpp"

#include <unordered_map>

namespace hopt::algo::mtpe {

namespace {

uint64_t hash_trials(const Observations &obs) {
    uint64_t h = 1469598103934665603ull ^ obs.size();
    for (const Observation &o : obs) h = (h ^ o.trial) * 1099511628211ull;
    return h;
}

bool same_trials(const Observations &obs, const std::vector<uint32_t> &trials) {
    if (obs.size() != trials.size()) return false;
    for (size_t i = 0; i < trials.size(); ++i)
        if (obs[i].trial != trials[i]) return false;
    return true;
}

}  // namespace

Groups decompose(const History &h) {
    Groups g;
    const size_t n_params = h.per_param.size();
    g.of_param.assign(n_params, -1);
    std::unordered_multimap<uint64_t, int32_t> by_hash;
    for (uint32_t p = 0; p < n_params; ++p) {
        const Observations &obs = h.per_param[p];
        if (obs.empty()) continue;
        const uint64_t key = hash_trials(obs);
        int32_t found = -1;
        for (auto [it, end] = by_hash.equal_range(key); it != end && found < 0; ++it)
            if (same_trials(obs, g.trials[static_cast<size_t>(it->second)])) found = it->second;
        if (found < 0) {
            found = static_cast<int32_t>(g.members.size());
            g.members.emplace_back();
            std::vector<uint32_t> trials(obs.size());
            for (size_t i = 0; i < obs.size(); ++i) trials[i] = obs[i].trial;
            g.trials.push_back(std::move(trials));
            by_hash.emplace(key, found);
        }
        g.members[static_cast<size_t>(found)].push_back(p);
        g.of_param[p] = found;
    }
    return g;
}

}  // namespace hopt::algo::mtpe

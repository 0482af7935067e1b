#include "algo/random.hpp"

#include "core/rng.hpp"
#include "space/prior.hpp"

namespace hopt::algo {

std::vector<space::Vals> Random::suggest(const std::vector<int64_t> &new_tids, const space::Space &space,
                                         const std::vector<trials::TrialPtr> &, uint64_t seed) const {
    Rng rng(seed);
    std::vector<space::Vals> out;
    out.reserve(new_tids.size());
    for (size_t i = 0; i < new_tids.size(); ++i) out.push_back(space::sample_prior(space, rng));
    return out;
}

}  // namespace hopt::algo

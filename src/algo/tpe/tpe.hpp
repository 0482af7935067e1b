// hyperopt's Tree-structured Parzen Estimator (tpe.suggest): after a random
// start, split the trials into the best gamma*sqrt(N) and the rest, model each
// hyperparameter's good (l) and bad (g) values with adaptive Parzen mixtures,
// and pick, node by node, the candidate from l maximising log l - log g.
#pragma once

#include "algo/algorithm.hpp"

namespace hopt::algo {

class Tpe final : public Algorithm {
public:
    Tpe();
    const char *name() const override { return "tpe"; }
    std::unique_ptr<Algorithm> clone() const override { return std::make_unique<Tpe>(*this); }
    std::vector<space::Vals> suggest(const std::vector<int64_t> &new_tids, const space::Space &space,
                                     const std::vector<trials::TrialPtr> &history, uint64_t seed) const override;
};

}  // namespace hopt::algo

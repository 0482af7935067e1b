// hyperopt's categorical TPE model: linear-forgetting-weighted counts plus
// prior pseudo-counts (prior_weight each, or K * prior_weight * p for pchoice).
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "core/rng.hpp"

namespace hopt::algo::tpe {

// Sparse, so randint over a huge range costs only its observations.
class CategoricalModel {
public:
    // obs: category indices (0..k-1) in tid order; probs: pchoice prior or empty.
    CategoricalModel(std::span<const int64_t> obs, int64_t k, std::span<const double> probs,
                     double prior_weight, size_t lf);
    int64_t sample(Rng &rng) const;
    double log_prob(int64_t x) const;

private:
    int64_t k_;
    std::vector<double> probs_;               // empty: uniform prior
    double prior_weight_;
    std::vector<std::pair<int64_t, double>> counts_;  // sorted by category
    double observed_ = 0, total_ = 0;
};

}  // namespace hopt::algo::tpe

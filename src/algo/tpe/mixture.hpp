// Sampling and log-densities of the mixtures TPE builds, per distribution
// family, following hyperopt's GMM1 / LGMM1 / categorical definitions.
// Bounds, when present, truncate the mixture (the log variants are bounded in
// log space); q rounds samples and turns densities into bin probabilities.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "algo/tpe/parzen.hpp"
#include "core/rng.hpp"

namespace hopt::algo::tpe {

struct Bounds {
    double low, high;
};

// A normal mixture, optionally truncated to [low, high): samples and scores.
class NormalMixture {
public:
    NormalMixture(Mixture m, std::optional<Bounds> bounds);

    // A draw from the (truncated) mixture; exactly hyperopt's per-sample
    // rejection in distribution, without its unbounded loops in far tails.
    double sample(Rng &rng) const;

    // log-density of x (GMM1_lpdf without q), normalised by the truncation.
    double lpdf(double x) const;
    // log-probability of the q-bin around x (GMM1_lpdf with q).
    double lpdf_q(double x, double q) const;
    // LGMM1_lpdf: x > 0 is exp of a draw from this mixture (bounds in log space).
    double lpdf_log(double x) const;
    double lpdf_log_q(double x, double q) const;

private:
    Mixture m_;
    std::optional<Bounds> bounds_;
    std::vector<double> pick_;    // cumulative component weights (times truncated mass)
    double log_p_accept_ = 0.0;   // log of the mixture's mass inside the bounds
    std::vector<double> log_coef_;  // log(w / (sigma * sqrt(2 pi))) - log_p_accept
};

// hyperopt's categorical TPE model: linear-forgetting-weighted counts plus
// prior pseudo-counts (prior_weight each, or K * prior_weight * p for pchoice).
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

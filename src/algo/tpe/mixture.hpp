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
//
// Densities are sums over every component, as in hyperopt, but computed in
// blocks of components sorted by mean: a block whose best possible term is
// e^-40 below the largest one so far cannot change the result beyond 1e-15
// relative (even summed over 10^4 components) and is skipped. TPE scores 24
// candidates against mixtures with a component per trial, so this keeps the
// cost nearly flat in the number of trials. Not thread-safe (lazy caches);
// TPE builds one per parameter per suggestion.
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
    struct Block {
        size_t begin, end;
        double mu_min, mu_max, sigma_max, coef_max, weight_sum;
    };
    // Component coefficients are computed per block on first use: most
    // blocks are never needed, and each costs a log per component.
    void ensure_coefs(size_t block) const;
    // log sum_i exp(-0.5 ((y - mu_i) / sigma_i)^2 + coef_i), skipping blocks
    // that cannot matter.
    double log_sum(double y) const;
    // sum_i w_i P(lo < X_i <= hi), skipping blocks that cannot matter.
    double mass_sum(double lo, double hi) const;

    size_t n_ = 0;                      // components
    std::vector<double> w_, mu_, sigma_;
    std::vector<double> mu_pad_, inv_sigma_;  // padded to whole blocks
    mutable std::vector<double> coef_;  // log(w / (sigma sqrt(2 pi))), per block on demand
    mutable std::vector<uint8_t> coef_ready_;
    std::vector<Block> blocks_;
    std::optional<Bounds> bounds_;
    std::vector<double> pick_;     // cumulative w * (mass inside the bounds)
    double log_p_accept_ = 0.0;    // log of the mixture's mass inside the bounds
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

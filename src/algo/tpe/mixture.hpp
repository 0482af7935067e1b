// Sampling and log-densities of the normal mixtures TPE builds, following
// hyperopt's GMM1 / LGMM1 definitions. Bounds, when present, truncate the
// mixture (the log variants are bounded in log space); q rounds samples and
// turns densities into bin probabilities.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "algo/tpe/categorical.hpp"
#include "algo/tpe/gauss_blocks.hpp"
#include "algo/tpe/parzen.hpp"
#include "core/rng.hpp"

namespace hopt::algo::tpe {

struct Bounds {
    double low, high;
};

// What a mixture will be asked for: TPE samples only its good model, and
// scores with bin probabilities only for q parameters.
struct MixtureUse {
    bool sample = true;
    bool mass = true;  // lpdf_q / lpdf_log_q
};

// A normal mixture, optionally truncated to [low, high): samples and scores.
// Densities are hyperopt's sums over every component, evaluated through
// GaussBlocks (only blocks that can change the result are summed). Immutable
// once built, so safe to share between threads.
class NormalMixture {
public:
    // The estimator's mixture; its prior, whose width spans the whole
    // range, is summed apart from the blocks.
    NormalMixture(const ParzenMixture &m, std::optional<Bounds> bounds, MixtureUse use = {});
    // Any mixture (sorted by mean here if it is not).
    NormalMixture(const Mixture &m, std::optional<Bounds> bounds);

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
    // log sum_i w_i N(y; mu_i, sigma_i), not normalised by the truncation.
    double log_density(double y) const;
    // sum_i w_i P(lo < X_i <= hi), skipping blocks that cannot matter.
    double mass_sum(double lo, double hi) const;

    Mixture m_;  // sorted by mean, the prior included: sampling only
    std::optional<Bounds> bounds_;
    std::vector<double> pick_;    // cumulative w * (mass inside the bounds)
    double log_p_accept_ = 0.0;   // log of the mixture's mass inside the bounds
    GaussBlocks density_;         // lw = w * scale / sigma
    double log_scale_ = 0.0;      // log(scale * sqrt(2 pi))
    GaussBlocks masses_;          // lw = w (bounds the mass of a bin)
    std::vector<double> sigma_;   // masses_' components' sigmas
    double prior_sigma_ = 0.0;    // the prior's, when outside the blocks
};

}  // namespace hopt::algo::tpe

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
    // The truncation's normaliser now, or (when nothing samples) on
    // normalise(): it shifts every score of the mixture alike, so TPE needs
    // it only to order near-equal scores, and it costs a pass over the
    // components.
    bool normalise = true;
};

// The four log-densities a NormalMixture scores with, by name: lpdf,
// lpdf_q, lpdf_log, lpdf_log_q.
enum class Lpdf { Plain, Q, Log, LogQ };

// A normal mixture, optionally truncated to [low, high): samples and scores.
// Densities are hyperopt's sums over every component, evaluated through
// GaussBlocks (only blocks that can change the result are summed). Immutable
// once built (until assigned again), so safe to share between threads.
class NormalMixture {
public:
    NormalMixture() = default;  // no components: assign() before use
    // The estimator's mixture; its prior, whose width spans the whole
    // range, is summed apart from the blocks.
    NormalMixture(const ParzenMixture &m, std::optional<Bounds> bounds, MixtureUse use = {});
    // Any mixture (sorted by mean here if it is not).
    NormalMixture(const Mixture &m, std::optional<Bounds> bounds);

    // Makes this the estimator's mixture `m`, reusing this object's memory.
    // m's arrays are taken, not copied: `m` is left holding this object's
    // former buffers, for the next estimate to write into (their contents
    // unspecified).
    void assign(ParzenMixture &&m, std::optional<Bounds> bounds, MixtureUse use = {});

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
    // One of the four, chosen at run time (q: the Q ones' bin width):
    // unnormalised(...) - normaliser(kind). With
    // Reach::Near, a lower bound (to within e^-32 and rounding) from the
    // components around x only: the same formula over a partial sum, a
    // fraction of the work when each component is a trial.
    double lpdf_as(Lpdf kind, double x, double q, Reach reach = Reach::All) const;
    double unnormalised(Lpdf kind, double x, double q, Reach reach = Reach::All) const;

    // Whether the normaliser is known: the Plain and Q scores are NaN until
    // it is (MixtureUse::normalise).
    bool normalised() const { return normalised_; }
    void normalise();  // not thread-safe: before sharing the mixture
    // The log-normaliser the kind subtracts (0 for Log, which hyperopt does
    // not renormalise), and a lower bound on it known without normalise().
    double normaliser(Lpdf kind) const;
    double normaliser_floor(Lpdf kind) const;

private:
    struct Component {
        double mu, sigma, weight;
    };
    // Component i in hyperopt's order (the prior at prior_pos_): sampling only.
    Component component(size_t i) const;
    // log sum_i w_i N(y; mu_i, sigma_i), not normalised by the truncation.
    double log_density(double y, Reach reach = Reach::All) const;
    // sum_i w_i P(lo < X_i <= hi), skipping blocks that cannot matter.
    double mass_sum(double lo, double hi, Reach reach = Reach::All) const;
    // masses_ and mass_sigmas_ for `m`.
    void fill_masses(const ParzenMixture &m);

    std::optional<Bounds> bounds_;
    double prior_mu_ = 0.0, prior_sigma_ = 1.0, prior_weight_ = 0.0;
    // Sampling only (MixtureUse::sample): cumulative w * (mass inside the
    // bounds) of the components in hyperopt's order. For sampling and
    // normalise(): the observations' sigmas and weights (their means are
    // density_.mu's).
    std::vector<double> pick_;
    size_t prior_pos_ = 0;
    UninitVector<double> sigmas_, weights_;
    double log_p_accept_ = 0.0;   // log of the mixture's mass inside the bounds
    bool normalised_ = true;      // log_p_accept_ known (else NaN)
    double log_p_accept_floor_ = 0.0;  // before normalise(): log of the prior's mass inside
    double widest_ = 0.0;         // the estimator's widest sigma (for normalise())
    GaussBlocks density_;         // lw = w * scale / sigma
    double log_scale_ = 0.0;      // log(scale * sqrt(2 pi))
    // Bin masses only (MixtureUse::mass): lw = w (bounds the mass of a bin),
    // and the components' sigmas.
    GaussBlocks masses_;
    UninitVector<double> mass_sigmas_;
};

}  // namespace hopt::algo::tpe

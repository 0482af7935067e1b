// A joint Parzen estimator over one group of parameters: a weighted mixture
// of product kernels, one kernel per observed point plus one for the prior.
// Numeric dimensions get normal kernels truncated to the bounds (and, when
// quantised, the mass of the value's bin rather than a density); categorical
// ones get a kernel that keeps most of its mass on the observed option and
// spreads the rest as the prior does. Every kernel integrates to 1 over the
// box, so the mixture is a density (a probability for discrete dimensions).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "algo/mtpe/dims.hpp"
#include "core/rng.hpp"

namespace hopt::algo::mtpe {

// The defaults here are mtpe's (algo/mtpe/mtpe.cpp lists them as its
// parameters' defaults).
struct Bandwidth {
    // How each numeric kernel's sigma is chosen: Scott's rate (below), or
    // hyperopt's and Optuna's rule, the larger gap to the kernel's
    // neighbours in that dimension.
    enum Rule { kScott = 0, kNeighbours = 1 } rule = kNeighbours;
    // sigma = factor * scale * n^(-1 / (d + 4)) per numeric dimension: the
    // rate of Scott's rule for d dimensions, with a spread that is a fixed
    // fraction of the dimension's scale (multivariate kernels need the same
    // rate in every dimension to stay a product).
    double factor = 0.2;
    // Lower bound on sigma as a fraction of the scale, and how it rises for
    // few points (scale / min(100, n + 1), the "magic clip" of hyperopt).
    double min_fraction = 0.01;
    bool magic_clip = true;
    // When > 0, sigma also follows the spread of the points themselves:
    // sigma = max(rule above * adapt_floor, adapt * std * n^(-1 / (d + 4))):
    // sharper where the good points have converged.
    double adapt = 0;
    double adapt_floor = 0.1;
    // Categorical kernels put 1 - smoothing(n) on the observed option.
    double categorical_smoothing = 0.3;
};

class Estimator {
public:
    // `points` is row-major, n x dims.size(), in internal coordinates;
    // `weights` one per point (> 0). The prior kernel has weight
    // prior_weight relative to a point of weight 1 (before normalising).
    Estimator(const std::vector<Dim> &dims, std::span<const double> points, std::span<const double> weights,
              double prior_weight, const Bandwidth &bw);

    size_t dims() const { return dims_.size(); }
    size_t kernels() const { return log_w_.size(); }

    // One point drawn from the mixture, written to out[0..dims).
    void sample(Rng &rng, std::span<double> out) const;
    // log density (mass for discrete dimensions) of each of the n row-major
    // points in `points`, written to out[0..n).
    void log_pdf(std::span<const double> points, std::span<double> out) const;

private:
    std::vector<Dim> dims_;
    std::vector<double> log_w_;  // per kernel, normalised; the prior is the last kernel
    std::vector<double> w_;      // the same, not logged, for sampling
    // Per dimension, per kernel: numeric centres / sigmas / log truncation
    // normalisers; categorical observed options (-1 for the prior kernel).
    std::vector<std::vector<double>> mu_, sigma_, log_z_;
    std::vector<std::vector<double>> log_c_;  // log(sigma sqrt(2 pi)) + log_z: a density's normaliser
    std::vector<std::vector<int64_t>> option_;
    std::vector<double> keep_;  // categorical: mass on the observed option, per dimension
};

}  // namespace hopt::algo::mtpe

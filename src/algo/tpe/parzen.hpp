// hyperopt's adaptive Parzen estimator: a Gaussian mixture with one component
// per observation plus a prior component, bandwidths from the gaps between
// neighbours, and linear forgetting of old observations.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "algo/uninit_vector.hpp"

namespace hopt::algo::tpe {

// A normal mixture as hyperopt's arrays: weights, means, bandwidths.
struct Mixture {
    std::vector<double> weights;  // normalised to sum 1
    std::vector<double> mus;
    std::vector<double> sigmas;
};

// Observations sorted by value (ties in age order), each with its age: its
// position in tid order, 0 = oldest.
struct SortedObservations {
    UninitVector<double> values;
    UninitVector<uint32_t> ages;
};

// Arrays hold a multiple of this many entries (padding after the n used
// ones), so that loops over them run in whole 4-lane vectors and blocks.
inline constexpr size_t kPad = 16;
inline size_t padded_size(size_t n) { return (n + kPad - 1) / kPad * kPad; }

// The estimator's mixture with the prior component kept apart from the
// observations' (it is the widest, and densities sum it separately): the
// sorted order hyperopt uses has it just before mus[prior_pos].
struct ParzenMixture {
    size_t n = 0;                              // observations
    UninitVector<double> mus, sigmas, weights;  // one per observation, by mean; padded
    size_t prior_pos = 0;
    double prior_mu = 0, prior_sigma = 1, prior_weight = 0;  // weight normalised like the others
    double widest = 0;                         // largest of sigmas[0, n)

    // hyperopt's arrays: the prior inserted at prior_pos.
    Mixture merged() const;
};

// Weights of `n` observations in age order: the newest `lf` weigh 1, older
// ones ramp linearly from 1/n up (numpy.linspace(1/n, 1, n - lf)).
std::vector<double> linear_forgetting_weights(size_t n, size_t lf);

// The estimator over sorted observations, written into `out`, whose memory
// is reused. The observations' values become the means without a copy:
// `obs` is left holding out's former buffers, for the next split to write
// into (their contents unspecified).
void adaptive_parzen(SortedObservations &&obs, double prior_weight, double prior_mu, double prior_sigma, size_t lf,
                     ParzenMixture &out);

// The same into a new mixture, `obs` unchanged.
ParzenMixture adaptive_parzen(const SortedObservations &obs, double prior_weight, double prior_mu,
                              double prior_sigma, size_t lf);

// `obs` in tid order (oldest first), sorted by value with their ages.
SortedObservations sort_observations(std::span<const double> obs);

// `obs` in tid order (oldest first); returns components sorted by mean.
Mixture adaptive_parzen_normal(std::span<const double> obs, double prior_weight, double prior_mu,
                               double prior_sigma, size_t lf);

}  // namespace hopt::algo::tpe

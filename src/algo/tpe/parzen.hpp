// hyperopt's adaptive Parzen estimator: a Gaussian mixture with one component
// per observation plus a prior component, bandwidths from the gaps between
// neighbours, and linear forgetting of old observations.
#pragma once

#include <span>
#include <vector>

namespace hopt::algo::tpe {

struct Mixture {
    std::vector<double> weights;  // normalised to sum 1
    std::vector<double> mus;
    std::vector<double> sigmas;
};

// Weights of `n` observations in age order: the newest `lf` weigh 1, older
// ones ramp linearly from 1/n up (numpy.linspace(1/n, 1, n - lf)).
std::vector<double> linear_forgetting_weights(size_t n, size_t lf);

// `obs` in tid order (oldest first); returns components sorted by mean.
Mixture adaptive_parzen_normal(std::span<const double> obs, double prior_weight, double prior_mu,
                               double prior_sigma, size_t lf);

}  // namespace hopt::algo::tpe

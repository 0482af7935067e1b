// The coordinates mtpe models a hyperparameter in. Numeric parameters live
// on a line (the log of the value for the log families), bounded for the
// uniform family and unbounded for the normal one; categorical ones (choice,
// pchoice, randint) are option indices. Every kernel, prior and bandwidth
// of the estimator is written in these coordinates, so the rules for each of
// hyperopt's eleven distributions live here and nowhere else.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "space/space.hpp"

namespace hopt::algo::mtpe {

struct Dim {
    uint32_t param = 0;
    bool categorical = false;

    // Numeric: internal bounds (+-inf for the normal family), the prior's
    // centre and spread, and the scale bandwidths are fractions of (for a
    // bounded dimension its width; for an unbounded one the width of the
    // uniform of the same standard deviation, sigma * sqrt(12)).
    bool log = false;
    double low = 0, high = 0;
    double prior_mu = 0, prior_sigma = 1;
    double scale = 1;
    double q = 0;  // quantum of the value (not of the internal coordinate); 0: continuous

    // Categorical: number of options and the prior's probability of each.
    int64_t n = 0;
    std::vector<double> prior;
    double offset = 0;  // randint's low: value = offset + index
};

Dim make_dim(const space::Space &space, uint32_t param);

// A stored value in internal coordinates; nullopt when it is not a value the
// parameter can take (a hand-edited document, another space), so that the
// trial is left out rather than trusted.
std::optional<double> to_internal(const Dim &d, double value);

// The parameter's value for an internal coordinate (quantised, exp'd).
double to_value(const Dim &d, double x);

// The interval of internal coordinates that gives the same value as x: for a
// quantised dimension the bin around it, clipped to the bounds; for a
// continuous one [x, x] (a density, not a mass, is then used).
struct Bin {
    double lo, hi;
    bool point;
};
Bin bin_of(const Dim &d, double x);

}  // namespace hopt::algo::mtpe

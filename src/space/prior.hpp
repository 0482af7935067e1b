// Drawing a hyperparameter from its prior, exactly as hyperopt's rand.suggest
// defines each distribution (q variants: round(x / q) * q, half to even).
#pragma once

#include "core/rng.hpp"
#include "space/space.hpp"
#include "space/vals.hpp"

namespace hopt::space {

double sample_prior(const Param &p, Rng &rng);

// One point from the prior: each active parameter drawn in evaluation order.
Vals sample_prior(const Space &space, Rng &rng);

}  // namespace hopt::space

// The trials an algorithm learns from, arranged per hyperparameter: for each
// parameter, the (trial, value) pairs of the trials where it was active, in
// tid order, beside each trial's loss.
#pragma once

#include <vector>

#include "algo/uninit_vector.hpp"
#include "space/space.hpp"
#include "trials/trial.hpp"

namespace hopt::algo {

struct Observation {
    uint32_t trial;  // index into History::tids / losses
    double value;
};

using Observations = UninitVector<Observation>;

struct History {
    std::vector<int64_t> tids;   // tid order
    std::vector<double> losses;  // +inf when a trial has no finite loss (pending, failed)
    std::vector<Observations> per_param;

    static History build(const space::Space &space, const std::vector<trials::TrialPtr> &docs);
};

}  // namespace hopt::algo

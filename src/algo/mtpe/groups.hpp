// Which parameters mtpe models jointly. In a conditional space a parameter
// under a choice exists only in the trials that took its branch, so one joint
// density over every parameter has nothing to say about most of them. The
// parameters are grouped by the trials they were active in: parameters active
// in exactly the same trials (those at the root, those of one branch) form a
// group and get one joint density, learnt from those trials. This is the
// decomposition of Optuna's `group=True`, read off the history directly.
#pragma once

#include <cstdint>
#include <vector>

#include "algo/history.hpp"

namespace hopt::algo::mtpe {

struct Groups {
    std::vector<int32_t> of_param;                 // group per parameter; -1 when never active
    std::vector<std::vector<uint32_t>> members;    // per group, its parameters in index order
    std::vector<std::vector<uint32_t>> trials;     // per group, the trials (History indices) it was active in
};

Groups decompose(const History &h);

}  // namespace hopt::algo::mtpe

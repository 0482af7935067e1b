// Read-only questions about a set of trial documents, with hyperopt's
// meanings (Trials.losses, statuses, best_trial, argmin, count_by_state).
#pragma once

#include <vector>

#include "trials/trial.hpp"

namespace hopt::trials {

// The documents in `states`, order kept.
std::vector<TrialPtr> in_states(const std::vector<TrialPtr> &all, StateMask states);
int64_t count_states(const std::vector<TrialPtr> &all, StateMask states);

// Status "ok" with the smallest finite loss, the earliest on ties; null if none.
TrialPtr best_trial(const std::vector<TrialPtr> &all);

// Smallest finite loss of any DONE trial whatever its status (fmin's
// progress and loss_threshold use this, as hyperopt does); +inf if none.
double best_loss(const std::vector<TrialPtr> &all);

}  // namespace hopt::trials

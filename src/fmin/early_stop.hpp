// Built-in early-stopping rules for fmin.
#pragma once

#include <functional>
#include <unordered_set>
#include <vector>

#include "trials/trial.hpp"

namespace hopt::fmin {

// Called with the experiment's trials after each round; true stops fmin.
using EarlyStop = std::function<bool(const std::vector<trials::TrialPtr> &)>;

// hyperopt's early_stop.no_progress_loss: stop once `iteration_stop_count`
// finished trials in a row have not beaten the best loss by more than
// `percent_increase` percent. Trials are taken in completion rounds and tid
// order, so the rule means the same serially and with parallel workers; a
// trial without a loss (failed) counts as no progress.
class NoProgressLoss {
public:
    NoProgressLoss(int iteration_stop_count, double percent_increase)
        : stop_count_(iteration_stop_count), percent_(percent_increase) {}
    bool operator()(const std::vector<trials::TrialPtr> &docs);

private:
    int stop_count_;
    double percent_;
    bool have_best_ = false;
    double best_ = 0;
    int no_progress_ = 0;
    std::unordered_set<int64_t> seen_;
};

}  // namespace hopt::fmin

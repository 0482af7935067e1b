#include "fmin/early_stop.hpp"

#include <cmath>

namespace hopt::fmin {

bool NoProgressLoss::operator()(const std::vector<trials::TrialPtr> &docs) {
    for (const auto &t : docs) {
        if (t->state != trials::kDone && t->state != trials::kError) continue;
        if (!seen_.insert(t->tid).second) continue;
        const double loss = t->loss();
        if (!have_best_) {
            // hyperopt: the first trial sets the reference and counts as one.
            if (std::isfinite(loss)) {
                best_ = loss;
                have_best_ = true;
            }
            ++no_progress_;
            continue;
        }
        const double threshold = best_ - std::fabs(best_ * percent_ / 100.0);
        if (std::isfinite(loss) && loss < threshold) {
            best_ = loss;
            no_progress_ = 0;
        } else {
            ++no_progress_;
        }
    }
    return no_progress_ >= stop_count_;
}

}  // namespace hopt::fmin

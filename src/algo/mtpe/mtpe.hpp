// mtpe, hopt's recommended search: a multivariate Tree-structured Parzen
// Estimator that sees the trials still being evaluated. After a random start,
// the finished trials are split into the best (gamma of them, at most
// gamma_cap) and the rest; each group of parameters that are active together
// (mtpe/groups.hpp) gets one joint density l(x) of the good points and one
// g(x) of the others (mtpe/estimator.hpp), and the candidate drawn from l
// with the highest l(x) / g(x) is suggested. Pending trials (NEW, RUNNING)
// count among the bad points, so that a suggestion moves away from what
// other workers are already evaluating, and a pending point is never
// suggested twice while another candidate exists.
//
// A suggestion depends only on the history and the seed: the same serial run
// gives the same suggestions. With several evaluations in flight, which
// trials are pending when a suggestion is made depends on timing, and so do
// the suggestions.
#pragma once

#include "algo/algorithm.hpp"

namespace hopt::algo {

class Mtpe final : public Algorithm {
public:
    Mtpe();
    const char *name() const override { return "mtpe"; }
    std::unique_ptr<Algorithm> clone() const override { return std::make_unique<Mtpe>(*this); }
    std::vector<space::Vals> suggest(const std::vector<int64_t> &new_tids, const space::Space &space,
                                     const std::vector<trials::TrialPtr> &history, uint64_t seed) const override;
};

}  // namespace hopt::algo

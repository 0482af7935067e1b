// hyperopt's anneal.suggest: sample around one of the best trials so far,
// in a neighbourhood that shrinks as the parameter gathers observations.
#pragma once

#include "algo/algorithm.hpp"

namespace hopt::algo {

class Anneal final : public Algorithm {
public:
    Anneal();
    const char *name() const override { return "anneal"; }
    std::unique_ptr<Algorithm> clone() const override { return std::make_unique<Anneal>(*this); }
    std::vector<space::Vals> suggest(const std::vector<int64_t> &new_tids, const space::Space &space,
                                     const std::vector<trials::TrialPtr> &history, uint64_t seed) const override;
};

}  // namespace hopt::algo

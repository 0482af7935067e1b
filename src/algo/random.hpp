// hyperopt's rand.suggest: every new trial drawn independently from the prior.
#pragma once

#include "algo/algorithm.hpp"

namespace hopt::algo {

class Random final : public Algorithm {
public:
    Random() : Algorithm({}) {}
    const char *name() const override { return "rand"; }
    bool batch() const override { return true; }
    bool needs_history() const override { return false; }
    std::unique_ptr<Algorithm> clone() const override { return std::make_unique<Random>(*this); }
    std::vector<space::Vals> suggest(const std::vector<int64_t> &new_tids, const space::Space &space,
                                     const std::vector<trials::TrialPtr> &history, uint64_t seed) const override;
};

}  // namespace hopt::algo

// hyperopt's Tree-structured Parzen Estimator (tpe.suggest): after a random
// start, split the trials into the best gamma*sqrt(N) and the rest, model each
// hyperparameter's good (l) and bad (g) values with adaptive Parzen mixtures,
// and pick, node by node, the candidate from l maximising log l - log g.
#pragma once

#include <memory>
#include <mutex>

#include "algo/algorithm.hpp"

namespace hopt::algo {

namespace tpe {
class SortedHistory;
struct Workspace;
}

class Tpe final : public Algorithm {
public:
    Tpe();
    Tpe(const Tpe &other);  // the parameters, not the cache
    ~Tpe() override;
    const char *name() const override { return "tpe"; }
    std::unique_ptr<Algorithm> clone() const override { return std::make_unique<Tpe>(*this); }
    std::vector<space::Vals> suggest(const std::vector<int64_t> &new_tids, const space::Space &space,
                                     const std::vector<trials::TrialPtr> &history, uint64_t seed) const override;

private:
    // The trials as the last suggestion arranged them, for the next one to
    // build on (tpe/sorted_history.hpp): one per Tpe object, replaced by
    // every suggestion, so its memory is that of one history. Suggestions
    // are the same with or without it. suggest() is const and may run in
    // several threads at once: a suggestion takes the snapshot out of the
    // cache (so no other can update it), builds on it, and puts the result
    // back; it is read-only from then on unless a later suggestion holds it
    // alone.
    mutable std::mutex cache_mu_;
    mutable std::shared_ptr<tpe::SortedHistory> cache_;
    // The arrays a suggestion works in (tpe.cpp), kept for the next one so
    // that it allocates nothing: taken out of the cache by a suggestion and
    // put back when it is done (one that finds none makes its own).
    mutable std::unique_ptr<tpe::Workspace> workspace_;
};

}  // namespace hopt::algo

// What TPE derives from the trials before modelling them: each trial's
// loss, and each parameter's observations with their order by value (in the
// space the estimator models them in). fmin asks for one suggestion per new
// trial, each time with the same trials plus one, so a SortedHistory can be
// built from the previous one: trials whose document is the same object
// (trials are immutable, shared_ptr<const Trial>) or whose values did not
// change keep their observations, and new ones are merged into the order
// instead of sorting everything again. The result is the same either way.
#pragma once

#include <cmath>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "algo/history.hpp"
#include "algo/tpe/parzen.hpp"
#include "algo/uninit_vector.hpp"
#include "space/space.hpp"
#include "trials/trial.hpp"

namespace hopt::algo::tpe {

// The value the estimator models for a parameter's value: log(max(x, floor))
// for the log distributions (floor as in tpe.py), x for the others.
struct ValueTransform {
    bool log = false;
    double floor = 0;

    static ValueTransform of(const space::Param &p);
    double operator()(double x) const { return log ? std::log(x < floor ? floor : x) : x; }
    bool operator==(const ValueTransform &o) const = default;
};

class SortedHistory {
public:
    struct Param {
        Observations obs;              // (trial, value) where active, in tid order
        UninitVector<double> key;      // the transformed values, parallel to obs
        UninitVector<uint32_t> order;  // positions in obs by (key, position); NaN last
        UninitVector<double> sorted_key;  // key in that order
    };

    // `previous`: an earlier result to reuse what still holds (any space and
    // trials; null for none). Returns `previous` itself for the same trials,
    // and updates it in place when this is its only holder; otherwise it is
    // left as it was.
    static std::shared_ptr<SortedHistory> build(const space::Space &space, const std::vector<trials::TrialPtr> &docs,
                                                std::shared_ptr<SortedHistory> previous);

    size_t size() const { return docs_.size(); }
    const std::vector<double> &losses() const { return losses_; }
    const Param &param(size_t p) const { return params_[p]; }
    // How much of `previous` the last build could reuse: trials and sorted
    // parameters (for tests).
    size_t reused_trials() const { return reused_trials_; }
    size_t merged_params() const { return merged_params_; }

private:
    // Whether this was built for the same parameters (labels, transforms).
    bool same_params(const space::Space &space) const;

    std::vector<trials::TrialPtr> docs_;  // identities; held, so never reused by another trial
    std::vector<int64_t> tids_;
    std::vector<double> losses_;
    std::vector<std::string> labels_;     // by parameter index
    std::vector<ValueTransform> transforms_;
    std::vector<Param> params_;
    size_t reused_trials_ = 0, merged_params_ = 0;
};

// The good trials: those with the k smallest losses, ties to the older
// trial (the k smallest (loss, index) pairs), as indices in increasing order.
void select_good(std::span<const double> losses, size_t k, std::vector<uint32_t> &good);

// Working memory of split_param, kept between calls.
struct SplitScratch {
    std::vector<uint32_t> good;         // positions in obs of the good trials' observations
    std::vector<size_t> ranks, by_rank;  // their positions in the order; their indices in that order
    UninitVector<uint32_t> age;         // per position in obs: its age among the bad observations
};

// A parameter's observations of the good trials (`good`: trial indices, in
// increasing order) and of the others, each sorted by value (ties in age
// order) with its age within its own group: the parameter's order,
// filtered. Writes over `below` and `above`, reusing their memory.
void split_param(const SortedHistory::Param &param, std::span<const uint32_t> good, SortedObservations &below,
                 SortedObservations &above, SplitScratch &scratch);

}  // namespace hopt::algo::tpe

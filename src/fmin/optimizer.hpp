// Ask and tell: the caller runs its own evaluation loop. ask() suggests a
// point and records it as a RUNNING trial; tell() writes its result, so the
// trials look exactly as if fmin had run them.
#pragma once

#include <map>
#include <memory>

#include "algo/algorithm.hpp"
#include "core/rng.hpp"
#include "fmin/new_trial.hpp"
#include "trials/store.hpp"

namespace hopt::fmin {

class Optimizer {
public:
    Optimizer(std::shared_ptr<const space::Space> space, std::unique_ptr<algo::Algorithm> algo,
              std::shared_ptr<trials::Store> store, uint64_t seed);

    struct Asked {
        int64_t tid;
        Json vals;   // flat, choices as indices
        Json point;  // the evaluated point
    };
    Asked ask();
    // `result` is a hyperopt result dict (normalised here).
    void tell(int64_t tid, Json result);
    void tell_error(int64_t tid, const std::string &message);

    trials::Store &store() { return *store_; }

private:
    trials::Trial take(int64_t tid);
    void finish(trials::Trial &t);

    std::shared_ptr<const space::Space> space_;
    std::unique_ptr<algo::Algorithm> algo_;
    std::shared_ptr<trials::Store> store_;
    Rng rng_;
    TrialFactory factory_;
    std::string owner_;
    std::map<int64_t, trials::Trial> asked_;
};

}  // namespace hopt::fmin

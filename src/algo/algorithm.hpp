// A search algorithm proposes hyperparameter values for new trials from the
// trials so far (hyperopt's `suggest`). Algorithms are stateless between
// calls: all they know comes from the history and the seed, so a driver can
// restart, and several drivers can share one experiment.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "space/space.hpp"
#include "space/vals.hpp"
#include "trials/trial.hpp"

namespace hopt::algo {

// A tunable parameter of an algorithm, with its valid range.
struct ParamSpec {
    const char *name;
    double value;  // default
    double min, max;
    bool integer;
};

class Algorithm {
public:
    virtual ~Algorithm() = default;
    virtual const char *name() const = 0;
    virtual std::unique_ptr<Algorithm> clone() const = 0;
    // True when suggest fills every id it is given; false when it proposes
    // one trial per call (TPE, anneal), so callers ask for one id at a time.
    virtual bool batch() const { return false; }
    // False when suggest ignores the history (random search), which spares
    // callers from gathering it.
    virtual bool needs_history() const { return true; }

    // Values for at most new_tids.size() new trials, given `history`: the
    // experiment's NEW, RUNNING and DONE trials in tid order. Fewer values
    // than ids are allowed; none means the algorithm has nothing to add.
    virtual std::vector<space::Vals> suggest(const std::vector<int64_t> &new_tids, const space::Space &space,
                                             const std::vector<trials::TrialPtr> &history,
                                             uint64_t seed) const = 0;

    // Parameters by name; Error(HOPT_ENOTFOUND) for an unknown name,
    // Error(HOPT_EINVAL) for a value out of range.
    void set(const std::string &param, double value);
    double get(const std::string &param) const;
    // The parameters with their current values, and each one's default
    // (params()[i].value before any set), for listing them.
    const std::vector<ParamSpec> &params() const { return params_; }
    double default_of(size_t i) const { return defaults_.at(i); }

protected:
    explicit Algorithm(std::vector<ParamSpec> params) : params_(std::move(params)) {
        for (const auto &p : params_) defaults_.push_back(p.value);
    }

private:
    std::vector<ParamSpec> params_;
    std::vector<double> defaults_;
};

// "rand", "tpe", "anneal" or "mtpe"; Error(HOPT_ENOTFOUND) naming the known ones.
std::unique_ptr<Algorithm> make(const std::string &name);

}  // namespace hopt::algo

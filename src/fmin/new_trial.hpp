// Trial documents for new suggestions, in hyperopt's shape: state NEW,
// result {"status": "new"}, every label of the space in misc.idxs/vals
// (inactive ones as []), sorted by label as trials/trial.hpp requires.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "space/space.hpp"
#include "space/vals.hpp"
#include "trials/trial.hpp"

namespace hopt::fmin {

class TrialFactory {
public:
    TrialFactory(const space::Space &space, std::optional<std::string> exp_key, std::string objective);
    trials::Trial make(int64_t tid, const space::Vals &vals) const;

private:
    const space::Space &space_;
    std::optional<std::string> exp_key_;
    Json cmd_;
    std::vector<uint32_t> by_label_;  // parameter indices in label order
};

}  // namespace hopt::fmin

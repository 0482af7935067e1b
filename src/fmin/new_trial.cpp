#include "fmin/new_trial.hpp"

#include <algorithm>

namespace hopt::fmin {

TrialFactory::TrialFactory(const space::Space &space, std::optional<std::string> exp_key, std::string objective)
    : space_(space), exp_key_(std::move(exp_key)), cmd_(Json::array({"hopt_domain", std::move(objective)})) {
    by_label_.resize(space.params().size());
    for (uint32_t i = 0; i < by_label_.size(); ++i) by_label_[i] = i;
    std::sort(by_label_.begin(), by_label_.end(),
              [&](uint32_t a, uint32_t b) { return space.param(a).label < space.param(b).label; });
}

trials::Trial TrialFactory::make(int64_t tid, const space::Vals &vals) const {
    trials::Trial t;
    t.tid = tid;
    t.state = trials::kNew;
    t.cmd = cmd_;
    t.exp_key = exp_key_;
    t.vals.reserve(by_label_.size());
    for (uint32_t p : by_label_) {
        const space::Param &param = space_.param(p);
        t.vals.push_back({param.label, vals.value[p], vals.active[p] != 0, space::is_categorical(param.dist)});
    }
    return t;
}

}  // namespace hopt::fmin

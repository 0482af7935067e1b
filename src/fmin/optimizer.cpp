#include "fmin/optimizer.hpp"

#include <unistd.h>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "objective/objective.hpp"
#include "space/evaluate.hpp"
#include "trials/lifecycle.hpp"
#include "trials/queries.hpp"

namespace hopt::fmin {

Optimizer::Optimizer(std::shared_ptr<const space::Space> space, std::unique_ptr<algo::Algorithm> algo,
                     std::shared_ptr<trials::Store> store, uint64_t seed)
    : space_(std::move(space)), algo_(std::move(algo)), store_(std::move(store)), rng_(seed),
      factory_(*space_, store_->exp_key(), "ask_tell"),
      owner_("ask:" + std::to_string(getpid())) {}

Optimizer::Asked Optimizer::ask() {
    const auto history = trials::in_states(store_->refresh(), trials::kValidStates);
    const std::vector<int64_t> tids = store_->new_tids(1);
    const std::vector<space::Vals> vals = algo_->suggest(tids, *space_, history, rng_.next_u64());
    if (vals.empty()) fail(HOPT_ESTATE, std::string(algo_->name()) + " has nothing more to suggest");
    trials::Trial t = factory_.make(tids[0], vals[0]);
    trials::lifecycle::reserve(t, owner_, now_ms());
    store_->insert({t});
    Asked a{t.tid, space::vals_to_json(*space_, vals[0]), space::evaluate(*space_, vals[0])};
    asked_.emplace(t.tid, std::move(t));
    return a;
}

trials::Trial Optimizer::take(int64_t tid) {
    auto it = asked_.find(tid);
    if (it == asked_.end())
        fail(HOPT_ENOTFOUND, "trial " + std::to_string(tid) + " was not asked by this optimizer, or was already told");
    trials::Trial t = std::move(it->second);
    asked_.erase(it);
    return t;
}

void Optimizer::finish(trials::Trial &t) {
    if (!store_->complete(t))
        fail(HOPT_ESTATE, "trial " + std::to_string(t.tid) + " is no longer running in the store");
}

void Optimizer::tell(int64_t tid, Json result) {
    Json normalised = objective::normalize_result(std::move(result));  // validate before consuming the trial
    trials::Trial t = take(tid);
    trials::lifecycle::finish(t, std::move(normalised));
    finish(t);
}

void Optimizer::tell_error(int64_t tid, const std::string &message) {
    trials::Trial t = take(tid);
    trials::lifecycle::fail(t, "hopt.ObjectiveError", message);
    finish(t);
}

}  // namespace hopt::fmin

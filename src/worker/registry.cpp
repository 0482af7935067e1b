#include "worker/registry.hpp"

#include "core/error.hpp"

namespace hopt::worker {

void Registry::add(std::shared_ptr<objective::Objective> objective) {
    const std::string name = objective->name();
    if (!by_name_.emplace(name, std::move(objective)).second)
        fail(HOPT_EINVAL, "an objective named '" + name + "' is already registered");
}

objective::Objective *Registry::find(const std::string &name) const {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : it->second.get();
}

std::vector<std::string> Registry::names() const {
    std::vector<std::string> out;
    for (const auto &[name, _] : by_name_) out.push_back(name);
    return out;
}

}  // namespace hopt::worker

// The objectives a worker may run, by name. A job only names its objective;
// the worker resolves the name here and nowhere else (DESIGN §5: nothing
// executable is read from the database).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "objective/objective.hpp"

namespace hopt::worker {

class Registry {
public:
    // Error(HOPT_EINVAL) if the name is taken.
    void add(std::shared_ptr<objective::Objective> objective);
    objective::Objective *find(const std::string &name) const;
    std::vector<std::string> names() const;
    bool empty() const { return by_name_.empty(); }

private:
    std::map<std::string, std::shared_ptr<objective::Objective>> by_name_;
};

}  // namespace hopt::worker

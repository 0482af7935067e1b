// Plugins: shared libraries that register named C objectives. The library
// stays loaded as long as any objective it registered lives, since their
// code and their user_free functions are in it.
#pragma once

#include <memory>
#include <string>

#include "objective/objective.hpp"

namespace hopt::worker {

class SharedLibrary {
public:
    // dlopen(path, RTLD_NOW | RTLD_LOCAL): every symbol is resolved now, so a
    // plugin missing one fails here, not in the middle of a trial. Error
    // (HOPT_EINVAL) naming the path and dlerror()'s reason.
    explicit SharedLibrary(const std::string &path);
    ~SharedLibrary();
    SharedLibrary(const SharedLibrary &) = delete;
    SharedLibrary &operator=(const SharedLibrary &) = delete;

    const std::string &path() const { return path_; }
    // The address of `name`, or nullptr when the library lacks it.
    void *symbol(const char *name) const;

private:
    std::string path_;
    void *handle_ = nullptr;
};

// An objective registered by a plugin, holding the plugin loaded. The
// objective is released before the library (member order).
class PluginObjective final : public objective::Objective {
public:
    PluginObjective(std::shared_ptr<SharedLibrary> library, std::shared_ptr<objective::Objective> inner)
        : library_(std::move(library)), inner_(std::move(inner)) {}
    const std::string &name() const override { return inner_->name(); }
    objective::Outcome evaluate(const objective::Request &request) override { return inner_->evaluate(request); }

private:
    std::shared_ptr<SharedLibrary> library_;
    std::shared_ptr<objective::Objective> inner_;
};

}  // namespace hopt::worker

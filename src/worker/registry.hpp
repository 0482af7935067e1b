// The objectives a worker may run, by name. A job only names its objective;
// the worker resolves the name here and nowhere else (nothing executable
// is read from the database: docs/architecture.md, the job protocol's invariants). Each entry remembers where it came
// from (a plugin's path, a command), for messages and the worker's log.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "objective/objective.hpp"

namespace hopt::worker {

class CommandObjective;

class Registry {
public:
    struct Entry {
        std::shared_ptr<objective::Objective> objective;
        // Set for command objectives, which the worker runs with its
        // timeout and workdir in their own process.
        std::shared_ptr<CommandObjective> command;
        std::string source;  // "plugin ./libx.so", "command 'python f.py'", "" (the caller)
    };

    // Error(HOPT_EINVAL) if the name is taken.
    void add(std::shared_ptr<objective::Objective> objective, std::string source = "");
    void add_command(std::shared_ptr<CommandObjective> command);
    // Add every entry of `other`, or none: Error(HOPT_EINVAL) naming both
    // sources if a name is taken.
    void merge(const Registry &other);

    // Turns a name the registry lacks into an objective, or nullptr if it
    // knows none by that name (a binding importing `module:qualname`).
    using Resolver = std::function<std::shared_ptr<objective::Objective>(const std::string &name)>;
    // Replaces any earlier resolver; an empty one removes it.
    void set_resolver(Resolver resolver);
    bool resolves() const { return resolver_ != nullptr; }

    // The registered entry, else what the resolver gives (asked once per
    // name that it resolves; the answer is kept), else nullptr.
    const Entry *find(const std::string &name) const;
    std::vector<std::string> names() const;
    const std::map<std::string, Entry> &entries() const { return by_name_; }
    bool empty() const { return by_name_.empty(); }
    // True when every objective is a command (they need no process isolation
    // to honour a workdir).
    bool only_commands() const;
    // "sin, cos (plugin ./libtrig.so); train (command 'python train.py')"
    std::string describe() const;

private:
    void check_free(const std::string &name, const std::string &source) const;
    std::map<std::string, Entry> by_name_;
    // Shared so that copies of the registry share the resolver and its answers.
    struct Resolved {
        Resolver resolve;
        std::mutex mutex;
        std::map<std::string, Entry> by_name;
    };
    std::shared_ptr<Resolved> resolver_;
};

}  // namespace hopt::worker

#include "worker/registry.hpp"

#include "core/error.hpp"
#include "worker/command.hpp"

namespace hopt::worker {

namespace {

std::string from(const std::string &source) { return source.empty() ? "" : " by " + source; }

}  // namespace

void Registry::check_free(const std::string &name, const std::string &source) const {
    auto it = by_name_.find(name);
    if (it == by_name_.end()) return;
    fail(HOPT_EINVAL, "an objective named '" + name + "' is already registered" + from(it->second.source) +
                          (source.empty() ? "" : "; " + source + " registers it again"));
}

void Registry::add(std::shared_ptr<objective::Objective> objective, std::string source) {
    if (!objective) fail(HOPT_EINVAL, "cannot register a null objective");
    check_free(objective->name(), source);
    const std::string name = objective->name();
    by_name_.emplace(name, Entry{std::move(objective), nullptr, std::move(source)});
}

void Registry::add_command(std::shared_ptr<CommandObjective> command) {
    check_free(command->name(), "command '" + command->command() + "'");
    const std::string name = command->name();
    by_name_.emplace(name, Entry{command, command, "command '" + command->command() + "'"});
}

void Registry::merge(const Registry &other) {
    for (const auto &[name, e] : other.by_name_) check_free(name, e.source);
    for (const auto &[name, e] : other.by_name_) by_name_.emplace(name, e);
}

void Registry::set_resolver(Resolver resolver) {
    resolver_.reset();
    if (!resolver) return;
    resolver_ = std::make_shared<Resolved>();
    resolver_->resolve = std::move(resolver);
}

const Registry::Entry *Registry::find(const std::string &name) const {
    auto it = by_name_.find(name);
    if (it != by_name_.end()) return &it->second;
    if (!resolver_) return nullptr;
    std::lock_guard<std::mutex> lock(resolver_->mutex);
    auto known = resolver_->by_name.find(name);
    if (known != resolver_->by_name.end()) return &known->second;
    std::shared_ptr<objective::Objective> found = resolver_->resolve(name);
    if (!found) return nullptr;
    if (found->name() != name)
        fail(HOPT_EINVAL, "the objective resolver was asked for '" + name + "' and gave '" + found->name() + "'");
    return &resolver_->by_name.emplace(name, Entry{std::move(found), nullptr, "resolver"}).first->second;
}

std::vector<std::string> Registry::names() const {
    std::vector<std::string> out;
    for (const auto &[name, _] : by_name_) out.push_back(name);
    return out;
}

bool Registry::only_commands() const {
    for (const auto &[_, e] : by_name_)
        if (!e.command) return false;
    return true;
}

std::string Registry::describe() const {
    // Grouped by source: a plugin usually registers several objectives.
    std::map<std::string, std::string> by_source;
    for (const auto &[name, e] : by_name_) {
        std::string &names = by_source[e.source];
        names += (names.empty() ? "" : ", ") + name;
    }
    std::string out;
    for (const auto &[source, names] : by_source) {
        if (!out.empty()) out += "; ";
        out += names + (source.empty() ? "" : " (" + source + ")");
    }
    if (resolver_) out += (out.empty() ? "" : "; ") + std::string("any other name the resolver knows");
    return out.empty() ? "none" : out;
}

}  // namespace hopt::worker

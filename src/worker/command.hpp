// Command objectives: `/bin/sh -c COMMAND` with the point's JSON on stdin
// (one line) and the result on stdout, either a bare number (the loss) or a
// hyperopt result object. The environment carries HOPT_TID, the trial id.
// A command always runs in its own process, so it is isolated whatever the
// worker's isolation setting, and its timeout and workdir always apply.
#pragma once

#include <string>

#include "objective/objective.hpp"
#include "worker/child.hpp"

namespace hopt::worker {

class CommandObjective final : public objective::Objective {
public:
    // Error(HOPT_EINVAL) for an empty name or command.
    CommandObjective(std::string name, std::string command);

    const std::string &name() const override { return name_; }
    const std::string &command() const { return command_; }

    // Without limits (no timeout, the worker's directory).
    objective::Outcome evaluate(const objective::Request &request) override { return run(request, {}); }
    // Throws Abandoned when limits.abandon fires.
    objective::Outcome run(const objective::Request &request, const ChildLimits &limits) const;

private:
    std::string name_;
    std::string command_;
};

// Turn what a command printed into an Outcome: a number (nan and inf too,
// as Python prints them) is the loss, a JSON object a result dict; when the
// whole text is neither, its last non-empty line is tried (a command may log
// on stdout before the result).
objective::Outcome parse_command_output(const std::string &stdout_text);

}  // namespace hopt::worker

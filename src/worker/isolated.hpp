// Process isolation: a trial's objective runs in a forked copy of the worker,
// so that a crash (a segfault in a plugin, an abort, exit()) or a hang fails
// only that trial. The child sends its Outcome back as JSON through a pipe.
#pragma once

#include "objective/objective.hpp"
#include "worker/child.hpp"

namespace hopt::worker {

// Evaluate `fn` on `request` in a child process under `limits`. A child that
// dies, exits without a result, writes garbage or times out gives a raised
// Outcome saying so. Throws Abandoned when limits.abandon fires.
//
// The child is a fork() of a threaded process: only the calling thread
// exists in it. glibc keeps malloc usable there; an objective must not rely
// on locks other threads of the worker might hold (the worker's own threads
// only talk to the database).
objective::Outcome evaluate_in_child(objective::Objective &fn, const objective::Request &request,
                                     const ChildLimits &limits);

// The wire form of an Outcome between the child and the worker.
std::string encode_outcome(const objective::Outcome &outcome);
// Error(HOPT_EJSON) for text that is not an encoded Outcome.
objective::Outcome decode_outcome(const std::string &text);

}  // namespace hopt::worker

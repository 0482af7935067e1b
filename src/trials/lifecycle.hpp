// A trial's life, in one place: every state change a trial goes through
// (queued, reserved, finished, failed, released, cancelled) and the rules a
// store keeps about the documents it holds. Stores, the worker and the
// optimizer change a trial only through these functions, so that what a
// NEW, RUNNING or failed trial looks like (its result placeholder, its
// owner, its times) is written once. docs/architecture.md describes the
// life; docs/mongo-protocol.md how the MongoDB store makes each step safe.
//
//   NEW --reserve--> RUNNING --finish--> DONE
//    ^  \              |  \---fail----> ERROR
//    |   cancel        release / requeue (back to NEW)
//    |     \--> CANCEL
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "trials/trial.hpp"

namespace hopt::trials::lifecycle {

// The result a trial carries while it has none of its own: {"status":
// "new"} while queued (and when cancelled), {"status": "running"} while
// reserved, {"status": "fail"} when it failed (hyperopt's documents).
Json placeholder_result(int state);

// Back in the queue: NEW, no owner, no booking, the NEW placeholder.
void queue(Trial &t);
// Handed to `owner` at `now` (ms since the epoch): RUNNING, booked.
void reserve(Trial &t, const Json &owner, int64_t now);
// Evaluated: DONE with the objective's (normalised) result.
void finish(Trial &t, Json result);
// Failed: ERROR, result {"status": "fail"}, error [type, message].
void fail(Trial &t, const std::string &type, const std::string &message);
// Cancelled before any worker took it (fmin stopping early).
void cancel(Trial &t, int64_t now);

// misc.idxs / misc.vals are kept sorted by label in every store: readers
// look values up by label and algorithms walk them in label order.
void sort_vals(std::vector<TrialVal> &vals);

// A store holds one experiment: a trial of another exp_key is refused with
// Error(HOPT_EINVAL) naming both keys.
void check_exp_key(const Trial &t, const std::optional<std::string> &store_key);

}  // namespace hopt::trials::lifecycle

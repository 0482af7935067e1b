// A trial is hyperopt's trial document (docs/trials.md), the same in memory, in
// MongoDB and in exports. The fields the engine reads are typed; everything
// else a document carries (extra result keys, _id, _attachments, misc extras)
// is kept verbatim so that nothing written by another tool is lost.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/json.hpp"

namespace hopt::trials {

enum State : int { kNew = 0, kRunning = 1, kDone = 2, kError = 3, kCancel = 4 };

// A state set as a bit mask (1 << state).
using StateMask = unsigned;
inline constexpr StateMask mask_of(int state) { return 1u << state; }
inline constexpr StateMask kAllStates = 0x1f;
// hyperopt's JOB_VALID_STATES: the trials that `trials.trials` lists.
inline constexpr StateMask kValidStates = mask_of(kNew) | mask_of(kRunning) | mask_of(kDone);

// One entry of misc.idxs / misc.vals: [tid] / [value] when active, [] when not.
struct TrialVal {
    std::string label;
    double value = 0;
    bool active = false;
    bool integer = false;  // written as an integer (choice index, randint)
};

struct Trial {
    int64_t tid = 0;
    int state = kNew;
    Json spec;                                  // null for fmin's trials
    Json result = Json{{"status", "new"}};
    Json cmd;                                   // misc.cmd
    Json workdir;                               // misc.workdir
    std::vector<TrialVal> vals;                 // misc.idxs / misc.vals, sorted by label
    Json misc_extra = Json::object();           // other misc keys (from_tid, error...)
    std::optional<std::string> exp_key;
    Json owner;                                 // null or the worker's id
    int64_t version = 0;
    std::optional<int64_t> book_time;           // ms since the Unix epoch, UTC
    std::optional<int64_t> refresh_time;
    Json error;                                 // null or [type, message]
    Json extra = Json::object();                // unknown top-level fields

    // result.loss when it is a finite number, else NaN.
    double loss() const;
    // result.status ("new", "ok", "fail"...), "" if missing.
    std::string status() const;
    // status "ok" with a finite loss: a candidate for the best trial.
    bool ok() const;
    // The value of `label` if active in this trial.
    const TrialVal *val(std::string_view label) const;
};

using TrialPtr = std::shared_ptr<const Trial>;

// Document <-> Trial. from_json checks the shape and throws Error(HOPT_EJSON)
// saying which field is wrong.
Json to_json(const Trial &t);
Trial from_json(const Json &doc);

// Flat label -> value of the active entries (hyperopt's argmin form).
Json flat_vals(const Trial &t);

// ISO-8601 UTC with milliseconds, "2026-11-27T22:46:19.123Z".
std::string format_time(int64_t ms);
std::optional<int64_t> parse_time(const Json &v);

}  // namespace hopt::trials

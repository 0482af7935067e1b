// hyperopt's fmin: suggest trials with an algorithm, have them evaluated
// (in this thread, by local threads, or by remote workers through the store),
// until max_evals trials exist or a stop condition holds.
#pragma once

#include <memory>
#include <optional>

#include "algo/algorithm.hpp"
#include "fmin/early_stop.hpp"
#include "objective/objective.hpp"
#include "security/key_file.hpp"
#include "space/space.hpp"
#include "trials/store.hpp"

namespace hopt::fmin {

struct Options {
    int64_t max_evals = 0;
    std::optional<uint64_t> seed;          // default: $HOPT_FMIN_SEED, $HYPEROPT_FMIN_SEED, or random
    double timeout = 0;                    // seconds; 0: none
    std::optional<double> loss_threshold;
    bool return_argmin = true;
    bool catch_eval_exceptions = false;
    bool show_progress = true;
    int threads = 1;                       // local evaluator threads (in-memory stores)
    int max_queue_len = 0;                 // 0: threads (in memory), or adaptive (remote store)
    double poll_interval = 0;              // 0: 0.1 s (in memory) or 0.5 s (remote store)
    trials::RecoveryPolicy recovery;       // remote stores: when abandoned trials are requeued
    std::optional<double> server_timeout;  // remote stores: Store::set_server_timeout; default: the store's
    Json points_to_evaluate;               // null or an array of vals objects
    EarlyStop early_stop;                  // may be empty
    // Remote stores: the key that signs the experiment for workers
    // (docs/threat-model.md), or insecure mode.
    security::KeySettings signing;
};

// Returns the argmin (flat vals) or, without return_argmin, the best point.
// Throws Error: HOPT_EOBJECTIVE (an objective failed, not caught),
// HOPT_EEMPTY (no trials), HOPT_EALLFAILED (no successful trial),
// HOPT_ECANCELLED (early-stop callback aborted), HOPT_EINVAL (bad options).
Json fmin(const std::shared_ptr<objective::Objective> &objective, const space::Space &space,
          const algo::Algorithm &algo, trials::Store &store, const Options &options);

// The seed fmin uses when none is given.
uint64_t default_seed();

// argmin of the store's trials, or the evaluated best point; shared by fmin
// and the trials queries.
Json best_of(const space::Space *space, const std::vector<trials::TrialPtr> &docs, bool return_argmin);

}  // namespace hopt::fmin

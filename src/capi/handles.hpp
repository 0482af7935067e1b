// The structs behind the ABI's opaque handles.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "algo/algorithm.hpp"
#include "fmin/fmin.hpp"
#include "fmin/optimizer.hpp"
#include "objective/objective.hpp"
#include "space/space.hpp"
#include "trials/store.hpp"
#include "worker/registry.hpp"

// A user's `void *user` with its release function, called exactly once.
struct hopt_user_data {
    void *user = nullptr;
    void (*user_free)(void *) = nullptr;
    hopt_user_data(void *u, void (*f)(void *)) : user(u), user_free(f) {}
    hopt_user_data(const hopt_user_data &) = delete;
    hopt_user_data &operator=(const hopt_user_data &) = delete;
    ~hopt_user_data() {
        if (user_free) user_free(user);
    }
};

struct hopt_space {
    std::shared_ptr<const hopt::space::Space> space;
};

struct hopt_algo {
    std::unique_ptr<hopt::algo::Algorithm> algo;
};

struct hopt_trials {
    std::shared_ptr<hopt::trials::Store> store;
};

struct hopt_objective {
    std::shared_ptr<hopt::objective::Objective> objective;
};

struct hopt_registry {
    hopt::worker::Registry registry;
    std::string source;  // given to what is added through this handle ("plugin <path>")
};

struct hopt_fmin_options {
    hopt::fmin::Options options;
    // Early stopping: a C callback, or hyperopt's no_progress_loss.
    hopt_early_stop_fn early_stop_fn = nullptr;
    std::shared_ptr<hopt_user_data> early_stop_user;
    std::optional<std::pair<int, double>> no_progress_loss;
};

struct hopt_optimizer {
    std::unique_ptr<hopt::fmin::Optimizer> optimizer;
    hopt_trials trials;  // the store, as a handle for hopt_optimizer_trials
};

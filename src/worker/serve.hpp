// hopt_worker_run's engine, shared by the C API and the language bindings:
// serve the trials of a MongoDB store with the objectives of a registry.
#pragma once

#include <string>

#include "worker/registry.hpp"
#include "worker/worker.hpp"

namespace hopt::worker {

// hyperopt-mongo-worker's behaviour: process isolation, stop after 4
// consecutive failures or 120 s without a job, poll every 0.1 s, heartbeat
// every 2 s, recover jobs silent for 30 s (failing them after 3 attempts),
// give a stopped job 10 s to finish, retry an unreachable store for 60 s,
// log to stderr.
Options serve_defaults();

// Open the store at `url` (any form hopt_trials_mongo_open takes, or
// hyperopt-mongo-worker's "host:port/db"), then run the job loop until a
// stop condition of `options` holds. Error(HOPT_EINVAL) for an empty
// registry or options that cannot work together; the store's errors
// (HOPT_ECONNECT, HOPT_EDATABASE) propagate. An empty owner becomes
// default_owner(); a relative workdir is made absolute (and created).
RunSummary serve(const std::string &url, const Registry &registry, Options options);

// "host:pid:tid", unique among the workers of a database at one time.
std::string default_owner();

// The default log sink: "2026-11-27T22:46:19Z hopt-worker[1234]: <line>" on stderr.
void log_to_stderr(const std::string &line);

}  // namespace hopt::worker

// The one way to open a store from a URL (mongodb://...), for the C API and
// the worker alike.
//
// The store's operations follow the retry rule (docs/reliability.md):
// while the server cannot be reached they are tried again until
// `server_timeout` seconds have passed without reaching it, then fail with
// Error(HOPT_ECONNECT). Opening itself waits the same way when
// `wait_for_server` is set; otherwise it fails after one server selection.
// A malformed address fails at once with Error(HOPT_EINVAL).
//
// A worker waits (it is started by a scheduler, perhaps before the
// server); hopt_trials_mongo_open does not, since the script that opens a
// store is there to see the error and open it again.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "trials/mongo/mongo_store.hpp"

namespace hopt::trials {

struct OpenOptions {
    double server_timeout = 60;
    bool wait_for_server = false;
    // Where outages and skipped documents are reported; empty: stderr.
    std::function<void(const std::string &)> log{};
};

std::unique_ptr<mongo::MongoStore> open_mongo(const std::string &url, std::optional<std::string> exp_key,
                                              const OpenOptions &options);

}  // namespace hopt::trials

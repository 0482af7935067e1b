// The one place where hopt decides what to do when the server cannot be
// reached: every operation of a Pool runs through Retry::run, which retries
// connection failures with exponential backoff until the server has been
// unreachable for `server_timeout` seconds (docs/reliability.md).
//
// The outage clock belongs to the pool, not to one operation: it starts at
// the first failure and stops at the next success of any thread, so a
// process gives up once it has not reached the server at all for the
// timeout, however many operations were waiting.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>

#include "core/error.hpp"

namespace hopt::trials::mongo {

// How long, and how often, to try again.
struct RetryPolicy {
    double server_timeout = 60;  // give up after this long without reaching the server; 0: at once
    double first_delay = 0.1;    // seconds before the first retry, doubled each time...
    double max_delay = 2.0;      // ...up to this
};

class Retry {
    using Clock = std::chrono::steady_clock;

public:
    explicit Retry(std::string server) : server_(std::move(server)) {}

    void set_server_timeout(double seconds);
    double server_timeout() const;
    // Called (outside any lock) when an outage starts and when it ends, with
    // a line to log. May be empty.
    void set_notify(std::function<void(const std::string &)> fn);

    // How many outages this pool has come through: a reader that measures
    // silences discounts what happened while it could not see the server.
    uint64_t outages() const { return outages_.load(); }

    // Run `op`; on Error(HOPT_ECONNECT) wait and run it again, until the
    // outage has lasted server_timeout, then throw Error(HOPT_ECONNECT)
    // saying for how long the server was unreachable and the last error.
    // `op` must be safe to repeat (the store's steps are: see
    // docs/mongo-protocol.md).
    template <class Op>
    auto run(Op &&op) -> decltype(op()) {
        for (int attempt = 0;; ++attempt) {
            const Clock::time_point started = Clock::now();
            try {
                if constexpr (std::is_void_v<decltype(op())>) {
                    op();
                    succeeded();
                    return;
                } else {
                    auto result = op();
                    succeeded();
                    return result;
                }
            } catch (const Error &e) {
                if (e.code() != HOPT_ECONNECT) throw;
                wait_or_give_up(e, attempt, started);
            }
        }
    }

private:
    void succeeded();
    // Sleeps before the next attempt, or throws when the outage is too long.
    // An outage starts when the first attempt that failed started: a server
    // that is down makes each attempt wait for server selection.
    void wait_or_give_up(const Error &e, int attempt, Clock::time_point attempt_started);

    const std::string server_;
    mutable std::mutex mu_;
    RetryPolicy policy_;
    std::optional<Clock::time_point> outage_start_;
    std::function<void(const std::string &)> notify_;
    std::atomic<bool> in_outage_{false};
    std::atomic<uint64_t> outages_{0};
};

}  // namespace hopt::trials::mongo

#include "trials/mongo/retry.hpp"

#include <cmath>
#include <cstdio>
#include <random>
#include <thread>

namespace hopt::trials::mongo {

namespace {

std::string seconds_text(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", s);
    return buf;
}

}  // namespace

void Retry::set_server_timeout(double seconds) {
    std::lock_guard lock(mu_);
    policy_.server_timeout = seconds;
}

double Retry::server_timeout() const {
    std::lock_guard lock(mu_);
    return policy_.server_timeout;
}

void Retry::set_notify(std::function<void(const std::string &)> fn) {
    std::lock_guard lock(mu_);
    notify_ = std::move(fn);
}

void Retry::succeeded() {
    // The common case costs one atomic load.
    if (!in_outage_.load(std::memory_order_relaxed)) return;
    std::function<void(const std::string &)> notify;
    double lasted = 0;
    {
        std::lock_guard lock(mu_);
        if (!outage_start_) return;
        lasted = std::chrono::duration<double>(Clock::now() - *outage_start_).count();
        outage_start_.reset();
        in_outage_ = false;
        ++outages_;
        notify = notify_;
    }
    if (notify) notify("reached MongoDB at " + server_ + " again after " + seconds_text(std::round(lasted * 10) / 10) + " s");
}

void Retry::wait_or_give_up(const Error &e, int attempt, Clock::time_point attempt_started) {
    std::function<void(const std::string &)> notify;
    double lasted, timeout, delay;
    bool started = false;
    {
        std::lock_guard lock(mu_);
        if (!outage_start_) {
            outage_start_ = attempt_started;
            in_outage_ = true;
            started = true;
            notify = notify_;
        }
        lasted = std::chrono::duration<double>(Clock::now() - *outage_start_).count();
        timeout = policy_.server_timeout;
        delay = std::min(policy_.max_delay, policy_.first_delay * std::pow(2.0, std::min(attempt, 30)));
    }
    if (lasted >= timeout)
        fail(HOPT_ECONNECT, "MongoDB at " + server_ + " unreachable for " + seconds_text(std::round(lasted)) +
                                " s, giving up (server_timeout is " + seconds_text(timeout) + " s); last error: " + e.what());
    if (started && notify)
        notify("MongoDB at " + server_ + " unreachable, retrying for up to " + seconds_text(timeout) + " s: " + e.what());
    // Jitter, so that the workers of a cluster do not all come back in step.
    thread_local std::minstd_rand rng(std::random_device{}());
    delay *= 0.5 + std::uniform_real_distribution<double>(0, 1)(rng);
    delay = std::min(delay, timeout - lasted);
    std::this_thread::sleep_for(std::chrono::duration<double>(std::max(0.0, delay)));
}

}  // namespace hopt::trials::mongo

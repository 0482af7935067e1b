#include "fmin/progress.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace hopt::fmin {

Progress::Progress(bool enabled, int64_t initial, int64_t total)
    : enabled_(enabled), tty_(isatty(STDERR_FILENO) != 0), initial_(initial), total_(total), done_(initial),
      best_(INFINITY) {}

Progress::~Progress() { finish(); }

void Progress::update(int64_t done, double best_loss) {
    done_ = done;
    best_ = best_loss;
    const double now = clock_.seconds();
    if (now - last_draw_ >= (tty_ ? 0.1 : 5.0)) draw(false);
}

void Progress::finish() {
    if (finished_) return;
    finished_ = true;
    draw(true);
}

void Progress::draw(bool final_line) {
    if (!enabled_) return;
    last_draw_ = clock_.seconds();
    const double elapsed = last_draw_;
    const double rate = elapsed > 0 ? static_cast<double>(done_ - initial_) / elapsed : 0.0;
    char best[32];
    if (std::isfinite(best_)) std::snprintf(best, sizeof best, "%.6g", best_);
    else std::snprintf(best, sizeof best, "?");
    std::fprintf(stderr, "%shopt: %lld/%lld trials, best loss %s, %.1f trials/s, %.1f s%s", tty_ ? "\r" : "",
                 static_cast<long long>(done_), static_cast<long long>(total_), best, rate, elapsed,
                 (tty_ && !final_line) ? "\033[K" : "\n");
    std::fflush(stderr);
}

}  // namespace hopt::fmin

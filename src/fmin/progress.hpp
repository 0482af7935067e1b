// fmin's progress line on stderr: trials done of the total, best loss, rate.
// On a terminal it redraws one line; elsewhere (CI logs) it prints a line
// every few seconds.
#pragma once

#include <cstdint>

#include "core/clock.hpp"

namespace hopt::fmin {

class Progress {
public:
    Progress(bool enabled, int64_t initial, int64_t total);
    ~Progress();
    void update(int64_t done, double best_loss);
    void finish();

private:
    void draw(bool final_line);

    bool enabled_, tty_;
    int64_t initial_, total_, done_ = 0;
    double best_ = 0;
    bool finished_ = false;
    Stopwatch clock_;
    double last_draw_ = -1e9;
};

}  // namespace hopt::fmin

// Time sources: wall-clock milliseconds for trial documents (hyperopt stores
// UTC datetimes truncated to milliseconds) and a monotonic clock for timeouts.
#pragma once

#include <chrono>
#include <cstdint>

namespace hopt {

inline int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// Seconds elapsed since construction, on the monotonic clock.
class Stopwatch {
public:
    Stopwatch() : start_(std::chrono::steady_clock::now()) {}
    double seconds() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    }

private:
    std::chrono::steady_clock::time_point start_;
};

}  // namespace hopt

#include "trials/store.hpp"

#include <chrono>
#include <thread>

namespace hopt::trials {

Summary Store::poll() {
    Summary sum;
    for (const auto &t : refresh()) {
        ++sum.count[t->state];
        if (t->state == kDone) {
            const double l = t->loss();
            if (std::isfinite(l) && l < sum.best_loss) sum.best_loss = l;
        }
    }
    return sum;
}

void Store::wait_change(uint64_t, double seconds) {
    if (seconds > 0) std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
}

}  // namespace hopt::trials

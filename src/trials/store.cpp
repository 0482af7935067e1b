#include "trials/store.hpp"

#include <chrono>
#include <thread>

namespace hopt::trials {

void Store::wait_change(uint64_t, double seconds) {
    if (seconds > 0) std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
}

}  // namespace hopt::trials

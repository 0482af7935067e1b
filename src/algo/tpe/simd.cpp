#include "algo/tpe/simd.hpp"

#include <atomic>

namespace hopt::algo::tpe::simd {

bool avx2_available() {
#ifdef HOPT_HAVE_AVX2_VARIANT
    static const bool yes = __builtin_cpu_supports("avx2");
    return yes;
#else
    return false;
#endif
}

namespace {
std::atomic<int> forced{-1};  // -1: not forced
}

Isa active() {
    const int f = forced.load(std::memory_order_relaxed);
    if (f >= 0) return static_cast<Isa>(f);
    return avx2_available() ? Isa::Avx2 : Isa::Generic;
}

void set_active(Isa isa) {
    forced.store(isa == Isa::Avx2 && !avx2_available() ? static_cast<int>(Isa::Generic) : static_cast<int>(isa),
                 std::memory_order_relaxed);
}

}  // namespace hopt::algo::tpe::simd

#include "algo/tpe/gauss_blocks.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/mathx.hpp"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#include <immintrin.h>  // declares the gather builtin used by the AVX2 variant
#define HOPT_AVX2_VARIANT 1
#endif

namespace hopt::algo::tpe {

using math::v4df;

void GaussBlocks::allocate(size_t components) {
    n = components;
    const size_t padded = (n + kBlock - 1) / kBlock * kBlock;
    mu.resize(padded);
    is.resize(padded);
    lw.resize(padded);
}

void GaussBlocks::pad() {
    for (size_t i = n; i < mu.size(); ++i) {
        mu[i] = INFINITY;
        is[i] = INFINITY;
        lw[i] = 0.0;
    }
}

void GaussBlocks::finish() {
    const size_t nb = mu.size() / kBlock;
    mu_lo.resize(nb);
    mu_hi.resize(nb);
    is_min.resize(nb);
    log_lw_max.resize(nb);
    for (size_t b = 0; b < nb; ++b) {
        const size_t begin = b * kBlock;
        // Padding (is +inf, lw 0) changes neither bound.
        double s = INFINITY, w = 0;
        for (size_t i = begin; i < begin + kBlock; ++i) {
            s = std::min(s, is[i]);
            w = std::max(w, lw[i]);
        }
        mu_lo[b] = mu[begin];
        mu_hi[b] = mu[std::min(n, begin + kBlock) - 1];
        is_min[b] = s;
        log_lw_max[b] = std::log(w);
    }
    right_is_min.resize(nb);
    right_log_lw.resize(nb);
    left_is_min.resize(nb);
    left_log_lw.resize(nb);
    for (size_t b = nb; b-- > 0;) {
        right_is_min[b] = b + 1 < nb ? std::min(is_min[b], right_is_min[b + 1]) : is_min[b];
        right_log_lw[b] = b + 1 < nb ? std::max(log_lw_max[b], right_log_lw[b + 1]) : log_lw_max[b];
    }
    for (size_t b = 0; b < nb; ++b) {
        left_is_min[b] = b > 0 ? std::min(is_min[b], left_is_min[b - 1]) : is_min[b];
        left_log_lw[b] = b > 0 ? std::max(log_lw_max[b], left_log_lw[b - 1]) : log_lw_max[b];
    }
    // Skipped blocks each hold at most 16 terms below e^-cut of the sum, so
    // all of them together less than (16 * blocks) e^-cut = e^-32 of it.
    cut = 32.0 + std::log(static_cast<double>(mu.size()));
}

size_t GaussBlocks::home(double y) const {
    const size_t i = static_cast<size_t>(std::lower_bound(mu.begin(), mu.begin() + static_cast<std::ptrdiff_t>(n), y) -
                                         mu.begin());
    return std::min(i, n - 1) / kBlock;
}


namespace {

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

// log(s) rounded down to a multiple of log 2 (its binary exponent): a lower
// bound, cheap enough to refresh after every block. -inf for 0 and subnormals.
inline double log_lower(double s) {
    uint64_t bits;
    std::memcpy(&bits, &s, sizeof bits);
    const int e = static_cast<int>((bits >> 52) & 0x7ff);
    return e == 0 ? -INFINITY : static_cast<double>(e - 1023) * M_LN2;
}

// The running sum: s * e^m, m the largest exponent so far.
struct Sum {
    double m = -INFINITY, s = 0;
};

// Table look-ups for exp4: lane by lane, or (AVX2) one gather instruction.
struct LaneTable {
    math::v4di operator()(math::v4di j) const { return math::exp4_table(j); }
};
#ifdef HOPT_AVX2_VARIANT
struct GatherTable {
    // Only ever inlined into the AVX2 variant, where the builtin is allowed.
    [[gnu::always_inline]] math::v4di operator()(math::v4di j) const {
        typedef long long v4ll __attribute__((vector_size(32)));
        const v4ll all = {-1, -1, -1, -1};
        return (math::v4di)__builtin_ia32_gatherdiv4di(v4ll{0, 0, 0, 0}, reinterpret_cast<const long long *>(math::kExp2Table256),
                                                       (v4ll)j, all, 8);
    }
};
#endif

template <class Table>
[[gnu::always_inline]] inline math::v4df exp4(math::v4df x, Table table) {
    const math::Exp4Parts e = math::exp4_begin(x);
    return math::exp4_end(e, table(math::exp4_index(e)));
}

template <class Table>
[[gnu::always_inline]] inline void add_block(const GaussBlocks &g, size_t b, double y, Sum &sum, Table table) {
    constexpr size_t kLanes = 4, kVectors = kBlock / kLanes;
    const size_t base = b * kBlock;
    v4df a[kVectors];
    v4df top = {-INFINITY, -INFINITY, -INFINITY, -INFINITY};
    for (size_t v = 0; v < kVectors; ++v) {
        const size_t j = base + v * kLanes;
        const v4df z = (y - math::load4(&g.mu[j])) * math::load4(&g.is[j]);
        a[v] = z * z * -0.5;
        top = top > a[v] ? top : a[v];
    }
    const double block_max = std::max(std::max(top[0], top[1]), std::max(top[2], top[3]));
    if (!(block_max > -INFINITY)) return;  // every term is 0
    if (block_max > sum.m) {
        const v4df shift = {sum.m - block_max, 0, 0, 0};
        sum.s *= exp4(shift, table)[0];
        sum.m = block_max;
    }
    // Lane sums in a fixed order: the same result whatever the SIMD width.
    v4df acc = {0, 0, 0, 0};
    for (size_t v = 0; v < kVectors; ++v) acc += math::load4(&g.lw[base + v * kLanes]) * exp4(a[v] - sum.m, table);
    sum.s += (acc[0] + acc[1]) + (acc[2] + acc[3]);
}

// Prior component, then the home block, then outward on each side until
// the bound over every remaining block is below the cut.
template <class Table>
[[gnu::always_inline]] inline double log_sum_body(const GaussBlocks &g, double y, Table table) {
    Sum sum;
    if (g.out_lw > 0) {
        const double z = (y - g.out_mu) * g.out_is;
        sum.m = z * z * -0.5;
        sum.s = g.out_lw;
    }
    if (g.n > 0) {
        const double cut = g.cut;
        const size_t nb = g.blocks(), home = g.home(y);
        add_block(g, home, y, sum, table);
        double floor = sum.m + log_lower(sum.s) - cut;
        for (size_t b = home + 1; b < nb; ++b) {
            const double d = std::max(0.0, g.mu_lo[b] - y);
            if (g.bound_right(b, d) < floor) break;
            if (g.bound(b, d) < floor) continue;
            add_block(g, b, y, sum, table);
            floor = sum.m + log_lower(sum.s) - cut;
        }
        for (size_t b = home; b-- > 0;) {
            const double d = std::max(0.0, y - g.mu_hi[b]);
            if (g.bound_left(b, d) < floor) break;
            if (g.bound(b, d) < floor) continue;
            add_block(g, b, y, sum, table);
            floor = sum.m + log_lower(sum.s) - cut;
        }
    }
    return sum.s > 0 ? sum.m + std::log(sum.s) : -INFINITY;
}

#pragma GCC diagnostic pop

}  // namespace

namespace simd {

double log_sum_generic(const GaussBlocks &g, double y) { return log_sum_body(g, y, LaneTable{}); }

#ifdef HOPT_AVX2_VARIANT
// The same code compiled for AVX2: four lanes per instruction instead of two,
// and the exp table read by a gather (the same values).
__attribute__((target("avx2"))) double log_sum_avx2(const GaussBlocks &g, double y) {
    return log_sum_body(g, y, GatherTable{});
}
bool avx2_available() { return __builtin_cpu_supports("avx2"); }
#else
double log_sum_avx2(const GaussBlocks &g, double y) { return log_sum_body(g, y, LaneTable{}); }
bool avx2_available() { return false; }
#endif

}  // namespace simd

double log_sum(const GaussBlocks &g, double y) {
    static double (*const variant)(const GaussBlocks &, double) =
        simd::avx2_available() ? simd::log_sum_avx2 : simd::log_sum_generic;
    return variant(g, y);
}

}  // namespace hopt::algo::tpe

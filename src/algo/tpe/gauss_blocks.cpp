#include "algo/tpe/gauss_blocks.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/mathx.hpp"

#ifdef HOPT_HAVE_AVX2_VARIANT
#include <immintrin.h>  // declares the gather builtin used by the AVX2 variant
#endif

namespace hopt::algo::tpe {

using math::v4df;

void GaussBlocks::allocate(size_t components) {
    n = components;
    const size_t padded = (n + kBlock - 1) / kBlock * kBlock;
    mu.resize(padded);
    h.resize(padded);
    lw.resize(padded);
}

void GaussBlocks::clear() {
    allocate(0);
    out_lw = 0;
    finish();
}

void GaussBlocks::pad() {
    for (size_t i = n; i < mu.size(); ++i) {
        mu[i] = INFINITY;
        h[i] = INFINITY;
        lw[i] = 0.0;
    }
}

namespace {

// log(s) rounded up to a multiple of log 2: an upper bound without a call to
// log. -inf for 0; +inf for infinities and NaN (never pruned).
inline double log_upper(double s) {
    if (!(s > 0)) return s == 0 ? -INFINITY : INFINITY;
    uint64_t bits;
    std::memcpy(&bits, &s, sizeof bits);
    const int e = static_cast<int>((bits >> 52) & 0x7ff);
    if (e == 0x7ff) return INFINITY;
    return static_cast<double>(e - 1022) * M_LN2;  // s < 2^(e - 1022), subnormals included
}

// log(s) rounded down to a multiple of log 2 (its binary exponent): a lower
// bound, cheap enough to refresh after every block. -inf for 0 and subnormals.
inline double log_lower(double s) {
    uint64_t bits;
    std::memcpy(&bits, &s, sizeof bits);
    const int e = static_cast<int>((bits >> 52) & 0x7ff);
    return e == 0 ? -INFINITY : static_cast<double>(e - 1023) * M_LN2;
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

// Bounds of every block, and over the blocks on each side.
[[gnu::always_inline]] inline void finish_body(GaussBlocks &g) {
    const size_t nb = g.mu.size() / kBlock;
    g.mu_lo.resize(nb);
    g.mu_hi.resize(nb);
    g.h_min.resize(nb);
    g.log_lw_max.resize(nb);
    for (size_t b = 0; b < nb; ++b) {
        const size_t begin = b * kBlock;
        // Padding (h +inf, lw 0) changes neither bound. Written as x < y ? x
        // : y (a min instruction); min and max are exact in any order.
        math::v4df s = math::load4(&g.h[begin]), w = math::load4(&g.lw[begin]);
        for (size_t i = begin + 4; i < begin + kBlock; i += 4) {
            const math::v4df si = math::load4(&g.h[i]), wi = math::load4(&g.lw[i]);
            s = si < s ? si : s;
            w = wi > w ? wi : w;
        }
        g.mu_lo[b] = g.mu[begin];
        g.mu_hi[b] = g.mu[std::min(g.n, begin + kBlock) - 1];
        g.h_min[b] = std::min(std::min(s[0], s[1]), std::min(s[2], s[3]));
        g.log_lw_max[b] = log_upper(std::max(std::max(w[0], w[1]), std::max(w[2], w[3])));
    }
    g.right_h_min.resize(nb);
    g.right_log_lw.resize(nb);
    g.left_h_min.resize(nb);
    g.left_log_lw.resize(nb);
    for (size_t b = nb; b-- > 0;) {
        g.right_h_min[b] = b + 1 < nb ? std::min(g.h_min[b], g.right_h_min[b + 1]) : g.h_min[b];
        g.right_log_lw[b] = b + 1 < nb ? std::max(g.log_lw_max[b], g.right_log_lw[b + 1]) : g.log_lw_max[b];
    }
    for (size_t b = 0; b < nb; ++b) {
        g.left_h_min[b] = b > 0 ? std::min(g.h_min[b], g.left_h_min[b - 1]) : g.h_min[b];
        g.left_log_lw[b] = b > 0 ? std::max(g.log_lw_max[b], g.left_log_lw[b - 1]) : g.log_lw_max[b];
    }
    // Skipped blocks each hold at most 16 terms below e^-cut of the sum, so
    // all of them together less than (16 * blocks) e^-cut = e^-32 of it.
    g.cut = 32.0 + std::log(static_cast<double>(g.mu.size()));
}

void finish_generic(GaussBlocks &g) { finish_body(g); }
HOPT_SIMD_AVX2_TARGET void finish_avx2(GaussBlocks &g) { finish_body(g); }

#pragma GCC diagnostic pop

}  // namespace

void GaussBlocks::finish() {
    if (simd::active() == simd::Isa::Avx2) finish_avx2(*this);
    else finish_generic(*this);
}

size_t GaussBlocks::home(double y) const {
    const size_t i = static_cast<size_t>(std::lower_bound(mu.begin(), mu.begin() + static_cast<std::ptrdiff_t>(n), y) -
                                         mu.begin());
    return std::min(i, n - 1) / kBlock;
}

namespace {

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

// Table look-ups for exp4: lane by lane, or (AVX2) one gather instruction.
struct LaneTable {
    math::v4di operator()(math::v4di j) const { return math::exp4_table(j); }
};
#ifdef HOPT_HAVE_AVX2_VARIANT
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

// The sum so far is s e^m. The shift m is fixed before the blocks, from the
// prior's exponent: every exponent is <= 0 and m >= -600, so no term
// overflows, and terms more than 700 below m (clamped by exp4) are
// negligible beside the prior's own. Without a prior, or with its exponent
// below -600, the sum is redone with the largest exponent as shift.
struct Sum {
    double m, s;
};

// Adds block b's 16 terms: lw e^(-(h (y - mu))^2 - m).
template <class Table>
[[gnu::always_inline]] inline void add_block(const GaussBlocks &g, size_t b, double y, Sum &sum, Table table) {
    constexpr size_t kLanes = 4, kVectors = kBlock / kLanes;
    const size_t base = b * kBlock;
    v4df acc = {0, 0, 0, 0};
    for (size_t v = 0; v < kVectors; ++v) {
        const size_t j = base + v * kLanes;
        const v4df z = (y - math::load4(&g.mu[j])) * math::load4(&g.h[j]);
        acc += math::load4(&g.lw[j]) * exp4(-sum.m - z * z, table);
    }
    // Lane sums in a fixed order: the same result whatever the SIMD width.
    sum.s += (acc[0] + acc[1]) + (acc[2] + acc[3]);
}

// The same with the largest exponent so far as shift, rescaling as it grows.
template <class Table>
[[gnu::always_inline]] inline void add_block_rescaled(const GaussBlocks &g, size_t b, double y, Sum &sum, Table table) {
    constexpr size_t kLanes = 4, kVectors = kBlock / kLanes;
    const size_t base = b * kBlock;
    v4df a[kVectors];
    v4df top = {-INFINITY, -INFINITY, -INFINITY, -INFINITY};
    for (size_t v = 0; v < kVectors; ++v) {
        const size_t j = base + v * kLanes;
        const v4df z = (y - math::load4(&g.mu[j])) * math::load4(&g.h[j]);
        a[v] = -(z * z);
        top = top > a[v] ? top : a[v];
    }
    const double block_max = std::max(std::max(top[0], top[1]), std::max(top[2], top[3]));
    if (!(block_max > -INFINITY)) return;  // every term is 0
    if (block_max > sum.m) {
        sum.s *= exp4(v4df{sum.m - block_max, 0, 0, 0}, table)[0];
        sum.m = block_max;
    }
    v4df acc = {0, 0, 0, 0};
    for (size_t v = 0; v < kVectors; ++v) acc += math::load4(&g.lw[base + v * kLanes]) * exp4(a[v] - sum.m, table);
    sum.s += (acc[0] + acc[1]) + (acc[2] + acc[3]);
}

template <bool kRescale, class Table>
[[gnu::always_inline]] inline void add_any(const GaussBlocks &g, size_t b, double y, Sum &sum, Table table) {
    if constexpr (kRescale) add_block_rescaled(g, b, y, sum, table);
    else add_block(g, b, y, sum, table);
}

// The prior's term, then the home block, then outward on each side until
// the bound over every remaining block is below the cut. (No lambdas in
// these bodies: GCC would compile them for the baseline target only.)
template <bool kRescale, class Table>
[[gnu::always_inline]] inline Sum sum_blocks(const GaussBlocks &g, double y, Sum sum, Table table, bool near_only) {
    if (g.n == 0) return sum;
    const double cut = g.cut;
    const size_t nb = g.blocks(), home = g.home(y);
    add_any<kRescale>(g, home, y, sum, table);
    if (near_only) {
        for (size_t b = home + 1; b < nb && g.near(b, g.mu_lo[b] - y); ++b) add_any<kRescale>(g, b, y, sum, table);
        for (size_t b = home; b-- > 0 && g.near(b, y - g.mu_hi[b]);) add_any<kRescale>(g, b, y, sum, table);
        return sum;
    }
    double floor = sum.m + log_lower(sum.s) - cut;
    for (size_t b = home + 1; b < nb; ++b) {
        const double d = std::max(0.0, g.mu_lo[b] - y);
        if (g.bound_right(b, d) < floor) break;
        if (g.bound(b, d) < floor) continue;
        add_any<kRescale>(g, b, y, sum, table);
        floor = sum.m + log_lower(sum.s) - cut;
    }
    for (size_t b = home; b-- > 0;) {
        const double d = std::max(0.0, y - g.mu_hi[b]);
        if (g.bound_left(b, d) < floor) break;
        if (g.bound(b, d) < floor) continue;
        add_any<kRescale>(g, b, y, sum, table);
        floor = sum.m + log_lower(sum.s) - cut;
    }
    return sum;
}

template <class Table>
[[gnu::always_inline]] inline double log_sum_body(const GaussBlocks &g, double y, Table table, Reach reach) {
    const double z = (y - g.out_mu) * g.out_h, prior = -(z * z);
    const bool near_only = reach == Reach::Near;
    if (g.out_lw > 0 && prior >= -600) {
        const Sum sum = sum_blocks<false>(g, y, Sum{prior, g.out_lw}, table, near_only);
        if (sum.s > 1e-250) return sum.m + std::log(sum.s);
    }
    const Sum sum = sum_blocks<true>(g, y, g.out_lw > 0 ? Sum{prior, g.out_lw} : Sum{-INFINITY, 0}, table, near_only);
    return sum.s > 0 ? sum.m + std::log(sum.s) : -INFINITY;
}

#pragma GCC diagnostic pop

}  // namespace

namespace simd {

double log_sum_generic(const GaussBlocks &g, double y, Reach reach) { return log_sum_body(g, y, LaneTable{}, reach); }

// The same code compiled for AVX2: four lanes per instruction instead of two,
// and the exp table read by a gather (the same values).
#ifdef HOPT_HAVE_AVX2_VARIANT
HOPT_SIMD_AVX2_TARGET double log_sum_avx2(const GaussBlocks &g, double y, Reach reach) {
    return log_sum_body(g, y, GatherTable{}, reach);
}
#else
double log_sum_avx2(const GaussBlocks &g, double y, Reach reach) { return log_sum_body(g, y, LaneTable{}, reach); }
#endif

}  // namespace simd

double log_sum(const GaussBlocks &g, double y, Reach reach) {
    return simd::active() == simd::Isa::Avx2 ? simd::log_sum_avx2(g, y, reach) : simd::log_sum_generic(g, y, reach);
}

}  // namespace hopt::algo::tpe

// The sums behind TPE's mixture densities, over components sorted by mean
// and grouped in blocks of 16 with bounds that say when a block, or every
// block beyond it, cannot matter.
//
// Densities are exact sums over every component, as in hyperopt, except for
// blocks provably negligible: a block is skipped when 16 times its largest
// possible term is below e^-32 / n of the sum so far (n the number of
// components), so that everything skipped adds up to less than e^-32 (1.3e-14)
// of the result. TPE scores 24 candidates against mixtures with a component
// per trial; with these bounds each score costs the few hundred components
// around the candidate instead of all of them.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "algo/tpe/simd.hpp"
#include "algo/uninit_vector.hpp"

namespace hopt::algo::tpe {

inline constexpr size_t kBlock = 16;

// log sum_i lw_i exp(-(h_i (y - mu_i))^2): a normal mixture's density up to
// a constant factor, with lw_i = w_i (s / sigma_i) for a common scale s and
// h_i = sqrt(1/2) / sigma_i. One component (the prior of TPE's estimator,
// whose width would defeat the bounds of any block holding it) stays outside.
struct GaussBlocks {
    size_t n = 0;  // components in the blocks
    // Sorted by mu; padded to whole blocks with mu +inf, h +inf, lw 0.
    UninitVector<double> mu, h, lw;
    // Per block: first and last mean, smallest h, log of the largest lw
    // (rounded up).
    std::vector<double> mu_lo, mu_hi, h_min, log_lw_max;
    // The same bounds over blocks b..end (walking right) and 0..b (left).
    std::vector<double> right_h_min, right_log_lw, left_h_min, left_log_lw;
    // The component outside the blocks (lw 0: none).
    double out_mu = 0, out_h = 1, out_lw = 0;

    // Sizes mu, h, lw for n components and their padding; once the caller
    // has filled them, pad() sets the padding and finish() the bounds.
    void allocate(size_t components);
    void pad();
    void finish();
    // No components and no outside one (the memory is kept).
    void clear();
    size_t blocks() const { return mu.size() / kBlock; }
    // Index of the block to start from for y: the one holding the first
    // mean >= y (the last block if none).
    size_t home(double y) const;
    // Largest log-term possible in block b, or in blocks b.. (right) / ..b
    // (left), for a point at distance d >= 0 from them.
    double bound(size_t b, double d) const { return log_lw_max[b] - (d * h_min[b]) * (d * h_min[b]); }
    double bound_right(size_t b, double d) const {
        return right_log_lw[b] - (d * right_h_min[b]) * (d * right_h_min[b]);
    }
    double bound_left(size_t b, double d) const { return left_log_lw[b] - (d * left_h_min[b]) * (d * left_h_min[b]); }
    // Terms below e^-cut of the running sum are negligible (see above).
    double cut = 0;
    // Whether block b, at distance d >= 0, is within kNearSigmas of the
    // widest sigma in it: what Reach::Near sums.
    bool near(size_t b, double d) const { return d * h_min[b] <= kNearSigmas * M_SQRT1_2; }
    static constexpr double kNearSigmas = 2.0;
};

// How much of the sum to add up: every block that can matter, or only the
// outside component, y's home block and the blocks around it within two
// sigmas of y (about 95% of a density made of many close components). The
// full sum adds all of those terms unless they are negligible (less than
// e^-32 of it), so the partial one is a lower bound to within e^-32 and
// rounding, at a fraction of the cost.
enum class Reach { All, Near };

// The log-sum above at y, -inf when every term is 0. Bit-identical on every
// target: the SIMD variants run the same lane-wise IEEE operations in the
// same order, and pruning depends only on the data. With Reach::Near, the
// lower bound above (-inf when it says nothing).
double log_sum(const GaussBlocks &g, double y, Reach reach = Reach::All);

namespace simd {
// The variants behind log_sum (simd.hpp), for tests.
double log_sum_generic(const GaussBlocks &g, double y, Reach reach = Reach::All);
double log_sum_avx2(const GaussBlocks &g, double y, Reach reach = Reach::All);
}  // namespace simd

}  // namespace hopt::algo::tpe

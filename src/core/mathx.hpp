// Numerics shared by the distributions and the estimators: normal CDFs that
// stay accurate in the tails, its inverse, log-sum-exp and numpy's rounding.
#pragma once

#include <cmath>
#include <cstdint>
#include <span>

namespace hopt::math {

inline constexpr double kEps = 1e-12;  // hyperopt's EPS in tpe.py
inline constexpr double kLogSqrt2Pi = 0.91893853320467274178;  // log(sqrt(2*pi))

// numpy.round: halves go to the even neighbour.
inline double round_half_even(double x) {
    const double r = std::round(x);
    if (std::fabs(x - std::trunc(x)) == 0.5) return 2.0 * std::round(x / 2.0);
    return r;
}

// round(x / q) * q, as hyperopt quantises.
inline double quantize(double x, double q) { return round_half_even(x / q) * q; }

// P(X <= x) and P(X > x) for X ~ N(0, 1), each accurate where it is small.
inline double norm_cdf(double x) { return 0.5 * std::erfc(-x / M_SQRT2); }
inline double norm_sf(double x) { return 0.5 * std::erfc(x / M_SQRT2); }

// Inverse of norm_cdf on (0, 1); -inf/+inf at 0/1.
double norm_ppf(double p);

inline double norm_logpdf(double x, double mu, double sigma) {
    const double z = (x - mu) / sigma;
    return -0.5 * z * z - std::log(sigma) - kLogSqrt2Pi;
}

// exp(x) for x <= 0 in plain arithmetic (no libm), so that loops over it
// vectorise and give the same bits on every platform; within 2 ulp of
// exp(x), and 0 below -708 where exp would be subnormal.
inline double exp_nonpositive(double x) {
    x = x < -708.0 ? -708.0 : x;
    // x = k ln2 + r with |r| <= ln2 / 2. Adding 1.5 * 2^52 rounds x / ln2 to
    // the integer k and leaves k in the low bits of t, so 2^k is made with
    // integer adds and shifts only (no int/double conversion: vectorises).
    const double t = x * 1.4426950408889634 + 0x1.8p52;
    const double kd = t - 0x1.8p52;
    const double r = (x - kd * 0.6931471803691238) - kd * 1.9082149292705877e-10;
    // Taylor series of exp(r) to r^13: truncation below 1e-17 on |r| <= 0.35.
    double p = 1.0 / 6227020800.0;
    p = p * r + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    uint64_t bits;
    __builtin_memcpy(&bits, &t, sizeof bits);
    bits = (bits + 1023) << 52;  // (k + 1023) << 52: the exponent of 2^k
    double scale;
    __builtin_memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

// Four lanes of exp_nonpositive through GCC/Clang vector extensions: the same
// operations lane by lane (so the same bits as the scalar version), which the
// compiler maps to whatever SIMD the target has.
typedef double v4df __attribute__((vector_size(32)));
typedef int64_t v4di __attribute__((vector_size(32)));

// Passing 32-byte vectors by value warns about the AVX calling convention on
// targets without AVX; these functions are inline, so no ABI is involved.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

inline v4df load4(const double *p) {
    v4df v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

inline v4df exp_nonpositive(v4df x) {
    const v4df floor = {-708.0, -708.0, -708.0, -708.0};
    x = x < floor ? floor : x;
    const v4df t = x * 1.4426950408889634 + 0x1.8p52;
    const v4df kd = t - 0x1.8p52;
    const v4df r = (x - kd * 0.6931471803691238) - kd * 1.9082149292705877e-10;
    v4df p = r * (1.0 / 6227020800.0) + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    const v4di bits = ((v4di)t + 1023) << 52;
    return p * (v4df)bits;
}

#pragma GCC diagnostic pop

// log(sum(exp(v))), shifted by the maximum; -inf for an empty or all -inf span.
double logsumexp(std::span<const double> v);

}  // namespace hopt::math

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

// Four lanes of double through GCC/Clang vector extensions: operations lane
// by lane, so the same bits whatever SIMD the compiler maps them to.
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

// Bits of 2^(j/64), j = 0..63, rounded to nearest.
alignas(64) inline constexpr int64_t kExp2Table64[64] = {
    0x3ff0000000000000, 0x3ff02c9a3e778061, 0x3ff059b0d3158574, 0x3ff0874518759bc8,
    0x3ff0b5586cf9890f, 0x3ff0e3ec32d3d1a2, 0x3ff11301d0125b51, 0x3ff1429aaea92de0,
    0x3ff172b83c7d517b, 0x3ff1a35beb6fcb75, 0x3ff1d4873168b9aa, 0x3ff2063b88628cd6,
    0x3ff2387a6e756238, 0x3ff26b4565e27cdd, 0x3ff29e9df51fdee1, 0x3ff2d285a6e4030b,
    0x3ff306fe0a31b715, 0x3ff33c08b26416ff, 0x3ff371a7373aa9cb, 0x3ff3a7db34e59ff7,
    0x3ff3dea64c123422, 0x3ff4160a21f72e2a, 0x3ff44e086061892d, 0x3ff486a2b5c13cd0,
    0x3ff4bfdad5362a27, 0x3ff4f9b2769d2ca7, 0x3ff5342b569d4f82, 0x3ff56f4736b527da,
    0x3ff5ab07dd485429, 0x3ff5e76f15ad2148, 0x3ff6247eb03a5585, 0x3ff6623882552225,
    0x3ff6a09e667f3bcd, 0x3ff6dfb23c651a2f, 0x3ff71f75e8ec5f74, 0x3ff75feb564267c9,
    0x3ff7a11473eb0187, 0x3ff7e2f336cf4e62, 0x3ff82589994cce13, 0x3ff868d99b4492ed,
    0x3ff8ace5422aa0db, 0x3ff8f1ae99157736, 0x3ff93737b0cdc5e5, 0x3ff97d829fde4e50,
    0x3ff9c49182a3f090, 0x3ffa0c667b5de565, 0x3ffa5503b23e255d, 0x3ffa9e6b5579fdbf,
    0x3ffae89f995ad3ad, 0x3ffb33a2b84f15fb, 0x3ffb7f76f2fb5e47, 0x3ffbcc1e904bc1d2,
    0x3ffc199bdd85529c, 0x3ffc67f12e57d14b, 0x3ffcb720dcef9069, 0x3ffd072d4a07897c,
    0x3ffd5818dcfba487, 0x3ffda9e603db3285, 0x3ffdfc97337b9b5f, 0x3ffe502ee78b3ff6,
    0x3ffea4afa2a490da, 0x3ffefa1bee615a27, 0x3fff50765b6e4540, 0x3fffa7c1819e90d8
};

// exp(x) lane by lane for x <= 0, within 2 ulp (x < -700 is taken as -700,
// where exp is below 1e-304: negligible beside any term it is added to).
// x = (64 k + j) ln2/64 + r with |r| <= ln2/128: exp(x) = 2^k 2^(j/64) e^r,
// 2^(j/64) from the table, e^r by its Taylor series to r^5 (truncation below
// 4e-17), 2^k added to the exponent bits. Plain IEEE arithmetic, no fused
// operations: the same bits on every target.
//
// In two halves around the table look-up, so that code compiled for a gather
// instruction can do the look-up its own way (the same values).
struct Exp4Parts {
    v4df poly;  // e^r
    v4di bits;  // low 6 bits: j; bits 6..17: k
};

inline Exp4Parts exp4_begin(v4df x) {
    const v4df floor = {-700.0, -700.0, -700.0, -700.0};
    x = x < floor ? floor : x;
    // Adding 1.5 * 2^52 rounds x * 64 / ln2 to the integer n and leaves n in
    // the low bits of t.
    const v4df t = x * 92.332482616893656877 + 0x1.8p52;
    const v4df n = t - 0x1.8p52;
    // ln2/64 in two parts; the first has 32 significant bits, so n times it
    // is exact for |n| < 2^21.
    const v4df r = (x - n * 0x1.62e42fee00000p-7) - n * 0x1.a39ef35793c76p-39;
    v4df p = r * (1.0 / 120.0) + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    return {p, (v4di)t};
}

// The table indices j = n mod 64.
inline v4di exp4_index(const Exp4Parts &e) { return e.bits & 63; }

// Lane-by-lane table look-up.
inline v4di exp4_table(v4di j) {
    return v4di{kExp2Table64[j[0]], kExp2Table64[j[1]], kExp2Table64[j[2]], kExp2Table64[j[3]]};
}

// table: the bits of 2^(j/64). k = floor(n / 64) goes straight into their
// exponent field (the bits of 1.5 * 2^52, above bit 17, shift out).
inline v4df exp4_end(const Exp4Parts &e, v4di table) {
    const v4di scale = table + ((e.bits & ~int64_t{63}) << 46);
    return e.poly * (v4df)scale;
}

inline v4df exp4(v4df x) {
    const Exp4Parts e = exp4_begin(x);
    return exp4_end(e, exp4_table(exp4_index(e)));
}

#pragma GCC diagnostic pop

// log(sum(exp(v))), shifted by the maximum; -inf for an empty or all -inf span.
double logsumexp(std::span<const double> v);

}  // namespace hopt::math

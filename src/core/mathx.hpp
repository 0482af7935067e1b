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

// Bits of 2^(j/256), j = 0..255, rounded to nearest.
alignas(64) inline constexpr int64_t kExp2Table256[256] = {
    0x3ff0000000000000, 0x3ff00b1afa5abcbf, 0x3ff0163da9fb3335, 0x3ff02168143b0281,
    0x3ff02c9a3e778061, 0x3ff037d42e11bbcc, 0x3ff04315e86e7f85, 0x3ff04e5f72f654b1,
    0x3ff059b0d3158574, 0x3ff0650a0e3c1f89, 0x3ff0706b29ddf6de, 0x3ff07bd42b72a836,
    0x3ff0874518759bc8, 0x3ff092bdf66607e0, 0x3ff09e3ecac6f383, 0x3ff0a9c79b1f3919,
    0x3ff0b5586cf9890f, 0x3ff0c0f145e46c85, 0x3ff0cc922b7247f7, 0x3ff0d83b23395dec,
    0x3ff0e3ec32d3d1a2, 0x3ff0efa55fdfa9c5, 0x3ff0fb66affed31b, 0x3ff1073028d7233e,
    0x3ff11301d0125b51, 0x3ff11edbab5e2ab6, 0x3ff12abdc06c31cc, 0x3ff136a814f204ab,
    0x3ff1429aaea92de0, 0x3ff14e95934f312e, 0x3ff15a98c8a58e51, 0x3ff166a45471c3c2,
    0x3ff172b83c7d517b, 0x3ff17ed48695bbc0, 0x3ff18af9388c8dea, 0x3ff1972658375d2f,
    0x3ff1a35beb6fcb75, 0x3ff1af99f8138a1c, 0x3ff1bbe084045cd4, 0x3ff1c82f95281c6b,
    0x3ff1d4873168b9aa, 0x3ff1e0e75eb44027, 0x3ff1ed5022fcd91d, 0x3ff1f9c18438ce4d,
    0x3ff2063b88628cd6, 0x3ff212be3578a819, 0x3ff21f49917ddc96, 0x3ff22bdda27912d1,
    0x3ff2387a6e756238, 0x3ff2451ffb82140a, 0x3ff251ce4fb2a63f, 0x3ff25e85711ece75,
    0x3ff26b4565e27cdd, 0x3ff2780e341ddf29, 0x3ff284dfe1f56381, 0x3ff291ba7591bb70,
    0x3ff29e9df51fdee1, 0x3ff2ab8a66d10f13, 0x3ff2b87fd0dad990, 0x3ff2c57e39771b2f,
    0x3ff2d285a6e4030b, 0x3ff2df961f641589, 0x3ff2ecafa93e2f56, 0x3ff2f9d24abd886b,
    0x3ff306fe0a31b715, 0x3ff31432edeeb2fd, 0x3ff32170fc4cd831, 0x3ff32eb83ba8ea32,
    0x3ff33c08b26416ff, 0x3ff3496266e3fa2d, 0x3ff356c55f929ff1, 0x3ff36431a2de883b,
    0x3ff371a7373aa9cb, 0x3ff37f26231e754a, 0x3ff38cae6d05d866, 0x3ff39a401b7140ef,
    0x3ff3a7db34e59ff7, 0x3ff3b57fbfec6cf4, 0x3ff3c32dc313a8e5, 0x3ff3d0e544ede173,
    0x3ff3dea64c123422, 0x3ff3ec70df1c5175, 0x3ff3fa4504ac801c, 0x3ff40822c367a024,
    0x3ff4160a21f72e2a, 0x3ff423fb2709468a, 0x3ff431f5d950a897, 0x3ff43ffa3f84b9d4,
    0x3ff44e086061892d, 0x3ff45c2042a7d232, 0x3ff46a41ed1d0057, 0x3ff4786d668b3237,
    0x3ff486a2b5c13cd0, 0x3ff494e1e192aed2, 0x3ff4a32af0d7d3de, 0x3ff4b17dea6db7d7,
    0x3ff4bfdad5362a27, 0x3ff4ce41b817c114, 0x3ff4dcb299fddd0d, 0x3ff4eb2d81d8abff,
    0x3ff4f9b2769d2ca7, 0x3ff508417f4531ee, 0x3ff516daa2cf6642, 0x3ff5257de83f4eef,
    0x3ff5342b569d4f82, 0x3ff542e2f4f6ad27, 0x3ff551a4ca5d920f, 0x3ff56070dde910d2,
    0x3ff56f4736b527da, 0x3ff57e27dbe2c4cf, 0x3ff58d12d497c7fd, 0x3ff59c0827ff07cc,
    0x3ff5ab07dd485429, 0x3ff5ba11fba87a03, 0x3ff5c9268a5946b7, 0x3ff5d84590998b93,
    0x3ff5e76f15ad2148, 0x3ff5f6a320dceb71, 0x3ff605e1b976dc09, 0x3ff6152ae6cdf6f4,
    0x3ff6247eb03a5585, 0x3ff633dd1d1929fd, 0x3ff6434634ccc320, 0x3ff652b9febc8fb7,
    0x3ff6623882552225, 0x3ff671c1c70833f6, 0x3ff68155d44ca973, 0x3ff690f4b19e9538,
    0x3ff6a09e667f3bcd, 0x3ff6b052fa75173e, 0x3ff6c012750bdabf, 0x3ff6cfdcddd47645,
    0x3ff6dfb23c651a2f, 0x3ff6ef9298593ae5, 0x3ff6ff7df9519484, 0x3ff70f7466f42e87,
    0x3ff71f75e8ec5f74, 0x3ff72f8286ead08a, 0x3ff73f9a48a58174, 0x3ff74fbd35d7cbfd,
    0x3ff75feb564267c9, 0x3ff77024b1ab6e09, 0x3ff780694fde5d3f, 0x3ff790b938ac1cf6,
    0x3ff7a11473eb0187, 0x3ff7b17b0976cfdb, 0x3ff7c1ed0130c132, 0x3ff7d26a62ff86f0,
    0x3ff7e2f336cf4e62, 0x3ff7f3878491c491, 0x3ff80427543e1a12, 0x3ff814d2add106d9,
    0x3ff82589994cce13, 0x3ff8364c1eb941f7, 0x3ff8471a4623c7ad, 0x3ff857f4179f5b21,
    0x3ff868d99b4492ed, 0x3ff879cad931a436, 0x3ff88ac7d98a6699, 0x3ff89bd0a478580f,
    0x3ff8ace5422aa0db, 0x3ff8be05bad61778, 0x3ff8cf3216b5448c, 0x3ff8e06a5e0866d9,
    0x3ff8f1ae99157736, 0x3ff902fed0282c8a, 0x3ff9145b0b91ffc6, 0x3ff925c353aa2fe2,
    0x3ff93737b0cdc5e5, 0x3ff948b82b5f98e5, 0x3ff95a44cbc8520f, 0x3ff96bdd9a7670b3,
    0x3ff97d829fde4e50, 0x3ff98f33e47a22a2, 0x3ff9a0f170ca07ba, 0x3ff9b2bb4d53fe0d,
    0x3ff9c49182a3f090, 0x3ff9d674194bb8d5, 0x3ff9e86319e32323, 0x3ff9fa5e8d07f29e,
    0x3ffa0c667b5de565, 0x3ffa1e7aed8eb8bb, 0x3ffa309bec4a2d33, 0x3ffa42c980460ad8,
    0x3ffa5503b23e255d, 0x3ffa674a8af46052, 0x3ffa799e1330b358, 0x3ffa8bfe53c12e59,
    0x3ffa9e6b5579fdbf, 0x3ffab0e521356eba, 0x3ffac36bbfd3f37a, 0x3ffad5ff3a3c2774,
    0x3ffae89f995ad3ad, 0x3ffafb4ce622f2ff, 0x3ffb0e07298db666, 0x3ffb20ce6c9a8952,
    0x3ffb33a2b84f15fb, 0x3ffb468415b749b1, 0x3ffb59728de5593a, 0x3ffb6c6e29f1c52a,
    0x3ffb7f76f2fb5e47, 0x3ffb928cf22749e4, 0x3ffba5b030a1064a, 0x3ffbb8e0b79a6f1f,
    0x3ffbcc1e904bc1d2, 0x3ffbdf69c3f3a207, 0x3ffbf2c25bd71e09, 0x3ffc06286141b33d,
    0x3ffc199bdd85529c, 0x3ffc2d1cd9fa652c, 0x3ffc40ab5fffd07a, 0x3ffc544778fafb22,
    0x3ffc67f12e57d14b, 0x3ffc7ba88988c933, 0x3ffc8f6d9406e7b5, 0x3ffca3405751c4db,
    0x3ffcb720dcef9069, 0x3ffccb0f2e6d1675, 0x3ffcdf0b555dc3fa, 0x3ffcf3155b5bab74,
    0x3ffd072d4a07897c, 0x3ffd1b532b08c968, 0x3ffd2f87080d89f2, 0x3ffd43c8eacaa1d6,
    0x3ffd5818dcfba487, 0x3ffd6c76e862e6d3, 0x3ffd80e316c98398, 0x3ffd955d71ff6075,
    0x3ffda9e603db3285, 0x3ffdbe7cd63a8315, 0x3ffdd321f301b460, 0x3ffde7d5641c0658,
    0x3ffdfc97337b9b5f, 0x3ffe11676b197d17, 0x3ffe264614f5a129, 0x3ffe3b333b16ee12,
    0x3ffe502ee78b3ff6, 0x3ffe653924676d76, 0x3ffe7a51fbc74c83, 0x3ffe8f7977cdb740,
    0x3ffea4afa2a490da, 0x3ffeb9f4867cca6e, 0x3ffecf482d8e67f1, 0x3ffee4aaa2188510,
    0x3ffefa1bee615a27, 0x3fff0f9c1cb6412a, 0x3fff252b376bba97, 0x3fff3ac948dd7274,
    0x3fff50765b6e4540, 0x3fff6632798844f8, 0x3fff7bfdad9cbe14, 0x3fff91d802243c89,
    0x3fffa7c1819e90d8, 0x3fffbdba3692d514, 0x3fffd3c22b8f71f1, 0x3fffe9d96b2a23d9
};

// exp(x) lane by lane for x <= 0, within 3 ulp (x < -700 is taken as -700,
// where exp is below 1e-304: negligible beside any term it is added to).
// x = (256 k + j) ln2/256 + r with |r| <= ln2/512: exp(x) = 2^k 2^(j/256) e^r,
// 2^(j/256) from the table, e^r by its Taylor series to r^4 (truncation
// below 4e-17), 2^k added to the exponent bits. Plain IEEE arithmetic, no
// fused operations: the same bits on every target.
//
// In two halves around the table look-up, so that code compiled for a gather
// instruction can do the look-up its own way (the same values).
struct Exp4Parts {
    v4df poly;  // e^r
    v4di bits;  // low 8 bits: j; bits 8..19: k
};

inline Exp4Parts exp4_begin(v4df x) {
    const v4df floor = {-700.0, -700.0, -700.0, -700.0};
    x = x > floor ? x : floor;  // a single max instruction
    // Adding 1.5 * 2^52 rounds x * 256 / ln2 to the integer n and leaves n in
    // the low bits of t.
    const v4df t = x * 369.32993046757461230 + 0x1.8p52;
    const v4df n = t - 0x1.8p52;
    // ln2/256 in two parts; the first has 32 significant bits, so n times it
    // is exact for |n| < 2^21.
    const v4df r = (x - n * 0x1.62e42fee00000p-9) - n * 0x1.a39ef35793c76p-41;
    v4df p = r * (1.0 / 24.0) + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    return {p, (v4di)t};
}

// The table indices j = n mod 256.
inline v4di exp4_index(const Exp4Parts &e) { return e.bits & 255; }

// Lane-by-lane table look-up.
inline v4di exp4_table(v4di j) {
    return v4di{kExp2Table256[j[0]], kExp2Table256[j[1]], kExp2Table256[j[2]], kExp2Table256[j[3]]};
}

// table: the bits of 2^(j/256). k = floor(n / 256) goes straight into their
// exponent field (the bits of 1.5 * 2^52, above bit 19, shift out).
inline v4df exp4_end(const Exp4Parts &e, v4di table) {
    const v4di scale = table + ((e.bits & ~int64_t{255}) << 44);
    return e.poly * (v4df)scale;
}

inline v4df exp4(v4df x) {
    const Exp4Parts e = exp4_begin(x);
    return exp4_end(e, exp4_table(exp4_index(e)));
}

// One lane of exp4, the same operations (so the same bits).
inline double exp1(double x) {
    x = x > -700.0 ? x : -700.0;
    const double t = x * 369.32993046757461230 + 0x1.8p52;
    const double n = t - 0x1.8p52;
    const double r = (x - n * 0x1.62e42fee00000p-9) - n * 0x1.a39ef35793c76p-41;
    double p = r * (1.0 / 24.0) + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    int64_t bits;
    __builtin_memcpy(&bits, &t, sizeof bits);
    bits = kExp2Table256[bits & 255] + ((bits & ~int64_t{255}) << 44);
    double scale;
    __builtin_memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

#pragma GCC diagnostic pop

// P(X > z) for z >= 0 from polynomials and exp4, without libm: to a
// relative 5e-15 and an absolute 3e-16, which is what a sum of many tail
// masses needs (a truncated mixture's normaliser); a difference of nearby
// tails needs norm_sf. About three times cheaper than erfc, and it
// vectorises. Falls back to norm_sf outside [0, 10).
//
// P(X > z) = R(z) exp(-z^2 / 2) with R smooth: a degree-14 polynomial per
// unit interval in t = z - k - 1/2 (Chebyshev fits to R in long double,
// relative error below 4e-16; mathx.cpp). The rounding of z * z costs a
// relative 1.1e-16 z^2 / 2.
extern const double kNormTailPoly[10][15];

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"  // V = v4df: inline only, no ABI involved

// R on [k, k + 1) at z (a double or four lanes: the same operations).
template <class V>
inline V norm_tail_poly(V z, int k) {
    const double *c = kNormTailPoly[k];
    const V t = z - (k + 0.5);
    return ((((((((((((((c[14] * t + c[13]) * t + c[12]) * t + c[11]) * t + c[10]) * t + c[9]) * t + c[8]) * t +
                   c[7]) * t + c[6]) * t + c[5]) * t + c[4]) * t + c[3]) * t + c[2]) * t + c[1]) * t + c[0]);
}

inline double norm_tail(double z) {
    if (!(z >= 0 && z < 10)) return norm_sf(z);
    return norm_tail_poly(z, static_cast<int>(z)) * exp1(-0.5 * z * z);
}

#pragma GCC diagnostic pop

// log(sum(exp(v))), shifted by the maximum; -inf for an empty or all -inf span.
double logsumexp(std::span<const double> v);

}  // namespace hopt::math

#include "core/mathx.hpp"

// exp4 passes 32-byte vectors by value: an inline function, so the AVX
// calling convention GCC warns about is never involved.
#pragma GCC diagnostic ignored "-Wpsabi"

#include <algorithm>
#include <limits>

namespace hopt::math {

// R(z) = P(X > z) exp(z^2 / 2) on [k, k + 1), k = 0..9: degree-14 polynomials
// in t = z - k - 1/2, lowest power first.
const double kNormTailPoly[10][15] = {
    {0x1.66027ad4c24afp-2, -0x1.cb062ba5c483p-3, 0x1.e681dfd6a2576p-4, -0x1.c1dcef9571902p-5
     , 0x1.760aa3f140251p-6, -0x1.1d15054d6457fp-7, 0x1.93b1d8d9ce533p-9, -0x1.0c232c98bc333p-10
     , 0x1.50a90990f1111p-12, -0x1.91e24c42c2222p-14, 0x1.ca4a0d12aaaabp-16, -0x1.f481aa2444444p-18
     , 0x1.076cd28888889p-19, -0x1.1afd788888889p-21, 0x1.1515555555555p-23},
    {0x1.a5705596892b7p-3, -0x1.71c04c3172121p-4, 0x1.204038e2e73b6p-5, -0x1.99805968b5f92p-7
     , 0x1.0d602eb745fc3p-8, -0x1.4bf38a337adcp-10, 0x1.826247b65ea55p-12, -0x1.ab8f45ce9p-14
     , 0x1.c419194487777p-16, -0x1.cab62974eeeefp-18, 0x1.c02279eb33333p-20, -0x1.a66d36p-22
     , 0x1.81e2e9999999ap-24, -0x1.64e9333333333p-26, 0x1.31ed555555555p-28},
    {0x1.21725231700b8p-3, -0x1.75ab63fbbab5p-5, 0x1.bf399da0dad13p-7, -0x1.f6275d265f85ep-9
     , 0x1.0ac206d1c0d3ep-10, -0x1.0dee21008c5b3p-12, 0x1.057885d665d11p-14, -0x1.e6e83c6ec4444p-17
     , 0x1.b53fce54b3333p-19, -0x1.7bc81fb911111p-21, 0x1.3fd0b52666666p-23, -0x1.058b0a2222222p-25
     , 0x1.a0e1444444444p-28, -0x1.4e0dddddddddep-30, 0x1.f055555555555p-33},
    {0x1.b396f9cf1e26p-4, -0x1.b6038a80903c9p-6, 0x1.a29f04f4ff84dp-8, -0x1.7e8220e103818p-10
     , 0x1.4fb4a0c07ba33p-12, -0x1.1c0d0d81e7666p-14, 0x1.d0dbc4e1da777p-17, -0x1.70cd463873333p-19
     , 0x1.1c505d0566666p-21, -0x1.aac380199999ap-24, 0x1.384d19ccccccdp-26, -0x1.be71eeeeeeeefp-29
     , 0x1.3aa599999999ap-31, -0x1.b155555555555p-34, 0x1.9d55555555555p-37},
    {0x1.5b5acd3b15fbbp-4, -0x1.1be2c5acaa9ddp-6, 0x1.bfbaed8d609ccp-9, -0x1.55bc008c2d956p-11
     , 0x1.fa3b677d8d1d7p-14, -0x1.6caa2889dd111p-16, 0x1.ffea89b8bc444p-19, -0x1.5eaec503aaaabp-21
     , 0x1.d59818d111111p-24, -0x1.33aefed555555p-26, 0x1.8ac5277777777p-29, -0x1.f1f2888888889p-32
     , 0x1.4931111111111p-34, -0x1.61ddddddddddep-37, -0x1.0666666666666p-38},
    {0x1.201fa9259b7acp-4, -0x1.8b195531b3874p-7, 0x1.07e3e93700d83p-9, -0x1.57ff859618e53p-12
     , 0x1.b643d5fd3259ap-15, -0x1.1138dc9ae32abp-17, 0x1.4dc8cdabc999ap-20, -0x1.8ff51a1e66666p-23
     , 0x1.d683874444444p-26, -0x1.0fef833333333p-28, 0x1.346a8p-31, -0x1.5a4999999999ap-34
     , 0x1.e8p-37, -0x1.6666666666666p-40, -0x1.8p-39},
    {0x1.eba5fe5b14b2ap-5, -0x1.21ae9268527c8p-7, 0x1.4ea50718ea868p-10, -0x1.7b5fb856fdb71p-13
     , 0x1.a67415239da4dp-16, -0x1.ce785bb8bfddep-19, 0x1.f218726a6cccdp-22, -0x1.0814877e22222p-24
     , 0x1.13da896aaaaabp-27, -0x1.1c18333333333p-30, 0x1.22db911111111p-33, -0x1.194p-36
     , -0x1.4666666666666p-40, -0x1.8p-41, 0x1.fdddddddddddep-39},
    {0x1.ac6292bdbbfdcp-5, -0x1.b9fa6ad8c9c8cp-8, 0x1.c0f9d24fda16p-11, -0x1.c159ce7e7306bp-14
     , 0x1.bb5a0b962c466p-17, -0x1.af782e71a2p-20, 0x1.9e63fa266p-23, -0x1.88f1f7e888889p-26
     , 0x1.7018b92aaaaabp-29, -0x1.542a311111111p-32, 0x1.263899999999ap-35, -0x1.7a91111111111p-38
     , 0x1.91ccccccccccdp-38, 0x1.d111111111111p-40, -0x1.88p-38},
    {0x1.7b5f3310487cap-5, -0x1.5bcb3efd9827ap-8, 0x1.3ae8045ada407p-11, -0x1.19ba326c090fep-14
     , 0x1.f245d903637dep-18, -0x1.b3b5833982222p-21, 0x1.78dfe028e2222p-24, -0x1.428facd555555p-27
     , 0x1.1148b6999999ap-30, -0x1.c7f90cccccccdp-34, 0x1.65b0444444444p-37, -0x1.855dddddddddep-39
     , 0x1.1688888888889p-39, 0x1.0e66666666666p-39, -0x1.2dddddddddddep-39},
    {0x1.5452972f76b07p-5, -0x1.188fed399cdf8p-8, 0x1.c9eb5ec319d0fp-12, -0x1.72077e4b97016p-15
     , 0x1.28278c9447f11p-18, -0x1.d5a722aa9bbbcp-22, 0x1.7106b885a2222p-25, -0x1.1f668d8eeeeefp-28
     , 0x1.bb8225999999ap-32, -0x1.535bbbbbbbbbcp-35, 0x1.6d8c444444444p-38, -0x1.6a66666666666p-41
     , -0x1.2744444444444p-38, 0x1.2aaaaaaaaaaabp-41, 0x1.419999999999ap-38},
};


double norm_ppf(double p) {
    if (!(p > 0.0)) return p == 0.0 ? -INFINITY : NAN;
    if (!(p < 1.0)) return p == 1.0 ? INFINITY : NAN;
    // Upper half by symmetry: 1 - p is exact there, and the refinement below
    // is accurate only where the CDF is small.
    if (p > 0.5) return -norm_ppf(1.0 - p);
    // Acklam's rational approximation, then one Halley step on erfc for full
    // double precision.
    static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                               1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                               6.680131188771972e+01,  -1.328068155288572e+01};
    static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                               -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
    static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                               3.754408661907416e+00};
    const double plow = 0.02425;
    double x;
    if (p < plow) {
        const double q = std::sqrt(-2 * std::log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else if (p <= 1 - plow) {
        const double q = p - 0.5;
        const double r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    } else {
        const double q = std::sqrt(-2 * std::log1p(-p));
        x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    const double e = norm_cdf(x) - p;
    const double u = e * std::sqrt(2 * M_PI) * std::exp(x * x / 2);
    return x - u / (1 + x * u / 2);
}

double logsumexp(std::span<const double> v) {
    double m = -INFINITY;
    for (double x : v) m = std::max(m, x);
    if (m == -INFINITY) return -INFINITY;
    if (m == INFINITY) return INFINITY;
    double s = 0.0;
    for (double x : v) s += std::exp(x - m);
    return m + std::log(s);
}

}  // namespace hopt::math

// Numerics shared by the distributions and the estimators: normal CDFs that
// stay accurate in the tails, its inverse, log-sum-exp and numpy's rounding.
#pragma once

#include <cmath>
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

// log(sum(exp(v))), shifted by the maximum; -inf for an empty or all -inf span.
double logsumexp(std::span<const double> v);

}  // namespace hopt::math

#include "algo/mtpe/dims.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/mathx.hpp"

namespace hopt::algo::mtpe {

using space::Dist;

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
const double kSqrt12 = std::sqrt(12.0);
}  // namespace

Dim make_dim(const space::Space &space, uint32_t param) {
    const space::Param &p = space.param(param);
    Dim d;
    d.param = param;
    switch (p.dist) {
    case Dist::Choice:
    case Dist::PChoice:
    case Dist::RandInt: {
        d.categorical = true;
        d.n = std::max<int64_t>(1, p.n_categories());
        d.offset = p.dist == Dist::RandInt ? p.low : 0;
        if (p.dist == Dist::PChoice && static_cast<int64_t>(p.probs.size()) == d.n) {
            d.prior = p.probs;
        } else {
            d.prior.assign(static_cast<size_t>(d.n), 1.0 / static_cast<double>(d.n));
        }
        return d;
    }
    case Dist::Uniform:
    case Dist::QUniform:
    case Dist::UniformInt:
    case Dist::LogUniform:
    case Dist::QLogUniform:
        d.log = p.dist == Dist::LogUniform || p.dist == Dist::QLogUniform;
        d.low = p.low;
        d.high = p.high;
        d.prior_mu = 0.5 * (p.low + p.high);
        // hyperopt's and Optuna's prior for a bounded parameter: a normal as
        // wide as the interval, truncated to it (nearly flat, a little mass
        // more in the middle).
        d.prior_sigma = std::max(p.high - p.low, 1e-12);
        d.scale = d.prior_sigma;
        break;
    case Dist::Normal:
    case Dist::QNormal:
    case Dist::LogNormal:
    case Dist::QLogNormal:
        d.log = p.dist == Dist::LogNormal || p.dist == Dist::QLogNormal;
        d.low = -kInf;
        d.high = kInf;
        d.prior_mu = p.mu;
        d.prior_sigma = std::max(p.sigma, 1e-12);
        d.scale = d.prior_sigma * kSqrt12;
        break;
    }
    d.q = p.has_q() ? p.q : 0;
    if (d.q > 0 && !d.log && std::isfinite(d.low)) {
        // The values are the multiples of q from round(low / q) to
        // round(high / q): give the end ones whole bins, as the inner ones
        // have (truncating at low and high would halve their mass).
        d.low = math::quantize(p.low, d.q) - 0.5 * d.q;
        d.high = math::quantize(p.high, d.q) + 0.5 * d.q;
        d.prior_mu = 0.5 * (d.low + d.high);
        d.prior_sigma = d.scale = d.high - d.low;
    }
    return d;
}

std::optional<double> to_internal(const Dim &d, double value) {
    if (!std::isfinite(value)) return std::nullopt;
    if (d.categorical) {
        const double k = value - d.offset;
        if (k != std::floor(k) || k < 0 || k >= static_cast<double>(d.n)) return std::nullopt;
        return k;
    }
    double x = value;
    if (d.log) {
        // A quantised log value may be 0 (rounded down): its bin starts at 0,
        // so it is seen at the bottom of the first bin.
        if (value < 0) return std::nullopt;
        x = std::log(std::max(value, d.q > 0 ? 0.5 * d.q : 0.0));
        if (!std::isfinite(x)) return std::nullopt;
    }
    // Quantising a log value may step a little past a bound
    // (round(exp(high) / q) * q): such values are the bound's bin. A linear
    // quantised dimension's bounds already take in its end bins (make_dim).
    // Anything further out is not this space's.
    const double slack = d.q > 0 && d.log ? std::log1p(1.0) : 1e-9 * d.scale;
    if (x < d.low - slack || x > d.high + slack) return std::nullopt;
    return std::clamp(x, d.low, d.high);
}

double to_value(const Dim &d, double x) {
    if (d.categorical) return d.offset + x;
    double v = d.log ? std::exp(x) : x;
    if (d.q > 0) {
        v = math::quantize(v, d.q);
        // A draw at the very edge of an end bin rounds half-even past it.
        if (!d.log && std::isfinite(d.low)) v = std::clamp(v, d.low + 0.5 * d.q, d.high - 0.5 * d.q);
    }
    return v;
}

Bin bin_of(const Dim &d, double x) {
    if (d.categorical || d.q <= 0) return {x, x, true};
    const double v = to_value(d, x);
    double lo = v - 0.5 * d.q, hi = v + 0.5 * d.q;
    if (d.log) {
        lo = lo > 0 ? std::log(lo) : -kInf;
        hi = std::log(hi);
    }
    lo = std::max(lo, d.low);
    hi = std::min(hi, d.high);
    if (!(hi > lo)) return {x, x, true};
    return {lo, hi, false};
}

}  // namespace hopt::algo::mtpe

#include "algo/mtpe/estimator.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/mathx.hpp"

namespace hopt::algo::mtpe {

namespace {

constexpr double kTiny = 1e-300;

// log P(a < Z < b) for Z ~ N(0, 1), accurate when both ends are in one tail.
double log_normal_mass(double a, double b) {
    double m;
    if (a > 0) m = math::norm_sf(a) - math::norm_sf(b);
    else m = math::norm_cdf(b) - math::norm_cdf(a);
    return std::log(std::max(m, kTiny));
}

// A draw of N(mu, sigma) truncated to [lo, hi], by inverting the CDF in the
// tail the interval is in (so that a narrow kernel at a bound stays exact).
double truncated_normal(Rng &rng, double mu, double sigma, double lo, double hi) {
    if (!std::isfinite(lo) && !std::isfinite(hi)) return rng.normal(mu, sigma);
    const double a = (lo - mu) / sigma, b = (hi - mu) / sigma;
    double z;
    if (a > 0) {  // upper tail: invert the survival function
        const double sa = math::norm_sf(a), sb = math::norm_sf(b);
        z = -math::norm_ppf(sa - rng.uniform() * (sa - sb));
    } else {
        const double ca = math::norm_cdf(a), cb = math::norm_cdf(b);
        z = math::norm_ppf(ca + rng.uniform() * (cb - ca));
    }
    if (!std::isfinite(z)) z = a > 0 ? a : b;
    return std::clamp(mu + sigma * z, lo, hi);
}

// Per point, the larger gap to its neighbours along one dimension (the
// outermost points use their inner gap: the bounds are not points).
std::vector<double> neighbour_gaps(std::span<const double> points, size_t stride, size_t d, size_t n, double scale) {
    std::vector<size_t> order(n);
    for (size_t i = 0; i < n; ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return points[a * stride + d] < points[b * stride + d]; });
    std::vector<double> gap(n, scale);
    if (n < 2) return gap;
    auto at = [&](size_t r) { return points[order[r] * stride + d]; };
    for (size_t r = 0; r < n; ++r) {
        const double left = r > 0 ? at(r) - at(r - 1) : 0, right = r + 1 < n ? at(r + 1) - at(r) : 0;
        gap[order[r]] = std::max(left, right);
    }
    return gap;
}

double mean_of(std::span<const double> points, size_t stride, size_t d, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; ++i) s += points[i * stride + d];
    return s / static_cast<double>(n);
}

}  // namespace

Estimator::Estimator(const std::vector<Dim> &dims, std::span<const double> points, std::span<const double> weights,
                     double prior_weight, const Bandwidth &bw)
    : dims_(dims) {
    const size_t D = dims.size(), n = weights.size(), K = n + 1;
    // Weights: the points', then the prior's, normalised.
    w_.assign(weights.begin(), weights.end());
    w_.push_back(prior_weight);
    double total = 0;
    for (double w : w_) total += w;
    log_w_.resize(K);
    for (size_t k = 0; k < K; ++k) {
        w_[k] /= total;
        log_w_[k] = std::log(std::max(w_[k], kTiny));
    }

    // Scott's rate for a product kernel in D dimensions.
    const double rate = std::pow(static_cast<double>(std::max<size_t>(n, 1)), -1.0 / (static_cast<double>(D) + 4.0));
    mu_.resize(D);
    sigma_.resize(D);
    log_z_.resize(D);
    log_c_.resize(D);
    option_.resize(D);
    keep_.assign(D, 0.0);
    for (size_t d = 0; d < D; ++d) {
        const Dim &dim = dims[d];
        if (dim.categorical) {
            auto &opt = option_[d];
            opt.resize(K);
            for (size_t k = 0; k < n; ++k) opt[k] = static_cast<int64_t>(points[k * D + d]);
            opt[n] = -1;
            keep_[d] = 1.0 - std::min(1.0, bw.categorical_smoothing * rate);
            continue;
        }
        double sigma = bw.factor * dim.scale * rate;
        if (bw.adapt > 0 && n >= 2) {
            const double m = mean_of(points, D, d, n);
            double var = 0;
            for (size_t k = 0; k < n; ++k) var += (points[k * D + d] - m) * (points[k * D + d] - m);
            const double sd = std::sqrt(var / static_cast<double>(n - 1));
            sigma = std::max(sigma * bw.adapt_floor, bw.adapt * sd * rate);
        }
        double floor = bw.min_fraction * dim.scale;
        if (bw.magic_clip) floor = std::max(floor, dim.scale / std::min(100.0, static_cast<double>(n) + 1.0));
        sigma = std::clamp(sigma, floor, dim.scale);
        auto &mu = mu_[d], &sg = sigma_[d], &lz = log_z_[d];
        mu.resize(K);
        sg.resize(K);
        lz.resize(K);
        const std::vector<double> gaps =
            bw.rule == Bandwidth::kNeighbours ? neighbour_gaps(points, D, d, n, dim.scale) : std::vector<double>();
        for (size_t k = 0; k < n; ++k) {
            mu[k] = points[k * D + d];
            sg[k] = gaps.empty() ? sigma : std::clamp(gaps[k], floor, dim.scale);
        }
        mu[n] = dim.prior_mu;
        sg[n] = dim.prior_sigma;
        const bool bounded = std::isfinite(dim.low) && std::isfinite(dim.high);
        auto &lc = log_c_[d];
        lc.resize(K);
        for (size_t k = 0; k < K; ++k) {
            lz[k] = bounded ? log_normal_mass((dim.low - mu[k]) / sg[k], (dim.high - mu[k]) / sg[k]) : 0.0;
            lc[k] = std::log(sg[k]) + math::kLogSqrt2Pi + lz[k];
        }
    }
}

void Estimator::sample(Rng &rng, std::span<double> out) const {
    const size_t k = rng.categorical(w_);
    for (size_t d = 0; d < dims_.size(); ++d) {
        const Dim &dim = dims_[d];
        if (dim.categorical) {
            const int64_t o = option_[d][k];
            if (o >= 0 && rng.uniform() < keep_[d]) out[d] = static_cast<double>(o);
            else out[d] = static_cast<double>(rng.categorical(dim.prior));
        } else {
            out[d] = truncated_normal(rng, mu_[d][k], sigma_[d][k], dim.low, dim.high);
        }
    }
}

void Estimator::log_pdf(std::span<const double> points, std::span<double> out) const {
    const size_t D = dims_.size(), K = log_w_.size(), n = out.size();
    std::vector<double> acc(K);
    for (size_t i = 0; i < n; ++i) {
        std::copy(log_w_.begin(), log_w_.end(), acc.begin());
        for (size_t d = 0; d < D; ++d) {
            const Dim &dim = dims_[d];
            const double x = points[i * D + d];
            if (dim.categorical) {
                const auto c = static_cast<size_t>(x);
                const double p = dim.prior[c];
                const double same = std::log(keep_[d] + (1 - keep_[d]) * p), other = std::log(std::max((1 - keep_[d]) * p, kTiny));
                const auto &opt = option_[d];
                for (size_t k = 0; k + 1 < K; ++k) acc[k] += opt[k] == static_cast<int64_t>(c) ? same : other;
                acc[K - 1] += std::log(std::max(p, kTiny));
                continue;
            }
            const auto &mu = mu_[d], &sg = sigma_[d], &lz = log_z_[d], &lc = log_c_[d];
            const Bin bin = bin_of(dim, x);
            if (bin.point) {
                for (size_t k = 0; k < K; ++k) {
                    const double z = (x - mu[k]) / sg[k];
                    acc[k] -= 0.5 * z * z + lc[k];
                }
            } else {
                for (size_t k = 0; k < K; ++k)
                    acc[k] += log_normal_mass((bin.lo - mu[k]) / sg[k], (bin.hi - mu[k]) / sg[k]) - lz[k];
            }
        }
        out[i] = math::logsumexp(acc);
    }
}

}  // namespace hopt::algo::mtpe

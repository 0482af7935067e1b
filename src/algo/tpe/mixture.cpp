#include "algo/tpe/mixture.hpp"

#include <algorithm>
#include <cmath>

#include "core/mathx.hpp"

namespace hopt::algo::tpe {

using math::kEps;
using math::norm_cdf;
using math::norm_sf;

namespace {

// P(lo < X <= hi) for X ~ N(mu, sigma), without cancellation in the tails.
double mass(double lo, double hi, double mu, double sigma) {
    const double s = std::max(M_SQRT2 * sigma, kEps) / M_SQRT2;
    const double a = (lo - mu) / s, b = (hi - mu) / s;
    if (a > 0) return norm_sf(a) - norm_sf(b);
    return norm_cdf(b) - norm_cdf(a);
}

// A normal draw restricted to [lo, hi).
double truncated_normal(double mu, double sigma, double lo, double hi, double mass_inside, Rng &rng) {
    if (mass_inside > 0.3) {
        for (;;) {
            const double x = rng.normal(mu, sigma);
            if (lo <= x && x < hi) return x;
        }
    }
    const double a = (lo - mu) / sigma, b = (hi - mu) / sigma;
    const double u = rng.uniform();
    double z;
    if (a > 0) {
        const double qa = norm_sf(a), qb = norm_sf(b);
        z = -math::norm_ppf(qb + u * (qa - qb));
    } else {
        const double pa = norm_cdf(a), pb = norm_cdf(b);
        z = math::norm_ppf(pa + u * (pb - pa));
    }
    double x = mu + sigma * z;
    if (!(x >= lo)) x = lo;
    if (!(x < hi)) x = std::nextafter(hi, lo);
    return x;
}

double logsumexp_terms(std::vector<double> &terms) { return math::logsumexp(terms); }

}  // namespace

NormalMixture::NormalMixture(Mixture m, std::optional<Bounds> bounds) : m_(std::move(m)), bounds_(bounds) {
    const size_t k = m_.mus.size();
    pick_.resize(k);
    double acc = 0, accept = 0;
    for (size_t i = 0; i < k; ++i) {
        const double inside = bounds_ ? mass(bounds_->low, bounds_->high, m_.mus[i], m_.sigmas[i]) : 1.0;
        accept += m_.weights[i] * inside;
        acc += m_.weights[i] * inside;
        pick_[i] = acc;
    }
    log_p_accept_ = bounds_ ? std::log(accept) : 0.0;
    log_coef_.resize(k);
    for (size_t i = 0; i < k; ++i)
        log_coef_[i] = std::log(m_.weights[i]) - std::log(m_.sigmas[i]) - math::kLogSqrt2Pi - log_p_accept_;
}

double NormalMixture::sample(Rng &rng) const {
    const double total = pick_.empty() ? 0.0 : pick_.back();
    if (!(total > 0)) {
        // No component has mass inside the bounds (possible only with a zero
        // prior weight): fall back to the uniform prior.
        return bounds_ ? rng.uniform(bounds_->low, bounds_->high) : 0.0;
    }
    const double u = rng.uniform() * total;
    size_t i = static_cast<size_t>(std::upper_bound(pick_.begin(), pick_.end(), u) - pick_.begin());
    if (i >= pick_.size()) i = pick_.size() - 1;
    while (i > 0 && pick_[i] == pick_[i - 1]) --i;  // skip components without mass
    if (!bounds_) return rng.normal(m_.mus[i], m_.sigmas[i]);
    const double inside = (pick_[i] - (i ? pick_[i - 1] : 0.0)) / m_.weights[i];
    return truncated_normal(m_.mus[i], m_.sigmas[i], bounds_->low, bounds_->high, inside, rng);
}

double NormalMixture::lpdf(double x) const {
    std::vector<double> terms(m_.mus.size());
    for (size_t i = 0; i < terms.size(); ++i) {
        const double z = (x - m_.mus[i]) / std::max(m_.sigmas[i], kEps);
        terms[i] = -0.5 * z * z + log_coef_[i];
    }
    return logsumexp_terms(terms);
}

double NormalMixture::lpdf_q(double x, double q) const {
    double hi = x + q / 2, lo = x - q / 2;
    if (bounds_) {
        hi = std::min(hi, bounds_->high);
        lo = std::max(lo, bounds_->low);
    }
    double prob = 0;
    for (size_t i = 0; i < m_.mus.size(); ++i) prob += m_.weights[i] * mass(lo, hi, m_.mus[i], m_.sigmas[i]);
    return std::log(prob) - log_p_accept_;
}

double NormalMixture::lpdf_log(double x) const {
    // LGMM1_lpdf: sum of weighted lognormal densities, not renormalised for
    // the bounds (as hyperopt).
    if (!(x > 0)) return -INFINITY;  // no mass at or below zero
    const double lx = std::log(x);
    std::vector<double> terms(m_.mus.size());
    for (size_t i = 0; i < terms.size(); ++i) {
        const double s = std::max(m_.sigmas[i], kEps);
        const double z = (lx - m_.mus[i]) / s;
        terms[i] = -0.5 * z * z - std::log(s * x) - math::kLogSqrt2Pi + std::log(m_.weights[i]);
    }
    return logsumexp_terms(terms);
}

double NormalMixture::lpdf_log_q(double x, double q) const {
    double hi = x + q / 2, lo = x - q / 2;
    if (bounds_) {
        hi = std::min(hi, std::exp(bounds_->high));
        lo = std::max(lo, std::exp(bounds_->low));
    }
    lo = std::max(0.0, lo);
    const double log_hi = std::log(std::max(hi, kEps)), log_lo = std::log(std::max(lo, kEps));
    double prob = 0;
    for (size_t i = 0; i < m_.mus.size(); ++i) prob += m_.weights[i] * mass(log_lo, log_hi, m_.mus[i], m_.sigmas[i]);
    return std::log(prob) - log_p_accept_;
}

CategoricalModel::CategoricalModel(std::span<const int64_t> obs, int64_t k, std::span<const double> probs,
                                   double prior_weight, size_t lf)
    : k_(k), probs_(probs.begin(), probs.end()), prior_weight_(prior_weight) {
    const std::vector<double> w = linear_forgetting_weights(obs.size(), lf);
    std::vector<std::pair<int64_t, double>> raw;
    raw.reserve(obs.size());
    for (size_t i = 0; i < obs.size(); ++i) raw.emplace_back(obs[i], w[i]);
    std::sort(raw.begin(), raw.end());
    for (const auto &[c, wt] : raw) {
        if (!counts_.empty() && counts_.back().first == c) counts_.back().second += wt;
        else counts_.emplace_back(c, wt);
        observed_ += wt;
    }
    // Pseudo-counts: prior_weight per category, or K * prior_weight * p for
    // pchoice; either way they add K * prior_weight in total.
    total_ = observed_ + static_cast<double>(k_) * prior_weight_;
}

int64_t CategoricalModel::sample(Rng &rng) const {
    double u = rng.uniform() * total_;
    if (u < observed_) {
        for (const auto &[c, w] : counts_) {
            if (u < w) return c;
            u -= w;
        }
        return counts_.back().first;
    }
    if (!probs_.empty()) return static_cast<int64_t>(rng.categorical(probs_));
    return rng.integers(0, k_);
}

double CategoricalModel::log_prob(int64_t x) const {
    auto it = std::lower_bound(counts_.begin(), counts_.end(), x,
                               [](const std::pair<int64_t, double> &c, int64_t v) { return c.first < v; });
    const double count = (it != counts_.end() && it->first == x) ? it->second : 0.0;
    const double prior = probs_.empty() ? prior_weight_ : static_cast<double>(k_) * prior_weight_ * probs_[static_cast<size_t>(x)];
    return std::log(count + prior) - std::log(total_);
}

}  // namespace hopt::algo::tpe

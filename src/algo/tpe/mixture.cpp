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

constexpr size_t kBlock = 16;
constexpr double kNegligible = 40.0;  // e^-40: below any double's last bit at our sizes

// Mass of N(mu, sigma) inside [lo, hi); exactly 1 when both bounds are more
// than 9 sigma away, which spares the erfc calls for most components.
double mass_inside(double lo, double hi, double mu, double sigma) {
    if ((mu - lo) > 9 * sigma && (hi - mu) > 9 * sigma) return 1.0;
    return mass(lo, hi, mu, sigma);
}

}  // namespace

NormalMixture::NormalMixture(Mixture m, std::optional<Bounds> bounds) : bounds_(bounds) {
    const size_t k = m.mus.size();
    if (!std::is_sorted(m.mus.begin(), m.mus.end())) {  // the estimator's output already is
        std::vector<size_t> order(k);
        for (size_t i = 0; i < k; ++i) order[i] = i;
        std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return m.mus[a] < m.mus[b]; });
        Mixture sorted;
        for (size_t i : order) {
            sorted.weights.push_back(m.weights[i]);
            sorted.mus.push_back(m.mus[i]);
            sorted.sigmas.push_back(m.sigmas[i]);
        }
        m = std::move(sorted);
    }
    n_ = k;
    // Arrays padded to whole blocks with components that contribute nothing
    // (mean +inf, coefficient -inf), so block loops need no remainder.
    const size_t padded = (k + kBlock - 1) / kBlock * kBlock;
    w_ = std::move(m.weights);
    mu_ = std::move(m.mus);
    sigma_ = std::move(m.sigmas);
    inv_sigma_.resize(padded, 1.0);
    coef_.assign(padded, -INFINITY);
    pick_.resize(k);
    double acc = 0;
    for (size_t j = 0; j < k; ++j) {
        inv_sigma_[j] = 1.0 / std::max(sigma_[j], kEps);
        acc += w_[j] * (bounds_ ? mass_inside(bounds_->low, bounds_->high, mu_[j], sigma_[j]) : 1.0);
        pick_[j] = acc;
    }
    log_p_accept_ = bounds_ ? std::log(acc) : 0.0;
    for (size_t b = 0; b < k; b += kBlock) {
        Block blk{b, std::min(k, b + kBlock), mu_[b], mu_[std::min(k, b + kBlock) - 1], 0, 0, 0};
        double ratio_max = 0;  // max of w / sigma bounds every coefficient in the block
        for (size_t j = blk.begin; j < blk.end; ++j) {
            blk.sigma_max = std::max(blk.sigma_max, std::max(sigma_[j], kEps));
            ratio_max = std::max(ratio_max, w_[j] / sigma_[j]);
            blk.weight_sum += w_[j];
        }
        blk.coef_max = std::log(ratio_max) - math::kLogSqrt2Pi;
        blocks_.push_back(blk);
    }
    mu_pad_ = mu_;
    mu_pad_.resize(padded, INFINITY);
    coef_ready_.assign(blocks_.size(), 0);
}

void NormalMixture::ensure_coefs(size_t block) const {
    if (coef_ready_[block]) return;
    const Block &blk = blocks_[block];
    for (size_t j = blk.begin; j < blk.end; ++j) coef_[j] = std::log(w_[j] / sigma_[j]) - math::kLogSqrt2Pi;
    coef_ready_[block] = 1;
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

double NormalMixture::log_sum(double y) const {
    using math::v4df;
    constexpr size_t kLanes = 4, kVectors = kBlock / kLanes;
    double max = -INFINITY, sum = 0;
    auto add_block = [&](size_t b) {
        ensure_coefs(b);
        const size_t base = blocks_[b].begin;
        v4df terms[kVectors];
        v4df top = {-INFINITY, -INFINITY, -INFINITY, -INFINITY};
        for (size_t v = 0; v < kVectors; ++v) {
            const size_t j = base + v * kLanes;
            const v4df z = (y - math::load4(&mu_pad_[j])) * math::load4(&inv_sigma_[j]);
            terms[v] = z * z * -0.5 + math::load4(&coef_[j]);
            top = top > terms[v] ? top : terms[v];
        }
        const double block_max = std::max(std::max(top[0], top[1]), std::max(top[2], top[3]));
        if (block_max == -INFINITY) return;
        if (block_max > max) {
            sum *= math::exp_nonpositive(max - block_max);
            max = block_max;
        }
        // Lane sums in a fixed order: the same result whatever the SIMD width.
        v4df acc = {0, 0, 0, 0};
        for (size_t v = 0; v < kVectors; ++v) acc += math::exp_nonpositive(terms[v] - max);
        sum += (acc[0] + acc[1]) + (acc[2] + acc[3]);
    };
    // The block around y first, so that the running maximum prunes the rest.
    size_t home = static_cast<size_t>(std::upper_bound(mu_.begin(), mu_.end(), y) - mu_.begin());
    home = std::min(home, n_ - 1) / kBlock;
    add_block(home);
    for (size_t b = 0; b < blocks_.size(); ++b) {
        if (b == home) continue;
        const Block &blk = blocks_[b];
        const double d = y < blk.mu_min ? blk.mu_min - y : y > blk.mu_max ? y - blk.mu_max : 0.0;
        const double z = d / blk.sigma_max;
        if (-0.5 * z * z + blk.coef_max < max - kNegligible) continue;
        add_block(b);
    }
    return max == -INFINITY ? -INFINITY : max + std::log(sum);
}

#pragma GCC diagnostic pop

double NormalMixture::mass_sum(double lo, double hi) const {
    double total = 0;
    // Largest block first gives a scale for what counts as negligible.
    for (int pass = 0; pass < 2; ++pass) {
        for (const Block &blk : blocks_) {
            const double d = hi < blk.mu_min ? blk.mu_min - hi : lo > blk.mu_max ? lo - blk.mu_max : 0.0;
            const bool far = d > 0 && blk.weight_sum * norm_sf(d / blk.sigma_max) < total * 1e-17;
            // Pass 0 adds the blocks overlapping the bin, pass 1 the others
            // unless they cannot matter.
            if ((pass == 0) != (d == 0) || (pass == 1 && far)) continue;
            for (size_t j = blk.begin; j < blk.end; ++j) total += w_[j] * mass(lo, hi, mu_[j], sigma_[j]);
        }
    }
    return total;
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
    if (!bounds_) return rng.normal(mu_[i], sigma_[i]);
    const double inside = (pick_[i] - (i ? pick_[i - 1] : 0.0)) / w_[i];
    return truncated_normal(mu_[i], sigma_[i], bounds_->low, bounds_->high, inside, rng);
}

double NormalMixture::lpdf(double x) const { return log_sum(x) - log_p_accept_; }

double NormalMixture::lpdf_q(double x, double q) const {
    double hi = x + q / 2, lo = x - q / 2;
    if (bounds_) {
        hi = std::min(hi, bounds_->high);
        lo = std::max(lo, bounds_->low);
    }
    return std::log(mass_sum(lo, hi)) - log_p_accept_;
}

double NormalMixture::lpdf_log(double x) const {
    // LGMM1_lpdf: sum of weighted lognormal densities, not renormalised for
    // the bounds (as hyperopt): the normal mixture's density at log(x) / x.
    if (!(x > 0)) return -INFINITY;  // no mass at or below zero
    const double lx = std::log(x);
    return log_sum(lx) - lx;
}

double NormalMixture::lpdf_log_q(double x, double q) const {
    double hi = x + q / 2, lo = x - q / 2;
    if (bounds_) {
        hi = std::min(hi, std::exp(bounds_->high));
        lo = std::max(lo, std::exp(bounds_->low));
    }
    lo = std::max(0.0, lo);
    return std::log(mass_sum(std::log(std::max(lo, kEps)), std::log(std::max(hi, kEps)))) - log_p_accept_;
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

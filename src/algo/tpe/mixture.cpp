#include "algo/tpe/mixture.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

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

// mass() with norm_tail for the tails, about three times cheaper than erfc. A
// difference of tails amplifies their relative error (4e-16 below z = 1,
// 5e-15 at most) by about 1 / (z (b - a)), or 1.25 / (b - a) near z = 0:
// for bins at least 1/64 wide in standard units the result stays within
// 4e-14; narrower ones, which need erfc's last bits, take mass().
double bin_mass(double lo, double hi, double mu, double sigma) {
    const double s = std::max(M_SQRT2 * sigma, kEps) / M_SQRT2;
    const double a = (lo - mu) / s, b = (hi - mu) / s;
    if (!(b - a >= 1.0 / 64)) return mass(lo, hi, mu, sigma);
    if (a >= 0) return math::norm_tail(a) - math::norm_tail(b);
    if (b <= 0) return math::norm_tail(-b) - math::norm_tail(-a);
    return (1.0 - math::norm_tail(-a)) - math::norm_tail(b);
}

// Mass of N(mu, sigma) inside [lo, hi), to an absolute 1e-15: what the sum
// of masses that normalises a truncated mixture needs. A tail beyond 9 sigma
// holds less than 1e-19 and is left out; the others come from norm_tail,
// about three times cheaper than erfc.
double mass_inside(double lo, double hi, double mu, double sigma) {
    const bool near_lo = !((mu - lo) > 9 * sigma), near_hi = !((hi - mu) > 9 * sigma);
    if (!near_lo && !near_hi) return 1.0;
    const double s = std::max(M_SQRT2 * sigma, kEps) / M_SQRT2;
    const double a = (lo - mu) / s, b = (hi - mu) / s;
    // P(X <= a) and P(X > b)
    const double below = !near_lo ? 0.0 : a <= 0 ? math::norm_tail(-a) : 1.0 - math::norm_tail(a);
    const double above = !near_hi ? 0.0 : b >= 0 ? math::norm_tail(b) : 1.0 - math::norm_tail(-b);
    return (1.0 - below) - above;
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

// Any mixture as the estimator's: sorted by mean (ties in their given
// order), with a weightless prior that adds nothing anywhere.
ParzenMixture as_parzen(const Mixture &m) {
    const size_t k = m.mus.size();
    std::vector<size_t> order(k);
    for (size_t i = 0; i < k; ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return m.mus[a] < m.mus[b]; });
    ParzenMixture p;
    p.n = k;
    p.mus.assign(padded_size(k), INFINITY);
    p.sigmas.assign(padded_size(k), 1.0);
    p.weights.assign(padded_size(k), 0.0);
    for (size_t i = 0; i < k; ++i) {
        p.mus[i] = m.mus[order[i]];
        p.sigmas[i] = m.sigmas[order[i]];
        p.weights[i] = m.weights[order[i]];
        p.widest = std::max(p.widest, p.sigmas[i]);
    }
    return p;
}

// The estimator's components as accepted_mass reads them: a ParzenMixture's,
// or those a NormalMixture kept.
struct Components {
    size_t n, prior_pos;
    const double *mus, *sigmas, *weights;
    double prior_mu, prior_sigma, prior_weight, widest;
    explicit Components(const ParzenMixture &m)
        : n(m.n), prior_pos(m.prior_pos), mus(m.mus.data()), sigmas(m.sigmas.data()), weights(m.weights.data()),
          prior_mu(m.prior_mu), prior_sigma(m.prior_sigma), prior_weight(m.prior_weight), widest(m.widest) {}
    Components(size_t n, size_t prior_pos, const double *mus, const double *sigmas, const double *weights,
               double prior_mu, double prior_sigma, double prior_weight, double widest)
        : n(n), prior_pos(prior_pos), mus(mus), sigmas(sigmas), weights(weights), prior_mu(prior_mu),
          prior_sigma(prior_sigma), prior_weight(prior_weight), widest(widest) {}
};

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

// acc + sum of w_i mass_inside(component i) over [from, to), added in index
// order. Components near one bound only, inside the bounds, come four at a
// time when their tails fall in one or two adjacent unit intervals of
// norm_tail's table (the same operations lane by lane, so the same bits as
// norm_tail); the others one by one.
[[gnu::always_inline]] inline double add_near(const double *w, const double *mu, const double *sigma, size_t from,
                                              size_t to, Bounds b, double acc) {
    size_t i = from;
    for (; i + 4 <= to; i += 4) {
        using math::v4df;
        using math::v4di;
        const v4df m = math::load4(mu + i), sg = math::load4(sigma + i);
        const v4di near_lo = ~((m - b.low) > 9 * sg), near_hi = ~((b.high - m) > 9 * sg);
        const v4df s2 = M_SQRT2 * sg, s = (s2 < kEps ? kEps : s2) / M_SQRT2;
        // mass_inside's tail: P(X <= a) = tail(-a) with -a = (m - lo) / s, or
        // P(X > b) = tail(b).
        const v4df z = near_lo ? (m - b.low) / s : (b.high - m) / s;
        // Means are sorted: the four tails span one unit interval, or two.
        const double first = std::min(z[0], z[3]);
        const int k = first >= 0 && first < 10 ? static_cast<int>(first) : 0;
        const v4di ok = (near_lo ^ near_hi) & (z >= 0.0) & (z < 10.0) & (z >= static_cast<double>(k)) &
                        (z < static_cast<double>(k + 2));
        if (ok[0] & ok[1] & ok[2] & ok[3]) {
            const v4df upper = k + 1 < 10 ? math::norm_tail_poly(z, k + 1) : z;
            const v4df poly = z < static_cast<double>(k + 1) ? math::norm_tail_poly(z, k) : upper;
            const v4df tail = poly * math::exp4(-0.5 * z * z);  // = norm_tail, lane by lane
            for (int l = 0; l < 4; ++l) acc += w[i + l] * (1.0 - tail[l]);
        } else {
            for (size_t j = i; j < i + 4; ++j) acc += w[j] * mass_inside(b.low, b.high, mu[j], sigma[j]);
        }
    }
    for (; i < to; ++i) acc += w[i] * mass_inside(b.low, b.high, mu[i], sigma[i]);
    return acc;
}

// add_near over [from, to), knowing that components [near_lo, near_hi) are
// far from both bounds (mass 1).
[[gnu::always_inline]] inline double add_range(const double *w, const double *mu, const double *sigma, size_t from,
                                               size_t to, size_t near_lo, size_t near_hi, Bounds b, double acc) {
    acc = add_near(w, mu, sigma, from, std::min(to, near_lo), b, acc);
    for (size_t i = std::max(from, near_lo); i < std::min(to, near_hi); ++i) acc += w[i];
    return add_near(w, mu, sigma, std::max(from, near_hi), to, b, acc);
}

// sum_j w_j (mass of component j inside [lo, hi)) in hyperopt's order (the
// prior at prior_pos); with `cumulative`, also every partial sum. Means are
// sorted, so only components within 9 times the widest sigma of a bound
// need their tails; the others add their weight.
[[gnu::always_inline]] inline double accepted_mass_body(const Components &m, Bounds b, double *cumulative) {
    const size_t n = m.n, p = m.prior_pos;
    const double *w = m.weights, *mu = m.mus, *sigma = m.sigmas;
    const double prior = m.prior_weight * mass_inside(b.low, b.high, m.prior_mu, m.prior_sigma);
    double acc = 0;
    if (cumulative) {
        for (size_t i = 0; i < p; ++i) *cumulative++ = acc += w[i] * mass_inside(b.low, b.high, mu[i], sigma[i]);
        *cumulative++ = acc += prior;
        for (size_t i = p; i < n; ++i) *cumulative++ = acc += w[i] * mass_inside(b.low, b.high, mu[i], sigma[i]);
        return acc;
    }
    // A margin of 1e-9 over the exact test in mass_inside absorbs rounding.
    const double reach = 9 * m.widest * (1 + 1e-9);
    const size_t near_lo = static_cast<size_t>(std::upper_bound(mu, mu + n, b.low + reach) - mu);
    const size_t near_hi = std::max(near_lo, static_cast<size_t>(std::lower_bound(mu, mu + n, b.high - reach) - mu));
    // (no lambda here: it would not be compiled for the AVX2 variant)
    acc = add_range(w, mu, sigma, 0, p, near_lo, near_hi, b, acc);
    acc += prior;
    return add_range(w, mu, sigma, p, n, near_lo, near_hi, b, acc);
}

double accepted_mass_generic(const Components &m, Bounds b, double *cumulative) {
    return accepted_mass_body(m, b, cumulative);
}
HOPT_SIMD_AVX2_TARGET double accepted_mass_avx2(const Components &m, Bounds b, double *cumulative) {
    return accepted_mass_body(m, b, cumulative);
}

double accepted_mass(const Components &m, Bounds b, double *cumulative) {
    return simd::active() == simd::Isa::Avx2 ? accepted_mass_avx2(m, b, cumulative)
                                             : accepted_mass_generic(m, b, cumulative);
}

#pragma GCC diagnostic pop

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

// The components into blocks, the prior apart, for means already in g.mu
// (n of them and the padding, +inf): h = sqrt(1/2) / sigma, and lw = w
// (scale / sigma) for densities or lw = w for bin masses (scale 0; w may be
// g.lw itself). sigma and w are padded like g.mu.
[[gnu::always_inline]] inline void fill_body(size_t n, const double *sigma, const double *w, double scale,
                                             GaussBlocks &g) {
    static_assert(kBlock == kPad, "blocks are made of whole padded arrays");
    g.allocate(n);  // (g.mu keeps its contents: it has this size already)
    const size_t padded = g.mu.size();
    double *gh = g.h.data(), *glw = g.lw.data();
    for (size_t i = 0; i < padded; i += 4) {
        const math::v4df s = math::load4(sigma + i);
        const math::v4df h = M_SQRT1_2 / (kEps > s ? kEps : s);  // sqrt(1/2) / max(s, eps)
        __builtin_memcpy(gh + i, &h, sizeof h);
    }
    if (scale > 0) {
        for (size_t i = 0; i < padded; i += 4) {
            const math::v4df lw = math::load4(w + i) * (scale / math::load4(sigma + i));
            __builtin_memcpy(glw + i, &lw, sizeof lw);
        }
    } else if (padded && w != glw) {
        std::memcpy(glw, w, padded * sizeof *w);
    }
    g.pad();
}

void fill_generic(size_t n, const double *sigma, const double *w, double scale, GaussBlocks &g) {
    fill_body(n, sigma, w, scale, g);
}
HOPT_SIMD_AVX2_TARGET void fill_avx2(size_t n, const double *sigma, const double *w, double scale, GaussBlocks &g) {
    fill_body(n, sigma, w, scale, g);
}

// The blocks of n components (fill_body) and of the prior, outside them.
void fill_blocks(size_t n, const double *sigma, const double *w, double scale, double prior_mu, double prior_sigma,
                 double prior_weight, GaussBlocks &g) {
    if (simd::active() == simd::Isa::Avx2) fill_avx2(n, sigma, w, scale, g);
    else fill_generic(n, sigma, w, scale, g);
    g.out_mu = prior_mu;
    g.out_h = M_SQRT1_2 / std::max(prior_sigma, kEps);
    g.out_lw = scale > 0 ? prior_weight * (scale / prior_sigma) : prior_weight;
    g.finish();
}

#pragma GCC diagnostic pop

}  // namespace

NormalMixture::NormalMixture(const Mixture &m, std::optional<Bounds> bounds) { assign(as_parzen(m), bounds); }

NormalMixture::NormalMixture(const ParzenMixture &m, std::optional<Bounds> bounds, MixtureUse use) {
    assign(ParzenMixture(m), bounds, use);
}

void NormalMixture::assign(ParzenMixture &&m, std::optional<Bounds> bounds, MixtureUse use) {
    bounds_ = bounds;
    prior_mu_ = m.prior_mu;
    prior_sigma_ = m.prior_sigma;
    prior_weight_ = m.prior_weight;
    prior_pos_ = m.prior_pos;
    const size_t k = m.n + 1;  // with the prior

    // The truncation's normaliser and the sampler's cumulative weights. The
    // normaliser can wait (MixtureUse::normalise) when nothing samples: the
    // prior alone bounds it from below.
    pick_.clear();
    if (use.sample) pick_.resize(k);
    log_p_accept_ = 0.0;
    widest_ = m.widest;
    const bool wait = bounds_ && !use.sample && !use.normalise;
    const double prior_inside =
        wait ? m.prior_weight * mass_inside(bounds_->low, bounds_->high, m.prior_mu, m.prior_sigma) : 0.0;
    normalised_ = !wait || !(prior_inside > 0);
    if (bounds_ && normalised_) {
        log_p_accept_ = std::log(accepted_mass(Components(m), *bounds_, use.sample ? pick_.data() : nullptr));
    } else if (bounds_) {
        log_p_accept_ = NAN;  // every score that needs it says so until normalise()
        log_p_accept_floor_ = std::log(prior_inside);
    } else if (use.sample) {
        double acc = 0;
        for (size_t i = 0; i < m.prior_pos; ++i) pick_[i] = acc += m.weights[i];
        pick_[m.prior_pos] = acc += m.prior_weight;
        for (size_t i = m.prior_pos; i < m.n; ++i) pick_[i + 1] = acc += m.weights[i];
    }

    if (use.mass) fill_masses(m);
    else masses_.clear();

    // Densities as w (scale / sigma) exp(-z^2 / 2) / (scale sqrt(2 pi)): with
    // the widest sigma as scale, terms stay within [w, w / min ratio] and
    // cannot overflow whatever the units of the parameter. The means become
    // the blocks' own (both are padded with +inf).
    double scale = m.prior_weight > 0 ? std::max(m.prior_sigma, m.widest) : m.widest;
    if (!(scale > 0 && std::isfinite(scale))) scale = 1.0;
    log_scale_ = std::log(scale) + math::kLogSqrt2Pi;
    density_.mu.swap(m.mus);
    fill_blocks(m.n, m.sigmas.data(), m.weights.data(), scale, m.prior_mu, m.prior_sigma, m.prior_weight, density_);
    if (use.sample || !normalised_) {
        sigmas_.swap(m.sigmas);
        weights_.swap(m.weights);
    }
}

void NormalMixture::normalise() {
    if (normalised_) return;
    const Components kept(density_.n, prior_pos_, density_.mu.data(), sigmas_.data(), weights_.data(), prior_mu_,
                          prior_sigma_, prior_weight_, widest_);
    log_p_accept_ = std::log(accepted_mass(kept, *bounds_, nullptr));
    normalised_ = true;
}

double NormalMixture::normaliser(Lpdf kind) const { return kind == Lpdf::Log ? 0.0 : log_p_accept_; }

double NormalMixture::normaliser_floor(Lpdf kind) const {
    if (kind == Lpdf::Log) return 0.0;
    return normalised_ ? log_p_accept_ : log_p_accept_floor_;
}

// Bin masses cost two tails per component: components with the same mean
// and sigma (quantised values repeat) are summed as one, with their total
// weight, written straight into the blocks (lw holds the weights).
void NormalMixture::fill_masses(const ParzenMixture &m) {
    GaussBlocks &g = masses_;
    const size_t padded = m.mus.size();
    g.mu.resize(padded);
    g.lw.resize(padded);
    mass_sigmas_.resize(padded);
    size_t r = 0;
    for (size_t i = 0; i < m.n; ++i) {
        if (r > 0 && std::memcmp(&g.mu[r - 1], &m.mus[i], sizeof(double)) == 0 &&
            std::memcmp(&mass_sigmas_[r - 1], &m.sigmas[i], sizeof(double)) == 0) {
            g.lw[r - 1] += m.weights[i];
            continue;
        }
        g.mu[r] = m.mus[i];
        mass_sigmas_[r] = m.sigmas[i];
        g.lw[r++] = m.weights[i];
    }
    const size_t runs_padded = padded_size(r);
    for (size_t i = r; i < runs_padded; ++i) {  // padding, as the estimator's
        g.mu[i] = INFINITY;
        mass_sigmas_[i] = 1.0;
        g.lw[i] = 0.0;
    }
    g.mu.resize(runs_padded);
    g.lw.resize(runs_padded);
    mass_sigmas_.resize(runs_padded);
    fill_blocks(r, mass_sigmas_.data(), g.lw.data(), 0.0, m.prior_mu, m.prior_sigma, m.prior_weight, g);
}

NormalMixture::Component NormalMixture::component(size_t i) const {
    if (i == prior_pos_) return {prior_mu_, prior_sigma_, prior_weight_};
    const size_t j = i < prior_pos_ ? i : i - 1;
    return {density_.mu[j], sigmas_[j], weights_[j]};
}

double NormalMixture::log_density(double y, Reach reach) const { return log_sum(density_, y, reach) - log_scale_; }

// Bin masses need erfc per component, so, as for densities, only blocks
// that can matter are summed: a component at distance d from the bin holds
// at most exp(-(d / sigma)^2 / 2) of its weight there.
double NormalMixture::mass_sum(double lo, double hi, Reach reach) const {
    const GaussBlocks &g = masses_;
    const double *sigma = mass_sigmas_.data();
    double total = g.out_lw > 0 ? g.out_lw * mass(lo, hi, g.out_mu, prior_sigma_) : 0.0;
    if (g.n == 0) return total;
    const double cut = g.cut;
    auto add_block = [&](size_t b) {
        // A component 10 sigma or more from the bin holds less than 1e-23 of
        // its weight there: negligible unless its weight dwarfs the sum so
        // far (the same e^-cut budget as skipped blocks).
        const double negligible = total * math::exp1(-cut);
        const size_t end = std::min(g.n, (b + 1) * kBlock);
        for (size_t i = b * kBlock; i < end; ++i) {
            const double w = g.lw[i], mu = g.mu[i], sd = std::max(M_SQRT2 * sigma[i], kEps) / M_SQRT2;
            if ((lo - mu >= 10 * sd || mu - hi >= 10 * sd) && w * 1e-23 < negligible) continue;
            total += w * bin_mass(lo, hi, mu, sigma[i]);
        }
    };
    const size_t nb = g.blocks(), home = g.home(0.5 * (lo + hi));
    add_block(home);
    if (reach == Reach::Near) {
        for (size_t b = home + 1; b < nb && g.near(b, std::max(0.0, g.mu_lo[b] - hi)); ++b) add_block(b);
        for (size_t b = home; b-- > 0 && g.near(b, std::max(0.0, lo - g.mu_hi[b]));) add_block(b);
        return total;
    }
    double floor = std::log(total) - cut;
    for (size_t b = home + 1; b < nb; ++b) {
        const double d = std::max(0.0, g.mu_lo[b] - hi);
        if (g.bound_right(b, d) < floor) break;
        if (g.bound(b, d) < floor) continue;
        add_block(b);
        floor = std::log(total) - cut;
    }
    for (size_t b = home; b-- > 0;) {
        const double d = std::max(0.0, lo - g.mu_hi[b]);
        if (g.bound_left(b, d) < floor) break;
        if (g.bound(b, d) < floor) continue;
        add_block(b);
        floor = std::log(total) - cut;
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
    const Component c = component(i);
    if (!bounds_) return rng.normal(c.mu, c.sigma);
    const double inside = (pick_[i] - (i ? pick_[i - 1] : 0.0)) / c.weight;
    return truncated_normal(c.mu, c.sigma, bounds_->low, bounds_->high, inside, rng);
}

double NormalMixture::lpdf(double x) const { return lpdf_as(Lpdf::Plain, x, 0.0); }
double NormalMixture::lpdf_q(double x, double q) const { return lpdf_as(Lpdf::Q, x, q); }
double NormalMixture::lpdf_log(double x) const { return lpdf_as(Lpdf::Log, x, 0.0); }
double NormalMixture::lpdf_log_q(double x, double q) const { return lpdf_as(Lpdf::LogQ, x, q); }

double NormalMixture::lpdf_as(Lpdf kind, double x, double q, Reach reach) const {
    return unnormalised(kind, x, q, reach) - normaliser(kind);
}

double NormalMixture::unnormalised(Lpdf kind, double x, double q, Reach reach) const {
    switch (kind) {
    case Lpdf::Plain: return log_density(x, reach);
    case Lpdf::Q: {
        // GMM1_lpdf with q: the mass of the bin around x, inside the bounds.
        double hi = x + q / 2, lo = x - q / 2;
        if (bounds_) {
            hi = std::min(hi, bounds_->high);
            lo = std::max(lo, bounds_->low);
        }
        return std::log(mass_sum(lo, hi, reach));
    }
    case Lpdf::Log: {
        // LGMM1_lpdf: sum of weighted lognormal densities, not renormalised
        // for the bounds (as hyperopt): the normal mixture's density at
        // log(x) / x.
        if (!(x > 0)) return -INFINITY;  // no mass at or below zero
        const double lx = std::log(x);
        return log_density(lx, reach) - lx;
    }
    case Lpdf::LogQ: {
        double hi = x + q / 2, lo = x - q / 2;
        if (bounds_) {
            hi = std::min(hi, std::exp(bounds_->high));
            lo = std::max(lo, std::exp(bounds_->low));
        }
        lo = std::max(0.0, lo);
        return std::log(mass_sum(std::log(std::max(lo, kEps)), std::log(std::max(hi, kEps)), reach));
    }
    }
    return NAN;
}

}  // namespace hopt::algo::tpe

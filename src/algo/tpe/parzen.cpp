#include "algo/tpe/parzen.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "algo/tpe/simd.hpp"
#include "algo/tpe/sort_values.hpp"
#include "core/mathx.hpp"

namespace hopt::algo::tpe {

using math::load4;
using math::v4df;

namespace {

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

typedef int32_t v4si __attribute__((vector_size(16)));

inline void store4(double *p, v4df v) { __builtin_memcpy(p, &v, sizeof v); }

// numpy.linspace(1/n, 1, n - lf)[age] for the oldest n - lf, 1 for the rest:
// the arithmetic of linear_forgetting_weights, element by element, so that
// loops over observations in value order need no table.
struct ForgettingRamp {
    double ramp, start, span, denom;
    ForgettingRamp(size_t n, size_t lf)
        : ramp(static_cast<double>(lf && n > lf ? n - lf : 0)), start(1.0 / static_cast<double>(n)),
          span(1.0 - start), denom(ramp > 1 ? ramp - 1 : 1) {}
    [[gnu::always_inline]] double operator()(double age) const {
        return age < ramp ? start + span * age / denom : 1.0;
    }
    [[gnu::always_inline]] v4df operator()(v4df age) const { return age < ramp ? start + span * age / denom : 1.0; }
};

// max(left, right) clipped to [lo, hi] (std::clamp, as lo <= hi), written as
// x > y ? x : y and x < y ? x : y, which compile to single max and min
// instructions.
[[gnu::always_inline]] inline double clipped_gap(double left, double right, double lo, double hi) {
    const double g = right > left ? right : left;
    const double upper = hi < g ? hi : g;
    return lo > upper ? lo : upper;
}

// out[i] = clip(max(mu[i] - mu[i-1], mu[i+1] - mu[i])) for i in [0, count):
// the bandwidths of components whose neighbours are in mu. Returns the
// largest.
[[gnu::always_inline]] inline double bandwidths(const double *mu, double *out, size_t count, double lo, double hi) {
    v4df widest4 = {0, 0, 0, 0};
    size_t i = 0;
    for (; i + 4 <= count; i += 4) {
        const v4df c = load4(mu + i), left = c - load4(mu + i - 1), right = load4(mu + i + 1) - c;
        // clipped_gap on four lanes
        const v4df g = right > left ? right : left;
        const v4df upper = hi < g ? hi : g;
        const v4df s = lo > upper ? lo : upper;
        store4(out + i, s);
        widest4 = widest4 < s ? s : widest4;
    }
    double widest = std::max(std::max(widest4[0], widest4[1]), std::max(widest4[2], widest4[3]));
    for (; i < count; ++i) {
        out[i] = clipped_gap(mu[i] - mu[i - 1], mu[i + 1] - mu[i], lo, hi);
        widest = std::max(widest, out[i]);
    }
    return widest;
}

// bandwidths() of the components v[a, b), whose neighbours beyond them are
// `before` (left of v[a]) and `after` (right of v[b - 1]): the same gaps as
// with those two values stored around them, without the copy that takes.
[[gnu::always_inline]] inline double segment_bandwidths(const double *v, double *sigma, size_t a, size_t b,
                                                        double before, double after, double lo, double hi) {
    if (a == b) return 0;
    if (b - a == 1) {
        sigma[a] = clipped_gap(v[a] - before, after - v[a], lo, hi);
        return std::max(0.0, sigma[a]);
    }
    sigma[a] = clipped_gap(v[a] - before, v[a + 1] - v[a], lo, hi);
    sigma[b - 1] = clipped_gap(v[b - 1] - v[b - 2], after - v[b - 1], lo, hi);
    const double inner = bandwidths(v + a + 1, sigma + a + 1, b - a - 2, lo, hi);
    return std::max(std::max(inner, sigma[a]), sigma[b - 1]);  // (std::max skips NaN here, as bandwidths does)
}

#pragma GCC diagnostic pop

}  // namespace

Mixture ParzenMixture::merged() const {
    Mixture m;
    const auto at = static_cast<std::ptrdiff_t>(prior_pos), end = static_cast<std::ptrdiff_t>(n);
    m.mus.assign(mus.begin(), mus.begin() + end);
    m.mus.insert(m.mus.begin() + at, prior_mu);
    m.sigmas.assign(sigmas.begin(), sigmas.begin() + end);
    m.sigmas.insert(m.sigmas.begin() + at, prior_sigma);
    m.weights.assign(weights.begin(), weights.begin() + end);
    m.weights.insert(m.weights.begin() + at, prior_weight);
    return m;
}

std::vector<double> linear_forgetting_weights(size_t n, size_t lf) {
    std::vector<double> w(n, 1.0);
    const ForgettingRamp ramp(n, lf);
    for (size_t i = 0; i < n; ++i) w[i] = ramp(static_cast<double>(i));
    return w;
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

namespace {

[[gnu::always_inline]] inline void parzen_body(SortedObservations &obs, double prior_weight, double prior_mu,
                                               double prior_sigma, size_t lf, ParzenMixture &m) {
    const size_t n = obs.values.size(), padded = padded_size(n);
    m.n = n;
    m.prior_mu = prior_mu;
    m.prior_sigma = prior_sigma;
    m.mus.swap(obs.values);  // the sorted values are the means
    m.mus.resize(padded);
    m.sigmas.resize(padded);
    m.weights.resize(padded);
    double *mu = m.mus.data(), *sigma = m.sigmas.data(), *w = m.weights.data();

    // Bandwidths: the larger gap to a neighbour in the sorted means with the
    // prior among them (numpy.searchsorted, side left: before the first
    // value >= prior_mu), clipped to [prior_sigma / min(100, N + 2),
    // prior_sigma]; one observation gets half the prior's. The end gaps are
    // one-sided: as if +inf came before the means (a gap of -inf) and -inf
    // after them.
    const double max_sigma = prior_sigma;
    const double min_sigma = prior_sigma / std::min(100.0, 2.0 + static_cast<double>(n));
    size_t p = 0;
    m.widest = 0;
    if (n == 1) {
        p = prior_mu < mu[0] ? 0 : 1;
        sigma[0] = std::clamp(0.5 * prior_sigma, min_sigma, max_sigma);
        m.widest = sigma[0];
    } else if (n >= 2) {
        p = static_cast<size_t>(std::lower_bound(mu, mu + n, prior_mu) - mu);
        m.widest = std::max(segment_bandwidths(mu, sigma, 0, p, INFINITY, prior_mu, min_sigma, max_sigma),
                            segment_bandwidths(mu, sigma, p, n, prior_mu, -INFINITY, min_sigma, max_sigma));
    }
    m.prior_pos = p;

    // Weights: linear forgetting by age, prior_weight for the prior, summed
    // in hyperopt's order (the prior at p) so every platform gets the same
    // total.
    const ForgettingRamp ramp(n, lf);
    const uint32_t *age = obs.ages.data();
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        v4si a;
        std::memcpy(&a, age + i, sizeof a);
        store4(w + i, ramp(__builtin_convertvector(a, v4df)));
    }
    for (; i < n; ++i) w[i] = ramp(static_cast<double>(age[i]));
    double total = 0;
    for (i = 0; i < p; ++i) total += w[i];
    total += prior_weight;
    for (i = p; i < n; ++i) total += w[i];
    for (i = 0; i + 4 <= n; i += 4) store4(w + i, load4(w + i) / total);
    for (; i < n; ++i) w[i] /= total;
    m.prior_weight = prior_weight / total;

    for (i = n; i < padded; ++i) {  // padding: components that are nowhere
        mu[i] = INFINITY;
        sigma[i] = 1.0;
        w[i] = 0.0;
    }
}

void parzen_generic(SortedObservations &obs, double prior_weight, double prior_mu, double prior_sigma, size_t lf,
                    ParzenMixture &out) {
    parzen_body(obs, prior_weight, prior_mu, prior_sigma, lf, out);
}

HOPT_SIMD_AVX2_TARGET void parzen_avx2(SortedObservations &obs, double prior_weight, double prior_mu,
                                       double prior_sigma, size_t lf, ParzenMixture &out) {
    parzen_body(obs, prior_weight, prior_mu, prior_sigma, lf, out);
}

}  // namespace

void adaptive_parzen(SortedObservations &&obs, double prior_weight, double prior_mu, double prior_sigma, size_t lf,
                     ParzenMixture &out) {
    if (simd::active() == simd::Isa::Avx2) parzen_avx2(obs, prior_weight, prior_mu, prior_sigma, lf, out);
    else parzen_generic(obs, prior_weight, prior_mu, prior_sigma, lf, out);
}

ParzenMixture adaptive_parzen(const SortedObservations &obs, double prior_weight, double prior_mu,
                              double prior_sigma, size_t lf) {
    ParzenMixture m;
    adaptive_parzen(SortedObservations(obs), prior_weight, prior_mu, prior_sigma, lf, m);
    return m;
}

#pragma GCC diagnostic pop

SortedObservations sort_observations(std::span<const double> obs) {
    UninitVector<ValueIndex> sorted(obs.size()), scratch;
    for (size_t i = 0; i < obs.size(); ++i) sorted[i] = {obs[i], static_cast<uint32_t>(i)};
    sort_by_value(sorted, scratch);
    SortedObservations s;
    for (const auto &x : sorted) {
        s.values.push_back(x.value);
        s.ages.push_back(x.index);
    }
    return s;
}

Mixture adaptive_parzen_normal(std::span<const double> obs, double prior_weight, double prior_mu,
                               double prior_sigma, size_t lf) {
    return adaptive_parzen(sort_observations(obs), prior_weight, prior_mu, prior_sigma, lf).merged();
}

}  // namespace hopt::algo::tpe

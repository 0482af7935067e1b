#include "algo/tpe/parzen.hpp"

#include "algo/tpe/radix_sort.hpp"

#include <algorithm>
#include <cstdint>
#include <numeric>

namespace hopt::algo::tpe {

std::vector<double> linear_forgetting_weights(size_t n, size_t lf) {
    std::vector<double> w(n, 1.0);
    if (lf == 0 || n <= lf) return w;
    const size_t ramp = n - lf;
    const double start = 1.0 / static_cast<double>(n);
    for (size_t i = 0; i < ramp; ++i)
        w[i] = ramp == 1 ? start : start + (1.0 - start) * static_cast<double>(i) / static_cast<double>(ramp - 1);
    return w;
}

Mixture adaptive_parzen_normal(std::span<const double> obs, double prior_weight, double prior_mu,
                               double prior_sigma, size_t lf) {
    Mixture m;
    const size_t n = obs.size();
    size_t prior_pos = 0;
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), size_t{0});
    if (n == 0) {
        m.mus = {prior_mu};
        m.sigmas = {prior_sigma};
    } else if (n == 1) {
        if (prior_mu < obs[0]) {
            m.mus = {prior_mu, obs[0]};
            m.sigmas = {prior_sigma, 0.5 * prior_sigma};
        } else {
            prior_pos = 1;
            m.mus = {obs[0], prior_mu};
            m.sigmas = {0.5 * prior_sigma, prior_sigma};
        }
    } else {
        // Ties keep their age order, as numpy's argsort leaves them.
        std::vector<std::pair<double, uint32_t>> sorted(n);
        for (size_t i = 0; i < n; ++i) sorted[i] = {obs[i], static_cast<uint32_t>(i)};
        radix_sort(sorted);
        for (size_t i = 0; i < n; ++i) order[i] = sorted[i].second;
        // numpy.searchsorted (side left): first sorted value >= prior_mu.
        prior_pos = static_cast<size_t>(
            std::partition_point(sorted.begin(), sorted.end(), [&](const auto &v) { return v.first < prior_mu; }) -
            sorted.begin());
        m.mus.reserve(n + 1);
        for (size_t i = 0; i < n; ++i) {
            if (i == prior_pos) m.mus.push_back(prior_mu);
            m.mus.push_back(obs[order[i]]);
        }
        if (prior_pos == n) m.mus.push_back(prior_mu);
        const size_t k = m.mus.size();
        m.sigmas.assign(k, 0.0);
        for (size_t i = 1; i + 1 < k; ++i)
            m.sigmas[i] = std::max(m.mus[i] - m.mus[i - 1], m.mus[i + 1] - m.mus[i]);
        m.sigmas[0] = m.mus[1] - m.mus[0];
        m.sigmas[k - 1] = m.mus[k - 1] - m.mus[k - 2];
    }

    const size_t k = m.mus.size();
    m.weights.assign(k, 1.0);
    if (lf && lf < n) {
        const std::vector<double> w = linear_forgetting_weights(n, lf);
        for (size_t i = 0; i < n; ++i) m.weights[i < prior_pos ? i : i + 1] = w[order[i]];
    }
    m.weights[prior_pos] = prior_weight;
    const double total = std::accumulate(m.weights.begin(), m.weights.end(), 0.0);
    for (auto &w : m.weights) w /= total;

    const double max_sigma = prior_sigma;
    const double min_sigma = prior_sigma / std::min(100.0, 1.0 + static_cast<double>(k));
    for (auto &s : m.sigmas) s = std::clamp(s, min_sigma, max_sigma);
    m.sigmas[prior_pos] = prior_sigma;
    return m;
}

}  // namespace hopt::algo::tpe

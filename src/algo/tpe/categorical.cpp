#include "algo/tpe/categorical.hpp"

#include <algorithm>
#include <cmath>

#include "algo/tpe/parzen.hpp"

namespace hopt::algo::tpe {

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

#include "algo/anneal.hpp"

#include <algorithm>
#include <cmath>

#include "algo/history.hpp"
#include "core/mathx.hpp"
#include "core/rng.hpp"
#include "space/prior.hpp"

namespace hopt::algo {

using space::Dist;
using space::Param;

namespace {

// A value near `ref` for a parameter with `t` observations.
double perturb(const Param &p, double ref, double shrink, Rng &rng) {
    using math::quantize;
    switch (p.dist) {
    case Dist::Uniform:
    case Dist::QUniform:
    case Dist::UniformInt:
    case Dist::LogUniform:
    case Dist::QLogUniform: {
        const bool log_space = p.dist == Dist::LogUniform || p.dist == Dist::QLogUniform;
        const double width = (p.high - p.low) * shrink;
        double centre = log_space ? std::log(ref) : ref;
        centre = std::clamp(centre, p.low + width / 2, p.high - width / 2);
        double x = rng.uniform(centre - width / 2, centre + width / 2);
        if (log_space) x = std::exp(x);
        return p.has_q() ? quantize(x, p.q) : x;
    }
    case Dist::Normal:
    case Dist::QNormal: {
        const double x = rng.normal(ref, p.sigma * shrink);
        return p.has_q() ? quantize(x, p.q) : x;
    }
    case Dist::LogNormal:
    case Dist::QLogNormal: {
        const double mu = std::log(p.has_q() ? 1e-16 + ref : ref);
        const double x = std::exp(rng.normal(mu, p.sigma * shrink));
        return p.has_q() ? quantize(x, p.q) : x;
    }
    case Dist::Choice:
    case Dist::PChoice:
    case Dist::RandInt: {
        // p = (1 - shrink) * onehot(ref) + shrink * prior: keep the reference
        // with probability 1 - shrink, else draw from the prior.
        if (rng.uniform() < 1.0 - shrink) return ref;
        return space::sample_prior(p, rng);
    }
    }
    return ref;
}

}  // namespace

Anneal::Anneal()
    : Algorithm({
          {"avg_best_idx", 2.0, 1.0, 1e9, false},
          {"shrink_coef", 0.1, 0.0, 1e9, false},
      }) {}

std::vector<space::Vals> Anneal::suggest(const std::vector<int64_t> &new_tids, const space::Space &space,
                                         const std::vector<trials::TrialPtr> &history, uint64_t seed) const {
    if (new_tids.empty()) return {};
    Rng rng(seed + static_cast<uint64_t>(new_tids[0]));
    const History h = History::build(space, history);
    const double p_geom = 1.0 / get("avg_best_idx");
    const double shrink_coef = get("shrink_coef");
    std::vector<uint32_t> chosen;  // reference trials picked for earlier labels

    space::Vals vals = space::walk_active(space, [&](uint32_t p) {
        const Param &param = space.param(p);
        const auto &obs = h.per_param[p];
        if (obs.empty()) return space::sample_prior(param, rng);
        // Keep values jointly coherent: reuse a reference trial picked for an
        // earlier label when it has this label too.
        const Observation *ref = nullptr;
        for (uint32_t c : chosen)
            for (const auto &o : obs)
                if (!ref && o.trial == c) ref = &o;
        if (!ref) {
            std::vector<const Observation *> ranked;
            ranked.reserve(obs.size());
            for (const auto &o : obs) ranked.push_back(&o);
            std::stable_sort(ranked.begin(), ranked.end(), [&](const Observation *a, const Observation *b) {
                return h.losses[a->trial] < h.losses[b->trial];
            });
            const uint64_t k = std::min<uint64_t>(rng.geometric0(p_geom), ranked.size() - 1);
            ref = ranked[k];
            chosen.push_back(ref->trial);
        }
        const double shrink = 1.0 / (1.0 + static_cast<double>(obs.size()) * shrink_coef);
        return perturb(param, ref->value, shrink, rng);
    });
    return {std::move(vals)};
}

}  // namespace hopt::algo

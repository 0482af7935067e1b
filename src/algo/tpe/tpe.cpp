#include "algo/tpe/tpe.hpp"

#include <algorithm>
#include <cmath>

#include "algo/random.hpp"
#include "algo/tpe/best_candidate.hpp"
#include "algo/tpe/categorical.hpp"
#include "algo/tpe/mixture.hpp"
#include "algo/tpe/sorted_history.hpp"
#include "core/mathx.hpp"

namespace hopt::algo {

namespace tpe {

// What a suggestion works in: for each parameter in turn, arrays of about
// one value per trial at every step (split, estimate, blocks). Kept by the
// Tpe object from one suggestion to the next, so that once they have grown
// to the history nothing is allocated (allocations and copies were a fifth
// of a suggestion at 1,000 trials). Each step takes its input's arrays and
// hands back its own former ones: the observations split from the history
// become the estimator's means, which become the density blocks' means.
struct Workspace {
    std::vector<uint32_t> good_trials;
    SplitScratch split;
    SortedObservations below, above;              // a parameter's observations, split
    ParzenMixture below_estimate, above_estimate;  // their estimators' mixtures
    NormalMixture l, g;                           // the good and bad models
    std::vector<double> categorical_below, categorical_above;
    std::vector<double> candidates;
    CandidateScratch scoring;
    size_t sized_for = 0;  // the longest history it served
};

}  // namespace tpe

using space::Dist;
using space::Param;

namespace {

constexpr size_t kGammaCap = 25;  // hyperopt caps the good set at 25 trials

struct Settings {
    double prior_weight;
    size_t n_candidates;
    size_t lf;
};

// Pick the best of `n` candidates drawn by `draw`, scored by `score`
// (first on ties; NaN scores never win).
template <class Draw, class Score>
double best_of_draws(size_t n, Draw &&draw, Score &&score) {
    double best = 0, best_score = -INFINITY;
    bool have = false;
    for (size_t i = 0; i < n; ++i) {
        const double x = draw();
        const double s = score(x);
        if (!have || s > best_score) {
            best = x;
            best_score = std::isnan(s) ? -INFINITY : s;
            have = true;
        }
    }
    return best;
}

// `below` and `above`: the good and bad observations, in tid order.
double suggest_categorical(const Param &p, const std::vector<double> &below_values,
                           const std::vector<double> &above_values, const Settings &st, Rng &rng) {
    const int64_t offset = p.dist == Dist::RandInt ? static_cast<int64_t>(p.low) : 0;
    auto to_index = [&](const std::vector<double> &v) {
        std::vector<int64_t> out;
        out.reserve(v.size());
        for (double x : v) out.push_back(static_cast<int64_t>(x) - offset);
        return out;
    };
    const auto below = to_index(below_values), above = to_index(above_values);
    const std::span<const double> probs = p.dist == Dist::PChoice ? std::span<const double>(p.probs)
                                                                  : std::span<const double>();
    const tpe::CategoricalModel l(below, p.n_categories(), probs, st.prior_weight, st.lf);
    const tpe::CategoricalModel g(above, p.n_categories(), probs, st.prior_weight, st.lf);
    const double best = best_of_draws(
        st.n_candidates, [&] { return static_cast<double>(l.sample(rng)); },
        [&](double x) { return l.log_prob(static_cast<int64_t>(x)) - g.log_prob(static_cast<int64_t>(x)); });
    return best + static_cast<double>(offset);
}

double suggest_numeric(const Param &p, const tpe::SortedHistory::Param &obs, const Settings &st, Rng &rng,
                       tpe::Workspace &ws) {
    const bool log_space = p.dist == Dist::LogUniform || p.dist == Dist::QLogUniform ||
                           p.dist == Dist::LogNormal || p.dist == Dist::QLogNormal;
    const bool bounded = p.dist == Dist::Uniform || p.dist == Dist::QUniform || p.dist == Dist::LogUniform ||
                         p.dist == Dist::QLogUniform || p.dist == Dist::UniformInt;
    const double q = p.has_q() ? p.q : 0.0;
    double prior_mu, prior_sigma;
    if (bounded) {
        prior_mu = 0.5 * (p.high + p.low);
        prior_sigma = p.high - p.low;
    } else {
        prior_mu = p.mu;
        prior_sigma = p.sigma;
    }
    // Observations are sorted in the space they are modelled in (log for the
    // log distributions).
    tpe::split_param(obs, ws.good_trials, ws.below, ws.above, ws.split);
    const std::optional<tpe::Bounds> bounds =
        bounded ? std::optional<tpe::Bounds>(tpe::Bounds{p.low, p.high}) : std::nullopt;
    tpe::adaptive_parzen(std::move(ws.below), st.prior_weight, prior_mu, prior_sigma, st.lf, ws.below_estimate);
    tpe::adaptive_parzen(std::move(ws.above), st.prior_weight, prior_mu, prior_sigma, st.lf, ws.above_estimate);
    ws.l.assign(std::move(ws.below_estimate), bounds, tpe::MixtureUse{true, q > 0});
    ws.g.assign(std::move(ws.above_estimate), bounds, tpe::MixtureUse{false, q > 0, false});
    // Every candidate is drawn before any is scored: scoring takes nothing
    // from the generator, so the draws are those of draw-score-draw.
    std::vector<double> &xs = ws.candidates;
    xs.resize(st.n_candidates);
    for (double &x : xs) {
        x = ws.l.sample(rng);
        if (log_space) x = std::exp(x);
        if (q > 0) x = math::quantize(x, q);
    }
    const tpe::Lpdf kind = log_space ? (q > 0 ? tpe::Lpdf::LogQ : tpe::Lpdf::Log) : (q > 0 ? tpe::Lpdf::Q : tpe::Lpdf::Plain);
    return xs[tpe::best_candidate(xs, ws.l, ws.g, kind, q, ws.scoring)];
}

}  // namespace

Tpe::Tpe(const Tpe &other) : Algorithm(other) {}

Tpe::~Tpe() = default;

Tpe::Tpe()
    : Algorithm({
          {"n_startup_jobs", 20, 0, 1e9, true},
          {"n_EI_candidates", 24, 1, 1e6, true},
          {"gamma", 0.25, 1e-9, 1.0, false},
          {"prior_weight", 1.0, 1e-9, 1e9, false},
          {"linear_forgetting", 25, 0, 1e9, true},
      }) {}

std::vector<space::Vals> Tpe::suggest(const std::vector<int64_t> &new_tids, const space::Space &space,
                                      const std::vector<trials::TrialPtr> &history, uint64_t seed) const {
    if (new_tids.empty()) return {};
    if (history.size() < static_cast<size_t>(get("n_startup_jobs")))
        return Random().suggest(new_tids, space, history, seed);

    const Settings st{get("prior_weight"), static_cast<size_t>(get("n_EI_candidates")),
                      static_cast<size_t>(get("linear_forgetting"))};
    // The trials arranged per parameter, built on the last suggestion's
    // arrangement, which this one takes out of the cache and puts back; and
    // the arrays to work in, put back at the end.
    std::shared_ptr<tpe::SortedHistory> previous;
    std::unique_ptr<tpe::Workspace> ws;
    {
        std::lock_guard lock(cache_mu_);
        previous = std::move(cache_);
        ws = std::move(workspace_);
    }
    const std::shared_ptr<tpe::SortedHistory> sorted = tpe::SortedHistory::build(space, history, std::move(previous));
    {
        std::lock_guard lock(cache_mu_);
        cache_ = sorted;
    }
    const tpe::SortedHistory &h = *sorted;
    const size_t n = h.size();
    // Memory stays that of the last histories: arrays grown for one twice
    // as long are let go.
    if (!ws || ws->sized_for / 2 > n) ws = std::make_unique<tpe::Workspace>();
    ws->sized_for = std::max(ws->sized_for, n);
    const size_t n_below =
        std::min(static_cast<size_t>(std::ceil(get("gamma") * std::sqrt(static_cast<double>(n)))), kGammaCap);
    tpe::select_good(h.losses(), n_below, ws->good_trials);
    const std::vector<uint32_t> &good_trials = ws->good_trials;

    Rng rng(seed);
    space::Vals vals = space::walk_active(space, [&](uint32_t p) {
        const Param &param = space.param(p);
        if (!space::is_categorical(param.dist)) return suggest_numeric(param, h.param(p), st, rng, *ws);
        // Observations and good trials are both in trial order: merged.
        std::vector<double> &below = ws->categorical_below, &above = ws->categorical_above;
        below.clear();
        above.clear();
        size_t g = 0;
        for (const auto &o : h.param(p).obs) {
            while (g < good_trials.size() && good_trials[g] < o.trial) ++g;
            const bool good = g < good_trials.size() && good_trials[g] == o.trial;
            (good ? below : above).push_back(o.value);
        }
        return suggest_categorical(param, below, above, st, rng);
    });
    {
        std::lock_guard lock(cache_mu_);
        if (!workspace_) workspace_ = std::move(ws);
    }
    return {std::move(vals)};
}

}  // namespace hopt::algo

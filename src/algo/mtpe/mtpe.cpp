#include "algo/mtpe/mtpe.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "algo/history.hpp"
#include "algo/mtpe/estimator.hpp"
#include "algo/mtpe/groups.hpp"
#include "core/rng.hpp"
#include "space/prior.hpp"

namespace hopt::algo {

using mtpe::Dim;

namespace {

struct Settings {
    size_t n_startup, n_candidates, gamma_cap, forgetting;
    double gamma, prior_weight;
    bool liar;
    mtpe::Bandwidth bw;
};

Settings settings_of(const Algorithm &a) {
    Settings s;
    s.n_startup = static_cast<size_t>(a.get("n_startup_jobs"));
    s.n_candidates = static_cast<size_t>(a.get("n_EI_candidates"));
    s.gamma = a.get("gamma");
    s.gamma_cap = static_cast<size_t>(a.get("gamma_cap"));
    s.prior_weight = a.get("prior_weight");
    s.forgetting = static_cast<size_t>(a.get("linear_forgetting"));
    s.liar = a.get("constant_liar") != 0;
    s.bw.rule = a.get("bandwidth_rule") != 0 ? mtpe::Bandwidth::kNeighbours : mtpe::Bandwidth::kScott;
    s.bw.factor = a.get("bandwidth");
    s.bw.min_fraction = a.get("min_bandwidth");
    s.bw.magic_clip = a.get("magic_clip") != 0;
    s.bw.adapt = a.get("adaptive_bandwidth");
    s.bw.categorical_smoothing = a.get("categorical_smoothing");
    return s;
}

// Weights of points in tid order: the newest `forgetting` count fully, older
// ones less the older they are (down to 1/n), so that a long search's
// early, random points fade.
std::vector<double> forgetting_weights(size_t n, size_t forgetting) {
    std::vector<double> w(n, 1.0);
    if (forgetting == 0 || n <= forgetting) return w;
    const size_t ramp = n - forgetting;
    const double lo = 1.0 / static_cast<double>(n);
    for (size_t i = 0; i < ramp; ++i)
        w[i] = ramp == 1 ? lo : lo + (1.0 - lo) * static_cast<double>(i) / static_cast<double>(ramp - 1);
    return w;
}

// The trials a group learns from, as rows of internal coordinates.
struct GroupData {
    std::vector<Dim> dims;
    std::vector<double> rows;     // n x dims, row-major, tid order
    std::vector<double> loss;     // per row; +inf when not finished with a loss
    std::vector<uint8_t> pending; // per row: NEW or RUNNING
    size_t size() const { return loss.size(); }
};

GroupData gather(const space::Space &space, const History &h, const std::vector<trials::TrialPtr> &docs,
                 const mtpe::Groups &groups, size_t g) {
    GroupData data;
    const auto &members = groups.members[g];
    for (uint32_t p : members) data.dims.push_back(mtpe::make_dim(space, p));
    const auto &trials = groups.trials[g];
    const size_t D = members.size();
    std::vector<double> row(D);
    for (size_t i = 0; i < trials.size(); ++i) {
        bool valid = true;
        for (size_t d = 0; d < D && valid; ++d) {
            // Members were active in exactly these trials, in this order.
            const auto x = mtpe::to_internal(data.dims[d], h.per_param[members[d]][i].value);
            if (x) row[d] = *x;
            else valid = false;
        }
        if (!valid) continue;
        data.rows.insert(data.rows.end(), row.begin(), row.end());
        const uint32_t t = trials[i];
        data.loss.push_back(h.losses[t]);
        const int state = docs[t]->state;
        data.pending.push_back(state == trials::kNew || state == trials::kRunning);
    }
    return data;
}

// A point of the group suggested again while it is still pending wastes an
// evaluation; only discrete groups can repeat a point exactly.
bool repeats_pending(const GroupData &data, std::span<const double> x) {
    for (const Dim &d : data.dims)
        if (!d.categorical && d.q <= 0) return false;
    const size_t D = data.dims.size();
    for (size_t i = 0; i < data.size(); ++i) {
        if (!data.pending[i]) continue;
        bool same = true;
        for (size_t d = 0; d < D && same; ++d)
            same = mtpe::to_value(data.dims[d], data.rows[i * D + d]) == mtpe::to_value(data.dims[d], x[d]);
        if (same) return true;
    }
    return false;
}

// The suggestion for one group, in internal coordinates.
std::vector<double> suggest_group(const GroupData &data, const Settings &st, Rng &rng) {
    const size_t D = data.dims.size(), n = data.size();
    std::vector<size_t> finished, others;
    for (size_t i = 0; i < n; ++i) {
        if (std::isfinite(data.loss[i])) finished.push_back(i);
        else if (st.liar || !data.pending[i]) others.push_back(i);  // failed trials are bad ones
    }
    std::stable_sort(finished.begin(), finished.end(), [&](size_t a, size_t b) { return data.loss[a] < data.loss[b]; });
    size_t n_below = static_cast<size_t>(std::ceil(st.gamma * static_cast<double>(finished.size())));
    n_below = std::min({std::max<size_t>(n_below, 1), st.gamma_cap, finished.size()});
    std::vector<size_t> below(finished.begin(), finished.begin() + static_cast<std::ptrdiff_t>(n_below));
    std::vector<size_t> above(finished.begin() + static_cast<std::ptrdiff_t>(n_below), finished.end());
    above.insert(above.end(), others.begin(), others.end());
    std::sort(below.begin(), below.end());  // tid order, for the weights
    std::sort(above.begin(), above.end());

    auto estimator = [&](const std::vector<size_t> &idx) {
        std::vector<double> pts;
        pts.reserve(idx.size() * D);
        for (size_t i : idx) pts.insert(pts.end(), data.rows.begin() + static_cast<std::ptrdiff_t>(i * D),
                                        data.rows.begin() + static_cast<std::ptrdiff_t>((i + 1) * D));
        const std::vector<double> w = forgetting_weights(idx.size(), st.forgetting);
        return mtpe::Estimator(data.dims, pts, w, st.prior_weight, st.bw);
    };
    const mtpe::Estimator l = estimator(below), g = estimator(above);

    const size_t m = std::max<size_t>(st.n_candidates, 1);
    std::vector<double> cand(m * D), ll(m), lg(m);
    for (size_t c = 0; c < m; ++c) l.sample(rng, std::span<double>(cand).subspan(c * D, D));
    l.log_pdf(cand, ll);
    g.log_pdf(cand, lg);
    std::vector<size_t> order(m);
    std::iota(order.begin(), order.end(), 0);
    auto score = [&](size_t c) {
        const double s = ll[c] - lg[c];
        return std::isnan(s) ? -INFINITY : s;
    };
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return score(a) > score(b); });
    size_t pick = order[0];
    for (size_t c : order) {
        if (!repeats_pending(data, std::span<const double>(cand).subspan(c * D, D))) {
            pick = c;
            break;
        }
    }
    return {cand.begin() + static_cast<std::ptrdiff_t>(pick * D), cand.begin() + static_cast<std::ptrdiff_t>((pick + 1) * D)};
}

// The estimator's own defaults are the parameters'.
constexpr mtpe::Bandwidth kBw{};

}  // namespace

// Defaults chosen on bench/search_quality.py (docs/benchmarks.md): the
// neighbour-gap bandwidth beat Scott's rate on 11 of the 12 domains, and 100
// candidates beat 24 (sharper maximisation of l/g once the kernels are
// narrow) without the over-exploitation 200 showed on branin.
Mtpe::Mtpe()
    : Algorithm({
          {"n_startup_jobs", 10, 0, 1e9, true},
          {"n_EI_candidates", 100, 1, 1e6, true},
          {"gamma", 0.1, 1e-6, 1, false},
          {"gamma_cap", 25, 1, 1e9, true},
          {"prior_weight", 1.0, 0, 1e9, false},
          {"linear_forgetting", 25, 0, 1e9, true},
          {"bandwidth_rule", static_cast<double>(kBw.rule), 0, 1, true},
          {"bandwidth", kBw.factor, 1e-6, 10, false},
          {"min_bandwidth", kBw.min_fraction, 0, 1, false},
          {"magic_clip", kBw.magic_clip ? 1.0 : 0.0, 0, 1, true},
          {"adaptive_bandwidth", kBw.adapt, 0, 10, false},
          {"categorical_smoothing", kBw.categorical_smoothing, 0, 10, false},
          {"constant_liar", 1, 0, 1, true},
      }) {}

std::vector<space::Vals> Mtpe::suggest(const std::vector<int64_t> &new_tids, const space::Space &space,
                                       const std::vector<trials::TrialPtr> &history, uint64_t seed) const {
    if (new_tids.empty()) return {};
    Rng rng(seed + static_cast<uint64_t>(new_tids[0]));
    const Settings st = settings_of(*this);
    const History h = History::build(space, history);
    const size_t n_finished =
        static_cast<size_t>(std::count_if(h.losses.begin(), h.losses.end(), [](double l) { return std::isfinite(l); }));
    if (n_finished < st.n_startup || n_finished == 0) return {space::sample_prior(space, rng)};

    const mtpe::Groups groups = mtpe::decompose(h);
    std::vector<uint8_t> done(groups.members.size(), 0);
    std::vector<double> value(space.params().size(), 0.0);
    space::Vals vals = space::walk_active(space, [&](uint32_t p) {
        const int32_t g = groups.of_param[p];
        if (g < 0) return space::sample_prior(space.param(p), rng);  // never seen: nothing to learn from
        const auto gi = static_cast<size_t>(g);
        if (!done[gi]) {
            const GroupData data = gather(space, h, history, groups, gi);
            const std::vector<double> x = suggest_group(data, st, rng);
            for (size_t d = 0; d < data.dims.size(); ++d) value[data.dims[d].param] = mtpe::to_value(data.dims[d], x[d]);
            done[gi] = 1;
        }
        return value[p];
    });
    return {std::move(vals)};
}

}  // namespace hopt::algo

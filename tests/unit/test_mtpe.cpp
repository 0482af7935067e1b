// mtpe's parts: each dimension's coordinates, the joint estimator (a density
// that integrates to 1 and a sampler that follows it), the grouping of a
// conditional space, and whole suggestions (valid values, determinism,
// pending trials, learning).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <vector>

#include "algo/history.hpp"
#include "algo/mtpe/dims.hpp"
#include "algo/mtpe/estimator.hpp"
#include "algo/mtpe/groups.hpp"
#include "algo/mtpe/mtpe.hpp"
#include "algo/random.hpp"
#include "core/error.hpp"
#include "core/mathx.hpp"
#include "fmin/new_trial.hpp"
#include "space/prior.hpp"
#include "space/space.hpp"
// Last: cmocka defines a fail() macro that core/error.hpp's fail() must not meet.
#include "cmocka.hpp"

using namespace hopt;
using algo::mtpe::Bandwidth;
using algo::mtpe::Dim;
using algo::mtpe::Estimator;

static const char *const kEveryDistribution = R"({
    "u": {"hp": "uniform", "label": "u", "low": -5, "high": 5},
    "qu": {"hp": "quniform", "label": "qu", "low": 0, "high": 10, "q": 3},
    "lu": {"hp": "loguniform", "label": "lu", "low": -2, "high": 3},
    "qlu": {"hp": "qloguniform", "label": "qlu", "low": 0, "high": 3, "q": 2},
    "n": {"hp": "normal", "label": "n", "mu": 4, "sigma": 7},
    "qn": {"hp": "qnormal", "label": "qn", "mu": 0, "sigma": 10, "q": 2},
    "ln": {"hp": "lognormal", "label": "ln", "mu": -2, "sigma": 2},
    "qln": {"hp": "qlognormal", "label": "qln", "mu": 0, "sigma": 2, "q": 1},
    "c": {"hp": "choice", "label": "c", "options": [0, 1, 2]},
    "r": {"hp": "randint", "label": "r", "low": 12, "high": 25},
    "i": {"hp": "uniformint", "label": "i", "low": 3, "high": 9}
})";

static space::Space parse(const char *json) { return space::Space::from_json(Json::parse(json)); }

static uint32_t param_of(const space::Space &sp, const char *label) {
    for (uint32_t p = 0; p < sp.params().size(); ++p)
        if (sp.param(p).label == label) return p;
    fail_msg("no parameter %s", label);
    return 0;
}

// A few points in internal coordinates drawn from the prior, for one
// dimension: observations to build an estimator from.
static std::vector<double> observed(const space::Space &sp, const Dim &d, size_t n, uint64_t seed) {
    Rng rng(seed);
    std::vector<double> pts;
    while (pts.size() < n) {
        const auto x = algo::mtpe::to_internal(d, space::sample_prior(sp.param(d.param), rng));
        if (x) pts.push_back(*x);
    }
    return pts;
}

// The mass of a continuous one-dimensional estimator over [lo, hi] (the
// whole line where they are infinite), by a fine midpoint rule.
static double continuous_mass(const Estimator &e, const Dim &d, double lo, double hi) {
    if (!std::isfinite(lo)) lo = -30 * d.scale;
    if (!std::isfinite(hi)) hi = 30 * d.scale;
    const int n = 200000;
    const double step = (hi - lo) / n;
    std::vector<double> xs(n), lp(n);
    for (int i = 0; i < n; ++i) xs[i] = lo + (i + 0.5) * step;
    e.log_pdf(xs, lp);
    double s = 0;
    for (double l : lp) s += std::exp(l) * step;
    return s;
}

// The total mass of a one-dimensional estimator built from `pts`: a sum
// over the values of a discrete dimension, an integral over a continuous one.
static double total_mass(const Dim &d, const std::vector<double> &pts, const Bandwidth &bw) {
    const std::vector<double> w(pts.size(), 1.0);
    const Estimator e({d}, pts, w, 1.0, bw);
    if (!d.categorical && d.q <= 0) return continuous_mass(e, d, d.low, d.high);
    std::vector<double> xs;
    if (d.categorical) {
        for (int64_t k = 0; k < d.n; ++k) xs.push_back(static_cast<double>(k));
    } else {
        // Every value up to `reach`, each once.
        const double reach = d.log ? 1e5 : 400;
        for (double v = d.log ? 0 : -reach; v <= reach; v += d.q) {
            const double q = math::quantize(v, d.q);
            const auto x = algo::mtpe::to_internal(d, q);
            // Values whose bin lies outside the bounds but for its edge (0
            // for a qloguniform from exp(0) = 1 with q = 2) have no mass.
            if (x && algo::mtpe::to_value(d, *x) == q && !algo::mtpe::bin_of(d, *x).point) xs.push_back(*x);
        }
    }
    std::vector<double> lp(xs.size());
    e.log_pdf(xs, lp);
    double s = 0;
    for (double l : lp) s += std::exp(l);
    if (d.log && d.q > 0 && !std::isfinite(d.high)) {
        // A lognormal's kernels reach far: add the mass of the values past
        // `reach`, which is the same kernels' continuous mass there.
        Dim c = d;
        c.q = 0;
        const Estimator ec({c}, pts, w, 1.0, bw);
        s += continuous_mass(ec, c, std::log(1e5 + 0.5 * d.q), 60 * d.scale);
    }
    return s;
}

// Every kind of dimension, every bandwidth rule: the estimator's density
// (mass, for discrete dimensions) sums to 1.
static void densities_integrate_to_one(void **) {
    const auto sp = parse(kEveryDistribution);
    for (uint32_t p = 0; p < sp.params().size(); ++p) {
        const Dim d = algo::mtpe::make_dim(sp, p);
        for (size_t n : {0, 1, 7}) {
            for (int rule : {0, 1}) {
                Bandwidth bw;
                bw.rule = static_cast<Bandwidth::Rule>(rule);
                const double mass = total_mass(d, observed(sp, d, n, 11 + n), bw);
                if (std::fabs(mass - 1) > 2e-3)
                    fail_msg("%s, %zu points, rule %d: mass %.6f", sp.param(p).label.c_str(), n, rule, mass);
            }
        }
    }
}

// A joint density over a continuous and a categorical dimension sums to 1,
// and is not the product of its marginals: the points tie the option to the
// position.
static void joint_density_is_joint(void **) {
    const auto sp = parse(R"({"x": {"hp": "uniform", "label": "x", "low": 0, "high": 1},
                              "c": {"hp": "choice", "label": "c", "options": [0, 1]}})");
    const std::vector<Dim> dims{algo::mtpe::make_dim(sp, param_of(sp, "x")), algo::mtpe::make_dim(sp, param_of(sp, "c"))};
    // Option 0 near x = 0.1, option 1 near x = 0.9.
    const std::vector<double> pts{0.1, 0, 0.12, 0, 0.08, 0, 0.9, 1, 0.88, 1, 0.92, 1};
    const std::vector<double> w(6, 1.0);
    Bandwidth bw;
    bw.rule = Bandwidth::kNeighbours;
    const Estimator e(dims, pts, w, 1.0, bw);
    const int n = 20000;
    double mass = 0;
    std::vector<double> grid(2 * n), lp(n);
    for (int c = 0; c < 2; ++c) {
        for (int i = 0; i < n; ++i) {
            grid[2 * i] = (i + 0.5) / n;
            grid[2 * i + 1] = c;
        }
        e.log_pdf(grid, lp);
        for (double l : lp) mass += std::exp(l) / n;
    }
    assert_close(mass, 1.0, 1e-3);
    const std::vector<double> probe{0.1, 0, 0.1, 1, 0.9, 0, 0.9, 1};
    std::vector<double> out(4);
    e.log_pdf(probe, out);
    assert_true(out[0] > out[1] + 1);  // x = 0.1 goes with option 0
    assert_true(out[3] > out[2] + 1);  // x = 0.9 with option 1
}

// The sampler draws from the density it evaluates: a histogram of draws
// matches the mass of each bin (a quantised dimension, so bins are exact).
static void sampler_matches_density(void **) {
    const auto sp = parse(R"({"q": {"hp": "quniform", "label": "q", "low": 0, "high": 20, "q": 1}})");
    const Dim d = algo::mtpe::make_dim(sp, 0);
    const std::vector<double> pts{2, 3, 3, 15, 19.4};
    const std::vector<double> w{0.5, 1, 1, 1, 1};
    const Estimator e({d}, pts, w, 1.0, Bandwidth{});
    Rng rng(5);
    const int draws = 200000;
    std::map<double, int> hist;
    for (int i = 0; i < draws; ++i) {
        double x;
        e.sample(rng, std::span<double>(&x, 1));
        assert_true(x >= d.low && x <= d.high);
        ++hist[algo::mtpe::to_value(d, x)];
    }
    for (int v = 0; v <= 20; ++v) {
        const double x = *algo::mtpe::to_internal(d, v);
        double lp;
        e.log_pdf(std::span<const double>(&x, 1), std::span<double>(&lp, 1));
        const double p = std::exp(lp), freq = static_cast<double>(hist[v]) / draws;
        if (std::fabs(freq - p) > 4 * std::sqrt(p * (1 - p) / draws) + 1e-4)
            fail_msg("value %d: drawn %.5f of the time, mass %.5f", v, freq, p);
    }
}

// Values stored by other clients that the space cannot produce are left
// out rather than trusted; values at the bounds' quantised edges are kept.
static void foreign_values_are_refused(void **) {
    const auto sp = parse(kEveryDistribution);
    auto dim = [&](const char *l) { return algo::mtpe::make_dim(sp, param_of(sp, l)); };
    assert_false(algo::mtpe::to_internal(dim("u"), 7.5).has_value());
    assert_false(algo::mtpe::to_internal(dim("u"), NAN).has_value());
    assert_true(algo::mtpe::to_internal(dim("u"), 5).has_value());
    assert_false(algo::mtpe::to_internal(dim("lu"), -1).has_value());
    assert_false(algo::mtpe::to_internal(dim("c"), 3).has_value());
    assert_false(algo::mtpe::to_internal(dim("c"), 0.5).has_value());
    assert_false(algo::mtpe::to_internal(dim("r"), 25).has_value());  // randint's high is excluded
    assert_close(*algo::mtpe::to_internal(dim("r"), 12), 0, 0);
    assert_true(algo::mtpe::to_internal(dim("qu"), 9).has_value());    // round(10 / 3) * 3
    assert_true(algo::mtpe::to_internal(dim("qln"), 0).has_value());   // a log value rounded to 0
    assert_close(algo::mtpe::to_value(dim("qln"), *algo::mtpe::to_internal(dim("qln"), 0)), 0, 0);
}

// A history of n finished trials of `sp` with loss `f` of the values, the
// first `pending` of the last trials left NEW.
template <class F>
static std::vector<trials::TrialPtr> history_of(const space::Space &sp, int n, uint64_t seed, F &&f) {
    fmin::TrialFactory factory(sp, std::nullopt, "f");
    Rng rng(seed);
    std::vector<trials::TrialPtr> history;
    for (int tid = 0; tid < n; ++tid) {
        const space::Vals v = space::sample_prior(sp, rng);
        trials::Trial t = factory.make(tid, v);
        t.state = trials::kDone;
        t.result = Json{{"status", "ok"}, {"loss", f(v)}};
        history.push_back(std::make_shared<const trials::Trial>(t));
    }
    return history;
}

static trials::TrialPtr pending_trial(const space::Space &sp, int64_t tid, const space::Vals &v, int state) {
    fmin::TrialFactory factory(sp, std::nullopt, "f");
    trials::Trial t = factory.make(tid, v);
    t.state = state;
    return std::make_shared<const trials::Trial>(t);
}

static double wavy(const space::Vals &v) {
    double s = 0;
    for (size_t p = 0; p < v.value.size(); ++p)
        if (v.active[p]) s += std::pow(std::sin(v.value[p] * static_cast<double>(p + 1)) + 0.1 * v.value[p], 2);
    return s;
}

// Every suggestion is a value the parameter can take, for every distribution.
static void suggestions_are_valid_values(void **) {
    const auto sp = parse(kEveryDistribution);
    const algo::Mtpe mtpe;
    for (int n : {12, 60}) {
        const auto history = history_of(sp, n, static_cast<uint64_t>(n), wavy);
        for (uint64_t seed = 0; seed < 30; ++seed) {
            const space::Vals v = mtpe.suggest({n}, sp, history, seed).at(0);
            for (uint32_t p = 0; p < sp.params().size(); ++p) {
                assert_true(v.active[p]);
                const Dim d = algo::mtpe::make_dim(sp, p);
                const auto x = algo::mtpe::to_internal(d, v.value[p]);
                if (!x || algo::mtpe::to_value(d, *x) != v.value[p])
                    fail_msg("%s = %.17g is not a value of the space", sp.param(p).label.c_str(), v.value[p]);
            }
        }
    }
}

static const char *const kModels = R"({"hp": "choice", "label": "model", "options": [
    {"kind": "svm", "C": {"hp": "loguniform", "label": "C", "low": -3, "high": 3},
                    "k": {"hp": "choice", "label": "kernel", "options": ["rbf", "lin"]}},
    {"kind": "tree", "d": {"hp": "quniform", "label": "depth", "low": 1, "high": 10, "q": 1}}]})";

// Parameters active in the same trials form a group: the root, and each
// branch of a choice; a parameter never seen has no group.
static void groups_follow_branches(void **) {
    const auto sp = parse(kModels);
    const uint32_t model = param_of(sp, "model"), C = param_of(sp, "C"), kernel = param_of(sp, "kernel"),
                   depth = param_of(sp, "depth");
    auto history = history_of(sp, 30, 3, wavy);
    algo::mtpe::Groups g = algo::mtpe::decompose(algo::History::build(sp, history));
    assert_int_equal(g.members.size(), 3);
    assert_true(g.of_param[C] == g.of_param[kernel]);
    assert_true(g.of_param[C] != g.of_param[depth] && g.of_param[model] != g.of_param[C]);
    const auto &svm = g.trials[static_cast<size_t>(g.of_param[C])], &tree = g.trials[static_cast<size_t>(g.of_param[depth])];
    assert_int_equal(svm.size() + tree.size(), 30);
    assert_int_equal(g.trials[static_cast<size_t>(g.of_param[model])].size(), 30);

    // Only svm trials so far: depth has never been active.
    std::vector<trials::TrialPtr> svm_only;
    for (const auto &t : history)
        if (t->val("model")->value == 0) svm_only.push_back(t);
    g = algo::mtpe::decompose(algo::History::build(sp, svm_only));
    assert_int_equal(g.of_param[depth], -1);

    // Suggestions are consistent: the branch's parameters and no other.
    const algo::Mtpe mtpe;
    for (uint64_t seed = 0; seed < 20; ++seed) {
        const space::Vals v = mtpe.suggest({30}, sp, history, seed).at(0);
        const bool is_svm = v.value[model] == 0;
        assert_true(v.active[C] == is_svm && v.active[kernel] == is_svm && v.active[depth] == !is_svm);
    }
}

// The branch with the better losses is chosen, and its parameters follow
// its own good trials.
static void learns_per_branch(void **) {
    const auto sp = parse(kModels);
    const uint32_t model = param_of(sp, "model"), C = param_of(sp, "C");
    auto loss = [&](const space::Vals &v) {
        if (v.value[model] == 1) return 1.0;              // trees: flat and poor
        return std::pow(std::log(v.value[C]) - 2.0, 2) / 10; // svm: best at log C = 2
    };
    const auto history = history_of(sp, 40, 8, loss);
    const algo::Mtpe mtpe;
    int svm = 0, close = 0;
    for (uint64_t seed = 0; seed < 40; ++seed) {
        const space::Vals v = mtpe.suggest({40}, sp, history, seed).at(0);
        if (v.value[model] != 0) continue;
        ++svm;
        close += std::fabs(std::log(v.value[C]) - 2.0) < 1.0;
    }
    if (svm < 32 || close < svm * 3 / 4) fail_msg("svm %d of 40, log C near 2 in %d", svm, close);
}

// Same history and seed, same suggestion; another seed, another one.
static void same_seed_same_suggestion(void **) {
    const auto sp = parse(kEveryDistribution);
    const auto history = history_of(sp, 30, 4, wavy);
    const algo::Mtpe a, b;
    const space::Vals x = a.suggest({30}, sp, history, 77).at(0), y = b.suggest({30}, sp, history, 77).at(0),
                      z = a.suggest({30}, sp, history, 78).at(0);
    assert_true(x.value == y.value && x.active == y.active);
    assert_true(x.value != z.value);
}

// Before n_startup_jobs trials have finished, suggestions are prior draws,
// and pending or failed trials do not count as finished.
static void starts_with_prior_draws(void **) {
    const auto sp = parse(kEveryDistribution);
    auto history = history_of(sp, 9, 5, wavy);
    Rng other(99);
    history.push_back(pending_trial(sp, 9, space::sample_prior(sp, other), trials::kRunning));
    const algo::Mtpe mtpe;
    for (uint64_t seed = 0; seed < 5; ++seed) {
        const space::Vals m = mtpe.suggest({10}, sp, history, seed).at(0);
        Rng rng(seed + 10);  // mtpe's stream for tid 10
        assert_true(m.value == space::sample_prior(sp, rng).value);
    }
}

// An all-discrete space: the point mtpe picks is pending, so the next
// suggestion (made before that trial finishes) is another point, with the
// liar on and off.
static void pending_point_not_suggested_again(void **) {
    const auto sp = parse(R"({"a": {"hp": "choice", "label": "a", "options": [0, 1, 2]},
                              "b": {"hp": "randint", "label": "b", "low": 0, "high": 3}})");
    auto loss = [](const space::Vals &v) { return std::fabs(v.value[0] - 1) + std::fabs(v.value[1] - 2); };
    const auto history = history_of(sp, 30, 6, loss);
    for (double liar : {0.0, 1.0}) {
        algo::Mtpe mtpe;
        mtpe.set("constant_liar", liar);
        int repeats = 0;
        for (uint64_t seed = 0; seed < 30; ++seed) {
            const space::Vals first = mtpe.suggest({31}, sp, history, seed).at(0);
            auto with_pending = history;
            with_pending.push_back(pending_trial(sp, 30, first, trials::kNew));
            // The same seed and tid: the same candidates, so only the
            // pending trial can change the pick.
            const space::Vals second = mtpe.suggest({31}, sp, with_pending, seed).at(0);
            repeats += second.value == first.value;
        }
        if (repeats) fail_msg("liar %g: the pending point was suggested again %d times in 30", liar, repeats);
    }
}

// With the liar, trials pending at the best point so far push the next
// suggestion away from it; without it, suggestions crowd there.
static void liar_moves_away_from_pending(void **) {
    const auto sp = parse(R"({"x": {"hp": "uniform", "label": "x", "low": -5, "high": 5},
                              "y": {"hp": "uniform", "label": "y", "low": -5, "high": 5}})");
    auto loss = [](const space::Vals &v) { return v.value[0] * v.value[0] + v.value[1] * v.value[1]; };
    const auto history = history_of(sp, 40, 9, loss);
    const auto best = *std::min_element(history.begin(), history.end(), [](const auto &a, const auto &b) {
        return a->loss() < b->loss();
    });
    Rng rng(1);
    space::Vals at_best = space::sample_prior(sp, rng);
    at_best.value = {best->val("x")->value, best->val("y")->value};
    double dist[2] = {0, 0};
    for (int liar : {0, 1}) {
        algo::Mtpe mtpe;
        mtpe.set("constant_liar", liar);
        for (uint64_t seed = 0; seed < 40; ++seed) {
            auto h = history;
            for (int k = 0; k < 4; ++k) h.push_back(pending_trial(sp, 40 + k, at_best, trials::kRunning));
            const space::Vals v = mtpe.suggest({44}, sp, h, seed).at(0);
            dist[liar] += std::hypot(v.value[0] - at_best.value[0], v.value[1] - at_best.value[1]) / 40;
        }
    }
    if (!(dist[1] > dist[0] * 1.1))
        fail_msg("mean distance from the pending point: %g without the liar, %g with", dist[0], dist[1]);
}

// A serial search learns: on a 3-D bowl, 60 evaluations of mtpe end far
// closer to the minimum than random search, over several seeds.
static void beats_random_search(void **) {
    const auto sp = parse(R"({"x": {"hp": "uniform", "label": "x", "low": -5, "high": 5},
                              "y": {"hp": "uniform", "label": "y", "low": -5, "high": 5},
                              "z": {"hp": "loguniform", "label": "z", "low": -7, "high": 2}})");
    auto loss = [](const space::Vals &v) {
        return std::pow(v.value[0] - 1, 2) + std::pow(v.value[1] + 2, 2) + std::pow(std::log(v.value[2]) + 3, 2);
    };
    fmin::TrialFactory factory(sp, std::nullopt, "f");
    auto run = [&](const algo::Algorithm &a, uint64_t seed) {
        std::vector<trials::TrialPtr> h;
        double best = INFINITY;
        for (int tid = 0; tid < 60; ++tid) {
            const space::Vals v = a.suggest({tid}, sp, h, seed).at(0);
            trials::Trial t = factory.make(tid, v);
            t.state = trials::kDone;
            const double l = loss(v);
            t.result = Json{{"status", "ok"}, {"loss", l}};
            h.push_back(std::make_shared<const trials::Trial>(t));
            best = std::min(best, l);
        }
        return best;
    };
    const algo::Mtpe mtpe;
    const algo::Random random;
    std::vector<double> m, r;
    for (uint64_t seed = 1; seed <= 7; ++seed) {
        m.push_back(run(mtpe, seed));
        r.push_back(run(random, seed));
    }
    std::sort(m.begin(), m.end());
    std::sort(r.begin(), r.end());
    if (!(m[3] * 4 < r[3])) fail_msg("median best: mtpe %g, random %g", m[3], r[3]);
}

static void parameters_are_checked(void **) {
    algo::Mtpe mtpe;
    try {
        mtpe.set("gamma", 0);
        fail_msg("gamma 0 accepted");
    } catch (const Error &e) {
        assert_int_equal(e.code(), HOPT_EINVAL);
        assert_non_null(strstr(e.what(), "gamma"));
    }
    try {
        mtpe.set("constant_liar", 0.5);
        fail_msg("a fractional switch accepted");
    } catch (const Error &e) {
        assert_int_equal(e.code(), HOPT_EINVAL);
    }
    try {
        mtpe.set("n_ei_candidates", 10);
        fail_msg("a misspelt name accepted");
    } catch (const Error &e) {
        assert_int_equal(e.code(), HOPT_ENOTFOUND);
        assert_non_null(strstr(e.what(), "n_EI_candidates"));
    }
    mtpe.set("n_EI_candidates", 7);
    assert_close(mtpe.get("n_EI_candidates"), 7, 0);
    assert_close(mtpe.clone()->get("n_EI_candidates"), 7, 0);
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(densities_integrate_to_one),
        cmocka_unit_test(joint_density_is_joint),
        cmocka_unit_test(sampler_matches_density),
        cmocka_unit_test(foreign_values_are_refused),
        cmocka_unit_test(suggestions_are_valid_values),
        cmocka_unit_test(groups_follow_branches),
        cmocka_unit_test(learns_per_branch),
        cmocka_unit_test(same_seed_same_suggestion),
        cmocka_unit_test(starts_with_prior_draws),
        cmocka_unit_test(pending_point_not_suggested_again),
        cmocka_unit_test(liar_moves_away_from_pending),
        cmocka_unit_test(beats_random_search),
        cmocka_unit_test(parameters_are_checked),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}

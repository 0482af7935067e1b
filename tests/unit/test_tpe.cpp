// TPE's estimator and mixtures against hyperopt's formulas (tpe.py and
// test_tpe.py): exact values where hyperopt's tests pin them, and density
// versus sampler consistency where they compare the two.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <thread>
#include <vector>

#include "algo/tpe/gauss_blocks.hpp"
#include "algo/tpe/mixture.hpp"
#include "algo/tpe/parzen.hpp"
#include "algo/tpe/simd.hpp"
#include "algo/tpe/sorted_history.hpp"
#include "algo/tpe/sort_values.hpp"
#include "algo/tpe/tpe.hpp"
#include "cmocka.hpp"
#include "core/mathx.hpp"
#include "fmin/new_trial.hpp"
#include "space/prior.hpp"
#include "space/space.hpp"

// exp4 takes and returns 32-byte vectors: an inline function, so the AVX
// calling convention the warning is about is never involved.
#pragma GCC diagnostic ignored "-Wpsabi"

using namespace hopt;
using namespace hopt::algo::tpe;

static void parzen_without_observations(void **) {
    const Mixture m = adaptive_parzen_normal({}, 1.0, 2.5, 10.0, 25);
    assert_int_equal(m.mus.size(), 1);
    assert_close(m.mus[0], 2.5, 0);
    assert_close(m.sigmas[0], 10.0, 0);
    assert_close(m.weights[0], 1.0, 0);
}

static void parzen_one_observation(void **) {
    const std::vector<double> above{7.0}, below{-1.0};
    Mixture m = adaptive_parzen_normal(above, 1.0, 2.5, 10.0, 25);
    assert_close(m.mus[0], 2.5, 0);  // prior first: prior_mu < obs
    assert_close(m.mus[1], 7.0, 0);
    assert_close(m.sigmas[0], 10.0, 0);
    assert_close(m.sigmas[1], 5.0, 0);  // half the prior's
    m = adaptive_parzen_normal(below, 1.0, 2.5, 10.0, 25);
    assert_close(m.mus[0], -1.0, 0);
    assert_close(m.mus[1], 2.5, 0);
    assert_close(m.sigmas[1], 10.0, 0);
}

// obs [1, 4, 2], prior (2.5, 10): mus [1, 2, 2.5, 4], raw sigmas
// [1, 1, 1.5, 1.5], clipped to [10 / min(100, 5), 10] = [2, 10], prior 10.
static void parzen_several_observations(void **) {
    const std::vector<double> obs{1.0, 4.0, 2.0};
    const Mixture m = adaptive_parzen_normal(obs, 1.0, 2.5, 10.0, 25);
    const std::vector<double> mus{1, 2, 2.5, 4}, sigmas{2, 2, 10, 2};
    for (size_t i = 0; i < 4; ++i) {
        assert_close(m.mus[i], mus[i], 0);
        assert_close(m.sigmas[i], sigmas[i], 0);
        assert_close(m.weights[i], 0.25, 1e-15);
    }
    // prior_weight changes only the prior's weight
    const Mixture heavy = adaptive_parzen_normal(obs, 3.0, 2.5, 10.0, 25);
    assert_close(heavy.weights[2], 0.5, 1e-15);
    assert_close(heavy.weights[0], 1.0 / 6, 1e-15);
}

static void linear_forgetting(void **) {
    std::vector<double> w = linear_forgetting_weights(10, 25);
    for (double x : w) assert_close(x, 1.0, 0);
    w = linear_forgetting_weights(30, 25);  // linspace(1/30, 1, 5) then 25 ones
    const double start = 1.0 / 30;
    for (size_t i = 0; i < 5; ++i) assert_close(w[i], start + (1 - start) * i / 4.0, 1e-15);
    for (size_t i = 5; i < 30; ++i) assert_close(w[i], 1.0, 0);
    // in the estimator, the oldest observations weigh least
    std::vector<double> obs(30);
    for (size_t i = 0; i < 30; ++i) obs[i] = static_cast<double>(i);
    const Mixture m = adaptive_parzen_normal(obs, 1.0, 100.0, 200.0, 25);
    assert_true(m.weights[0] < m.weights[10]);
    assert_close(m.weights[0] / m.weights[29], start, 1e-12);
}

static Mixture mixture(std::vector<double> w, std::vector<double> mu, std::vector<double> sigma) {
    return Mixture{std::move(w), std::move(mu), std::move(sigma)};
}

// hyperopt: GMM1_lpdf(1.0, [1], [1], [2]) == log(1 / sqrt(2 pi 4)).
static void gmm_lpdf_exact(void **) {
    const NormalMixture one(mixture({1}, {1}, {2}), std::nullopt);
    assert_close(one.lpdf(1.0), std::log(1 / std::sqrt(2 * M_PI * 4)), 1e-14);
    const NormalMixture three(mixture({0.25, 0.25, 0.5}, {0, 1, 2}, {1, 2, 5}), std::nullopt);
    for (double x : {1.0, 0.0}) {
        double p = 0;
        const double w[] = {0.25, 0.25, 0.5}, mu[] = {0, 1, 2}, s[] = {1, 2, 5};
        for (int k = 0; k < 3; ++k)
            p += w[k] * std::exp(-0.5 * std::pow((x - mu[k]) / s[k], 2)) / std::sqrt(2 * M_PI * s[k] * s[k]);
        assert_close(three.lpdf(x), std::log(p), 1e-13);
    }
}

// Samples against exp(lpdf): the empirical CDF and the integrated density
// agree within 0.01 at 100 points of [lo, hi) (a Kolmogorov-Smirnov style
// check, which, unlike histograms, does not blur narrow components).
// `bounded`: samples outside [lo, hi) are an error, else they count as mass
// outside.
template <class Sample, class Density>
static void check_density(Sample sample, Density density, double lo, double hi, double, int n, bool bounded) {
    std::vector<double> xs;
    xs.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        const double x = sample();
        if (bounded && (x < lo || x >= hi)) fail_msg("sample %g outside [%g, %g)", x, lo, hi);
        xs.push_back(x);
    }
    std::sort(xs.begin(), xs.end());
    const size_t below_lo = static_cast<size_t>(std::lower_bound(xs.begin(), xs.end(), lo) - xs.begin());
    double cdf = static_cast<double>(below_lo) / n;  // mass below lo from the samples themselves
    const int steps = 200000;
    const double h = (hi - lo) / steps;
    double worst = 0;
    for (int s = 0; s < steps; ++s) {
        const double a = lo + s * h;
        cdf += 0.5 * h * (density(a) + density(a + h));
        if (!std::isfinite(cdf)) fail_msg("density is not finite near %g", a);
        if ((s + 1) % (steps / 100) == 0) {
            const double x = a + h;
            const double empirical =
                static_cast<double>(std::lower_bound(xs.begin(), xs.end(), x) - xs.begin()) / n;
            worst = std::max(worst, std::fabs(empirical - cdf));
        }
    }
    if (worst > 0.01) fail_msg("sampler and density disagree: max CDF gap %g", worst);
}

static void gmm_sampler_matches_density(void **) {
    Rng rng(0);
    const Mixture m = mixture({0.1, 0.3, 0.4, 0.2}, {1, 2, 3, 4}, {0.1, 0.4, 0.8, 2.0});
    const NormalMixture free(m, std::nullopt);
    check_density([&] { return free.sample(rng); }, [&](double x) { return std::exp(free.lpdf(x)); }, -6, 14, 0.1,
                  100001, false);
    const NormalMixture bounded(m, Bounds{2.5, 3.5});
    check_density([&] { return bounded.sample(rng); }, [&](double x) { return std::exp(bounded.lpdf(x)); }, 2.5, 3.5,
                  0.05, 100001, true);
}

// Quantised: the frequency of each q-value matches exp(lpdf_q).
static void gmm_quantised_matches(void **) {
    Rng rng(1);
    const Mixture m = mixture({0.1, 0.3, 0.4, 0.2}, {1, 2, 3, 4}, {0.1, 0.4, 0.8, 2.0});
    for (double q : {1.0, 2.0, 0.5}) {
        for (auto bounds : {std::optional<Bounds>{}, std::optional<Bounds>{Bounds{2, 4}}, std::optional<Bounds>{Bounds{1, 4.1}}}) {
            const NormalMixture g(m, bounds);
            std::map<double, int> counts;
            const int n = 20000;
            for (int i = 0; i < n; ++i) counts[math::quantize(g.sample(rng), q)]++;
            double total = 0;
            for (const auto &[v, c] : counts) {
                const double p = std::exp(g.lpdf_q(v, q));
                total += p;
                if (std::fabs(p - static_cast<double>(c) / n) > 0.015)
                    fail_msg("q=%g value %g: frequency %g, lpdf_q says %g", q, v, static_cast<double>(c) / n, p);
            }
            assert_true(total > 0.99 && total < 1.01);
        }
    }
}

static void lgmm_matches(void **) {
    Rng rng(2);
    const Mixture m = mixture({0.1, 0.3, 0.4, 0.2}, {-2, 1, 0, 3}, {0.1, 0.4, 0.8, 2.0});
    const NormalMixture free(m, std::nullopt);
    check_density([&] { return std::exp(free.sample(rng)); }, [&](double x) { return std::exp(free.lpdf_log(x)); },
                  0.0, 20, 0.2, 100001, false);
    // quantised log-normal mixtures, bounded in log space, as hyperopt's
    // qloguniform: frequencies of q-values against exp(lpdf_log_q)
    const Mixture mq = mixture({0.1, 0.3, 0.4, 0.2}, {-2, 0, -3, 1}, {2.1, 0.4, 0.8, 2.1});
    for (double q : {1.0, 2.0, 0.5, 0.125}) {
        const NormalMixture g(mq, Bounds{std::log(2.0), std::log(4.0)});
        std::map<double, int> counts;
        const int n = 20000;
        for (int i = 0; i < n; ++i) counts[math::quantize(std::exp(g.sample(rng)), q)]++;
        for (const auto &[v, c] : counts) {
            const double p = std::exp(g.lpdf_log_q(v, q));
            if (std::fabs(p - static_cast<double>(c) / n) > 0.015)
                fail_msg("q=%g value %g: frequency %g, lpdf says %g", q, v, static_cast<double>(c) / n, p);
        }
    }
}

// A component far outside the bounds must neither hang the sampler nor
// produce out-of-range values (hyperopt's rejection loop would spin).
static void truncation_far_in_the_tail(void **) {
    Rng rng(3);
    const NormalMixture g(mixture({0.999, 0.001}, {60.0, 0.5}, {0.5, 1.0}), Bounds{0, 1});
    for (int i = 0; i < 10000; ++i) {
        const double x = g.sample(rng);
        assert_true(x >= 0 && x < 1);
    }
    assert_true(std::isfinite(g.lpdf(0.99)));
}

static void categorical_model(void **) {
    // counts of [0, 0, 2] with prior weight 1 over 4 categories: (c + 1) / 7
    const std::vector<int64_t> obs{0, 0, 2};
    const CategoricalModel c(obs, 4, {}, 1.0, 25);
    const double want[] = {3.0 / 7, 1.0 / 7, 2.0 / 7, 1.0 / 7};
    for (int64_t k = 0; k < 4; ++k) assert_close(std::exp(c.log_prob(k)), want[k], 1e-14);
    // pchoice: pseudo-counts K * prior_weight * p
    const std::vector<double> p{0.1, 0.2, 0.3, 0.4};
    const CategoricalModel pc(obs, 4, p, 1.0, 25);
    for (int64_t k = 0; k < 4; ++k) {
        const double count = k == 0 ? 2 : k == 2 ? 1 : 0;
        assert_close(std::exp(pc.log_prob(k)), (count + 4 * p[k]) / 7, 1e-14);
    }
    // sampling follows the probabilities; a huge randint range stays cheap
    Rng rng(4);
    std::vector<int> hist(4, 0);
    for (int i = 0; i < 70000; ++i) hist[static_cast<size_t>(c.sample(rng))]++;
    for (int k = 0; k < 4; ++k) assert_close(hist[k] / 70000.0, want[k], 0.01);
    const CategoricalModel huge(obs, int64_t{1} << 40, {}, 1.0, 25);
    assert_close(std::exp(huge.log_prob(0)), 3.0 / (3 + std::ldexp(1.0, 40)), 1e-12);
}

// The good set is ceil(gamma * sqrt(N)) trials, capped at 25; with the
// trials spread evenly (so g has no gaps to chase), suggestions concentrate
// around the optimum.
static void suggestions_follow_the_good_trials(void **) {
    const auto sp = space::Space::from_json(Json::parse(R"({"hp": "uniform", "label": "x", "low": -10, "high": 10})"));
    fmin::TrialFactory factory(sp, std::nullopt, "f");
    std::vector<trials::TrialPtr> history;
    for (int64_t tid = 0; tid < 40; ++tid) {
        space::Vals v(1);
        v.set(0, -9.75 + 0.5 * static_cast<double>((tid * 17) % 40));  // a grid, visited out of order
        trials::Trial t = factory.make(tid, v);
        t.state = trials::kDone;
        t.result = Json{{"status", "ok"}, {"loss", std::pow(v.value[0] - 7, 2)}};
        history.push_back(std::make_shared<const trials::Trial>(t));
    }
    algo::Tpe tpe;
    int near = 0;
    for (uint64_t seed = 0; seed < 200; ++seed) {
        const auto out = tpe.suggest({40}, sp, history, seed);
        assert_int_equal(out.size(), 1);
        near += std::fabs(out[0].value[0] - 7) < 2;
    }
    // prior draws land there 20% of the time
    if (near < 80) fail_msg("%d of 200 suggestions within 2 of the optimum", near);
    // before n_startup_jobs trials, it samples the prior for every id
    history.resize(10);
    assert_int_equal(tpe.suggest({10, 11, 12}, sp, history, 1).size(), 3);
}


// ---------------------------------------------------------------------------
// The fast paths against straightforward references kept here.

// sort_by_value gives the (value, index) order, NaN last, whatever the
// input: spread, clustered, tied, or with infinities.
static void sort_matches_stable_sort(void **) {
    Rng rng(11);
    auto reference = [](std::vector<ValueIndex> v) {
        std::stable_sort(v.begin(), v.end(), [](const ValueIndex &a, const ValueIndex &b) {
            if (std::isnan(a.value) || std::isnan(b.value)) return !std::isnan(a.value) && std::isnan(b.value);
            return a.value < b.value;
        });
        return v;
    };
    for (int trial = 0; trial < 60; ++trial) {
        const size_t n = static_cast<size_t>(rng.integers(0, 3000));
        hopt::algo::UninitVector<ValueIndex> items(n), scratch;
        for (size_t i = 0; i < n; ++i) {
            double x;
            switch (trial % 6) {
                case 0: x = rng.uniform(-5, 5); break;
                case 1: x = rng.uniform() < 0.9 ? 1.0 + 1e-9 * rng.normal() : rng.normal(0, 100); break;  // a cluster
                case 2: x = std::floor(rng.uniform(0, 4));  break;  // ties
                case 3: x = std::ldexp(1.0, static_cast<int>(rng.integers(-60, 60))); break;  // a geometric spread
                case 4: x = rng.uniform() < 0.05 ? (rng.uniform() < 0.5 ? INFINITY : NAN) : rng.normal(); break;
                default: x = rng.uniform() < 0.5 ? 0.0 : -0.0; break;
            }
            items[i] = {x, static_cast<uint32_t>(i)};
        }
        const std::vector<ValueIndex> want = reference(std::vector<ValueIndex>(items.begin(), items.end()));
        sort_by_value(items, scratch);
        for (size_t i = 0; i < n; ++i) {
            if (items[i].index != want[i].index)
                fail_msg("case %d, n=%zu: position %zu holds %u, expected %u", trial % 6, n, i, items[i].index,
                         want[i].index);
        }
    }
}

// exp4 against long double exp over the range densities use.
static void exp4_accuracy(void **) {
    double worst = 0;
    for (int i = 0; i <= 2000000; ++i) {
        const double x = std::max(-700.0, -700.0 * i / 2000000.0 - (i % 7) * 1e-9);
        const math::v4df v = {x, x * 0.5, x * 1e-3, x * 1e-7};
        const math::v4df e = math::exp4(v);
        for (int k = 0; k < 4; ++k) {
            const long double want = std::exp(static_cast<long double>(v[k]));
            worst = std::max(worst, static_cast<double>(std::fabs((e[k] - want) / want)));
        }
    }
    if (worst > 4.5e-16) fail_msg("exp4: relative error up to %g", worst);
    const math::v4df edge = {0.0, -0.0, -700.0, -1e9};
    const math::v4df e = math::exp4(edge);
    assert_true(e[0] == 1.0 && e[1] == 1.0);
    assert_close(e[2], std::exp(-700.0), 1e-15);
    assert_true(e[3] > 0 && e[3] < 1e-300);  // clamped, not garbage
}

// norm_tail against long double erfc: the absolute accuracy sums of tail
// masses need, and a relative one that keeps far tails meaningful.
static void norm_tail_accuracy(void **) {
    double worst_abs = 0, worst_rel = 0;
    for (int i = 0; i <= 1000000; ++i) {
        const double z = 10.0 * i / 1000000.0 * (1 - 1e-16);
        const long double want = 0.5L * std::erfc(static_cast<long double>(z) / std::sqrt(2.0L));
        const double got = math::norm_tail(z);
        worst_abs = std::max(worst_abs, static_cast<double>(std::fabs(got - want)));
        worst_rel = std::max(worst_rel, static_cast<double>(std::fabs((got - want) / want)));
    }
    if (worst_abs > 3e-16 || worst_rel > 5e-15) fail_msg("norm_tail: errors up to %g absolute, %g relative", worst_abs, worst_rel);
    assert_close(math::norm_tail(12.0), math::norm_sf(12.0), 0);  // beyond the table: norm_sf
    assert_close(math::exp1(-3.25), math::exp4(math::v4df{-3.25, 0, 0, 0})[0], 0);
}

// Observations that exercise the estimator: spread, clustered, tied.
static std::vector<double> sample_observations(Rng &rng, size_t n, int kind, double lo, double hi) {
    std::vector<double> obs(n);
    for (auto &x : obs) {
        if (kind == 0) x = rng.uniform(lo, hi);
        else if (kind == 1) x = std::clamp(0.3 * (hi - lo) * std::pow(rng.uniform(), 4) + lo + 0.1 * (hi - lo), lo, hi);
        else x = lo + (hi - lo) * std::floor(rng.uniform(0, 7)) / 7;
    }
    return obs;
}

// log-density of a mixture summed over every component in long double.
static long double reference_log_density(const Mixture &m, long double y) {
    long double max = -INFINITY;
    std::vector<long double> terms;
    for (size_t i = 0; i < m.mus.size(); ++i) {
        const long double s = m.sigmas[i], z = (y - m.mus[i]) / std::max<long double>(s, math::kEps);
        terms.push_back(-0.5L * z * z + std::log(static_cast<long double>(m.weights[i]) / (s * std::sqrt(2 * M_PIl))));
        max = std::max(max, terms.back());
    }
    long double sum = 0;
    for (long double t : terms) sum += std::exp(t - max);
    return max + std::log(sum);
}

// P(lo < X <= hi), hyperopt's difference of CDFs (taken in the tail where
// it is small): in double, as the bits of a narrow bin's mass are lost to
// cancellation in that formula itself, which the sum should not add to.
static long double reference_mass(double lo, double hi, double mu, double sigma) {
    const double s = std::max(M_SQRT2 * sigma, math::kEps) / M_SQRT2;
    const double a = (lo - mu) / s, b = (hi - mu) / s;
    if (a > 0) return math::norm_sf(a) - math::norm_sf(b);
    return math::norm_cdf(b) - math::norm_cdf(a);
}

static long double reference_mass_sum(const Mixture &m, long double lo, long double hi) {
    long double total = 0;
    for (size_t i = 0; i < m.mus.size(); ++i) total += m.weights[i] * reference_mass(lo, hi, m.mus[i], m.sigmas[i]);
    return total;
}

static void expect_log_close(double got, long double want, const char *what, size_t n, double x) {
    const double err = std::fabs(static_cast<double>(got - want));
    if (!(err <= 1e-13 * std::max(1.0, std::fabs(static_cast<double>(want)))))
        fail_msg("%s, %zu observations, x=%.17g: got %.17g, want %.17Lg", what, n, x, got, want);
}

// TPE's densities (blocks, pruning, prior apart, truncation) equal the sum
// over every component to 1e-13, for estimator mixtures of every size.
static void densities_match_full_sums(void **) {
    Rng rng(12);
    const double lo = -5, hi = 5;
    for (size_t n : {0, 1, 2, 3, 17, 40, 300, 3000}) {
        for (int kind = 0; kind < 3; ++kind) {
            const std::vector<double> obs = sample_observations(rng, n, kind, lo, hi);
            std::vector<ValueIndex> items;
            for (size_t i = 0; i < n; ++i) items.push_back({obs[i], static_cast<uint32_t>(i)});
            std::stable_sort(items.begin(), items.end(),
                             [](const ValueIndex &a, const ValueIndex &b) { return a.value < b.value; });
            SortedObservations sorted;
            for (const auto &v : items) {
                sorted.values.push_back(v.value);
                sorted.ages.push_back(v.index);
            }
            const ParzenMixture parzen = adaptive_parzen(sorted, 1.0, 0.0, hi - lo, 25);
            const Mixture full = parzen.merged();
            const NormalMixture bounded(parzen, Bounds{lo, hi});
            const NormalMixture free(parzen, std::nullopt);
            const long double log_p_accept = std::log(reference_mass_sum(full, lo, hi));
            for (int k = 0; k < 40; ++k) {
                const double x = k < 30 ? rng.uniform(lo, hi) : k < 35 && n ? obs[rng.below(n)] : rng.uniform(-9, 9);
                const long double ref = reference_log_density(full, x);
                expect_log_close(free.lpdf(x), ref, "lpdf", n, x);
                expect_log_close(bounded.lpdf(x), ref - log_p_accept, "bounded lpdf", n, x);
                const double q = k % 3 == 0 ? 0.5 : k % 3 == 1 ? 1e-3 : 2e-3;  // wide, narrow, near the switch
                if (x > lo && x < hi) {  // else the clipped bin is empty
                    const long double bin = reference_mass_sum(full, std::max(x - q / 2, lo), std::min(x + q / 2, hi));
                    expect_log_close(bounded.lpdf_q(x, q), std::log(bin) - log_p_accept, "lpdf_q", n, x);
                }
                const double lx = std::exp(x);  // the log variants: the same mixture in log space
                expect_log_close(free.lpdf_log(lx), ref - x, "lpdf_log", n, lx);
                const long double lbin = reference_mass_sum(full, std::log(std::max(lx - q / 2, 1e-12)),
                                                            std::log(lx + q / 2));
                expect_log_close(free.lpdf_log_q(lx, q), std::log(lbin), "lpdf_log_q", n, lx);
            }
        }
    }
}

// The estimator's mixture, built in one pass with the prior apart, is
// hyperopt's (the arrays of the reference formulas above).
static void parzen_matches_reference(void **) {
    Rng rng(13);
    for (size_t n : {2, 3, 10, 26, 27, 100, 1000}) {
        for (int kind = 0; kind < 3; ++kind) {
            const std::vector<double> obs = sample_observations(rng, n, kind, -5, 5);
            const Mixture got = adaptive_parzen_normal(obs, 1.0, 0.0, 10.0, 25);
            // hyperopt's adaptive_parzen_normal, literally.
            std::vector<size_t> order(n);
            for (size_t i = 0; i < n; ++i) order[i] = i;
            std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return obs[a] < obs[b]; });
            std::vector<double> srtd;
            for (size_t i : order) srtd.push_back(obs[i]);
            const size_t pos = static_cast<size_t>(std::lower_bound(srtd.begin(), srtd.end(), 0.0) - srtd.begin());
            std::vector<double> mus = srtd;
            mus.insert(mus.begin() + static_cast<std::ptrdiff_t>(pos), 0.0);
            std::vector<double> sig(n + 1);
            for (size_t i = 1; i < n; ++i) sig[i] = std::max(mus[i] - mus[i - 1], mus[i + 1] - mus[i]);
            sig[0] = mus[1] - mus[0];
            sig[n] = mus[n] - mus[n - 1];
            const std::vector<double> lfw = linear_forgetting_weights(n, 25);
            std::vector<double> w(n + 1);
            for (size_t i = 0; i < n; ++i) w[i < pos ? i : i + 1] = lfw[order[i]];
            w[pos] = 1.0;
            double total = 0;
            for (double x : w) total += x;
            for (size_t i = 0; i <= n; ++i) {
                const double s = i == pos ? 10.0 : std::clamp(sig[i], 10.0 / std::min(100.0, n + 2.0), 10.0);
                if (got.mus[i] != mus[i] || got.sigmas[i] != s || got.weights[i] != w[i] / total)
                    fail_msg("n=%zu kind %d component %zu: (%g, %g, %g), expected (%g, %g, %g)", n, kind, i,
                             got.mus[i], got.sigmas[i], got.weights[i], mus[i], s, w[i] / total);
            }
        }
    }
}

// The SIMD variants of the log-sum give the same bits.
static void simd_variants_agree(void **) {
    if (!simd::avx2_available()) {
        print_message("no AVX2 on this machine: only the generic variant runs\n");
        return;
    }
    Rng rng(14);
    for (size_t n : {1, 15, 16, 17, 200, 5000}) {
        for (int kind = 0; kind < 3; ++kind) {
            const std::vector<double> obs = sample_observations(rng, n, kind, -5, 5);
            GaussBlocks g;
            g.allocate(n);
            std::vector<double> sorted = obs;
            std::sort(sorted.begin(), sorted.end());
            for (size_t i = 0; i < n; ++i) {
                g.mu[i] = sorted[i];
                g.h[i] = 1.0 / (0.01 + rng.uniform());
                g.lw[i] = rng.uniform();
            }
            g.pad();
            g.finish();
            g.out_mu = 0.0;
            g.out_h = 0.1;
            g.out_lw = 0.5;
            for (int k = 0; k < 200; ++k) {
                const double y = rng.uniform(-7, 7);
                const double a = simd::log_sum_generic(g, y), b = simd::log_sum_avx2(g, y), c = log_sum(g, y);
                if (std::memcmp(&a, &b, sizeof a) != 0 || std::memcmp(&a, &c, sizeof a) != 0)
                    fail_msg("n=%zu y=%.17g: generic %.17g, avx2 %.17g, dispatched %.17g", n, y, a, b, c);
            }
        }
    }
}

// A history of n trials of `sp`: prior draws, half of them moved next to an
// earlier trial's values (clusters and exact ties, as TPE produces), a few
// pending.
static std::vector<trials::TrialPtr> clustered_history(const space::Space &sp, int n, uint64_t seed) {
    fmin::TrialFactory factory(sp, std::nullopt, "f");
    Rng rng(seed);
    std::vector<space::Vals> all;
    std::vector<trials::TrialPtr> history;
    for (int tid = 0; tid < n; ++tid) {
        space::Vals v = space::sample_prior(sp, rng);
        if (tid > 5 && rng.uniform() < 0.5) {
            const space::Vals &o = all[rng.below(all.size())];
            for (size_t p = 0; p < v.value.size(); ++p)
                if (v.active[p] && o.active[p]) v.value[p] = o.value[p];
        }
        all.push_back(v);
        trials::Trial t = factory.make(tid, v);
        double loss = 0;
        for (size_t p = 0; p < v.value.size(); ++p)
            if (v.active[p]) loss += std::pow(std::sin(v.value[p] * static_cast<double>(p + 1)) + 0.3 * v.value[p], 2);
        if (rng.uniform() < 0.95) {
            t.state = trials::kDone;
            t.result = Json{{"status", "ok"}, {"loss", loss}};
        }
        history.push_back(std::make_shared<const trials::Trial>(t));
    }
    return history;
}

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
    "r": {"hp": "randint", "label": "r", "low": 12, "high": 25}
})";

static bool same_bits(const space::Vals &a, const space::Vals &b) {
    return a.active == b.active && std::memcmp(a.value.data(), b.value.data(), a.value.size() * sizeof(double)) == 0;
}

// Whole suggestions are the same bits with the generic and the AVX2 code.
static void suggestions_same_on_every_variant(void **) {
    if (!simd::avx2_available()) {
        print_message("no AVX2 on this machine: only the generic variant runs\n");
        return;
    }
    const auto sp = space::Space::from_json(Json::parse(kEveryDistribution));
    algo::Tpe tpe;
    for (int n : {25, 300, 2000}) {
        const auto history = clustered_history(sp, n, static_cast<uint64_t>(n));
        for (uint64_t seed = 0; seed < 8; ++seed) {
            simd::set_active(simd::Isa::Generic);
            const auto generic = tpe.suggest({n}, sp, history, seed);
            simd::set_active(simd::Isa::Avx2);
            const auto avx2 = tpe.suggest({n}, sp, history, seed);
            if (!same_bits(generic[0], avx2[0])) fail_msg("%d trials, seed %llu: variants differ", n, (unsigned long long)seed);
        }
    }
}

// A new version of a trial document: a state change, or (values) an edit.
static trials::TrialPtr revised(const trials::TrialPtr &t, double loss, bool change_values) {
    trials::Trial copy = *t;
    copy.state = trials::kDone;
    copy.result = Json{{"status", "ok"}, {"loss", loss}};
    copy.version += 1;
    if (change_values)
        for (auto &v : copy.vals)
            if (v.active && !v.integer) v.value *= 0.5;
    return std::make_shared<const trials::Trial>(copy);
}

// Suggestions with the cache between calls (one Tpe object, as fmin uses it)
// are the same bits as without (a fresh Tpe every call), through growing
// histories, state changes, edited values and a change of space.
static void cache_is_invisible(void **) {
    const auto sp = space::Space::from_json(Json::parse(kEveryDistribution));
    const auto other = space::Space::from_json(Json::parse(R"({"u": {"hp": "uniform", "label": "u", "low": 0, "high": 1}})"));
    std::vector<trials::TrialPtr> all = clustered_history(sp, 400, 21);
    const std::vector<trials::TrialPtr> small = clustered_history(other, 50, 22);
    algo::Tpe cached;
    Rng rng(23);
    std::vector<trials::TrialPtr> history(all.begin(), all.begin() + 20);
    for (int step = 0; step < 120; ++step) {
        const size_t n = history.size();
        // fmin: the last few trials finish, one new trial arrives; now and
        // then an older trial's values are edited, or another space is used.
        if (rng.uniform() < 0.5) {
            const size_t i = n - 1 - rng.below(std::min<size_t>(n, 5));
            history[i] = revised(history[i], rng.uniform(), false);
        }
        if (step % 37 == 36) {
            const size_t i = rng.below(n);
            history[i] = revised(history[i], 1.0, true);
        }
        history.push_back(all[n]);
        const bool elsewhere = step % 29 == 28;
        const auto &space = elsewhere ? other : sp;
        const auto &trials = elsewhere ? small : history;
        const uint64_t seed = rng.next_u64();
        const auto with_cache = cached.suggest({1000}, space, trials, seed);
        const auto without = algo::Tpe().suggest({1000}, space, trials, seed);
        if (!same_bits(with_cache[0], without[0])) fail_msg("step %d: the cache changed the suggestion", step);
    }
}

// What the cache reuses in fmin's pattern: every earlier trial and every
// parameter's order, merged with the new trial's values.
static void cache_reuses_earlier_trials(void **) {
    const auto sp = space::Space::from_json(Json::parse(kEveryDistribution));
    const std::vector<trials::TrialPtr> all = clustered_history(sp, 301, 24);
    const std::vector<trials::TrialPtr> first(all.begin(), all.begin() + 300);
    const auto before = SortedHistory::build(sp, first, {});
    std::vector<trials::TrialPtr> next = all;
    next[299] = revised(next[299], 0.5, false);  // finished meanwhile
    const auto after = SortedHistory::build(sp, next, before);
    assert_int_equal(after->reused_trials(), 300);
    assert_int_equal(after->merged_params(), sp.params().size());
    const auto fresh = SortedHistory::build(sp, next, {});
    assert_int_equal(fresh->reused_trials(), 0);
    for (size_t p = 0; p < sp.params().size(); ++p) {
        const auto &a = after->param(p), &b = fresh->param(p);
        assert_int_equal(a.order.size(), b.order.size());
        assert_true(std::equal(a.order.begin(), a.order.end(), b.order.begin()));
        assert_true(std::memcmp(a.key.data(), b.key.data(), a.key.size() * sizeof(double)) == 0);
    }
    for (size_t i = 0; i < next.size(); ++i) assert_true(after->losses()[i] == fresh->losses()[i]);
    // the same trials: the same snapshot
    assert_true(SortedHistory::build(sp, next, after) == after);
    // held by nobody else: updated in place, to the same result
    std::vector<trials::TrialPtr> longer = clustered_history(sp, 320, 24);
    longer.resize(305);
    std::copy(next.begin(), next.end(), longer.begin());
    auto sole = SortedHistory::build(sp, next, {});
    const SortedHistory *address = sole.get();
    const auto updated = SortedHistory::build(sp, longer, std::move(sole));
    assert_true(updated.get() == address);
    const auto scratch = SortedHistory::build(sp, longer, {});
    for (size_t p = 0; p < sp.params().size(); ++p) {
        const auto &a = updated->param(p), &b = scratch->param(p);
        assert_int_equal(a.order.size(), b.order.size());
        assert_true(std::equal(a.order.begin(), a.order.end(), b.order.begin()));
        assert_true(std::memcmp(a.sorted_key.data(), b.sorted_key.data(), a.key.size() * sizeof(double)) == 0);
    }
    // edited values: nothing carries over
    next[10] = revised(next[10], 0.5, true);
    assert_int_equal(SortedHistory::build(sp, next, after)->reused_trials(), 0);
}

// A trial with another tid in `doc`'s place (the history of another driver,
// or a document whose tid was edited).
static trials::TrialPtr with_tid(const trials::TrialPtr &doc, int64_t tid) {
    trials::Trial copy = *doc;
    copy.tid = tid;
    return std::make_shared<const trials::Trial>(copy);
}

// Histories that do not extend the last one -- what fmin sees when another
// driver adds trials to the same experiment, or when documents are edited --
// after an earlier trial got a new document (its loss): the cache must
// start over, and each suggestion is the one a fresh Tpe gives. Each case
// once crashed the cached build (the revised losses were written into a
// history that had been started afresh).
static void cache_survives_histories_that_do_not_extend(void **) {
    const auto sp = space::Space::from_json(Json::parse(kEveryDistribution));
    const std::vector<trials::TrialPtr> all = clustered_history(sp, 80, 41);
    const std::vector<trials::TrialPtr> base(all.begin(), all.begin() + 40);
    using Rewrite = std::vector<trials::TrialPtr> (*)(std::vector<trials::TrialPtr>, const std::vector<trials::TrialPtr> &);
    const std::pair<const char *, Rewrite> cases[] = {
        {"values edited", [](auto h, const auto &) { h[30] = revised(h[30], 0.25, true); return h; }},
        {"reordered", [](auto h, const auto &) { std::swap(h[30], h[31]); return h; }},
        {"a trial in the middle", [](auto h, const auto &all) { h.insert(h.begin() + 30, all[60]); return h; }},
        {"a tid of -1 in the middle", [](auto h, const auto &all) { h.insert(h.begin() + 30, with_tid(all[61], -1)); return h; }},
        {"a tid of -1 in place", [](auto h, const auto &) { h[30] = with_tid(h[30], -1); return h; }},
        {"shrunk, then grown back", [](auto h, const auto &all) {
             h.erase(h.begin() + 30);
             h.push_back(all[62]);
             return h;
         }},
        {"shrunk", [](auto h, const auto &) { h.resize(35); return h; }},
    };
    for (const auto &[name, rewrite] : cases) {
        algo::Tpe cached;
        cached.suggest({1000}, sp, base, 1);  // the cache holds `base`
        std::vector<trials::TrialPtr> next = base;
        next[5] = revised(next[5], 0.125, false);  // an earlier trial finished meanwhile
        next = rewrite(next, all);
        const auto with_cache = cached.suggest({1000}, sp, next, 2);
        const auto without = algo::Tpe().suggest({1000}, sp, next, 2);
        if (!same_bits(with_cache[0], without[0])) fail_msg("%s: the cache changed the suggestion", name);
        // and the next, ordinary step builds on it
        next.push_back(all[70]);
        if (!same_bits(cached.suggest({1001}, sp, next, 3)[0], algo::Tpe().suggest({1001}, sp, next, 3)[0]))
            fail_msg("%s, then one more trial: the cache changed the suggestion", name);
    }
}

// The good set is the k smallest (loss, index) pairs, as the partial sort
// it replaced gave them: ties (exact, and -0.0 against 0.0) to the older
// trial, infinite losses (pending trials) last.
static void good_set_matches_partial_sort(void **) {
    Rng rng(31);
    std::vector<uint32_t> good;
    for (int trial = 0; trial < 300; ++trial) {
        const size_t n = static_cast<size_t>(rng.integers(0, 400));
        std::vector<double> losses(n);
        for (auto &x : losses) {
            switch (trial % 4) {
                case 0: x = rng.normal(); break;
                case 1: x = std::floor(rng.uniform(0, 5)); break;  // many ties
                case 2: x = rng.uniform() < 0.3 ? INFINITY : rng.uniform() < 0.5 ? 0.0 : -0.0; break;
                default: x = rng.uniform() < 0.5 ? -INFINITY : rng.uniform(); break;
            }
        }
        const size_t k = static_cast<size_t>(rng.integers(0, 30));
        std::vector<std::pair<double, uint32_t>> ranked(n);
        for (uint32_t i = 0; i < n; ++i) ranked[i] = {losses[i], i};
        const size_t want_k = std::min(k, n);
        std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(want_k), ranked.end());
        std::vector<uint32_t> want(want_k);
        for (size_t i = 0; i < want_k; ++i) want[i] = ranked[i].second;
        std::sort(want.begin(), want.end());
        select_good(losses, k, good);
        if (good != want) fail_msg("case %d, n=%zu, k=%zu: a different good set", trial % 4, n, k);
    }
}

// One Tpe object used by several threads at once gives each the suggestion
// it would get alone.
static void cache_is_thread_safe(void **) {
    const auto sp = space::Space::from_json(Json::parse(kEveryDistribution));
    std::vector<std::vector<trials::TrialPtr>> histories;
    for (int k = 0; k < 4; ++k) histories.push_back(clustered_history(sp, 100 + 37 * k, 30 + static_cast<uint64_t>(k)));
    std::vector<space::Vals> want;
    for (int k = 0; k < 4; ++k) want.push_back(algo::Tpe().suggest({999}, sp, histories[static_cast<size_t>(k)], 7)[0]);
    const algo::Tpe shared;
    std::vector<int> wrong(4, 0);
    std::vector<std::thread> threads;
    for (int k = 0; k < 4; ++k) {
        threads.emplace_back([&, k] {
            for (int rep = 0; rep < 15; ++rep) {
                const size_t h = static_cast<size_t>((k + rep) % 4);
                if (!same_bits(shared.suggest({999}, sp, histories[h], 7)[0], want[h])) ++wrong[static_cast<size_t>(k)];
            }
        });
    }
    for (auto &t : threads) t.join();
    for (int k = 0; k < 4; ++k) assert_int_equal(wrong[static_cast<size_t>(k)], 0);
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parzen_without_observations),
        cmocka_unit_test(parzen_one_observation),
        cmocka_unit_test(parzen_several_observations),
        cmocka_unit_test(linear_forgetting),
        cmocka_unit_test(gmm_lpdf_exact),
        cmocka_unit_test(gmm_sampler_matches_density),
        cmocka_unit_test(gmm_quantised_matches),
        cmocka_unit_test(lgmm_matches),
        cmocka_unit_test(truncation_far_in_the_tail),
        cmocka_unit_test(categorical_model),
        cmocka_unit_test(suggestions_follow_the_good_trials),
        cmocka_unit_test(sort_matches_stable_sort),
        cmocka_unit_test(exp4_accuracy),
        cmocka_unit_test(norm_tail_accuracy),
        cmocka_unit_test(densities_match_full_sums),
        cmocka_unit_test(parzen_matches_reference),
        cmocka_unit_test(simd_variants_agree),
        cmocka_unit_test(suggestions_same_on_every_variant),
        cmocka_unit_test(cache_is_invisible),
        cmocka_unit_test(cache_reuses_earlier_trials),
        cmocka_unit_test(cache_survives_histories_that_do_not_extend),
        cmocka_unit_test(cache_is_thread_safe),
        cmocka_unit_test(good_set_matches_partial_sort),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}

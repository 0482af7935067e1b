// TPE's estimator and mixtures against hyperopt's formulas (tpe.py and
// test_tpe.py): exact values where hyperopt's tests pin them, and density
// versus sampler consistency where they compare the two.
#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "algo/tpe/mixture.hpp"
#include "algo/tpe/parzen.hpp"
#include "algo/tpe/tpe.hpp"
#include "cmocka.hpp"
#include "core/mathx.hpp"
#include "fmin/new_trial.hpp"
#include "space/space.hpp"

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
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}

// Prior sampling of every distribution (space/prior.hpp), the random number
// generator (core/rng.hpp) and the numeric helpers (core/mathx.hpp).
//
// Statistical checks use fixed seeds and many draws; tolerances are about five
// standard errors, so a generator change cannot make them flake while a wrong
// formula (missing exp, sigma squared, uniform ends instead of half-weight
// ends...) still fails them.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <utility>
#include <vector>

#include "core/mathx.hpp"
#include "core/rng.hpp"
#include "space/prior.hpp"

// Last: cmocka defines a fail() macro that would clash with hopt::fail.
#include "cmocka.hpp"

using hopt::Rng;
using hopt::space::Dist;
using hopt::space::Param;

namespace {

constexpr int kDraws = 20000;

// ---------------------------------------------------------------- helpers --

double phi(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }  // standard normal CDF

Param bounded(Dist d, double low, double high, double q = 0) {
    Param p;
    p.label = "x";
    p.dist = d;
    p.low = low;
    p.high = high;
    p.q = q;
    return p;
}

Param gaussian(Dist d, double mu, double sigma, double q = 0) {
    Param p;
    p.label = "x";
    p.dist = d;
    p.mu = mu;
    p.sigma = sigma;
    p.q = q;
    return p;
}

Param choice(size_t n) {
    Param p;
    p.label = "c";
    p.dist = Dist::Choice;
    p.options.assign(n, 0);
    return p;
}

Param pchoice(std::vector<double> probs) {
    Param p = choice(probs.size());
    p.dist = Dist::PChoice;
    p.probs = std::move(probs);
    return p;
}

std::vector<double> draws(const Param &p, uint64_t seed, int n = kDraws) {
    Rng rng(seed);
    std::vector<double> xs(n);
    for (double &x : xs) x = hopt::space::sample_prior(p, rng);
    return xs;
}

std::vector<double> logs(std::vector<double> xs) {
    for (double &x : xs) x = std::log(x);
    return xs;
}

double mean(const std::vector<double> &xs) {
    double s = 0;
    for (double x : xs) s += x;
    return s / xs.size();
}

double variance(const std::vector<double> &xs) {
    const double m = mean(xs);
    double s = 0;
    for (double x : xs) s += (x - m) * (x - m);
    return s / (xs.size() - 1);
}

// Standardised central moment of order k (3: skewness, 4: kurtosis).
double std_moment(const std::vector<double> &xs, int k) {
    const double m = mean(xs), sd = std::sqrt(variance(xs));
    double s = 0;
    for (double x : xs) s += std::pow((x - m) / sd, k);
    return s / xs.size();
}

void expect_near(double got, double want, double tol, const char *what) {
    if (!(std::fabs(got - want) <= tol))
        fail_msg("%s: got %.9g, expected %.9g +- %.3g", what, got, want, tol);
}

void expect_in(const std::vector<double> &xs, double low, double high, bool high_inclusive, const char *what) {
    for (double x : xs)
        if (!(x >= low && (high_inclusive ? x <= high : x < high)))
            fail_msg("%s: value %.17g outside [%g, %g%c", what, x, low, high, high_inclusive ? ']' : ')');
}

void expect_multiples(const std::vector<double> &xs, double q, const char *what) {
    for (double x : xs) {
        const double k = x / q;
        if (std::fabs(k - std::round(k)) > 1e-9) fail_msg("%s: %.17g is not a multiple of %g", what, x, q);
    }
}

// Every value drawn is one of `expected` (value, probability), and each
// value's frequency is within five standard errors of its probability.
void expect_frequencies(const std::vector<double> &xs, const std::vector<std::pair<double, double>> &expected,
                        const char *what) {
    std::map<double, int> counts;
    for (double x : xs) counts[x]++;
    for (const auto &[value, count] : counts) {
        bool known = false;
        for (const auto &e : expected) known = known || e.first == value;
        if (!known) fail_msg("%s: unexpected value %.17g (%d times)", what, value, count);
    }
    const double n = static_cast<double>(xs.size());
    for (const auto &[value, prob] : expected) {
        const double freq = counts[value] / n;
        const double tol = 5 * std::sqrt(prob * (1 - prob) / n) + 1e-9;
        if (std::fabs(freq - prob) > tol)
            fail_msg("%s: value %g drawn with frequency %.4f, expected %.4f +- %.4f", what, value, freq, prob, tol);
    }
}

double fraction(const std::vector<double> &xs, double value) {
    int c = 0;
    for (double x : xs) c += x == value;
    return static_cast<double>(c) / xs.size();
}

// Pearson's chi-square statistic of integer draws in [0, k) against uniform.
double chi_square_uniform(const std::vector<uint64_t> &xs, uint64_t k) {
    std::vector<double> counts(k, 0);
    for (uint64_t x : xs) counts[x]++;
    const double e = static_cast<double>(xs.size()) / k;
    double chi = 0;
    for (double c : counts) chi += (c - e) * (c - e) / e;
    return chi;
}

// A chi-square statistic with `df` degrees of freedom beyond this is
// astronomically unlikely (mean df, sd sqrt(2 df): about 6 sd out).
double chi_square_limit(double df) { return df + 6 * std::sqrt(2 * df) + 10; }

// --------------------------------------------------- continuous families --

void test_uniform(void **) {
    const auto xs = draws(bounded(Dist::Uniform, -2, 3), 1);
    expect_in(xs, -2, 3, false, "uniform(-2, 3)");
    const double sd = 5 / std::sqrt(12.0);
    expect_near(mean(xs), 0.5, 5 * sd / std::sqrt(kDraws), "uniform mean");
    expect_near(variance(xs), 25.0 / 12, 0.04 * 25.0 / 12, "uniform variance");
    // Both ends are reached.
    double lo = 3, hi = -2;
    for (double x : xs) lo = std::min(lo, x), hi = std::max(hi, x);
    assert_true(lo < -2 + 0.01 && hi > 3 - 0.01);
}

void test_quniform_half_weight_ends(void **) {
    expect_frequencies(draws(bounded(Dist::QUniform, 0, 10, 5), 2), {{0, 0.25}, {5, 0.5}, {10, 0.25}},
                       "quniform(0, 10, 5)");
    // A fractional q: multiples of 0.25 over [-1, 1], ends at half weight.
    const auto xs = draws(bounded(Dist::QUniform, -1, 1, 0.25), 3);
    expect_multiples(xs, 0.25, "quniform(-1, 1, 0.25)");
    expect_near(fraction(xs, 0.25 * std::round(-1 / 0.25)), 1.0 / 16, 0.01, "quniform(-1, 1, 0.25) P(-1)");
}

void test_quniform_can_leave_bounds(void **) {
    // hyperopt's quirk (#321): round(x / q) * q, not low + k q.
    const auto a = draws(bounded(Dist::QUniform, 10, 1000, 50), 4);
    expect_multiples(a, 50, "quniform(10, 1000, 50)");
    expect_near(fraction(a, 0), 15.0 / 990, 0.005, "quniform(10, 1000, 50) P(0)");
    const auto b = draws(bounded(Dist::QUniform, 0, 7.9, 1), 5);
    expect_near(fraction(b, 8), 0.4 / 7.9, 0.01, "quniform(0, 7.9, 1) P(8)");
}

void test_loguniform(void **) {
    const auto xs = draws(bounded(Dist::LogUniform, -3, 2), 6);
    expect_in(xs, std::exp(-3), std::exp(2), false, "loguniform(-3, 2)");
    const auto ls = logs(xs);
    expect_near(mean(ls), -0.5, 5 * (5 / std::sqrt(12.0)) / std::sqrt(kDraws), "loguniform mean of log");
    expect_near(variance(ls), 25.0 / 12, 0.04 * 25.0 / 12, "loguniform variance of log");
}

void test_qloguniform(void **) {
    const double hi = std::log(100.0);
    const auto xs = draws(bounded(Dist::QLogUniform, 0, hi, 5), 7);
    expect_multiples(xs, 5, "qloguniform(0, log 100, 5)");
    expect_in(xs, 0, 100, true, "qloguniform(0, log 100, 5)");
    // round(exp(U) / 5) * 5: 0 when exp(U) < 2.5, 5 when it is in [2.5, 7.5).
    expect_near(fraction(xs, 0), std::log(2.5) / hi, 0.015, "qloguniform P(0)");
    expect_near(fraction(xs, 5), std::log(3.0) / hi, 0.016, "qloguniform P(5)");
    expect_near(fraction(xs, 100), std::log(100 / 97.5) / hi, 0.003, "qloguniform P(100)");
}

void test_normal(void **) {
    const auto xs = draws(gaussian(Dist::Normal, 3, 2), 8);
    expect_near(mean(xs), 3, 5 * 2 / std::sqrt(kDraws), "normal(3, 2) mean");
    expect_near(std::sqrt(variance(xs)), 2, 0.05 * 2, "normal(3, 2) sd");
    expect_near(std_moment(xs, 3), 0, 0.09, "normal(3, 2) skewness");
    int within = 0;
    for (double x : xs) within += std::fabs(x - 3) < 2;
    expect_near(static_cast<double>(within) / kDraws, 0.682689, 0.017, "normal(3, 2) P(|x - mu| < sigma)");
}

void test_qnormal(void **) {
    const auto xs = draws(gaussian(Dist::QNormal, 0, 1, 0.5), 9);
    expect_multiples(xs, 0.5, "qnormal(0, 1, 0.5)");
    expect_near(fraction(xs, 0), 2 * phi(0.25) - 1, 0.015, "qnormal P(0)");
    expect_near(fraction(xs, 0.5), phi(0.75) - phi(0.25), 0.014, "qnormal P(0.5)");
    expect_near(mean(xs), 0, 0.04, "qnormal mean");
}

void test_lognormal(void **) {
    const auto xs = draws(gaussian(Dist::LogNormal, 1, 0.5), 10);
    for (double x : xs) assert_true(x > 0);
    const auto ls = logs(xs);
    expect_near(mean(ls), 1, 5 * 0.5 / std::sqrt(kDraws), "lognormal(1, 0.5) mean of log");
    expect_near(std::sqrt(variance(ls)), 0.5, 0.05 * 0.5, "lognormal(1, 0.5) sd of log");
}

void test_qlognormal(void **) {
    const auto xs = draws(gaussian(Dist::QLogNormal, 0, 1, 1), 11);
    expect_multiples(xs, 1, "qlognormal(0, 1, 1)");
    for (double x : xs) assert_true(x >= 0);
    // round(exp(N)): 0 when exp(N) < 0.5 (hyperopt can return 0), 1 in [0.5, 1.5).
    expect_near(fraction(xs, 0), phi(std::log(0.5)), 0.016, "qlognormal P(0)");
    expect_near(fraction(xs, 1), phi(std::log(1.5)) - phi(std::log(0.5)), 0.018, "qlognormal P(1)");
}

// ------------------------------------------------------- integer families --

// hyperopt's tests draw 1000 values with one seed and bound each value's
// count. Some of those windows are only about two standard deviations wide
// (a correct generator fails them for one seed in three), so each is run on
// seeds 0..19 and must hold for at least `min_seeds` of them; a broken
// sampler fails nearly all. The 20,000-draw checks are the precise ones.
struct Window {
    double value, lo, hi;  // the count of `value` in 1000 draws is in (lo, hi)
};

void expect_hyperopt_windows(const Param &p, const std::vector<Window> &windows, int min_seeds, const char *what) {
    int passing = 0;
    for (uint64_t seed = 0; seed < 20; ++seed) {
        const auto xs = draws(p, seed, 1000);
        bool ok = true;
        for (const auto &w : windows) {
            const double c = fraction(xs, w.value) * 1000;
            ok = ok && c > w.lo && c < w.hi;
        }
        passing += ok;
    }
    if (passing < min_seeds) fail_msg("%s: hyperopt's count windows hold for %d of 20 seeds", what, passing);
}

void test_randint_one_argument(void **) {
    // hyperopt's test_randint: randint('a', 5) -> each of 0..4 drawn 100..300 times.
    const Param p = bounded(Dist::RandInt, 0, 5);
    std::vector<Window> windows;
    for (int v = 0; v < 5; ++v) windows.push_back({double(v), 100, 300});
    expect_hyperopt_windows(p, windows, 20, "randint(5)");
    expect_frequencies(draws(p, 13), {{0, 0.2}, {1, 0.2}, {2, 0.2}, {3, 0.2}, {4, 0.2}}, "randint(5)");
}

void test_randint_two_arguments(void **) {
    // hyperopt's test_randint: randint('a', 5, 15) -> never below 5, each of
    // 5..14 drawn 80..120 times (+-2.1 sd: about 2/3 of seeds).
    const Param p = bounded(Dist::RandInt, 5, 15);
    std::vector<Window> windows;
    for (int v = 5; v < 15; ++v) windows.push_back({double(v), 80, 120});
    expect_hyperopt_windows(p, windows, 6, "randint(5, 15)");
    std::vector<std::pair<double, double>> expected;
    for (int v = 5; v < 15; ++v) expected.emplace_back(v, 0.1);
    expect_frequencies(draws(p, 14), expected, "randint(5, 15)");
    // A negative range.
    expected.clear();
    for (int v = -3; v < 2; ++v) expected.emplace_back(v, 0.2);
    expect_frequencies(draws(bounded(Dist::RandInt, -3, 2), 15), expected, "randint(-3, 2)");
}

void test_uniformint(void **) {
    // round(U(0, 4)) with q = 1: integers 0..4 inclusive, the ends at half weight.
    expect_frequencies(draws(bounded(Dist::UniformInt, 0, 4, 1), 16),
                       {{0, 0.125}, {1, 0.25}, {2, 0.25}, {3, 0.25}, {4, 0.125}}, "uniformint(0, 4)");
}

void test_choice(void **) {
    expect_frequencies(draws(choice(4), 17), {{0, 0.25}, {1, 0.25}, {2, 0.25}, {3, 0.25}}, "choice(4 options)");
    expect_frequencies(draws(choice(1), 18, 100), {{0, 1.0}}, "choice(1 option)");
}

void test_pchoice(void **) {
    // hyperopt's test_pchoice: 1000 draws give counts in (120, 160), (0, 40),
    // (800, 900) (the first window is +-1.8 sd: about 93% of seeds).
    const Param p = pchoice({0.14, 0.02, 0.84});
    expect_hyperopt_windows(p, {{0, 120, 160}, {1, 0, 40}, {2, 800, 900}}, 14, "pchoice");
    expect_frequencies(draws(p, 20), {{0, 0.14}, {1, 0.02}, {2, 0.84}}, "pchoice(0.14, 0.02, 0.84)");
    // A zero-probability option is never drawn.
    expect_frequencies(draws(pchoice({0, 0.25, 0.75}), 21), {{1, 0.25}, {2, 0.75}}, "pchoice(0, 0.25, 0.75)");
}

// ------------------------------------------------------------------- Rng --

void test_rng_same_seed_same_stream(void **) {
    Rng a(123), b(123);
    for (int i = 0; i < 1000; ++i) {
        assert_int_equal(a.next_u64(), b.next_u64());
        assert_true(a.uniform() == b.uniform());
        assert_true(a.normal() == b.normal());  // also replays the polar method's spare
        assert_int_equal(a.below(1000), b.below(1000));
    }
}

void test_rng_seeds_differ(void **) {
    const uint64_t seeds[] = {0, 1, 2, 42, 43, UINT64_MAX};
    const size_t n = sizeof seeds / sizeof *seeds;
    for (size_t i = 0; i < n; ++i)
        for (size_t j = i + 1; j < n; ++j) {
            Rng a(seeds[i]), b(seeds[j]);
            int same = 0;
            for (int k = 0; k < 1000; ++k) same += a.next_u64() == b.next_u64();
            if (same > 0) fail_msg("seeds %llu and %llu share %d of 1000 outputs", (unsigned long long)seeds[i],
                                   (unsigned long long)seeds[j], same);
        }
}

// The stream is part of the product's promise (same seed, same suggestions on
// every platform). These are xoshiro256** outputs seeded through splitmix64,
// checked against an independent implementation of the published algorithm.
void test_rng_pinned_stream(void **) {
    struct Pinned {
        uint64_t seed;
        uint64_t u64[4];
        double uniform[3];
    };
    const Pinned pinned[] = {
        {0,
         {0x99ec5f36cb75f2b4ULL, 0xbf6e1f784956452aULL, 0x1a5f849d4933e6e0ULL, 0x6aa594f1262d2d2cULL},
         {0.6012629994179048, 0.7477740925472398, 0.10301998939503632}},
        {42,
         {0x15780b2e0c2ec716ULL, 0x6104d9866d113a7eULL, 0xae17533239e499a1ULL, 0xecb8ad4703b360a1ULL},
         {0.08386297105988216, 0.3789802506626686, 0.6800434110281394}},
    };
    for (const auto &p : pinned) {
        Rng r(p.seed);
        for (uint64_t want : p.u64) assert_int_equal(r.next_u64(), want);
        Rng u(p.seed);
        for (double want : p.uniform)
            if (u.uniform() != want) fail_msg("seed %llu: uniform() differs from %.17g", (unsigned long long)p.seed, want);
    }
    // Derived draws, computed once from this implementation: normal() (polar
    // method; it relies on std::log and std::sqrt being the same everywhere)
    // and below() (Lemire).
    struct Derived {
        uint64_t seed;
        double normal[3];
        uint64_t below10[5];
    };
    const Derived derived[] = {
        {0, {0.5981026483626094, 1.4634599192204392, -0.89505255323799138}, {6, 7, 1, 4, 7}},
        {42, {-0.72621913824478568, -0.21119691823195985, 0.22162270150359331}, {0, 3, 6, 9, 9}},
    };
    for (const auto &d : derived) {
        Rng r(d.seed);
        for (double want : d.normal)
            if (r.normal() != want) fail_msg("seed %llu: normal() differs from %.17g", (unsigned long long)d.seed, want);
        Rng b(d.seed);
        for (uint64_t want : d.below10) assert_int_equal(b.below(10), want);
    }
}

void test_rng_uniform(void **) {
    Rng r(5);
    std::vector<double> xs(200000);
    for (double &x : xs) {
        x = r.uniform();
        if (!(x >= 0 && x < 1)) fail_msg("uniform() gave %.17g", x);
    }
    expect_near(mean(xs), 0.5, 5 * std::sqrt(1 / 12.0 / xs.size()), "uniform() mean");
    expect_near(variance(xs), 1 / 12.0, 0.02 / 12, "uniform() variance");
}

void test_rng_below_unbiased(void **) {
    // Small n: every value, equally often.
    for (uint64_t n : {2ULL, 3ULL, 7ULL, 10ULL, 1000ULL}) {
        Rng r(100 + n);
        std::vector<uint64_t> xs(20000 + 50 * n);
        for (auto &x : xs) {
            x = r.below(n);
            if (x >= n) fail_msg("below(%llu) gave %llu", (unsigned long long)n, (unsigned long long)x);
        }
        const double chi = chi_square_uniform(xs, n);
        if (chi > chi_square_limit(n - 1)) fail_msg("below(%llu): chi-square %.1f", (unsigned long long)n, chi);
    }
    Rng one(1);
    for (int i = 0; i < 100; ++i) assert_int_equal(one.below(1), 0);
    // n = 3 * 2^62, where both naive reductions are visibly biased: `x % n`
    // gives [0, 2^62) half the time instead of a third, and Lemire's
    // multiply-shift without its rejection step gives multiples of 3 half the
    // time instead of a third.
    const uint64_t n = 3ULL << 62;
    Rng r(77);
    const int draws = 60000;
    int low_part = 0, multiple_of_3 = 0;
    for (int i = 0; i < draws; ++i) {
        const uint64_t x = r.below(n);
        assert_true(x < n);
        low_part += x < (1ULL << 62);
        multiple_of_3 += x % 3 == 0;
    }
    const double tol = 5 * std::sqrt(2.0 / 9 / draws);
    expect_near(static_cast<double>(low_part) / draws, 1.0 / 3, tol, "below(3*2^62): P(x < 2^62)");
    expect_near(static_cast<double>(multiple_of_3) / draws, 1.0 / 3, tol, "below(3*2^62): P(x % 3 == 0)");
}

void test_rng_normal_moments(void **) {
    Rng r(9);
    std::vector<double> xs(200000);
    for (double &x : xs) x = r.normal();
    const double n = static_cast<double>(xs.size());
    expect_near(mean(xs), 0, 5 / std::sqrt(n), "normal() mean");
    expect_near(variance(xs), 1, 5 * std::sqrt(2 / n), "normal() variance");
    expect_near(std_moment(xs, 3), 0, 5 * std::sqrt(6 / n), "normal() skewness");
    expect_near(std_moment(xs, 4), 3, 5 * std::sqrt(24 / n), "normal() kurtosis");
    int within = 0;
    for (double x : xs) within += std::fabs(x) < 1;
    expect_near(within / n, 0.682689492137, 5 * std::sqrt(0.2166 / n), "normal() P(|z| < 1)");
}

// ------------------------------------------------------------------ math --

void test_round_half_even(void **) {
    const double cases[][2] = {
        {0.5, 0},   {1.5, 2},   {2.5, 2},   {3.5, 4},   {-1.5, -2},         {-2.5, -2}, {2.4, 2},
        {2.6, 3},   {-2.6, -3}, {7, 7},     {0, 0},     {0.49999999999999994, 0},       {4503599627370497.0, 4503599627370497.0},
    };
    for (const auto &c : cases)
        if (hopt::math::round_half_even(c[0]) != c[1])
            fail_msg("round_half_even(%.17g) = %.17g, expected %.17g", c[0], hopt::math::round_half_even(c[0]), c[1]);
    // numpy.round(-0.5) is -0.0.
    const double z = hopt::math::round_half_even(-0.5);
    assert_true(z == 0 && std::signbit(z));
    // quantize is round(x / q) * q with the same rounding.
    assert_true(hopt::math::quantize(12.5, 5) == 10);
    assert_true(hopt::math::quantize(7.5, 5) == 10);
    assert_true(hopt::math::quantize(0.75, 0.5) == 1);
}

void test_norm_ppf_inverts_norm_cdf(void **) {
    using hopt::math::norm_cdf;
    using hopt::math::norm_ppf;
    using hopt::math::norm_sf;
    // cdf(ppf(p)) == p to 1e-12 relative, p from 1e-300 to 1 - 1e-16.
    for (double e = -300; e <= std::log10(0.5); e += 0.05) {
        const double p = std::pow(10.0, e);
        const double back = norm_cdf(norm_ppf(p));
        if (!(std::fabs(back - p) <= 1e-12 * p)) fail_msg("norm_cdf(norm_ppf(%.17g)) = %.17g", p, back);
    }
    for (double e = std::log10(0.5); e >= -16; e -= 0.05) {
        const double p = 1 - std::pow(10.0, e);
        const double back = norm_cdf(norm_ppf(p));
        if (!(std::fabs(back - p) <= 1e-12 * p)) fail_msg("norm_cdf(norm_ppf(%.17g)) = %.17g", p, back);
    }
    // Known quantiles, and the ends.
    const double known[][2] = {{0.5, 0},
                               {0.975, 1.959963984540054},
                               {0.001, -3.090232306167814},
                               {1e-10, -6.361340902404056},
                               {0.8413447460685429, 1.0}};
    for (const auto &k : known) expect_near(norm_ppf(k[0]), k[1], 1e-12 * std::max(1.0, std::fabs(k[1])), "norm_ppf");
    assert_true(norm_ppf(0) == -INFINITY);
    assert_true(norm_ppf(1) == INFINITY);
    assert_true(std::isnan(norm_ppf(-0.1)) && std::isnan(norm_ppf(1.1)) && std::isnan(norm_ppf(NAN)));
    // norm_sf is the upper tail, accurate where norm_cdf would round to 1.
    expect_near(norm_sf(10) / 7.6198530241605260e-24, 1, 1e-12, "norm_sf(10)");
}

// Near p = 1 the inverse must be as accurate as near p = 0: for p = 1 - t
// (t exact), the upper-tail mass at norm_ppf(p) is t to 1e-12 relative, i.e.
// norm_ppf(1 - t) == -norm_ppf(t).
void test_norm_ppf_upper_tail(void **) {
    using hopt::math::norm_ppf;
    using hopt::math::norm_sf;
    double worst = 0, worst_t = 0;
    for (double e = std::log10(0.5); e >= -16; e -= 0.05) {
        const double p = 1 - std::pow(10.0, e);
        const double t = 1 - p;  // exact (Sterbenz)
        const double rel = std::fabs(norm_sf(norm_ppf(p)) - t) / t;
        if (rel > worst) worst = rel, worst_t = t;
    }
    if (worst > 1e-12)
        fail_msg("norm_ppf(1 - t) is off: norm_sf(norm_ppf(1 - %.3g)) has relative error %.3g (x: %.17g, want %.17g)",
                 worst_t, worst, norm_ppf(1 - worst_t), -norm_ppf(worst_t));
}

void test_logsumexp(void **) {
    using hopt::math::logsumexp;
    const double inf = INFINITY;
    struct Case {
        std::vector<double> v;
        double want;
    };
    const Case cases[] = {
        {{}, -inf},
        {{-inf, -inf}, -inf},
        {{0}, 0},
        {{0, 0}, std::log(2.0)},
        {{1, 2, 3}, std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0))},
        {{1000, 1000}, 1000 + std::log(2.0)},     // no overflow
        {{-1000, -1000}, -1000 + std::log(2.0)},  // no underflow
        {{-inf, 5}, 5},
        {{inf, 0}, inf},
    };
    for (const auto &c : cases) {
        const double got = logsumexp(c.v);
        if (std::isinf(c.want) ? got != c.want : std::fabs(got - c.want) > 1e-12 * std::max(1.0, std::fabs(c.want)))
            fail_msg("logsumexp of %zu values: got %.17g, expected %.17g", c.v.size(), got, c.want);
    }
}

}  // namespace

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uniform),
        cmocka_unit_test(test_quniform_half_weight_ends),
        cmocka_unit_test(test_quniform_can_leave_bounds),
        cmocka_unit_test(test_loguniform),
        cmocka_unit_test(test_qloguniform),
        cmocka_unit_test(test_normal),
        cmocka_unit_test(test_qnormal),
        cmocka_unit_test(test_lognormal),
        cmocka_unit_test(test_qlognormal),
        cmocka_unit_test(test_randint_one_argument),
        cmocka_unit_test(test_randint_two_arguments),
        cmocka_unit_test(test_uniformint),
        cmocka_unit_test(test_choice),
        cmocka_unit_test(test_pchoice),
        cmocka_unit_test(test_rng_same_seed_same_stream),
        cmocka_unit_test(test_rng_seeds_differ),
        cmocka_unit_test(test_rng_pinned_stream),
        cmocka_unit_test(test_rng_uniform),
        cmocka_unit_test(test_rng_below_unbiased),
        cmocka_unit_test(test_rng_normal_moments),
        cmocka_unit_test(test_round_half_even),
        cmocka_unit_test(test_norm_ppf_inverts_norm_cdf),
        cmocka_unit_test(test_norm_ppf_upper_tail),
        cmocka_unit_test(test_logsumexp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

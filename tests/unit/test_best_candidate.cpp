// TPE's choice among its EI candidates with bounds (best_candidate) against
// the exhaustive argmax of every full score: the same index every time, on
// mixtures like TPE's (a component per trial, clusters, exact ties) for each
// kind of score, with candidates that tie exactly, differ by one ulp, fall
// where g has no density, or are NaN.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "algo/tpe/best_candidate.hpp"
#include "algo/tpe/parzen.hpp"
#include "algo/tpe/simd.hpp"
#include "cmocka.hpp"
#include "core/mathx.hpp"
#include "core/rng.hpp"

using namespace hopt;
using namespace hopt::algo::tpe;

namespace {

// n observations in [low, high): uniform, or (clustered) half of them copies
// of or close to earlier ones.
std::vector<double> observations(size_t n, double low, double high, bool clustered, Rng &rng) {
    std::vector<double> v;
    for (size_t i = 0; i < n; ++i) {
        double x = rng.uniform(low, high);
        if (clustered && i > 3 && rng.uniform() < 0.5) {
            x = v[rng.below(v.size())];
            if (rng.uniform() < 0.5) x = std::clamp(x + rng.normal(0, 0.01 * (high - low)), low, high * 0.999999);
        }
        v.push_back(x);
    }
    return v;
}

// The estimator of `obs` (in tid order), as TPE builds it.
ParzenMixture estimate(const std::vector<double> &obs, double prior_mu, double prior_sigma) {
    return adaptive_parzen(sort_observations(obs), 1.0, prior_mu, prior_sigma, 25);
}

struct Case {
    Lpdf kind;
    double low, high, q;  // bounds in the space the mixture models (log for Log, LogQ)
};

int check_case(const Case &c, size_t n_good, size_t n_bad, bool clustered, uint64_t seed) {
    Rng rng(seed);
    const double mu = 0.5 * (c.low + c.high), sigma = c.high - c.low;
    const Bounds bounds{c.low, c.high};
    const bool q = c.kind == Lpdf::Q || c.kind == Lpdf::LogQ, log_space = c.kind == Lpdf::Log || c.kind == Lpdf::LogQ;
    const NormalMixture l(estimate(observations(n_good, c.low, c.high, clustered, rng), mu, sigma), bounds,
                          MixtureUse{true, q, true});
    const ParzenMixture bad = estimate(observations(n_bad, c.low, c.high, clustered, rng), mu, sigma);
    int mismatches = 0;
    for (int round = 0; round < 20; ++round) {
        std::vector<double> xs;
        for (int i = 0; i < 24; ++i) {
            double x = l.sample(rng);
            if (log_space) x = std::exp(x);
            if (q) x = math::quantize(x, c.q);
            xs.push_back(x);
        }
        // Exact ties, one-ulp neighbours, and (now and then) points where g
        // has no density or the score is NaN.
        for (int k = 0; k < 4; ++k) xs[rng.below(24)] = xs[rng.below(24)];
        const size_t j = rng.below(24);
        xs[rng.below(24)] = std::nextafter(xs[j], INFINITY);
        if (round % 5 == 1) xs[rng.below(24)] = log_space ? 1e300 : 1e30;
        if (round % 5 == 2) xs[rng.below(24)] = NAN;
        if (round % 5 == 3 && log_space) xs[rng.below(24)] = -1.0;
        // Each call gets g fresh (not normalised), as TPE builds it.
        NormalMixture g1(bad, bounds, MixtureUse{false, q, false}), g2(bad, bounds, MixtureUse{false, q, false});
        CandidateScratch scratch;
        const size_t got = best_candidate(xs, l, g1, c.kind, c.q, scratch);
        const size_t want = best_candidate_exhaustive(xs, l, g2, c.kind, c.q);
        if (got != want) {
            print_message("kind %d, %zu/%zu components, seed %llu, round %d: picked %zu, exhaustive %zu\n",
                          static_cast<int>(c.kind), n_good, n_bad, static_cast<unsigned long long>(seed), round, got,
                          want);
            ++mismatches;
        }
    }
    return mismatches;
}

const Case kCases[] = {
    {Lpdf::Plain, -5, 5, 0},
    {Lpdf::Q, 0, 10, 0.5},
    {Lpdf::Log, std::log(0.01), std::log(100.0), 0},
    {Lpdf::LogQ, 0, std::log(1000.0), 2},
};

}  // namespace

static void matches_exhaustive_argmax(void **) {
    int mismatches = 0;
    uint64_t seed = 1;
    for (const Case &c : kCases)
        for (size_t n_bad : {1u, 5u, 60u, 1000u, 4000u})
            for (bool clustered : {false, true}) mismatches += check_case(c, 1 + n_bad / 100, n_bad, clustered, seed++);
    assert_int_equal(mismatches, 0);
}

// The same with the generic (non-SIMD) sums.
static void matches_exhaustive_argmax_generic(void **) {
    simd::set_active(simd::Isa::Generic);
    int mismatches = 0;
    uint64_t seed = 100;
    for (const Case &c : kCases) mismatches += check_case(c, 8, 1000, true, seed++);
    simd::set_active(simd::avx2_available() ? simd::Isa::Avx2 : simd::Isa::Generic);
    assert_int_equal(mismatches, 0);
}

// Scores that differ only past their last few bits are ordered with g's
// normaliser, exactly as the exhaustive argmax orders them; with candidates
// all equal, the first wins.
static void near_ties_use_the_normaliser(void **) {
    Rng rng(7);
    const std::vector<double> good = observations(8, -5, 5, false, rng), bad = observations(1000, -5, 5, false, rng);
    const NormalMixture l(estimate(good, 0, 10), Bounds{-5, 5}, MixtureUse{true, false, true});
    const ParzenMixture g_est = estimate(bad, 0, 10);
    std::vector<double> xs(24, 0.25);
    NormalMixture g(g_est, Bounds{-5, 5}, MixtureUse{false, false, false});
    CandidateScratch scratch;
    assert_int_equal(best_candidate(xs, l, g, Lpdf::Plain, 0, scratch), 0);
    assert_true(g.normalised());  // 24 equal scores: settled exactly
    for (size_t i = 0; i < xs.size(); ++i) xs[i] = std::nextafter(0.25, i % 2 ? INFINITY : -INFINITY);
    NormalMixture g1(g_est, Bounds{-5, 5}, MixtureUse{false, false, false}),
        g2(g_est, Bounds{-5, 5}, MixtureUse{false, false, false});
    assert_int_equal(best_candidate(xs, l, g1, Lpdf::Plain, 0, scratch),
                     best_candidate_exhaustive(xs, l, g2, Lpdf::Plain, 0));
    // Well separated scores need no normaliser.
    for (size_t i = 0; i < xs.size(); ++i) xs[i] = -4.5 + 0.4 * static_cast<double>(i);
    NormalMixture g3(g_est, Bounds{-5, 5}, MixtureUse{false, false, false}),
        g4(g_est, Bounds{-5, 5}, MixtureUse{false, false, false});
    assert_int_equal(best_candidate(xs, l, g3, Lpdf::Plain, 0, scratch),
                     best_candidate_exhaustive(xs, l, g4, Lpdf::Plain, 0));
    assert_false(g3.normalised());
}

// A mixture waiting for its normaliser says so rather than score wrongly.
static void unnormalised_scores_are_nan(void **) {
    Rng rng(8);
    const ParzenMixture est = estimate(observations(100, -5, 5, false, rng), 0, 10);
    NormalMixture g(est, Bounds{-5, 5}, MixtureUse{false, false, false});
    const NormalMixture full(est, Bounds{-5, 5});
    assert_true(std::isnan(g.lpdf(0.3)));
    assert_true(g.normaliser_floor(Lpdf::Plain) <= full.normaliser(Lpdf::Plain));
    g.normalise();
    const double a = g.lpdf(0.3), b = full.lpdf(0.3);
    assert_memory_equal(&a, &b, sizeof a);
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matches_exhaustive_argmax),
        cmocka_unit_test(matches_exhaustive_argmax_generic),
        cmocka_unit_test(near_ties_use_the_normaliser),
        cmocka_unit_test(unnormalised_scores_are_nan),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}

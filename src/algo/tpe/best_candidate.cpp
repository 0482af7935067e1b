#include "algo/tpe/best_candidate.hpp"

#include <algorithm>
#include <cmath>

namespace hopt::algo::tpe {

namespace {

// NaN scores rank below everything (they never win, but the first candidate
// is kept when every score is NaN or -inf).
double rank(double score) { return std::isnan(score) ? -INFINITY : score; }

// Whether a candidate ranked `score` at index i beats the best so far.
bool beats(double score, size_t i, double best, size_t best_i) {
    return score > best || (score == best && i < best_i);
}

// Relative allowance for rounding: far above the few ulps the operations
// below can lose, far below any difference between scores that matters.
constexpr double kRounding = 1e-12;

}  // namespace

size_t best_candidate_exhaustive(std::span<const double> xs, const NormalMixture &l, NormalMixture &g, Lpdf kind,
                                 double q) {
    g.normalise();
    size_t best_i = 0;
    double best = -INFINITY;
    for (size_t i = 0; i < xs.size(); ++i) {
        const double s = rank(l.lpdf_as(kind, xs[i], q) - g.lpdf_as(kind, xs[i], q));
        if (i == 0 || beats(s, i, best, best_i)) {
            best = s;
            best_i = i;
        }
    }
    return best_i;
}

// The exact score is s = l - (u - c): l the candidate's score under l, u
// g's unnormalised score, c g's normaliser, a constant. Candidates are
// ranked by a = l - u first, which orders them as s does except within
// rounding of a tie; c is computed only to settle such near-ties.
size_t best_candidate(std::span<const double> xs, const NormalMixture &l, NormalMixture &g, Lpdf kind, double q,
                      CandidateScratch &scratch) {
    const size_t n = xs.size();
    if (n <= 1) return 0;
    std::vector<double> &l_score = scratch.l_score, &upper = scratch.upper, &a = scratch.a;
    std::vector<size_t> &order = scratch.order;  // the candidates evaluated in full
    l_score.resize(n);
    upper.resize(n);
    a.assign(n, NAN);
    order.resize(n);
    // What separates two ranks for sure: rounding in a and s for either,
    // relative to the largest magnitude among the terms (|c| bounded by its
    // floor and about 0, the log of a mass <= 1). Infinite: every rank is
    // close.
    const double c_size = std::fabs(g.normaliser_floor(kind)) + 1.0;
    double slack = 0;
    auto widen = [&](double l_term, double u) {
        slack = std::max(slack, std::fabs(l_term) + (std::isfinite(u) ? std::fabs(u) : 0.0) + c_size);
    };
    for (size_t i = 0; i < n; ++i) {
        l_score[i] = l.lpdf_as(kind, xs[i], q);
        // g's partial sum is below its full sum to within e^-32 (what the
        // full one leaves out) and rounding, both far inside the margin;
        // every operation after the sums rounds monotonically, so l -
        // u_partial bounds a. A NaN bound says nothing.
        const double u_low = g.unnormalised(kind, xs[i], q, Reach::Near);
        const double bound = l_score[i] - u_low;
        widen(l_score[i], u_low);
        upper[i] = std::isnan(bound) ? INFINITY : bound + kRounding * (1.0 + std::fabs(bound));
    }
    double best = -INFINITY;
    size_t evaluated = 0;
    auto evaluate = [&](size_t i) {
        const double u = g.unnormalised(kind, xs[i], q);
        a[i] = rank(l_score[i] - u);
        slack = std::max(slack, std::fabs(l_score[i]) + std::fabs(u) + c_size);  // an infinite u too
        best = std::max(best, a[i]);
        order[evaluated++] = i;
    };
    // The most promising candidate first: its score is usually the best, and
    // rules out the others by their bounds alone. The best only grows, but
    // the slack may too: a pass that widened it looks again at those left.
    evaluate(static_cast<size_t>(std::max_element(upper.begin(), upper.end()) - upper.begin()));
    for (double before = -1; slack != before;) {
        before = slack;
        for (size_t i = 0; i < n; ++i)
            if (std::isnan(a[i]) && !(upper[i] < best - 2 * kRounding * slack)) evaluate(i);
    }
    // Ranks within the slack of the best could change places once c is
    // added: settle them with exact scores (c only if they need it).
    size_t best_i = n, contenders = 0;
    const double close = best - 2 * kRounding * slack;
    for (size_t k = 0; k < evaluated; ++k) {
        const size_t i = order[k];
        if (!(a[i] >= close)) continue;  // (NaN close: -inf best or infinite slack, all close)
        ++contenders;
        best_i = std::min(best_i, i);
    }
    if (contenders == 1 && std::isfinite(close)) return best_i;
    g.normalise();
    double best_s = -INFINITY;
    best_i = n;
    for (size_t k = 0; k < evaluated; ++k) {
        const size_t i = order[k];
        if (std::isfinite(close) && !(a[i] >= close)) continue;
        const double s = rank(l_score[i] - g.lpdf_as(kind, xs[i], q));
        if (best_i == n || beats(s, i, best_s, best_i)) {
            best_s = s;
            best_i = i;
        }
    }
    return best_i;
}

}  // namespace hopt::algo::tpe

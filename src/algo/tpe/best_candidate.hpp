// TPE's choice among its EI candidates: the one maximising log l(x) - log
// g(x), first on ties, NaN scores never winning (hyperopt's argmax).
//
// The bad model g has a component per trial, so its density is most of a
// suggestion's work. The choice needs it in full only for candidates that
// could win: every candidate gets an upper bound on its score from g's
// components around it (a lower bound on g), and full scores are computed
// from the most promising down, until no remaining bound reaches the best
// score so far. g's normaliser, a constant, is left out unless two scores
// are too close to order without it. The result is the exhaustive argmax's,
// bit for bit.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "algo/tpe/mixture.hpp"

namespace hopt::algo::tpe {

// Arrays reused between calls.
struct CandidateScratch {
    std::vector<double> l_score, upper, a;
    std::vector<size_t> order;
};

// Index of the best of `xs` under l.lpdf_as(kind, x, q) - g.lpdf_as(kind, x, q).
// l must be normalised (it is when it samples); g is normalised if needed.
size_t best_candidate(std::span<const double> xs, const NormalMixture &l, NormalMixture &g, Lpdf kind, double q,
                      CandidateScratch &scratch);

// The same, every score in full: the reference the bounds must agree with.
size_t best_candidate_exhaustive(std::span<const double> xs, const NormalMixture &l, NormalMixture &g, Lpdf kind,
                                 double q);

}  // namespace hopt::algo::tpe

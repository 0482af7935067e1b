#include "algo/tpe/sorted_history.hpp"

#include <algorithm>
#include <cstring>

#include "algo/tpe/simd.hpp"
#include "algo/tpe/sort_values.hpp"
#include "core/mathx.hpp"

namespace hopt::algo::tpe {

using space::Dist;

ValueTransform ValueTransform::of(const space::Param &p) {
    ValueTransform t;
    t.log = p.dist == Dist::LogUniform || p.dist == Dist::QLogUniform || p.dist == Dist::LogNormal ||
            p.dist == Dist::QLogNormal;
    if (t.log) {
        const double q = p.has_q() ? p.q : 0.0;
        t.floor = p.dist == Dist::QLogUniform ? std::max(math::kEps, std::exp(p.low)) : q > 0 ? math::kEps : 0.0;
    }
    return t;
}

namespace {

// Whether trial `index` of `prev` has the same active values as `doc`.
bool same_values(const trials::Trial &doc, uint32_t index, const std::vector<SortedHistory::Param> &prev,
                 const TrialReader &reader) {
    const size_t n_params = prev.size();
    std::vector<double> value(n_params);
    std::vector<uint8_t> active(n_params, 0);
    reader.values(doc, [&](uint32_t p, double v) {
        value[p] = v;
        active[p] = 1;
    });
    for (size_t p = 0; p < n_params; ++p) {
        const Observations &obs = prev[p].obs;
        const auto it = std::lower_bound(obs.begin(), obs.end(), index,
                                         [](const Observation &o, uint32_t i) { return o.trial < i; });
        const bool had = it != obs.end() && it->trial == index;
        if (had != static_cast<bool>(active[p])) return false;
        if (had && std::memcmp(&it->value, &value[p], sizeof(double)) != 0) return false;
    }
    return true;
}

}  // namespace

namespace {

// Inserts the positions `fresh` (sorted, all after the old ones) into an
// order that already has room for them at its end: from the largest down,
// each finds its place by binary search and the old entries after it move
// up in one block.
void insert_sorted(const UninitVector<ValueIndex> &fresh, size_t n_old, SortedHistory::Param &p) {
    size_t end = n_old;  // old entries [0, end) not yet moved
    for (size_t f = fresh.size(); f-- > 0;) {
        const ValueIndex &v = fresh[f];
        size_t lo = 0, hi = end;
        while (lo < hi) {
            const size_t mid = lo + (hi - lo) / 2;
            if (value_before(v.value, v.index, p.sorted_key[mid], p.order[mid])) hi = mid;
            else lo = mid + 1;
        }
        std::memmove(&p.order[lo + f + 1], &p.order[lo], (end - lo) * sizeof(uint32_t));
        std::memmove(&p.sorted_key[lo + f + 1], &p.sorted_key[lo], (end - lo) * sizeof(double));
        p.order[lo + f] = v.index;
        p.sorted_key[lo + f] = v.value;
        end = lo;
    }
}

// A parameter's order from scratch.
void sort_param(SortedHistory::Param &out) {
    const size_t m = out.key.size();
    out.order.resize(m);
    out.sorted_key.resize(m);
    sort_keys(out.key.data(), m, out.order.data(), out.sorted_key.data());
}

}  // namespace

bool SortedHistory::same_params(const space::Space &space) const {
    const auto &params = space.params();
    if (params.size() != labels_.size()) return false;
    for (size_t p = 0; p < params.size(); ++p)
        if (params[p].label != labels_[p] || !(ValueTransform::of(params[p]) == transforms_[p])) return false;
    return true;
}

std::shared_ptr<SortedHistory> SortedHistory::build(const space::Space &space,
                                                   const std::vector<trials::TrialPtr> &docs,
                                                   std::shared_ptr<SortedHistory> previous) {
    const size_t n = docs.size(), n_params = space.params().size();
    const SortedHistory *prev = previous.get();
    if (prev && !(prev->size() <= n && prev->same_params(space))) prev = nullptr;

    // The same trials as last time (a suggestion repeated, or several asked
    // for before any trial changed): nothing to do.
    if (prev && prev->size() == n) {
        bool same = true;
        for (size_t i = 0; same && i < n; ++i) same = docs[i].get() == prev->docs_[i].get();
        if (same) return previous;  // its reuse counts stay those of its own build
    }

    // Trials [0, kept) are those of `previous` with the same values (most
    // often the same documents): their observations carry over. Only read
    // `previous` until this is settled.
    const TrialReader reader(space);
    size_t kept = prev ? prev->size() : 0;
    std::vector<std::pair<size_t, double>> revised;  // kept trials with a new document: index, loss
    for (size_t i = 0; i < kept; ++i) {
        const trials::Trial &doc = *docs[i];
        if (&doc == prev->docs_[i].get()) continue;
        // A new version of the document (a state change): its loss may
        // differ, its values must not.
        // Anything else (another driver's trials in between, an edited
        // document, a tid of -1): start over, and forget the revisions
        // found so far -- they index into what is no longer kept.
        if (doc.tid != prev->tids_[i] || !same_values(doc, static_cast<uint32_t>(i), prev->params_, reader)) {
            prev = nullptr;
            kept = 0;
            revised.clear();
            break;
        }
        revised.emplace_back(i, TrialReader::loss(doc));
    }

    // Build on `previous` in place when nothing else holds it (fmin's case:
    // the Tpe object's cache handed it over), else on a copy of what is kept.
    std::shared_ptr<SortedHistory> h;
    const bool in_place = kept > 0 && previous.use_count() == 1;
    if (in_place) {
        h = std::move(previous);
        // Only the documents that changed are replaced: assigning every
        // pointer would touch each trial's reference count twice.
        h->docs_.insert(h->docs_.end(), docs.begin() + static_cast<std::ptrdiff_t>(kept), docs.end());
    } else {
        h = std::make_shared<SortedHistory>();
        h->labels_.reserve(n_params);
        h->transforms_.reserve(n_params);
        for (const auto &p : space.params()) {
            h->labels_.push_back(p.label);
            h->transforms_.push_back(ValueTransform::of(p));
        }
        h->params_.resize(n_params);
        h->docs_ = docs;
        if (kept) {
            h->tids_ = prev->tids_;
            h->losses_ = prev->losses_;
            for (size_t p = 0; p < n_params; ++p) {
                const Param &from = prev->params_[p];
                Param &to = h->params_[p];
                to.obs = from.obs;
                to.key = from.key;
                to.order = from.order;
                to.sorted_key = from.sorted_key;
            }
        }
    }
    h->reused_trials_ = kept;
    h->merged_params_ = 0;
    for (const auto &[i, loss] : revised) {
        h->docs_[i] = docs[i];
        h->losses_[i] = loss;
    }
    h->tids_.resize(n);
    h->losses_.resize(n);

    // The other trials' observations, appended in tid order, and merged into
    // each parameter's order.
    std::vector<size_t> first_new(n_params);
    for (size_t p = 0; p < n_params; ++p) first_new[p] = h->params_[p].obs.size();
    // Written in place, then trimmed: room for every new trial unless that is
    // a lot of memory (many conditional parameters), else grown by doubling.
    const size_t room = n_params * (n - kept) <= (size_t{1} << 22) ? n - kept : std::min<size_t>(n - kept, 256);
    struct Out {
        Observation *at, *end;  // next free slot, end of room
    };
    std::vector<Out> out(n_params);
    for (size_t p = 0; p < n_params; ++p) {
        Observations &obs = h->params_[p].obs;
        obs.resize(first_new[p] + room);
        out[p] = {obs.data() + first_new[p], obs.data() + obs.size()};
    }
    for (size_t i = kept; i < n; ++i) {
        const trials::Trial &doc = *docs[i];
        h->tids_[i] = doc.tid;
        h->losses_[i] = TrialReader::loss(doc);
        reader.values(doc, [&](uint32_t p, double v) {
            Out &o = out[p];
            if (o.at == o.end) {  // out of room: double it
                Observations &obs = h->params_[p].obs;
                const size_t used = obs.size();
                obs.resize(2 * used + 16);
                o = {obs.data() + used, obs.data() + obs.size()};
            }
            *o.at++ = {static_cast<uint32_t>(i), v};
        });
    }
    for (size_t p = 0; p < n_params; ++p) {
        Observations &obs = h->params_[p].obs;
        obs.resize(static_cast<size_t>(out[p].at - obs.data()));
    }
    UninitVector<ValueIndex> fresh, scratch;
    for (size_t p = 0; p < n_params; ++p) {
        Param &out = h->params_[p];
        const ValueTransform &transform = h->transforms_[p];
        const size_t old = first_new[p], m = out.obs.size();
        out.key.resize(m);
        for (size_t j = old; j < m; ++j) out.key[j] = transform(out.obs[j].value);
        if (old == 0) {
            sort_param(out);
            continue;
        }
        fresh.resize(m - old);
        for (size_t j = old; j < m; ++j) fresh[j - old] = {out.key[j], static_cast<uint32_t>(j)};
        sort_by_value(fresh, scratch);
        out.order.resize(m);
        out.sorted_key.resize(m);
        insert_sorted(fresh, old, out);
        ++h->merged_params_;
    }
    return h;
}

// One pass keeps the best k so far in order; a trial enters only if it
// beats the worst of them, which few do, so this costs about a comparison
// per trial (a partial sort of every trial cost ten times more).
void select_good(std::span<const double> losses, size_t k, std::vector<uint32_t> &good) {
    k = std::min(k, losses.size());
    good.clear();
    if (k == 0) return;
    auto better = [&](uint32_t a, uint32_t b) {
        return losses[a] < losses[b] || (!(losses[b] < losses[a]) && a < b);
    };
    // Moves good.back() to its place among the others.
    auto place_last = [&] {
        for (size_t at = good.size() - 1; at > 0 && better(good[at], good[at - 1]); --at)
            std::swap(good[at], good[at - 1]);
    };
    uint32_t i = 0;
    for (; i < k; ++i) {
        good.push_back(i);
        place_last();
    }
    for (double worst = losses[good.back()]; i < losses.size(); ++i) {
        // Newer than all of them: it must have a strictly smaller loss.
        if (!(losses[i] < worst)) continue;
        good.back() = i;
        place_last();
        worst = losses[good.back()];
    }
    std::sort(good.begin(), good.end());
}

namespace {

// The position of (key, j) in the parameter's order.
size_t rank_of(const SortedHistory::Param &p, uint32_t j) {
    size_t lo = 0, hi = p.order.size();
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (value_before(p.sorted_key[mid], p.order[mid], p.key[j], j)) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

// The good group is small (at most 25 trials): its members are found by
// binary search, by trial in the observations and by value in the order,
// and the bad group is everything else, copied in runs.
[[gnu::always_inline]] inline void split_body(const SortedHistory::Param &param, std::span<const uint32_t> good_trials,
                                              SortedObservations &below, SortedObservations &above,
                                              SplitScratch &scratch) {
    const size_t m = param.obs.size();
    std::vector<uint32_t> &good = scratch.good;  // positions in obs (tid order)
    good.clear();
    for (const uint32_t t : good_trials) {
        const auto it = std::lower_bound(param.obs.begin(), param.obs.end(), t,
                                         [](const Observation &o, uint32_t trial) { return o.trial < trial; });
        if (it != param.obs.end() && it->trial == t) good.push_back(static_cast<uint32_t>(it - param.obs.begin()));
    }
    // Below: ages are ranks among the good, in tid order.
    std::vector<size_t> &ranks = scratch.ranks, &by_rank = scratch.by_rank;
    ranks.resize(good.size());
    by_rank.resize(good.size());
    for (size_t r = 0; r < good.size(); ++r) {
        ranks[r] = rank_of(param, good[r]);
        by_rank[r] = r;
    }
    std::sort(by_rank.begin(), by_rank.end(), [&](size_t a, size_t b) { return ranks[a] < ranks[b]; });
    below.values.resize(good.size());
    below.ages.resize(good.size());
    for (size_t r = 0; r < good.size(); ++r) {
        below.values[r] = param.key[good[by_rank[r]]];
        below.ages[r] = static_cast<uint32_t>(by_rank[r]);
    }
    // Above: the age of position j is j minus the good positions before it;
    // runs of the order between good ranks are copied.
    UninitVector<uint32_t> &age = scratch.age;
    age.resize(m);
    for (size_t r = 0, start = 0; r <= good.size(); ++r) {
        const size_t end = r < good.size() ? good[r] : m;
        for (size_t j = start; j < end; ++j) age[j] = static_cast<uint32_t>(j - r);
        start = end + 1;
    }
    const size_t n_above = m - good.size();
    above.values.resize(n_above);
    above.ages.resize(n_above);
    double *values = above.values.data();
    uint32_t *ages = above.ages.data();
    const uint32_t *order = param.order.data();
    for (size_t r = 0, start = 0; r <= good.size(); ++r) {
        const size_t end = r < good.size() ? ranks[by_rank[r]] : m;
        if (end > start) std::memcpy(values, param.sorted_key.data() + start, (end - start) * sizeof(double));
        values += end - start;
        for (size_t k = start; k < end; ++k) *ages++ = age[order[k]];
        start = end + 1;
    }
}

void split_generic(const SortedHistory::Param &param, std::span<const uint32_t> good, SortedObservations &below,
                   SortedObservations &above, SplitScratch &scratch) {
    split_body(param, good, below, above, scratch);
}

HOPT_SIMD_AVX2_TARGET void split_avx2(const SortedHistory::Param &param, std::span<const uint32_t> good,
                                      SortedObservations &below, SortedObservations &above, SplitScratch &scratch) {
    split_body(param, good, below, above, scratch);
}

}  // namespace

void split_param(const SortedHistory::Param &param, std::span<const uint32_t> good, SortedObservations &below,
                 SortedObservations &above, SplitScratch &scratch) {
    if (simd::active() == simd::Isa::Avx2) split_avx2(param, good, below, above, scratch);
    else split_generic(param, good, below, above, scratch);
}

}  // namespace hopt::algo::tpe

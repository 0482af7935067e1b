#include "algo/tpe/sorted_history.hpp"

#include <algorithm>
#include <cstring>

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

// order = positions of `key` by value_before: the old order (positions
// below `first_new`) merged with the new positions, sorted on their own.
// Few new values (fmin adds one trial at a time): each finds its place by
// binary search and the old order is copied in runs between them.
void merge_order(const UninitVector<double> &key, const UninitVector<uint32_t> &old_order, size_t first_new,
                 UninitVector<uint32_t> &order) {
    const size_t n = key.size(), old = old_order.size();
    UninitVector<ValueIndex> fresh(n - first_new), scratch;
    for (size_t j = first_new; j < n; ++j) fresh[j - first_new] = {key[j], static_cast<uint32_t>(j)};
    sort_by_value(fresh, scratch);
    order.resize(n);
    size_t a = 0, out = 0;
    for (const ValueIndex &v : fresh) {
        // The first old position that v goes before.
        const size_t at = static_cast<size_t>(
            std::partition_point(old_order.begin() + static_cast<std::ptrdiff_t>(a), old_order.end(),
                                 [&](uint32_t i) { return !value_before(v.value, v.index, key[i], i); }) -
            old_order.begin());
        std::memcpy(&order[out], &old_order[a], (at - a) * sizeof(uint32_t));
        out += at - a;
        a = at;
        order[out++] = v.index;
    }
    std::memcpy(&order[out], old_order.data() + a, (old - a) * sizeof(uint32_t));
}

}  // namespace

std::shared_ptr<const SortedHistory> SortedHistory::build(const space::Space &space,
                                                         const std::vector<trials::TrialPtr> &docs,
                                                         const std::shared_ptr<const SortedHistory> &previous) {
    const size_t n = docs.size(), n_params = space.params().size();
    // The same trials as last time (a suggestion repeated, or several asked
    // for before any trial changed): nothing to do.
    if (previous && previous->size() == n && previous->labels_.size() == n_params) {
        bool same = true;
        for (size_t p = 0; same && p < n_params; ++p)
            same = previous->labels_[p] == space.param(p).label &&
                   previous->transforms_[p] == ValueTransform::of(space.param(p));
        for (size_t i = 0; same && i < n; ++i) same = docs[i].get() == previous->docs_[i].get();
        if (same) {
            return previous;  // its reuse counts stay those of its own build
        }
    }
    auto h = std::make_shared<SortedHistory>();
    h->docs_ = docs;
    h->tids_.resize(n);
    h->losses_.resize(n);
    h->labels_.reserve(n_params);
    for (const auto &p : space.params()) {
        h->labels_.push_back(p.label);
        h->transforms_.push_back(ValueTransform::of(p));
    }
    const TrialReader reader(space);

    // Trials [0, kept) are those of `previous` with the same values (most
    // often the same documents): their observations carry over.
    const SortedHistory *prev = previous.get();
    if (prev && !(prev->labels_ == h->labels_ && prev->transforms_ == h->transforms_ && prev->size() <= n)) prev = nullptr;
    size_t kept = prev ? prev->size() : 0;
    for (size_t i = 0; i < kept; ++i) {
        const trials::Trial &doc = *docs[i];
        if (&doc == prev->docs_[i].get()) {
            h->tids_[i] = prev->tids_[i];
            h->losses_[i] = prev->losses_[i];
            continue;
        }
        // A new version of the document (a state change): its loss may
        // differ, its values must not.
        if (doc.tid != prev->tids_[i] || !same_values(doc, static_cast<uint32_t>(i), prev->params_, reader)) {
            prev = nullptr;
            kept = 0;
            break;
        }
        h->tids_[i] = doc.tid;
        h->losses_[i] = TrialReader::loss(doc);
    }
    h->reused_trials_ = kept;

    // The other trials' observations, appended in tid order.
    std::vector<Observations> fresh(n_params);
    for (size_t i = kept; i < n; ++i) {
        const trials::Trial &doc = *docs[i];
        h->tids_[i] = doc.tid;
        h->losses_[i] = TrialReader::loss(doc);
        reader.values(doc, [&](uint32_t p, double v) { fresh[p].push_back({static_cast<uint32_t>(i), v}); });
    }

    h->params_.resize(n_params);
    UninitVector<ValueIndex> items, scratch;
    for (size_t p = 0; p < n_params; ++p) {
        Param &out = h->params_[p];
        const ValueTransform &transform = h->transforms_[p];
        const size_t old = prev ? prev->params_[p].obs.size() : 0, m = old + fresh[p].size();
        if (old) {
            out.obs.resize(m);
            std::memcpy(out.obs.data(), prev->params_[p].obs.data(), old * sizeof(Observation));
            std::copy(fresh[p].begin(), fresh[p].end(), out.obs.begin() + static_cast<std::ptrdiff_t>(old));
        } else {
            out.obs = std::move(fresh[p]);
        }
        out.key.resize(m);
        if (old) std::memcpy(out.key.data(), prev->params_[p].key.data(), old * sizeof(double));
        for (size_t j = old; j < m; ++j) out.key[j] = transform(out.obs[j].value);
        if (old) {
            merge_order(out.key, prev->params_[p].order, old, out.order);
            ++h->merged_params_;
            continue;
        }
        items.resize(m);
        for (size_t j = 0; j < m; ++j) items[j] = {out.key[j], static_cast<uint32_t>(j)};
        sort_by_value(items, scratch);
        out.order.resize(m);
        for (size_t j = 0; j < m; ++j) out.order[j] = items[j].index;
    }
    return h;
}

}  // namespace hopt::algo::tpe

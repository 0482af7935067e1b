#include "algo/tpe/sort_values.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace hopt::algo::tpe {

namespace {

constexpr size_t kSmall = 24;    // insertion sort below this
constexpr int kMaxDepth = 4;     // then a comparison sort: adversarial spreads

// The order every method must produce.
bool before(const ValueIndex &a, const ValueIndex &b) {
    const bool an = std::isnan(a.value), bn = std::isnan(b.value);
    if (an != bn) return bn;
    if (!an && a.value != b.value) return a.value < b.value;
    return a.index < b.index;
}

// Stable for input in index order: an element moves only past larger values.
void insertion_sort(ValueIndex *a, size_t n) {
    for (size_t i = 1; i < n; ++i) {
        const ValueIndex v = a[i];
        size_t j = i;
        for (; j > 0 && v.value < a[j - 1].value; --j) a[j] = a[j - 1];
        a[j] = v;
    }
}

// Sorts the finite values src[0, n), in index order, into dst; src is
// clobbered (it is the scratch space of deeper levels).
void bucket_sort(ValueIndex *src, ValueIndex *dst, size_t n, int depth) {
    double lo = src[0].value, hi = lo;
    for (size_t i = 1; i < n; ++i) {
        lo = std::min(lo, src[i].value);
        hi = std::max(hi, src[i].value);
    }
    if (!(lo < hi)) {  // all equal: index order is the order
        std::memcpy(dst, src, n * sizeof *src);
        return;
    }
    const double range = hi - lo;
    if (depth >= kMaxDepth || !std::isfinite(range)) {
        std::memcpy(dst, src, n * sizeof *src);
        std::sort(dst, dst + n, before);
        return;
    }
    // Bucket of x: monotone in x, as subtraction and multiplication by a
    // positive constant round monotonically. About two values a bucket.
    const size_t buckets = n / 2;
    const double scale = static_cast<double>(buckets) / range;
    std::vector<uint32_t> start(buckets + 1, 0);
    UninitVector<uint32_t> id(n);
    for (size_t i = 0; i < n; ++i) {
        id[i] = static_cast<uint32_t>(std::min(static_cast<size_t>((src[i].value - lo) * scale), buckets - 1));
        ++start[id[i] + 1];
    }
    for (size_t b = 0; b < buckets; ++b) start[b + 1] += start[b];
    {
        std::vector<uint32_t> next(start.begin(), start.end() - 1);
        for (size_t i = 0; i < n; ++i) dst[next[id[i]]++] = src[i];
    }
    for (size_t b = 0; b < buckets; ++b) {
        const size_t begin = start[b], size = start[b + 1] - begin;
        if (size <= 1) continue;
        if (size <= kSmall) {
            insertion_sort(dst + begin, size);
        } else {  // a cluster: spread it over buckets of its own
            bucket_sort(dst + begin, src + begin, size, depth + 1);
            std::memcpy(dst + begin, src + begin, size * sizeof *src);
        }
    }
}

}  // namespace

void sort_by_value(UninitVector<ValueIndex> &items, UninitVector<ValueIndex> &scratch) {
    const size_t n = items.size();
    if (n <= kSmall) {
        bool finite = true;
        for (const auto &v : items) finite = finite && std::isfinite(v.value);
        if (finite) insertion_sort(items.data(), n);
        else std::sort(items.begin(), items.end(), before);
        return;
    }
    for (const auto &v : items) {
        if (!std::isfinite(v.value)) {  // NaN and infinities: no bucket scale
            std::sort(items.begin(), items.end(), before);
            return;
        }
    }
    scratch.resize(n);
    bucket_sort(items.data(), scratch.data(), n, 0);
    items.swap(scratch);
}

}  // namespace hopt::algo::tpe

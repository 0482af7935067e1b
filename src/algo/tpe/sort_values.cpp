#include "algo/tpe/sort_values.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/mathx.hpp"

namespace hopt::algo::tpe {

namespace {

constexpr size_t kSmall = 24;    // insertion sort up to this many values
constexpr int kMaxDepth = 4;     // then a comparison sort: adversarial spreads

// The order every method must produce.
bool before(const ValueIndex &a, const ValueIndex &b) { return value_before(a.value, a.index, b.value, b.index); }

// Stable for input in index order: an element moves only past larger values.
void insertion_sort(ValueIndex *a, size_t n) {
    for (size_t i = 1; i < n; ++i) {
        if (!(a[i].value < a[i - 1].value)) continue;
        const ValueIndex v = a[i];
        size_t j = i;
        for (; j > 0 && v.value < a[j - 1].value; --j) a[j] = a[j - 1];
        a[j] = v;
    }
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

typedef int32_t v4si __attribute__((vector_size(16)));

// id[i] = min(int((x_i - lo) * scale), top), four at a time.
void bucket_ids(const ValueIndex *src, size_t n, double lo, double scale, int32_t top, int32_t *id) {
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const math::v4df x = {src[i].value, src[i + 1].value, src[i + 2].value, src[i + 3].value};
        const v4si b = __builtin_convertvector((x - lo) * scale, v4si);
        const v4si c = b < top ? b : top;
        std::memcpy(id + i, &c, sizeof c);
    }
    for (; i < n; ++i) id[i] = std::min(static_cast<int32_t>((src[i].value - lo) * scale), top);
}

#pragma GCC diagnostic pop

// Sorts the finite values src[0, n), in index order, into dst; src is
// clobbered (it is the scratch space of deeper levels).
void bucket_sort(ValueIndex *src, ValueIndex *dst, size_t n, int depth) {
    double lo = src[0].value, hi = lo;
    for (size_t i = 1; i < n; ++i) {
        lo = src[i].value < lo ? src[i].value : lo;
        hi = src[i].value > hi ? src[i].value : hi;
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
    // Bucket of x: monotone in x, as subtraction, multiplication by a
    // positive constant and truncation all round monotonically; about two
    // values a bucket for evenly spread values.
    const size_t buckets = n / 2;
    const double scale = static_cast<double>(buckets) / range;
    UninitVector<int32_t> id(n);
    bucket_ids(src, n, lo, scale, static_cast<int32_t>(buckets - 1), id.data());
    std::vector<uint32_t> start(buckets + 1, 0);
    for (size_t i = 0; i < n; ++i) ++start[static_cast<size_t>(id[i]) + 1];
    uint32_t crowd = 0;  // the largest bucket
    for (size_t b = 0; b < buckets; ++b) {
        crowd = std::max(crowd, start[b + 1]);
        start[b + 1] += start[b];
    }
    {
        std::vector<uint32_t> next(start.begin(), start.end() - 1);
        for (size_t i = 0; i < n; ++i) dst[next[static_cast<size_t>(id[i])]++] = src[i];
    }
    if (crowd <= kSmall) {
        // Each value is in its bucket, the buckets in order: one insertion
        // pass over everything moves values only within their bucket.
        insertion_sort(dst, n);
        return;
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
    // x * 0 is 0 for finite x and NaN for infinities and NaN.
    double probe = 0;
    for (const auto &v : items) probe += v.value * 0.0;
    if (probe != 0) {  // no bucket scale for those
        std::sort(items.begin(), items.end(), before);
        return;
    }
    if (n <= kSmall) {
        insertion_sort(items.data(), n);
        return;
    }
    scratch.resize(n);
    bucket_sort(items.data(), scratch.data(), n, 0);
    items.swap(scratch);
}

}  // namespace hopt::algo::tpe

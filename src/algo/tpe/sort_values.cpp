#include "algo/tpe/sort_values.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "algo/tpe/simd.hpp"
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
    if (n == 0) return;  // (and empty vectors may hand out null pointers)
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

namespace {

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

// sort_keys for finite keys, n > kSmall: range, bucket indices and the
// final copies on four lanes; the scatter and the insertion pass scalar.
// Returns false when a bucket is crowded (a cluster): the caller then sorts
// the general way.
[[gnu::always_inline]] inline bool sort_keys_body(const double *key, size_t n, uint32_t *order, double *sorted_key) {
    using math::v4df;
    v4df lo4 = math::load4(key), hi4 = lo4;
    size_t i = 4;
    for (; i + 4 <= n; i += 4) {
        const v4df x = math::load4(key + i);
        lo4 = x < lo4 ? x : lo4;
        hi4 = x > hi4 ? x : hi4;
    }
    double lo = std::min(std::min(lo4[0], lo4[1]), std::min(lo4[2], lo4[3]));  // exact in any order
    double hi = std::max(std::max(hi4[0], hi4[1]), std::max(hi4[2], hi4[3]));
    for (; i < n; ++i) {
        lo = std::min(lo, key[i]);
        hi = std::max(hi, key[i]);
    }
    const double range = hi - lo;
    if (!(lo < hi) || !std::isfinite(range)) return false;
    const size_t buckets = n / 2;  // about two values a bucket (one a bucket costs more in counting)
    const double scale = static_cast<double>(buckets) / range;
    const int32_t top = static_cast<int32_t>(buckets - 1);
    UninitVector<int32_t> id(n);
    for (i = 0; i + 4 <= n; i += 4) {
        const v4si b = __builtin_convertvector((math::load4(key + i) - lo) * scale, v4si);
        const v4si c = b < top ? b : top;
        std::memcpy(&id[i], &c, sizeof c);
    }
    for (; i < n; ++i) id[i] = std::min(static_cast<int32_t>((key[i] - lo) * scale), top);
    std::vector<uint32_t> next(buckets + 1, 0);
    for (i = 0; i < n; ++i) ++next[static_cast<size_t>(id[i]) + 1];
    uint32_t crowd = 0;
    for (size_t b = 0; b < buckets; ++b) {
        crowd = std::max(crowd, next[b + 1]);
        next[b + 1] += next[b];
    }
    if (crowd > kSmall) return false;
    UninitVector<ValueIndex> dst(n);
    for (i = 0; i < n; ++i) dst[next[static_cast<size_t>(id[i])]++] = {key[i], static_cast<uint32_t>(i)};
    insertion_sort(dst.data(), n);  // values move only within their bucket
    for (i = 0; i < n; ++i) {
        order[i] = dst[i].index;
        sorted_key[i] = dst[i].value;
    }
    return true;
}

#pragma GCC diagnostic pop

bool sort_keys_generic(const double *key, size_t n, uint32_t *order, double *sorted_key) {
    return sort_keys_body(key, n, order, sorted_key);
}

HOPT_SIMD_AVX2_TARGET bool sort_keys_avx2(const double *key, size_t n, uint32_t *order, double *sorted_key) {
    return sort_keys_body(key, n, order, sorted_key);
}

}  // namespace

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

void sort_keys(const double *key, size_t n, uint32_t *order, double *sorted_key) {
    // x * 0 is 0 for finite x, NaN for infinities and NaN (on four lanes:
    // whether any is NaN does not depend on the order of the sums).
    math::v4df probe4 = {0, 0, 0, 0};
    size_t i = 0;
    for (; i + 4 <= n; i += 4) probe4 += math::load4(key + i) * 0.0;
    double probe = (probe4[0] + probe4[1]) + (probe4[2] + probe4[3]);
    for (; i < n; ++i) probe += key[i] * 0.0;
    if (n > kSmall && probe == 0) {
        const bool done = simd::active() == simd::Isa::Avx2 ? sort_keys_avx2(key, n, order, sorted_key)
                                                            : sort_keys_generic(key, n, order, sorted_key);
        if (done) return;
    }
    UninitVector<ValueIndex> items(n), scratch;
    for (i = 0; i < n; ++i) items[i] = {key[i], static_cast<uint32_t>(i)};
    sort_by_value(items, scratch);
    for (i = 0; i < n; ++i) {
        order[i] = items[i].index;
        sorted_key[i] = items[i].value;
    }
}

#pragma GCC diagnostic pop

}  // namespace hopt::algo::tpe

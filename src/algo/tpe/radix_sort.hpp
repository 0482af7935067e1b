// Stable sort of (double, index) pairs in linear time: TPE sorts every
// parameter's observations at every suggestion, and a comparison sort made
// the cost grow as N log N in the number of trials.
#pragma once

#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

namespace hopt::algo::tpe {

// Sorts by value, ties in input order; NaN sorts after +inf.
inline void radix_sort(std::vector<std::pair<double, uint32_t>> &items) {
    const size_t n = items.size();
    if (n < 64) {  // small inputs: insertion sort is faster and stable
        for (size_t i = 1; i < n; ++i)
            for (size_t j = i; j > 0 && items[j].first < items[j - 1].first; --j) std::swap(items[j], items[j - 1]);
        return;
    }
    // Map doubles to unsigned keys with the same order (flip the sign bit of
    // positives, every bit of negatives).
    std::vector<std::pair<uint64_t, uint32_t>> a(n), b(n);
    for (size_t i = 0; i < n; ++i) {
        uint64_t bits;
        std::memcpy(&bits, &items[i].first, sizeof bits);
        bits = (bits >> 63) ? ~bits : bits | (uint64_t{1} << 63);
        a[i] = {bits, static_cast<uint32_t>(i)};
    }
    for (int shift = 0; shift < 64; shift += 8) {
        size_t count[257] = {0};
        for (const auto &e : a) ++count[((e.first >> shift) & 0xff) + 1];
        if (count[((a[0].first >> shift) & 0xff) + 1] == n) continue;  // this byte is the same everywhere
        for (int d = 0; d < 256; ++d) count[d + 1] += count[d];
        for (const auto &e : a) b[count[(e.first >> shift) & 0xff]++] = e;
        a.swap(b);
    }
    std::vector<std::pair<double, uint32_t>> out(n);
    for (size_t i = 0; i < n; ++i) out[i] = items[a[i].second];
    items.swap(out);
}

}  // namespace hopt::algo::tpe

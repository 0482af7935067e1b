// Sorting a parameter's observations by value, ties in age order, as TPE
// does for every parameter at every suggestion. A comparison sort made the
// cost grow as N log N in the number of trials, and a byte-wise radix sort
// costs eight passes over 16-byte records; spreading values into buckets by
// their position between the minimum and the maximum takes one scatter pass
// for the smooth distributions trials produce (and recurses into clusters).
#pragma once

#include <cstdint>
#include <vector>

#include "algo/uninit_vector.hpp"

namespace hopt::algo::tpe {

struct ValueIndex {
    double value;
    uint32_t index;  // position in age (tid) order
};

// The order: by value, NaN last, ties by index.
inline bool value_before(double a, uint32_t ia, double b, uint32_t ib) {
    const bool an = a != a, bn = b != b;
    if (an != bn) return bn;
    if (!an && a != b) return a < b;
    return ia < ib;
}

// Sorts `items`, given in index order, by value; equal values (-0.0 and 0.0
// included) keep index order and NaN sorts last, so the result is the unique
// (value, index) order whatever the method. `scratch` is working memory,
// reused between calls.
void sort_by_value(UninitVector<ValueIndex> &items, UninitVector<ValueIndex> &scratch);

// The same order for key[0, n) with index j = position: order[k] is the
// position of the k-th value and sorted_key[k] that value.
void sort_keys(const double *key, size_t n, uint32_t *order, double *sorted_key);

}  // namespace hopt::algo::tpe

// The trials an algorithm learns from, arranged per hyperparameter: for each
// parameter, the (trial, value) pairs of the trials where it was active, in
// tid order, beside each trial's loss.
#pragma once

#include <cstring>
#include <string>
#include <vector>

#include "algo/uninit_vector.hpp"
#include "space/space.hpp"
#include "trials/trial.hpp"

namespace hopt::algo {

struct Observation {
    uint32_t trial;  // index into History::tids / losses
    double value;
};

using Observations = UninitVector<Observation>;

// Reads one trial document the way the algorithms see it.
class TrialReader {
public:
    explicit TrialReader(const space::Space &space);
    // result.loss whatever the status; +inf when missing or not a number
    // (pending and failed trials count as the worst), as hyperopt.
    static double loss(const trials::Trial &t);
    // Calls emit(parameter index, value) for each active parameter of the
    // space, in label order.
    template <class Emit>
    void values(const trials::Trial &t, Emit &&emit) const;

private:
    std::vector<uint32_t> by_label_;             // parameter indices in label order
    std::vector<const std::string *> labels_;    // their labels
    static bool same_label(const std::string &a, const std::string &b);
};

struct History {
    std::vector<int64_t> tids;   // tid order
    std::vector<double> losses;  // +inf when a trial has no finite loss (pending, failed)
    std::vector<Observations> per_param;

    static History build(const space::Space &space, const std::vector<trials::TrialPtr> &docs);
};

inline bool TrialReader::same_label(const std::string &a, const std::string &b) {
    const size_t n = a.size();
    if (n != b.size()) return false;
    const unsigned char *x = reinterpret_cast<const unsigned char *>(a.data()),
                        *y = reinterpret_cast<const unsigned char *>(b.data());
    // Labels are often a few characters: compared inline, without a call.
    switch (n) {
        case 0: return true;
        case 1: return x[0] == y[0];
        case 2: return x[0] == y[0] && x[1] == y[1];
        case 3: return x[0] == y[0] && x[1] == y[1] && x[2] == y[2];
        case 4: return x[0] == y[0] && x[1] == y[1] && x[2] == y[2] && x[3] == y[3];
        default: return std::memcmp(x, y, n) == 0;
    }
}

template <class Emit>
void TrialReader::values(const trials::Trial &t, Emit &&emit) const {
    const size_t n_params = labels_.size();
    const auto &vals = t.vals;
    // Trial vals are sorted by label (trials/trial.hpp), and usually a trial
    // of this space has exactly its labels.
    bool exact = vals.size() == n_params;
    for (size_t i = 0; exact && i < n_params; ++i) exact = same_label(vals[i].label, *labels_[i]);
    if (exact) {
        for (size_t i = 0; i < n_params; ++i)
            if (vals[i].active) emit(by_label_[i], vals[i].value);
        return;
    }
    // Otherwise merge them against the space's labels, linear in both.
    size_t k = 0;
    for (size_t i = 0; i < n_params; ++i) {
        while (k < vals.size()) {
            const int c = vals[k].label.compare(*labels_[i]);
            if (c < 0) {
                ++k;
                continue;
            }
            if (c == 0) {
                if (vals[k].active) emit(by_label_[i], vals[k].value);
                ++k;
            }
            break;
        }
    }
}

}  // namespace hopt::algo

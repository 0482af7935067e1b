// The engine's only source of randomness. xoshiro256** seeded through
// splitmix64, with every derived draw (uniform, normal, integers) written out
// here, so a seed gives the same stream on every platform and standard library
// (std::*_distribution differs between implementations).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace hopt {

class Rng {
public:
    explicit Rng(uint64_t seed);

    uint64_t next_u64();
    // Uniform in [0, 1) with 53 random bits.
    double uniform();
    // Uniform in [low, high).
    double uniform(double low, double high) { return low + (high - low) * uniform(); }
    // Standard normal (Marsaglia's polar method).
    double normal();
    double normal(double mu, double sigma) { return mu + sigma * normal(); }
    // Uniform integer in [0, n), n > 0, without modulo bias (Lemire).
    uint64_t below(uint64_t n);
    // Uniform integer in [low, high), low < high.
    int64_t integers(int64_t low, int64_t high);
    // Index drawn with probability proportional to weights[i] (>= 0, sum > 0).
    size_t categorical(const std::vector<double> &weights);
    // Number of failures before the first success, success probability p in (0, 1].
    uint64_t geometric0(double p);

private:
    uint64_t s_[4];
    bool has_spare_ = false;
    double spare_ = 0.0;
};

}  // namespace hopt

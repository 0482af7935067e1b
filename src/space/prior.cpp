#include "space/prior.hpp"

#include <cmath>

#include "core/mathx.hpp"

namespace hopt::space {

double sample_prior(const Param &p, Rng &rng) {
    using math::quantize;
    switch (p.dist) {
    case Dist::Choice: return static_cast<double>(rng.below(p.options.size()));
    case Dist::PChoice: return static_cast<double>(rng.categorical(p.probs));
    case Dist::RandInt:
        return static_cast<double>(rng.integers(static_cast<int64_t>(p.low), static_cast<int64_t>(p.high)));
    case Dist::Uniform: return rng.uniform(p.low, p.high);
    case Dist::QUniform:
    case Dist::UniformInt: return quantize(rng.uniform(p.low, p.high), p.q);
    case Dist::LogUniform: return std::exp(rng.uniform(p.low, p.high));
    case Dist::QLogUniform: return quantize(std::exp(rng.uniform(p.low, p.high)), p.q);
    case Dist::Normal: return rng.normal(p.mu, p.sigma);
    case Dist::QNormal: return quantize(rng.normal(p.mu, p.sigma), p.q);
    case Dist::LogNormal: return std::exp(rng.normal(p.mu, p.sigma));
    case Dist::QLogNormal: return quantize(std::exp(rng.normal(p.mu, p.sigma)), p.q);
    }
    return 0;
}

Vals sample_prior(const Space &space, Rng &rng) {
    return walk_active(space, [&](uint32_t p) { return sample_prior(space.param(p), rng); });
}

}  // namespace hopt::space

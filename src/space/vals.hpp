// Values of a space's hyperparameters for one trial (hyperopt's `vals`):
// one slot per parameter, marked active when the trial's choices reach it.
// Switches hold their option index, randint its integer, the rest a float.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "core/json.hpp"
#include "space/space.hpp"

namespace hopt::space {

struct Vals {
    std::vector<double> value;
    std::vector<uint8_t> active;

    Vals() = default;
    explicit Vals(size_t n) : value(n, 0.0), active(n, 0) {}
    void set(size_t p, double v) {
        value[p] = v;
        active[p] = 1;
    }
};

// Flat JSON object label -> value of the active parameters (hyperopt's
// argmin form): switches and randint as integers, the others as floats.
Json vals_to_json(const Space &space, const Vals &vals);

// The JSON form of one parameter's value, as stored in trial documents.
Json value_to_json(const Param &p, double v);

// Read and check one parameter's value from JSON; throws Error(HOPT_EINVAL)
// naming the label when it is not a value the parameter can take.
double value_from_json(const Param &p, const Json &v);

// Call decide(p) for each parameter that is active under the values it
// returns, in evaluation order (a switch before its chosen option), once per
// parameter; the result holds every active value.
Vals walk_active(const Space &space, const std::function<double(uint32_t)> &decide);

// The active parameters for a flat vals object (label -> value): labels the
// point does not reach are dropped; a reached label without a value is an
// error naming it; unknown labels are an error when `reject_unknown`.
Vals vals_from_json(const Space &space, const Json &flat, bool reject_unknown);

}  // namespace hopt::space

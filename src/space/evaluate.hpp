// The point an objective receives (hyperopt's space_eval): the space with each
// active hyperparameter replaced by its value and expressions computed.
#pragma once

#include "core/json.hpp"
#include "space/space.hpp"
#include "space/vals.hpp"

namespace hopt::space {

// Throws Error(HOPT_EINVAL) when a reached label has no active value, and
// Error(HOPT_ESPACE) when an expression fails (division by zero, log of a
// negative number...), naming the operation.
Json evaluate(const Space &space, const Vals &vals);

// Python's arithmetic on JSON numbers: integers stay integers where Python's
// would (with overflow going to floats), booleans count as integers.
Json apply_op(Op op, const std::vector<Json> &args);

}  // namespace hopt::space

// A parsed search space: a tree of nodes (constants, containers, arithmetic)
// whose leaves include hyperparameters. Hyperparameters live in a table
// indexed by position; nodes refer to them by index, so one hyperparameter may
// appear in several places (hyperopt's shared nodes) and is sampled once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/json.hpp"

namespace hopt::space {

enum class Dist : uint8_t {
    Choice,
    PChoice,
    RandInt,
    Uniform,
    QUniform,
    LogUniform,
    QLogUniform,
    Normal,
    QNormal,
    LogNormal,
    QLogNormal,
    UniformInt,
};

// hyperopt's name of a distribution ("qloguniform").
const char *dist_name(Dist d);
// Choice and pchoice select a sub-space; their value is an option index.
inline bool is_switch(Dist d) { return d == Dist::Choice || d == Dist::PChoice; }
// Distributions whose values are integers (indices or randint draws).
inline bool is_categorical(Dist d) { return is_switch(d) || d == Dist::RandInt; }

using NodeId = uint32_t;

struct Param {
    std::string label;
    Dist dist;
    // Bounds of the uniform family (log-space for the log variants) and of
    // randint ([low, high)); mean and deviation of the normal family.
    double low = 0, high = 0;
    double mu = 0, sigma = 0;
    double q = 0;                  // quantum of the q variants (uniformint: 1)
    std::vector<double> probs;     // pchoice probabilities
    std::vector<NodeId> options;   // choice / pchoice option sub-spaces

    // Number of values of a categorical parameter.
    int64_t n_categories() const;
    bool has_q() const { return q > 0; }
};

enum class NodeKind : uint8_t { Const, List, Tuple, Dict, Param, Op };

enum class Op : uint8_t {
    Add, Sub, Mul, Div, FloorDiv, Mod, Pow, Neg, Abs, Int, Float, Min, Max, Exp, Log, Sqrt,
};
const char *op_name(Op op);

struct Node {
    NodeKind kind = NodeKind::Const;
    Op op = Op::Add;
    uint32_t param = 0;              // NodeKind::Param: index into Space::params()
    Json value;                      // NodeKind::Const
    std::vector<NodeId> children;    // List/Tuple elements, Dict values, Op arguments
    std::vector<std::string> keys;   // Dict keys, sorted, parallel to children
};

class Space {
public:
    // Build from the JSON description (docs/space-json.md); throws
    // Error(HOPT_ESPACE) naming the offending label or path.
    static Space from_json(const Json &description);
    // Canonical description: from_json(to_json()) gives an identical space.
    Json to_json() const;

    const std::vector<Param> &params() const { return params_; }
    const Param &param(size_t i) const { return params_[i]; }
    // Index of the parameter with this label, or -1.
    int find(std::string_view label) const;

    NodeId root() const { return root_; }
    const Node &node(NodeId id) const { return nodes_[id]; }

private:
    friend class Parser;
    std::vector<Node> nodes_;
    std::vector<Param> params_;
    std::unordered_map<std::string, uint32_t> by_label_;
    NodeId root_ = 0;
};

// Labels become keys of MongoDB documents: refuse what would break them.
// Returns an empty string if `label` is acceptable, else the reason.
std::string label_problem(std::string_view label);

// Deepest nesting of a space description that is accepted (deeper ones are
// refused with an error rather than risking the stack).
inline constexpr int kMaxDepth = 1000;

}  // namespace hopt::space

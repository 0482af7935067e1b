// An objective evaluates one point. Implementations: a C callback (capi),
// a plugin's registered function and a command (worker), a binding's
// callable. The worker loop and fmin see only this interface.
#pragma once

#include <string>

#include "core/json.hpp"

namespace hopt::objective {

struct Request {
    int64_t tid = 0;
    Json point;  // the evaluated point (space_eval)
    Json vals;   // flat label -> value
    // JSON text of the experiment's space (docs/space-json.md), "" when not
    // known: lets a binding rebuild what JSON flattens (Python tuples).
    std::string space_json;
};

// What an evaluation produced: a result document, or an exception.
struct Outcome {
    bool raised = false;
    Json result;              // normalised result (when !raised)
    std::string error_type;   // when raised, e.g. "hopt.ObjectiveError"
    std::string error_message;

    static Outcome failure(std::string type, std::string message) {
        Outcome o;
        o.raised = true;
        o.error_type = std::move(type);
        o.error_message = std::move(message);
        return o;
    }
};

class Objective {
public:
    virtual ~Objective() = default;
    virtual const std::string &name() const = 0;
    // Must not throw: failures are reported in the Outcome.
    virtual Outcome evaluate(const Request &request) = 0;
};

// The result document for a bare loss: {"loss": x, "status": "ok"}, or for a
// NaN/infinite loss {"status": "fail", "loss_raw": "nan"}: such values are
// never written as numbers (docs/trials.md, Losses; a MongoDB server may
// refuse them).
Json loss_result(double loss);

// Check a hyperopt result dict and bring it to the stored form: status "ok"
// or "fail"; "ok" needs a numeric loss; non-finite loss, true_loss and
// loss_variance are moved to "<key>_raw" strings (a non-finite loss also
// turns the status to "fail"). Throws Error(HOPT_EINVAL) with the reason.
Json normalize_result(Json result);

}  // namespace hopt::objective

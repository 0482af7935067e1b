// Results as objectives report them (objective::normalize_result) and as
// command objectives print them (worker::parse_command_output): every input
// gives either a stored result (status "ok" with a finite loss, or "fail";
// no NaN or infinity anywhere it counts) or a failure with a message, never
// a crash or an exception that is not an Error.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "core/error.hpp"
#include "core/json.hpp"
#include "fuzz.hpp"
#include "objective/objective.hpp"
#include "worker/command.hpp"

using namespace hopt;

namespace {

void check_stored(const Json &r) {
    FUZZ_CHECK(r.is_object(), "not an object: %s", r.dump().c_str());
    FUZZ_CHECK(r.contains("status") && (r["status"] == "ok" || r["status"] == "fail"), "status: %s",
               r.dump().c_str());
    for (const char *k : {"loss", "true_loss", "loss_variance", "true_loss_variance"})
        if (r.contains(k) && r[k].is_number())
            FUZZ_CHECK(std::isfinite(r[k].get<double>()), "%s is not finite", k);
    if (r["status"] == "ok")
        FUZZ_CHECK(r.contains("loss") && r["loss"].is_number() && !r["loss"].is_boolean(), "ok without a loss: %s",
                   r.dump().c_str());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string text(reinterpret_cast<const char *>(data), size);

    // A command's stdout.
    const objective::Outcome o = worker::parse_command_output(text);
    if (o.raised) FUZZ_CHECK(!o.error_message.empty() && !o.error_type.empty(), "a failure without a message");
    else check_stored(o.result);

    // A result document given through the C API or a binding.
    try {
        check_stored(objective::normalize_result(parse_json(text, "result")));
    } catch (const Error &e) {
        FUZZ_CHECK(fuzz::known_status(e.code()), "code %d: %s", e.code(), e.what());
    }

    // A bare loss: any double.
    if (size >= sizeof(double)) {
        double loss;
        std::memcpy(&loss, data, sizeof loss);
        check_stored(objective::loss_result(loss));
    }
    return 0;
}

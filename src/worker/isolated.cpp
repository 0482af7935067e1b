#include "worker/isolated.hpp"

#include <unistd.h>

#include <cerrno>

#include "core/error.hpp"

namespace hopt::worker {

namespace {

bool write_all(int fd, const std::string &data) {
    size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<size_t>(n);
    }
    return true;
}

objective::Outcome crashed(const std::string &why) {
    return objective::Outcome::failure("hopt.ObjectiveCrashed", "the objective's process " + why);
}

}  // namespace

std::string encode_outcome(const objective::Outcome &o) {
    if (o.raised) return dump_json(Json{{"error", Json::array({o.error_type, o.error_message})}});
    return dump_json(Json{{"result", o.result}});
}

objective::Outcome decode_outcome(const std::string &text) {
    const Json j = parse_json(text, "the objective's process output");
    if (j.is_object() && j.contains("result") && j.size() == 1) {
        objective::Outcome ok;
        ok.result = j["result"];
        return ok;
    }
    if (j.is_object() && j.contains("error") && j["error"].is_array() && j["error"].size() == 2 &&
        j["error"][0].is_string() && j["error"][1].is_string())
        return objective::Outcome::failure(j["error"][0].get<std::string>(), j["error"][1].get<std::string>());
    fail(HOPT_EJSON, "the objective's process output is not an outcome: " + text.substr(0, 200));
}

objective::Outcome evaluate_in_child(objective::Objective &fn, const objective::Request &request,
                                     const ChildLimits &limits) {
    ChildProgram program;
    program.body = [&](int out_fd) {
        std::string text;
        try {
            text = encode_outcome(fn.evaluate(request));
        } catch (const std::exception &e) {
            // e.g. a result with invalid UTF-8 that cannot be written as JSON
            text = encode_outcome(objective::Outcome::failure("hopt.InvalidResult", e.what()));
        }
        return write_all(out_fd, text) ? 0 : 71;
    };
    const ChildEnd end = run_child(program, limits);
    if (end.how == ChildEnd::How::TimedOut)
        return objective::Outcome::failure("hopt.TrialTimeout", "the objective " + end.describe());
    if (!end.ok()) return crashed(end.describe());
    if (end.output_truncated) return crashed("wrote a result larger than " + std::to_string(kMaxChildOutput >> 20) + " MiB");
    if (end.output.empty()) return crashed("exited without reporting a result");
    try {
        return decode_outcome(end.output);
    } catch (const Error &e) {
        return crashed("wrote an unreadable result (" + std::string(e.what()) + ")");
    }
}

}  // namespace hopt::worker

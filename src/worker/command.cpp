#include "worker/command.hpp"

#include <strings.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "core/error.hpp"

extern char **environ;

namespace hopt::worker {

namespace {

std::string trim(const std::string &s) {
    const char *ws = " \t\r\n";
    const size_t b = s.find_first_not_of(ws);
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

// Python's spellings of non-finite floats, which JSON lacks.
std::optional<double> non_finite(const std::string &s) {
    if (strcasecmp(s.c_str(), "nan") == 0) return std::numeric_limits<double>::quiet_NaN();
    if (strcasecmp(s.c_str(), "inf") == 0 || strcasecmp(s.c_str(), "+inf") == 0 || strcasecmp(s.c_str(), "infinity") == 0)
        return std::numeric_limits<double>::infinity();
    if (strcasecmp(s.c_str(), "-inf") == 0 || strcasecmp(s.c_str(), "-infinity") == 0)
        return -std::numeric_limits<double>::infinity();
    return std::nullopt;
}

// The Outcome for one candidate text, or nullopt if it is not a result.
std::optional<objective::Outcome> parse_result(const std::string &text) {
    objective::Outcome ok;
    if (auto v = non_finite(text)) {
        ok.result = objective::loss_result(*v);
        return ok;
    }
    Json j;
    try {
        j = parse_json(text, "command output");
    } catch (const Error &) {
        return std::nullopt;
    }
    if (j.is_number() && !j.is_boolean()) {
        ok.result = objective::loss_result(j.get<double>());
        return ok;
    }
    if (!j.is_object()) return std::nullopt;
    try {
        ok.result = objective::normalize_result(std::move(j));
    } catch (const Error &e) {
        return objective::Outcome::failure("hopt.InvalidResult", std::string("the command printed an invalid result: ") + e.what());
    }
    return ok;
}

std::string quote_tail(const std::string &s, size_t n) {
    const std::string t = trim(s);
    return t.size() <= n ? t : "..." + t.substr(t.size() - n);
}

// The worker's environment with HOPT_TID set to the trial's id.
std::vector<std::string> environment_for(int64_t tid) {
    std::vector<std::string> env;
    for (char **e = environ; e && *e; ++e)
        if (std::strncmp(*e, "HOPT_TID=", 9) != 0) env.emplace_back(*e);
    env.push_back("HOPT_TID=" + std::to_string(tid));
    return env;
}

}  // namespace

CommandObjective::CommandObjective(std::string name, std::string command)
    : name_(std::move(name)), command_(std::move(command)) {
    if (name_.empty()) fail(HOPT_EINVAL, "a command objective needs a non-empty name");
    if (trim(command_).empty()) fail(HOPT_EINVAL, "command objective '" + name_ + "' needs a non-empty command");
}

objective::Outcome parse_command_output(const std::string &out) {
    const std::string text = trim(out);
    if (text.empty()) return objective::Outcome::failure("hopt.CommandFailed", "the command printed nothing on stdout");
    if (auto o = parse_result(text)) return *o;
    const size_t nl = text.find_last_of('\n');
    if (nl != std::string::npos)
        if (auto o = parse_result(trim(text.substr(nl + 1)))) return *o;
    return objective::Outcome::failure("hopt.CommandFailed",
                                       "the command printed neither a number nor a JSON result object: '" +
                                           quote_tail(text, 200) + "'");
}

objective::Outcome CommandObjective::run(const objective::Request &request, const ChildLimits &limits) const {
    ChildProgram program;
    program.argv = {"/bin/sh", "-c", command_};
    program.envp = environment_for(request.tid);
    program.input = dump_json(request.point) + "\n";
    const ChildEnd end = run_child(program, limits);

    const std::string who = "command objective '" + name_ + "' ";
    if (end.how == ChildEnd::How::TimedOut) return objective::Outcome::failure("hopt.TrialTimeout", who + end.describe());
    if (!end.ok()) {
        std::string msg = who + end.describe();
        if (!trim(end.error_tail).empty()) msg += "; stderr: " + quote_tail(end.error_tail, kStderrTail);
        return objective::Outcome::failure("hopt.CommandFailed", msg);
    }
    if (end.output_truncated)
        return objective::Outcome::failure("hopt.CommandFailed",
                                           who + "printed more than " + std::to_string(kMaxChildOutput >> 20) + " MiB");
    objective::Outcome o = parse_command_output(end.output);
    if (o.raised && !trim(end.error_tail).empty()) o.error_message += "; stderr: " + quote_tail(end.error_tail, kStderrTail);
    return o;
}

}  // namespace hopt::worker

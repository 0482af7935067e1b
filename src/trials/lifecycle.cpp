#include "trials/lifecycle.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace hopt::trials::lifecycle {

Json placeholder_result(int state) {
    switch (state) {
    case kRunning: return Json{{"status", "running"}};
    case kError: return Json{{"status", "fail"}};
    default: return Json{{"status", "new"}};  // NEW, and CANCEL (never ran)
    }
}

void queue(Trial &t) {
    t.state = kNew;
    t.owner = nullptr;
    t.book_time.reset();
    t.result = placeholder_result(kNew);
}

void reserve(Trial &t, const Json &owner, int64_t now) {
    t.state = kRunning;
    t.owner = owner;
    t.book_time = t.refresh_time = now;
    t.result = placeholder_result(kRunning);
}

void finish(Trial &t, Json result) {
    t.state = kDone;
    t.result = std::move(result);
}

void fail(Trial &t, const std::string &type, const std::string &message) {
    t.state = kError;
    t.result = placeholder_result(kError);
    t.error = Json::array({type, message});
}

void cancel(Trial &t, int64_t now) {
    t.state = kCancel;
    t.result = placeholder_result(kCancel);
    t.refresh_time = now;
}

void sort_vals(std::vector<TrialVal> &vals) {
    std::sort(vals.begin(), vals.end(), [](const TrialVal &a, const TrialVal &b) { return a.label < b.label; });
}

void check_exp_key(const Trial &t, const std::optional<std::string> &store_key) {
    if (t.exp_key == store_key) return;
    auto text = [](const std::optional<std::string> &k) { return k ? "'" + *k + "'" : std::string("null"); };
    hopt::fail(HOPT_EINVAL, "trial " + std::to_string(t.tid) + " has exp_key " + text(t.exp_key) + ", the store " +
                                text(store_key));
}

}  // namespace hopt::trials::lifecycle

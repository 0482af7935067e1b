#include "trials/trial.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>

#include "core/error.hpp"

namespace hopt::trials {

double Trial::loss() const {
    auto it = result.find("loss");
    if (it == result.end() || !it->is_number()) return NAN;
    return it->get<double>();
}

std::string Trial::status() const {
    auto it = result.find("status");
    return it != result.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool Trial::ok() const { return std::isfinite(loss()) && status() == "ok"; }

const TrialVal *Trial::val(std::string_view label) const {
    for (const auto &v : vals)
        if (v.active && v.label == label) return &v;
    return nullptr;
}

std::string format_time(int64_t ms) {
    std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    int millis = static_cast<int>(ms - static_cast<int64_t>(secs) * 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
    return buf;
}

std::optional<int64_t> parse_time(const Json &v) {
    if (v.is_null()) return std::nullopt;
    if (v.is_number_integer() &&
        !(v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())))
        return v.get<int64_t>();
    if (v.is_object() && v.contains("$date")) return parse_time(v["$date"]);
    if (v.is_string()) {
        const std::string s = v;
        std::tm tm{};
        int ms = 0;
        int n = std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                            &tm.tm_min, &tm.tm_sec, &ms);
        if (n >= 6) {
            tm.tm_year -= 1900;
            tm.tm_mon -= 1;
            return static_cast<int64_t>(timegm(&tm)) * 1000 + (n == 7 ? ms : 0);
        }
    }
    // (replace: a BSON string need not be valid UTF-8, and the message must
    // not throw; found by fuzzing)
    fail(HOPT_EJSON, "invalid time in trial document: " + v.dump(-1, ' ', false, Json::error_handler_t::replace));
}

namespace {

Json time_json(const std::optional<int64_t> &t) { return t ? Json(format_time(*t)) : Json(nullptr); }

[[noreturn]] void bad(const std::string &what) { fail(HOPT_EJSON, "invalid trial document: " + what); }

}  // namespace

Json to_json(const Trial &t) {
    Json idxs = Json::object(), vals = Json::object();
    for (const auto &v : t.vals) {
        idxs[v.label] = v.active ? Json::array({t.tid}) : Json::array();
        if (!v.active)
            vals[v.label] = Json::array();
        else if (v.integer)
            vals[v.label] = Json::array({static_cast<int64_t>(v.value)});
        else
            vals[v.label] = Json::array({v.value});
    }
    Json misc = t.misc_extra;
    misc["tid"] = t.tid;
    misc["cmd"] = t.cmd;
    misc["workdir"] = t.workdir;
    misc["idxs"] = std::move(idxs);
    misc["vals"] = std::move(vals);

    Json doc = t.extra;
    doc["tid"] = t.tid;
    doc["state"] = t.state;
    doc["spec"] = t.spec;
    doc["result"] = t.result;
    doc["misc"] = std::move(misc);
    doc["exp_key"] = t.exp_key ? Json(*t.exp_key) : Json(nullptr);
    doc["owner"] = t.owner;
    doc["version"] = t.version;
    doc["book_time"] = time_json(t.book_time);
    doc["refresh_time"] = time_json(t.refresh_time);
    if (!t.error.is_null()) doc["error"] = t.error;
    return doc;
}

Trial from_json(const Json &doc) {
    if (!doc.is_object()) bad(std::string("expected an object, got ") + json_kind(doc));
    Trial t;
    auto need = [&](const char *key) -> const Json & {
        auto it = doc.find(key);
        if (it == doc.end()) bad(std::string("missing field \"") + key + "\"");
        return *it;
    };
    const Json &tid = need("tid");
    if (!tid.is_number_integer()) bad("\"tid\" must be an integer");
    t.tid = tid.get<int64_t>();
    const std::string where = " (tid " + std::to_string(t.tid) + ")";
    const Json &state = need("state");
    if (!state.is_number_integer() || state.get<int64_t>() < 0 || state.get<int64_t>() > 4)
        bad("\"state\" must be an integer 0..4" + where);
    t.state = state.get<int>();
    t.result = need("result");
    if (!t.result.is_object()) bad("\"result\" must be an object" + where);
    const Json &misc = need("misc");
    if (!misc.is_object()) bad("\"misc\" must be an object" + where);
    if (misc.contains("tid") && misc["tid"] != tid) bad("misc.tid differs from tid" + where);
    const Json &idxs = misc.contains("idxs") ? misc["idxs"] : Json::object();
    const Json &vals = misc.contains("vals") ? misc["vals"] : Json::object();
    if (!idxs.is_object() || !vals.is_object()) bad("misc.idxs and misc.vals must be objects" + where);
    for (auto it = vals.begin(); it != vals.end(); ++it) {
        TrialVal v;
        v.label = it.key();
        const Json &arr = it.value();
        if (!arr.is_array() || arr.size() > 1) bad("misc.vals." + it.key() + " must be [] or [value]" + where);
        if (arr.size() == 1) {
            if (!arr[0].is_number()) bad("misc.vals." + it.key() + " must hold a number" + where);
            v.active = true;
            v.integer = arr[0].is_number_integer();
            v.value = arr[0].get<double>();
        }
        t.vals.push_back(std::move(v));
    }
    for (auto it = misc.begin(); it != misc.end(); ++it) {
        const std::string &k = it.key();
        if (k == "cmd") t.cmd = it.value();
        else if (k == "workdir") t.workdir = it.value();
        else if (k != "tid" && k != "idxs" && k != "vals") t.misc_extra[k] = it.value();
    }
    for (auto it = doc.begin(); it != doc.end(); ++it) {
        const std::string &k = it.key();
        const Json &v = it.value();
        if (k == "tid" || k == "state" || k == "result" || k == "misc") continue;
        if (k == "spec") t.spec = v;
        else if (k == "exp_key") {
            if (!v.is_null() && !v.is_string()) bad("\"exp_key\" must be a string or null" + where);
            if (v.is_string()) t.exp_key = v.get<std::string>();
        } else if (k == "owner") t.owner = v;
        else if (k == "version") {
            if (!v.is_number_integer()) bad("\"version\" must be an integer" + where);
            t.version = v.get<int64_t>();
        } else if (k == "book_time") t.book_time = parse_time(v);
        else if (k == "refresh_time") t.refresh_time = parse_time(v);
        else if (k == "error") t.error = v;
        else t.extra[k] = v;
    }
    return t;
}

Json flat_vals(const Trial &t) {
    Json out = Json::object();
    for (const auto &v : t.vals) {
        if (!v.active) continue;
        if (v.integer) out[v.label] = static_cast<int64_t>(v.value);
        else out[v.label] = v.value;
    }
    return out;
}

}  // namespace hopt::trials

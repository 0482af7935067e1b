#include "worker/auth.hpp"

#include <fnmatch.h>

#include "core/error.hpp"
#include "security/seal.hpp"

namespace hopt::worker {

namespace {

// How often refused experiments are looked at again.
constexpr double kRecheckSeconds = 5;

std::string experiment_text(const std::optional<std::string> &exp_key) {
    return exp_key ? "experiment " + quote_json(*exp_key) : "experiment with exp_key null";
}

// The signed fields, in the form workers read them back.
std::vector<std::string> signed_fields(const std::optional<std::string> &exp_key, const trials::Domain &d) {
    return {exp_key ? "k:" + *exp_key : "none", d.objective, dump_json(d.space), dump_json(d.settings)};
}

std::vector<std::string_view> views(const std::vector<std::string> &fields) {
    return std::vector<std::string_view>(fields.begin(), fields.end());
}

}  // namespace

std::string quote_json(const std::string &text) {
    try {
        return dump_json(Json(text));
    } catch (const Error &) {
        return "(text that is not UTF-8)";
    }
}

std::string sign_domain(const security::Key &key, const std::optional<std::string> &exp_key,
                        const trials::Domain &domain) {
    const std::vector<std::string> fields = signed_fields(exp_key, domain);
    return security::seal(key, views(fields));
}

void seal_domain(trials::Domain &domain, const std::optional<std::string> &exp_key,
                 const security::KeySettings &settings, const std::function<void(const std::string &)> &say) {
    if (settings.insecure) {
        domain.signature.clear();
        say("WARNING: insecure mode: " + experiment_text(exp_key) +
            " is not signed; only workers that also run insecure will evaluate it, and anyone who can write to "
            "the database can make them run any objective they have");
        return;
    }
    const security::Key key = security::load_or_create_key(security::key_path(settings));
    if (key.created)
        say("created the key " + key.path + " (id " + key.id + ") that signs experiments for workers; workers on "
            "other machines need a copy of it (docs/threat-model.md)");
    domain.signature = sign_domain(key, exp_key, domain);
}

ExperimentGate::ExperimentGate(TrustSettings settings) : settings_(std::move(settings)) {
    for (const std::string &p : settings_.allow)
        if (p.empty()) fail(HOPT_EINVAL, "an allow-list pattern must not be empty");
    if (!settings_.key.insecure) key_ = security::load_or_create_key(security::key_path(settings_.key));
}

std::string ExperimentGate::refusal(const std::optional<std::string> &exp_key, const trials::Domain &domain) const {
    if (key_) {
        const std::vector<std::string> fields = signed_fields(exp_key, domain);
        const std::string why = security::check_seal(*key_, views(fields), domain.signature);
        if (!why.empty()) return experiment_text(exp_key) + " " + why;
    }
    if (settings_.allow.empty()) return "";
    for (const std::string &p : settings_.allow)
        if (fnmatch(p.c_str(), domain.objective.c_str(), 0) == 0) return "";
    return experiment_text(exp_key) + " names objective " + quote_json(domain.objective) +
           ", which is not on this worker's allow-list";
}

std::vector<std::string> ExperimentGate::describe() const {
    std::vector<std::string> lines;
    if (key_) {
        lines.push_back("experiments must be signed with the key " + key_->path + " (id " + key_->id + ")" +
                        (key_->created ? "; created it now: drivers and workers on other machines need a copy of "
                                         "this file (docs/threat-model.md)"
                                       : ""));
    } else {
        lines.push_back("WARNING: insecure mode: experiments are not authenticated; anyone who can write to the "
                        "database decides which of this worker's objectives run, on which points");
    }
    if (!settings_.allow.empty()) {
        std::string list;
        for (const std::string &p : settings_.allow) list += (list.empty() ? "" : ", ") + quote_json(p);
        lines.push_back("objectives allowed: " + list);
    }
    return lines;
}

std::string domain_fingerprint(const std::optional<trials::Domain> &domain) {
    if (!domain) return "(no domain)";
    const std::vector<std::string> fields = signed_fields(std::nullopt, *domain);
    Json doc{{"objective", domain->objective}, {"space", fields[2]}, {"settings", fields[3]},
             {"signature", domain->signature}};
    return doc.dump(-1, ' ', false, Json::error_handler_t::replace);
}

bool Refusals::add(const std::optional<std::string> &exp_key, const std::string &fingerprint) {
    const std::string id = exp_key ? "k:" + *exp_key : "none";
    auto it = by_key_.find(id);
    if (it != by_key_.end() && it->second.fingerprint == fingerprint) return false;
    by_key_.insert_or_assign(id, Entry{exp_key, fingerprint, Stopwatch()});
    return true;
}

std::vector<std::optional<std::string>> Refusals::keys() const {
    std::vector<std::optional<std::string>> out;
    for (const auto &[_, e] : by_key_) out.push_back(e.exp_key);
    return out;
}

void Refusals::recheck(trials::Store &store) {
    for (auto it = by_key_.begin(); it != by_key_.end();) {
        Entry &e = it->second;
        if (e.checked.seconds() < kRecheckSeconds) {
            ++it;
            continue;
        }
        std::string now;
        try {
            now = domain_fingerprint(store.get_domain(e.exp_key));
        } catch (const Error &err) {
            if (err.code() != HOPT_EJSON) throw;
            now = std::string("malformed: ") + err.what();
        }
        if (now != e.fingerprint) {
            it = by_key_.erase(it);
            continue;
        }
        e.checked = Stopwatch();
        ++it;
    }
}

}  // namespace hopt::worker

// Who may make a worker run code (docs/threat-model.md). A job only names its
// experiment; the experiment's domain names the objective. Anyone who can
// write to the database can write both, so before a worker looks an
// objective up in its registry (where a binding may resolve "module:qualname"
// to code) it checks that the domain was signed by a driver holding the
// shared key, and that the objective is on its allow-list if it has one.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "security/key_file.hpp"
#include "trials/store.hpp"

namespace hopt::worker {

// The signature of `domain` under `exp_key`: it covers the experiment, the
// objective's name, the space and the settings, as workers will read them.
std::string sign_domain(const security::Key &key, const std::optional<std::string> &exp_key,
                        const trials::Domain &domain);

// fmin's side: sign `domain` with the key `settings` designate (created on
// first use), or, in insecure mode, clear its signature. Notices (a key was
// created, insecure mode) go to `say`.
void seal_domain(trials::Domain &domain, const std::optional<std::string> &exp_key,
                 const security::KeySettings &settings, const std::function<void(const std::string &)> &say);

// A worker's trust settings (hyperopt-mongo-worker's --key-file, --insecure,
// --allow).
struct TrustSettings {
    security::KeySettings key;
    std::vector<std::string> allow;  // fnmatch patterns on objective names; empty: any name
};

class ExperimentGate {
public:
    // Loads the key (creating it if missing) unless insecure. Error(HOPT_EINVAL)
    // for an unusable key file or an empty pattern.
    explicit ExperimentGate(TrustSettings settings);

    // "" when the worker may run the objective `domain` names; otherwise the
    // reason, e.g. "experiment \"e\" is not signed". Never resolves anything.
    std::string refusal(const std::optional<std::string> &exp_key, const trials::Domain &domain) const;

    // Lines for the worker's log at start: the key in use (or the loud
    // insecure warning) and the allow-list.
    std::vector<std::string> describe() const;

private:
    TrustSettings settings_;
    std::optional<security::Key> key_;
};

// Experiments a worker refused: skipped when it reserves, so that their jobs
// stay queued for other workers without being taken and released at every
// poll, until their domain document changes.
class Refusals {
public:
    // Remember a refusal of the experiment whose domain reads `fingerprint`;
    // true when it is new (worth a log line).
    bool add(const std::optional<std::string> &exp_key, const std::string &fingerprint);
    std::vector<std::optional<std::string>> keys() const;
    // Every few seconds, read the refused experiments' domains again and
    // forget the refusals of those that changed.
    void recheck(trials::Store &store);

private:
    struct Entry {
        std::optional<std::string> exp_key;
        std::string fingerprint;
        Stopwatch checked;
    };
    std::map<std::string, Entry> by_key_;
};

// What a refusal remembers of a domain (nullopt: none stored); for a domain
// document that does not parse, its error.
std::string domain_fingerprint(const std::optional<trials::Domain> &domain);

// A text from the database as a JSON string: quotes, and no control
// characters that could forge log lines.
std::string quote_json(const std::string &text);

}  // namespace hopt::worker

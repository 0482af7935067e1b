#include "trials/mongo/mongo_store.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

#include "core/error.hpp"
#include "trials/lifecycle.hpp"

namespace hopt::trials::mongo {

namespace {

// Collections (docs/mongo-protocol.md). `jobs` is hyperopt's; the others are
// hopt's and prefixed so that they never meet Python hyperopt's own.
constexpr const char *kJobsColl = "jobs";
constexpr const char *kTidsColl = "hopt_tids";           // {_id: tid}: a tid is taken
constexpr const char *kClaimsColl = "hopt_claims";       // {_id: "<tid>/<claim>"}: who may write a job
constexpr const char *kQueueColl = "hopt_queue";         // one per NEW job
constexpr const char *kRunningColl = "hopt_running";     // one per RUNNING job, with its heartbeat
constexpr const char *kResultsColl = "hopt_results";     // {_id: tid}: a job's outcome, first one wins
constexpr const char *kExperimentsColl = "hopt_experiments";  // domains, by exp_key
constexpr const char *kMarksColl = "hopt_marks";         // {_id: "<experiment>/<writer>"}: what a writer did
// A reader reloads the whole experiment at least this often (seconds).
constexpr double kFullReloadSeconds = 60;

Json date_now() { return Json{{"$date", now_ms()}}; }

Json key_json(const std::optional<std::string> &k) { return k ? Json(*k) : Json(nullptr); }

std::string experiment_id(const std::optional<std::string> &k) { return k ? "k:" + *k : "none"; }

Json key_list(const std::vector<std::optional<std::string>> &keys) {
    Json out = Json::array();
    for (const auto &k : keys) out.push_back(key_json(k));
    return out;
}

std::string objective_of(const Trial &t) {
    if (t.cmd.is_array() && t.cmd.size() == 2 && t.cmd[1].is_string()) return t.cmd[1].get<std::string>();
    return "";
}

int64_t int_field(const Json &doc, const char *key, int64_t dflt = 0) {
    auto it = doc.find(key);
    return it != doc.end() && it->is_number_integer() ? it->get<int64_t>() : dflt;
}

int64_t claim_of(const Trial &t) { return int_field(t.extra, "claim"); }

// A result the server will take whatever the objective put in it: the keys
// hopt reads, plus everything else as one JSON string (FerretDB refuses
// nested arrays and keys with '.' or a leading '$').
Json storable(const Json &result) {
    Json out = Json::object(), extra = Json::object();
    for (auto it = result.begin(); it != result.end(); ++it) {
        const std::string &k = it.key();
        const bool plain = it->is_number() || it->is_string() || it->is_boolean() || it->is_null();
        if (plain && k.find('.') == std::string::npos && (k.empty() || k[0] != '$')) out[k] = *it;
        else extra[k] = *it;
    }
    if (!extra.empty()) out["hopt_extra_json"] = dump_json(extra);
    return out;
}

// Undo storable() on read.
void unpack_result(Trial &t) {
    auto it = t.result.find("hopt_extra_json");
    if (it == t.result.end() || !it->is_string()) return;
    try {
        Json extra = Json::parse(it->get<std::string>());
        t.result.erase(it);
        for (auto e = extra.begin(); e != extra.end(); ++e) t.result[e.key()] = e.value();
    } catch (const Json::exception &) {
        // Not ours after all: leave the document as it is.
    }
}

Trial read_trial(const Json &doc) {
    Json copy = doc;
    for (const char *k : {"book_time", "refresh_time"})
        if (copy.contains(k) && copy[k].is_object() && copy[k].contains("$date")) copy[k] = copy[k]["$date"];
    Trial t = from_json(copy);
    lifecycle::sort_vals(t.vals);
    unpack_result(t);
    return t;
}

}  // namespace

MongoStore::MongoStore(const std::string &address, std::optional<std::string> exp_key)
    : pool_(parse_address(address)), exp_key_(std::move(exp_key)) {
    pool_.ping();
    // Indexes serve MongoDB's query planner; FerretDB answers any query but
    // an _id lookup by scanning, which is why the hot paths use small
    // collections and _id lookups.
    pool_.create_index(kJobsColl, "exp_key_1", Json{{"exp_key", 1}}, false);
    pool_.create_index(kJobsColl, "tid_1", Json{{"tid", 1}}, false);
    pool_.create_index(kQueueColl, "exp_key_1", Json{{"exp_key", 1}}, false);
}

Json MongoStore::experiment_filter() const { return Json{{"exp_key", key_json(exp_key_)}}; }

bool MongoStore::claim(const std::string &id, const std::string &owner, const char *kind) {
    return pool_.insert(kClaimsColl, Json{{"_id", id}, {"owner", owner}, {"kind", kind}, {"at", date_now()}});
}

bool MongoStore::observations_valid(const RecoveryPolicy &policy, double now) {
    std::lock_guard lock(mu_);
    const uint64_t outages = pool_.retry().outages();
    const bool valid = outages == outages_seen_ && now - last_observed_ <= 2 * policy.heartbeat_timeout;
    outages_seen_ = outages;
    last_observed_ = now;
    return valid;
}

bool MongoStore::claim_recovery(const std::string &id, double now, double timeout,
                                std::map<std::string, std::pair<int, double>> &rounds) {
    auto &[round, since] = rounds.try_emplace(id, 0, now).first->second;
    for (;;) {
        if (claim("recover:" + id + (round ? "#" + std::to_string(round) : ""), "recovery", "recover")) return true;
        // Taken: another process is recovering the job, or died doing so;
        // the job still abandoned a timeout later says which.
        if (now - since < timeout) return false;
        ++round;
        since = now;
    }
}

int64_t MongoStore::recover_stranded(const RecoveryPolicy &policy, const std::vector<Json> &queue, double now,
                                     bool valid, std::map<std::string, std::pair<int, double>> &rounds) {
    // A queue entry whose claim was taken but that is still queued long
    // after: its claimer died between the claim and its running entry (or
    // never heard that its claim went through).
    // Checked only for entries queued longer than the heartbeat timeout (with
    // workers around, entries are taken within a poll).
    int64_t recovered = 0;
    std::map<std::pair<int64_t, int64_t>, double> seen, before;
    if (valid) {
        std::lock_guard lock(mu_);
        before = queued_since_;
    }
    for (const Json &q : queue) {
        const std::pair<int64_t, int64_t> k{int_field(q, "tid"), int_field(q, "claim")};
        auto it = before.find(k);
        const double since = it == before.end() ? now : it->second;
        if (now - since < policy.heartbeat_timeout) {
            seen[k] = since;
            continue;
        }
        seen[k] = now;  // looked at now: look again after another timeout
        const std::string key = tid_key(k.first), claim_id = key + "/" + std::to_string(k.second);
        if (!pool_.find_one(kClaimsColl, Json{{"_id", claim_id}})) continue;  // just nobody to take it
        if (!claim_recovery(claim_id, now, policy.heartbeat_timeout, rounds)) continue;
        // A recoverer of an earlier round may have finished after all.
        if (!pool_.find_one(kQueueColl, Json{{"_id", key}, {"claim", k.second}})) continue;
        if (std::optional<Json> doc = pool_.find_one(kJobsColl, Json{{"_id", key}})) {
            requeue(*doc, k.second + 1, int_field(*doc, "attempts"));
            ++recovered;
        }
    }
    std::lock_guard lock(mu_);
    queued_since_ = std::move(seen);
    return recovered;
}

int64_t MongoStore::recover_unqueued(const RecoveryPolicy &policy, const std::vector<Json> &queue,
                                     const std::vector<Json> &running, double now, bool valid,
                                     std::map<std::string, std::pair<int, double>> &rounds) {
    std::set<int64_t> placed;
    for (const Json &q : queue) placed.insert(int_field(q, "tid", -1));
    for (const Json &r : running) placed.insert(int_field(r, "tid", -1));
    // The candidates, by this process's view of the experiment; the job
    // itself is read again before anything is done.
    std::vector<std::pair<int64_t, int64_t>> unqueued;
    std::map<std::pair<int64_t, int64_t>, double> seen, before;
    {
        std::lock_guard lock(mu_);
        for (const int64_t tid : pending_) {
            const TrialPtr &t = cache_.at(tid);
            if (t->state == kNew && !placed.count(tid)) unqueued.emplace_back(tid, claim_of(*t));
        }
        if (valid) before = unqueued_since_;
    }
    int64_t recovered = 0;
    for (const auto &k : unqueued) {
        // A driver inserts the job, then its queue entry: only a job left so
        // for a heartbeat timeout is taken for stranded.
        auto it = before.find(k);
        const double since = it == before.end() ? now : it->second;
        seen[k] = since;
        if (now - since < policy.heartbeat_timeout) continue;
        const std::string key = tid_key(k.first), claim = std::to_string(k.second);
        if (!claim_recovery(key + "/" + claim + "/unqueued", now, policy.heartbeat_timeout, rounds)) continue;
        const std::optional<Json> doc = pool_.find_one(kJobsColl, Json{{"_id", key}});
        if (!doc || int_field(*doc, "state", -1) != kNew || int_field(*doc, "claim", -1) != k.second ||
            pool_.find_one(kQueueColl, Json{{"_id", key}}) || pool_.find_one(kRunningColl, Json{{"_id", key}}))
            continue;  // placed meanwhile
        requeue(*doc, k.second + 1, int_field(*doc, "attempts"));
        seen.erase(k);
        ++recovered;
    }
    std::lock_guard lock(mu_);
    unqueued_since_ = std::move(seen);
    return recovered;
}

std::vector<int64_t> MongoStore::new_tids(size_t n) {
    std::lock_guard lock(mu_);
    auto taken = [&](int64_t tid) { return pool_.find_one(kTidsColl, Json{{"_id", tid_key(tid)}}).has_value(); };
    if (next_tid_ < 0) {
        // Tids are taken densely from 0: find the end of the taken run by
        // galloping, then bisecting, in O(log N) _id lookups.
        int64_t lo = -1, hi = 0;
        while (taken(hi)) {
            lo = hi;
            hi = hi * 2 + 1;
        }
        while (hi - lo > 1) {
            const int64_t mid = lo + (hi - lo) / 2;
            (taken(mid) ? lo : hi) = mid;
        }
        next_tid_ = hi;
    }
    std::vector<int64_t> out;
    while (out.size() < n) {
        const int64_t tid = next_tid_++;
        if (pool_.insert(kTidsColl, Json{{"_id", tid_key(tid)}, {"at", date_now()}})) {
            out.push_back(tid);
            tids_claimed_.insert(tid);
        }
    }
    return out;
}

void MongoStore::put_in_cache(Trial t) {
    const int64_t tid = t.tid;
    if (t.state == kNew || t.state == kRunning) pending_.insert(tid);
    else pending_.erase(tid);
    auto &slot = cache_[tid];
    if (slot) --summary_.count[slot->state];
    ++summary_.count[t.state];
    // Final states do not change, so the best loss only ever improves
    // (deletions reload everything).
    if (t.state == kDone && std::isfinite(t.loss())) summary_.best_loss = std::min(summary_.best_loss, t.loss());
    slot = std::make_shared<const Trial>(std::move(t));
    view_stale_ = true;
}

void MongoStore::drop_from_cache(int64_t tid) {
    auto it = cache_.find(tid);
    if (it == cache_.end()) return;
    --summary_.count[it->second->state];
    cache_.erase(it);
    pending_.erase(tid);
    view_stale_ = true;
}

void MongoStore::insert(const std::vector<Trial> &docs) {
    std::lock_guard lock(mu_);
    for (const auto &d : docs) lifecycle::check_exp_key(d, exp_key_);
    // Take every tid first, so that a collision leaves nothing behind.
    std::vector<int64_t> taken_here;
    for (const auto &d : docs) {
        if (tids_claimed_.count(d.tid)) continue;
        if (!pool_.insert(kTidsColl, Json{{"_id", tid_key(d.tid)}, {"at", date_now()}})) {
            for (int64_t t : taken_here) pool_.remove(kTidsColl, Json{{"_id", tid_key(t)}});
            fail(HOPT_EINVAL, "a trial with tid " + std::to_string(d.tid) + " already exists in " + address().display);
        }
        taken_here.push_back(d.tid);
    }
    for (const auto &d : docs) {
        Trial t = d;
        t.extra["claim"] = 0;
        t.extra["attempts"] = 0;
        t.extra["objective"] = objective_of(d);
        t.result = storable(t.result);
        // The tid is this process's (hopt_tids), so a job document already
        // there is this very insert, sent again after its reply was lost.
        pool_.insert(kJobsColl, trial_to_bson(t).get());
        if (t.state == kNew)
            pool_.insert(kQueueColl, Json{{"_id", tid_key(t.tid)}, {"tid", t.tid}, {"exp_key", key_json(exp_key_)},
                                      {"objective", objective_of(d)}, {"claim", 0}});
        tids_claimed_.erase(t.tid);
        t.result = d.result;
        put_in_cache(std::move(t));
    }
    // Counted after the inserts, so that a reader that sees the count has
    // the trials to find.
    pool_.update(kExperimentsColl, Json{{"_id", experiment_id(exp_key_)}},
                 Json{{"$set", Json{{"exp_key", key_json(exp_key_)}}},
                      {"$inc", Json{{"inserted", static_cast<int64_t>(docs.size())}}}},
                 true);
    own_inserted_ += static_cast<int64_t>(docs.size());
    // Trials that did not enter the queue (imports, asks) are invisible to
    // other readers' incremental refresh: tell them to reload.
    if (std::any_of(docs.begin(), docs.end(), [](const Trial &d) { return d.state != kNew; })) ++own_changes_;
    write_marks();
}

MongoStore::Marks MongoStore::read_marks() {
    Marks marks;
    for (const Json &doc : pool_.find(kMarksColl, Json{{"experiment", experiment_id(exp_key_)}})) {
        if (!doc["_id"].is_string() || doc["_id"].get<std::string>() == marks_id()) continue;
        marks.inserted += int_field(doc, "inserted");
        if (const int64_t changes = int_field(doc, "changes")) marks.changes[doc["_id"].get<std::string>()] = changes;
    }
    return marks;
}

std::string MongoStore::marks_id() {
    if (writer_.empty()) {
        std::random_device rd;
        char token[24];
        std::snprintf(token, sizeof token, "%08x%08x", rd(), rd());
        writer_ = token;
    }
    return experiment_id(exp_key_) + "/" + writer_;
}

void MongoStore::write_marks() {
    // This store is the document's one writer (under mu_), so a $set of its
    // totals cannot be lost the way a shared $inc is on FerretDB, and sent
    // again after a lost reply it writes the same thing.
    pool_.update(kMarksColl, Json{{"_id", marks_id()}},
                 Json{{"$set", Json{{"experiment", experiment_id(exp_key_)},
                                    {"inserted", own_inserted_},
                                    {"changes", own_changes_},
                                    {"at", date_now()}}}},
                 true);
}

void MongoStore::load_all() {
    marks_at_load_ = read_marks();
    known_inserts_ = 0;
    last_full_load_ = clock_.seconds();
    cache_.clear();
    pending_.clear();
    summary_ = Summary();
    view_stale_ = true;
    for (const Json &doc : pool_.find(kJobsColl, experiment_filter()))
        if (std::optional<Trial> t = read_or_skip(doc)) put_in_cache(std::move(*t));
    loaded_ = true;
}

void MongoStore::refresh_incremental() {
    // One _id lookup tells whether another process did what incremental
    // reading cannot follow (deletions, imports), or inserted trials this
    // one never saw queued or running (finished between two looks). A
    // reload now and then also catches what a lost count would hide
    // (FerretDB's $inc is not atomic) and trials written by other tools.
    const Marks marks = read_marks();
    if (marks.changes != marks_at_load_.changes || marks.inserted - marks_at_load_.inserted > known_inserts_ ||
        clock_.seconds() - last_full_load_ > kFullReloadSeconds) {
        load_all();
        return;
    }
    const Json projection{{"projection", Json{{"tid", 1}, {"claim", 1}, {"owner", 1}, {"at", 1}}}};
    std::set<int64_t> queued, running;
    std::map<int64_t, Json> running_entries;
    for (const Json &q : pool_.find(kQueueColl, experiment_filter(), projection)) queued.insert(int_field(q, "tid", -1));
    for (Json &r : pool_.find(kRunningColl, experiment_filter(), projection)) {
        const int64_t tid = int_field(r, "tid", -1);
        running.insert(tid);
        running_entries[tid] = std::move(r);
    }

    // Only trials that may have changed are read again: the pending ones
    // whose place (queue, running, neither) no longer matches their state,
    // and those other processes added.
    std::set<int64_t> stale;
    std::set<int64_t> candidates = pending_;
    candidates.insert(queued.begin(), queued.end());
    candidates.insert(running.begin(), running.end());
    for (int64_t tid : candidates) {
        if (tid < 0) continue;
        auto it = cache_.find(tid);
        if (it == cache_.end()) {
            stale.insert(tid);
            continue;
        }
        const int state = it->second->state;
        if (queued.count(tid)) {
            if (state != kNew) stale.insert(tid);
        } else if (running.count(tid)) {
            // A final state stays final: a running entry beside it is a
            // requeued attempt whose outcome will be dropped.
            if (state == kNew) {
                // The running entry says who took it and when: no need to
                // read the job again.
                Trial t = *it->second;
                const Json &r = running_entries[tid];
                const bool at = r.contains("at") && r["at"].is_object();
                lifecycle::reserve(t, r.value("owner", Json(nullptr)), at ? r["at"].value("$date", int64_t{0}) : 0);
                // Only what the entry says changes: no time, no new booking.
                if (!at) t.book_time = it->second->book_time;
                t.refresh_time = it->second->refresh_time;
                t.extra["claim"] = int_field(r, "claim");
                put_in_cache(std::move(t));
            }
        } else if (state == kNew || state == kRunning) {
            stale.insert(tid);  // finished, cancelled, or between two steps
        }
    }
    for (int64_t tid : stale) {
        const std::string key = tid_key(tid);
        std::optional<Json> doc = pool_.find_one(kJobsColl, Json{{"_id", key}});
        if (!doc) {
            drop_from_cache(tid);
            continue;
        }
        std::optional<Trial> read = read_or_skip(*doc);
        if (!read) {
            drop_from_cache(tid);
            continue;
        }
        Trial &t = *read;
        if ((t.state == kNew || t.state == kRunning) && !queued.count(tid) && !running.count(tid)) {
            // The outcome is recorded before the job is written: a worker
            // may be between the two, or may have died there.
            if (std::optional<Json> res = pool_.find_one(kResultsColl, Json{{"_id", key}})) {
                t.state = static_cast<int>(int_field(*res, "state", kDone));
                t.result = res->value("result", Json::object());
                t.error = res->value("error", Json(nullptr));
                t.owner = res->value("owner", Json(nullptr));
                unpack_result(t);
            }
        }
        if (!cache_.count(tid)) ++known_inserts_;  // another driver's, seen queued or running
        put_in_cache(std::move(t));
    }
}

std::vector<TrialPtr> MongoStore::refresh() {
    {
        std::lock_guard lock(mu_);
        if (!loaded_) load_all();
        else refresh_incremental();
    }
    return snapshot();
}

std::optional<Trial> MongoStore::read_or_skip(const Json &doc) {
    try {
        return read_trial(doc);
    } catch (const Error &e) {
        // (replace: a document from the server need not hold valid UTF-8)
        const std::string id =
            doc.contains("_id") ? doc["_id"].dump(-1, ' ', false, Json::error_handler_t::replace) : "(none)";
        if (skipped_.emplace(id, e.what()).second) {
            const std::string line = "skipping the document with _id " + id + " in " + pool_.address().display +
                                     " jobs: " + e.what() + " (left as it is)";
            if (warn_) warn_(line);
            else std::fprintf(stderr, "hopt: %s\n", line.c_str());
        }
        return std::nullopt;
    }
}

std::map<std::string, std::string> MongoStore::skipped() {
    std::lock_guard lock(mu_);
    return skipped_;
}

void MongoStore::set_warn(std::function<void(const std::string &)> warn) {
    std::lock_guard lock(mu_);
    warn_ = std::move(warn);
}

Summary MongoStore::poll() {
    std::lock_guard lock(mu_);
    if (!loaded_) load_all();
    else refresh_incremental();
    return summary_;
}

std::vector<TrialPtr> MongoStore::snapshot() {
    std::lock_guard lock(mu_);
    if (!loaded_) load_all();
    if (view_stale_) {
        view_.clear();
        view_.reserve(cache_.size());
        for (const auto &[tid, t] : cache_) view_.push_back(t);
        view_stale_ = false;
    }
    return view_;
}

int64_t MongoStore::count(StateMask states) { return poll().in(states); }

void MongoStore::delete_all() {
    std::lock_guard lock(mu_);
    for (const char *coll : {kJobsColl, kQueueColl, kRunningColl, kResultsColl}) pool_.remove(coll, experiment_filter());
    pool_.update(kExperimentsColl, Json{{"_id", experiment_id(exp_key_)}},
                 Json{{"$unset", Json{{"space", ""}, {"objective", ""}, {"settings", ""}, {"signature", ""}}}});
    // The marks stay: a change counted in them tells other readers to drop
    // what they hold.
    ++own_changes_;
    write_marks();
    cache_.clear();
    pending_.clear();
    summary_ = Summary();
    view_stale_ = true;
    loaded_ = false;  // the next look reads the (empty) experiment and its marks afresh
}

void MongoStore::put_domain(const Domain &domain) {
    // $set, not a replacement: what else the document holds stays.
    pool_.update(kExperimentsColl, Json{{"_id", experiment_id(exp_key_)}},
                 Json{{"$set", Json{{"exp_key", key_json(exp_key_)},
                                    {"space", dump_json(domain.space)},
                                    {"objective", domain.objective},
                                    {"settings", dump_json(domain.settings)},
                                    {"signature", domain.signature},
                                    {"updated", date_now()}}}},
                 true);
}

std::optional<Domain> MongoStore::get_domain(const std::optional<std::string> &exp_key) {
    std::optional<Json> doc = pool_.find_one(kExperimentsColl, Json{{"_id", experiment_id(exp_key)}});
    if (!doc || !doc->contains("space")) return std::nullopt;
    Domain d;
    if (!(*doc)["space"].is_string() || !(*doc)["objective"].is_string())
        fail(HOPT_EJSON, "the domain of experiment " + experiment_id(exp_key) + " is not a hopt domain document");
    d.space = parse_json((*doc)["space"].get<std::string>(), "stored space");
    d.objective = (*doc)["objective"].get<std::string>();
    if ((*doc)["settings"].is_string()) d.settings = parse_json((*doc)["settings"].get<std::string>(), "stored settings");
    if ((*doc)["signature"].is_string()) d.signature = (*doc)["signature"].get<std::string>();
    return d;
}

std::optional<Trial> MongoStore::reserve(const std::string &owner, const ReserveFilter &filter) {
    Json q = Json::object();
    const auto &skip = filter.skip_exp_keys;
    if (filter.exp_key && std::find(skip.begin(), skip.end(), filter.exp_key) != skip.end()) return std::nullopt;
    if (filter.exp_key) q["exp_key"] = *filter.exp_key;
    else if (!skip.empty()) q["exp_key"] = Json{{"$nin", key_list(skip)}};
    if (!filter.objectives.empty()) q["objective"] = Json{{"$in", filter.objectives}};
    std::vector<Json> candidates = pool_.find(kQueueColl, q, Json{{"sort", Json{{"tid", 1}}}, {"limit", 16}});
    // Workers that start at the same time would all race for the oldest job:
    // start each at a random one of the first few.
    if (candidates.size() > 1) {
        thread_local std::minstd_rand pick(std::random_device{}());
        const size_t start = pick() % std::min<size_t>(candidates.size(), 4);
        std::rotate(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(start), candidates.end());
    }
    for (const Json &c : candidates) {
        const std::string key = c.value("_id", std::string());
        const int64_t claim_no = int_field(c, "claim");
        if (key.empty() || !claim(key + "/" + std::to_string(claim_no), owner, "reserve")) continue;
        // This job is ours alone from here: the claim is exclusive. It is
        // read before anything is written, so that a document edited into
        // a shape hopt cannot read is left exactly as it is (and dropped
        // from the queue, with the reason reported).
        std::optional<Json> doc = pool_.find_one(kJobsColl, Json{{"_id", key}});
        if (!doc) {
            // Deleted by another client (an experiment cleared by hand):
            // its queue entry is all that is left; dropped, and on to the
            // next, so that one cleared experiment stops no worker.
            {
                std::lock_guard lock(mu_);
                const std::string line = "job " + key + " in " + pool_.address().display +
                                         " was deleted while it was being reserved; dropped its queue entry";
                if (warn_) warn_(line);
                else std::fprintf(stderr, "hopt: %s\n", line.c_str());
            }
            pool_.remove(kQueueColl, Json{{"_id", key}, {"claim", claim_no}});
            continue;
        }
        std::optional<Trial> read;
        {
            std::lock_guard lock(mu_);
            read = read_or_skip(*doc);
        }
        if (!read) {
            pool_.remove(kQueueColl, Json{{"_id", key}});
            continue;
        }
        // An entry left over from before the job moved on (a queue insert
        // that arrived after recovery had requeued the job, or after the
        // job finished): dropped, the job left as it is.
        if (read->state != kNew || claim_of(*read) != claim_no) {
            pool_.remove(kQueueColl, Json{{"_id", key}, {"claim", claim_no}});
            continue;
        }
        // The running entry comes first, so that from now on a crash leaves
        // a heartbeat that stops, which recovery notices.
        const int64_t tid = int_field(c, "tid");
        pool_.replace(kRunningColl, Json{{"_id", key}},
                      Json{{"_id", key}, {"tid", tid}, {"exp_key", c.value("exp_key", Json(nullptr))},
                           {"owner", owner}, {"claim", claim_no}, {"beat", 0}, {"at", date_now()}},
                      true);
        pool_.remove(kQueueColl, Json{{"_id", key}});
        const Json now = date_now();
        pool_.update(kJobsColl, Json{{"_id", key}},
                     Json{{"$set", Json{{"state", kRunning}, {"owner", owner}, {"book_time", now}, {"refresh_time", now},
                                        {"result", lifecycle::placeholder_result(kRunning)}}},
                          {"$inc", Json{{"version", 1}}}});
        // What the update wrote, without reading the job again.
        Trial t = std::move(*read);
        lifecycle::reserve(t, owner, now["$date"].get<int64_t>());
        ++t.version;
        t.extra["claim"] = claim_no;
        return t;
    }
    return std::nullopt;
}

bool MongoStore::heartbeat(Trial &job) {
    const int64_t beat = int_field(job.extra, "beat") + 1;
    job.extra["beat"] = beat;
    job.refresh_time = now_ms();
    return pool_.update(kRunningColl, Json{{"_id", tid_key(job.tid)}, {"claim", claim_of(job)}, {"owner", job.owner}},
                        Json{{"$set", Json{{"beat", beat}, {"at", date_now()}}}}) > 0;
}

void MongoStore::write_outcome(const std::string &id, const Trial &job) {
    Json set{{"state", job.state}, {"refresh_time", date_now()}, {"owner", job.owner}};
    if (!job.error.is_null()) set["error"] = job.error;
    const Json filter{{"_id", id}};
    try {
        set["result"] = job.result;
        pool_.update(kJobsColl, filter, Json{{"$set", set}, {"$inc", Json{{"version", 1}}}});
    } catch (const Error &e) {
        if (e.code() != HOPT_EDATABASE) throw;
        set["result"] = storable(job.result);
        pool_.update(kJobsColl, filter, Json{{"$set", set}, {"$inc", Json{{"version", 1}}}});
    }
}

bool MongoStore::complete(Trial &job) {
    const std::string key = tid_key(job.tid);
    const int64_t claim_no = claim_of(job);
    Json outcome{{"_id", key},          {"tid", job.tid},        {"exp_key", key_json(job.exp_key)},
                 {"claim", claim_no},   {"owner", job.owner},    {"state", job.state},
                 {"error", job.error},  {"at", date_now()}};
    bool first;
    try {
        outcome["result"] = job.result;
        first = pool_.insert(kResultsColl, outcome);
    } catch (const Error &e) {
        if (e.code() != HOPT_EDATABASE) throw;
        outcome["result"] = storable(job.result);
        first = pool_.insert(kResultsColl, outcome);
    }
    if (!first) {
        std::optional<Json> winner = pool_.find_one(kResultsColl, Json{{"_id", key}});
        // Our own insert, sent again after its reply was lost to a dropped
        // connection, is no rival.
        const bool ours = winner && int_field(*winner, "claim", -1) == claim_no && winner->value("owner", Json()) == job.owner;
        if (!ours) {
            // Another attempt of this job finished first (this one was
            // presumed dead and requeued): its outcome stands.
            if (winner) repair_from_result(*winner);
            pool_.remove(kRunningColl, Json{{"_id", key}, {"claim", claim_no}});
            return false;
        }
    }
    job.refresh_time = now_ms();
    write_outcome(key, job);
    // If our running entry is gone, this job was presumed dead and requeued
    // meanwhile: nobody needs to run it again now.
    if (pool_.remove(kRunningColl, Json{{"_id", key}, {"claim", claim_no}}) == 0)
        pool_.remove(kQueueColl, Json{{"_id", key}});
    return true;
}

void MongoStore::repair_from_result(const Json &res) {
    Trial t;
    t.tid = int_field(res, "tid");
    t.state = static_cast<int>(int_field(res, "state", kDone));
    t.result = res.value("result", Json::object());
    t.error = res.value("error", Json(nullptr));
    t.owner = res.value("owner", Json(nullptr));
    write_outcome(res.value("_id", tid_key(t.tid)), t);
}

void MongoStore::requeue(const Json &job_doc, int64_t claim_no, int64_t attempts) {
    // In this order, so that a requeuer that dies half-way leaves either the
    // silent running entry (recovered again, in a later round) or a queue
    // entry, never a NEW job that nobody can reserve.
    const std::string key = job_doc.value("_id", std::string());
    pool_.update(kJobsColl, Json{{"_id", key}},
                 Json{{"$set", Json{{"state", kNew}, {"owner", nullptr}, {"book_time", nullptr},
                                    {"claim", claim_no}, {"attempts", attempts},
                                    {"result", lifecycle::placeholder_result(kNew)}}},
                      {"$inc", Json{{"version", 1}}}});
    pool_.replace(kQueueColl, Json{{"_id", key}},
                  Json{{"_id", key}, {"tid", int_field(job_doc, "tid")}, {"exp_key", job_doc.value("exp_key", Json(nullptr))},
                       {"objective", job_doc.value("objective", std::string())}, {"claim", claim_no}},
                  true);
    // Only the abandoned attempt's entry: a worker may have reserved the
    // requeued job already.
    pool_.remove(kRunningColl, Json{{"_id", key}, {"claim", claim_no - 1}});
}

bool MongoStore::release(Trial &job) {
    const std::string key = tid_key(job.tid);
    if (pool_.update(kRunningColl, Json{{"_id", key}, {"claim", claim_of(job)}, {"owner", job.owner}},
                     Json{{"$set", Json{{"released", true}}}}) == 0)
        return false;
    std::optional<Json> doc = pool_.find_one(kJobsColl, Json{{"_id", key}});
    if (!doc) return false;
    requeue(*doc, claim_of(job) + 1, int_field(*doc, "attempts"));
    return true;
}

int64_t MongoStore::cancel_new() {
    std::vector<TrialPtr> docs = refresh();
    int64_t n = 0;
    const std::string owner = "cancel";
    for (const auto &t : docs) {
        if (t->state != kNew) continue;
        const std::string key = tid_key(t->tid);
        if (!claim(key + "/" + std::to_string(claim_of(*t)), owner, "cancel")) continue;  // a worker has it
        pool_.remove(kQueueColl, Json{{"_id", key}});
        const Json now = date_now();
        pool_.update(kJobsColl, Json{{"_id", key}},
                     Json{{"$set", Json{{"state", kCancel}, {"refresh_time", now}}}, {"$inc", Json{{"version", 1}}}});
        Trial c = *t;
        lifecycle::cancel(c, now["$date"].get<int64_t>());  // the cache holds what the server does
        std::lock_guard lock(mu_);
        put_in_cache(std::move(c));
        ++n;
    }
    return n;
}

int64_t MongoStore::recover_stale(const RecoveryPolicy &policy) {
    // Silence is measured in seconds: looking more often than a quarter of
    // the timeout (and than once a second) only loads the server.
    {
        const double started = clock_.seconds();
        std::lock_guard lock(mu_);
        if (started - last_recovery_ < std::min(1.0, policy.heartbeat_timeout / 4)) return 0;
        last_recovery_ = started;
    }
    // Every experiment's queued and running jobs: an abandoned job is
    // recovered by whichever driver or worker notices first.
    const std::vector<Json> queue =
        pool_.find(kQueueColl, Json::object(), Json{{"projection", Json{{"tid", 1}, {"claim", 1}}}});
    const std::vector<Json> running = pool_.find(kRunningColl, Json::object());
    // Silences are timed from here, after the reads, which may have waited
    // out an outage.
    const double now = clock_.seconds();
    const bool valid = observations_valid(policy, now);
    std::map<std::string, std::pair<int, double>> rounds;
    {
        std::lock_guard lock(mu_);
        rounds = recovery_rounds_;
    }
    int64_t recovered = recover_stranded(policy, queue, now, valid, rounds);
    recovered += recover_unqueued(policy, queue, running, now, valid, rounds);
    std::map<std::pair<int64_t, int64_t>, std::pair<Json, double>> seen;
    for (const Json &r : running) {
        const std::pair<int64_t, int64_t> k{int_field(r, "tid"), int_field(r, "claim")};
        const Json beat = r.value("beat", Json(nullptr));
        std::lock_guard lock(mu_);
        auto it = beats_.find(k);
        if (!valid || it == beats_.end() || it->second.first != beat) {
            seen[k] = {beat, now};
            continue;
        }
        seen[k] = it->second;
        const double silent = now - it->second.second;
        if (silent < policy.heartbeat_timeout) continue;
        const std::string key = tid_key(k.first);
        if (!claim_recovery(key + "/" + std::to_string(k.second), now, policy.heartbeat_timeout, rounds)) continue;
        // A recoverer of an earlier round may have finished after all.
        const std::optional<Json> still = pool_.find_one(kRunningColl, Json{{"_id", key}});
        if (!still || int_field(*still, "claim", -1) != k.second || still->value("beat", Json(nullptr)) != beat) continue;
        ++recovered;
        if (std::optional<Json> res = pool_.find_one(kResultsColl, Json{{"_id", key}})) {
            repair_from_result(*res);  // it finished, but died before saying so everywhere
            pool_.remove(kRunningColl, Json{{"_id", key}, {"claim", k.second}});
            continue;
        }
        std::optional<Json> doc = pool_.find_one(kJobsColl, Json{{"_id", key}});
        if (!doc) {
            pool_.remove(kRunningColl, Json{{"_id", key}});
            continue;
        }
        const int64_t attempts = int_field(*doc, "attempts") + 1;
        if (attempts < policy.max_attempts) {
            requeue(*doc, k.second + 1, attempts);
            continue;
        }
        std::optional<Trial> read = read_or_skip(*doc);  // mu_ is held
        if (!read) {  // edited by hand while it ran: left as it is
            pool_.remove(kRunningColl, Json{{"_id", key}, {"claim", k.second}});
            continue;
        }
        Trial t = std::move(*read);
        lifecycle::fail(t, "hopt.WorkerLost",
                        "no heartbeat from " + r.value("owner", Json("?")).dump(-1, ' ', false, Json::error_handler_t::replace) +
                            " for " + std::to_string(static_cast<int>(silent)) + " s; the job was abandoned " +
                            std::to_string(attempts) + " times");
        t.extra["claim"] = k.second;
        Json outcome{{"_id", key},         {"tid", t.tid},     {"exp_key", key_json(t.exp_key)}, {"claim", k.second},
                     {"owner", t.owner},   {"state", kError},  {"error", t.error},               {"result", t.result},
                     {"at", date_now()}};
        if (pool_.insert(kResultsColl, outcome)) write_outcome(key, t);
        else if (std::optional<Json> winner = pool_.find_one(kResultsColl, Json{{"_id", key}})) repair_from_result(*winner);
        pool_.remove(kRunningColl, Json{{"_id", key}, {"claim", k.second}});
    }
    std::lock_guard lock(mu_);
    beats_ = std::move(seen);
    // Rounds of jobs that are no longer abandoned are forgotten.
    for (auto it = rounds.begin(); it != rounds.end();) it = now - it->second.second > 4 * policy.heartbeat_timeout ? rounds.erase(it) : std::next(it);
    recovery_rounds_ = std::move(rounds);
    return recovered;
}

}  // namespace hopt::trials::mongo

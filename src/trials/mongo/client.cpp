#include "trials/mongo/client.hpp"

#include <cstdio>
#include <cstring>
#include <mutex>

#include "core/error.hpp"
#include "security/redact.hpp"

namespace hopt::trials::mongo {

namespace {

// libmongoc's default log handler prints its monitor's DEBUG lines and a
// WARNING each time a client is destroyed against a server without sessions
// (FerretDB): keep warnings and errors only, minus that one.
void log_handler(mongoc_log_level_t level, const char *domain, const char *message, void *) {
    if (level > MONGOC_LOG_LEVEL_WARNING) return;
    if (std::strstr(message, "endSessions")) return;
    std::fprintf(stderr, "hopt: mongoc %s: %s\n", domain, security::redact_text(message).c_str());
}

// The driver's process-wide initialisation, done once on first use (its
// cleanup is left to process exit: other code in the process may use it).
void init_driver() {
    static std::once_flag once;
    std::call_once(once, [] {
        mongoc_log_set_handler(log_handler, nullptr);
        mongoc_init();
    });
}

// Server codes that mean "not now" rather than "no": a server shutting down
// or stepping down, a network error seen by the server.
bool is_transient_server_code(uint32_t code) {
    switch (code) {
    case 6:      // HostUnreachable
    case 7:      // HostNotFound
    case 89:     // NetworkTimeout
    case 91:     // ShutdownInProgress
    case 189:    // PrimarySteppedDown
    case 9001:   // SocketException
    case 10107:  // NotWritablePrimary
    case 11600:  // InterruptedAtShutdown
    case 11602:  // InterruptedDueToReplStateChange
    case 13435:  // NotPrimaryNoSecondaryOk
    case 13436:  // NotPrimaryOrSecondary
        return true;
    default:
        return false;
    }
}

bool is_connection_error(const bson_error_t &e) {
    // A server whose certificate does not verify is there but refused: a
    // configuration to fix, not an outage to wait out.
    if (std::strstr(e.message, "certificate verify failed")) return false;
    const bool server = e.domain == MONGOC_ERROR_SERVER || e.domain == MONGOC_ERROR_QUERY;
    return e.domain == MONGOC_ERROR_SERVER_SELECTION || e.domain == MONGOC_ERROR_STREAM ||
           (e.domain == MONGOC_ERROR_CLIENT && e.code == MONGOC_ERROR_CLIENT_AUTHENTICATE) ||
           (server && is_transient_server_code(e.code)) ||
           // FerretDB answers the commands its shutdown interrupts with
           // InternalError "... context canceled".
           (server && e.code == 1 && std::strstr(e.message, "context canceled"));
}

}  // namespace

void raise(const bson_error_t &e, const std::string &what, const std::vector<std::string> &secrets) {
    const std::string msg = what + ": " + security::redact_text(e.message, secrets) + " (error " +
                            std::to_string(e.domain) + "." + std::to_string(e.code) + ")";
    fail(is_connection_error(e) ? HOPT_ECONNECT : HOPT_EDATABASE, msg);
}

bool is_duplicate_key(const bson_error_t &e) {
    return e.code == 11000 && (e.domain == MONGOC_ERROR_SERVER || e.domain == MONGOC_ERROR_COLLECTION ||
                               e.domain == MONGOC_ERROR_COMMAND || e.domain == MONGOC_ERROR_WRITE_CONCERN);
}

Pool::Pool(const Address &address) : address_(address), retry_(address.display) {
    init_driver();
    bson_error_t error;
    // The driver's messages may quote the password (libmongoc does when it
    // holds unescaped characters).
    auto refused = [&](const char *what) {
        return std::string(what) + " MongoDB address '" + address_.display +
               "': " + security::redact_text(error.message, address_.secrets);
    };
    uri_ = mongoc_uri_new_with_error(address_.uri.c_str(), &error);
    if (!uri_) fail(HOPT_EINVAL, refused("invalid"));
    pool_ = mongoc_client_pool_new_with_error(uri_, &error);
    if (!pool_) {
        mongoc_uri_destroy(uri_);
        fail(HOPT_EINVAL, refused("cannot use"));
    }
    mongoc_client_pool_set_error_api(pool_, MONGOC_ERROR_API_VERSION_2);
}

Pool::~Pool() {
    mongoc_client_pool_destroy(pool_);
    mongoc_uri_destroy(uri_);
}

Client::Client(Pool &pool) : pool_(pool), client_(mongoc_client_pool_pop(pool.pool_)) {
    if (!client_) fail(HOPT_ECONNECT, "no MongoDB client available for " + pool.address_.display);
}

Client::~Client() {
    for (auto *c : open_) mongoc_collection_destroy(c);
    mongoc_client_pool_push(pool_.pool_, client_);
}

mongoc_collection_t *Client::collection(const char *name) {
    open_.push_back(mongoc_client_get_collection(client_, pool_.address_.database.c_str(), name));
    return open_.back();
}

void Pool::ping() {
    // A single client tries each server once: "connection refused" comes
    // back at once instead of after the pool's whole selection timeout.
    mongoc_client_t *client = mongoc_client_new_from_uri(uri_);
    if (!client) fail(HOPT_EINVAL, "cannot use MongoDB address '" + address_.display + "'");
    mongoc_client_set_error_api(client, MONGOC_ERROR_API_VERSION_2);
    BsonPtr cmd = to_bson(Json{{"ping", 1}});
    bson_error_t error;
    bson_t reply;
    const bool ok = mongoc_client_command_simple(client, address_.database.c_str(), cmd.get(), nullptr, &reply, &error);
    bson_destroy(&reply);
    mongoc_client_destroy(client);
    if (!ok) raise(error, "cannot reach MongoDB at " + address_.display, address_.secrets);
}

std::vector<Json> Pool::find(const char *coll, const Json &filter, const Json &opts) {
    return retry_.run([&] {
        Client c(*this);
        BsonPtr f = to_bson(filter), o = to_bson(opts);
        mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(c.collection(coll), f.get(), o.get(), nullptr);
        std::vector<Json> out;
        const bson_t *doc;
        while (mongoc_cursor_next(cursor, &doc)) out.push_back(from_bson(doc));
        bson_error_t error;
        const bool failed = mongoc_cursor_error(cursor, &error);
        mongoc_cursor_destroy(cursor);
        if (failed) raise(error, std::string("reading ") + coll);
        return out;
    });
}

std::optional<Json> Pool::find_one(const char *coll, const Json &filter) {
    auto docs = find(coll, filter, Json{{"limit", 1}});
    if (docs.empty()) return std::nullopt;
    return std::move(docs[0]);
}

bool Pool::insert(const char *coll, const bson_t *doc) {
    return retry_.run([&] {
        Client c(*this);
        bson_error_t error;
        if (mongoc_collection_insert_one(c.collection(coll), doc, nullptr, nullptr, &error)) return true;
        if (is_duplicate_key(error)) return false;
        raise(error, std::string("writing to ") + coll);
    });
}

bool Pool::insert(const char *coll, const Json &doc) { return insert(coll, to_bson(doc).get()); }

namespace {

int64_t count_in(const bson_t *reply, const char *key) {
    bson_iter_t it;
    if (bson_iter_init_find(&it, reply, key) && BSON_ITER_HOLDS_NUMBER(&it)) return bson_iter_as_int64(&it);
    return 0;
}

// mongoc_collection_update_one and mongoc_collection_replace_one: the same
// arguments (filter, update or replacement, options) and reply.
using WriteOne = bool (*)(mongoc_collection_t *, const bson_t *, const bson_t *, const bson_t *, bson_t *,
                          bson_error_t *);

struct WriteCounts {
    int64_t matched = 0, upserted = 0;
};

// One write of a single document, retried like every operation of a Pool;
// an error names it as `verb` + `coll`.
WriteCounts write_one(Pool &pool, WriteOne write, const char *verb, const char *coll, const Json &filter,
                      const Json &doc, bool upsert) {
    return pool.retry().run([&] {
        Client c(pool);
        BsonPtr f = to_bson(filter), d = to_bson(doc), o = to_bson(Json{{"upsert", upsert}});
        // Two clients upserting the same missing document both find nothing
        // and both insert: the loser gets a duplicate key (on MongoDB as on
        // FerretDB). The document exists then, so the write is sent again
        // and updates it.
        for (int attempt = 0;; ++attempt) {
            bson_t reply;
            bson_error_t error;
            const bool ok = write(c.collection(coll), f.get(), d.get(), o.get(), &reply, &error);
            const WriteCounts n{count_in(&reply, "matchedCount"), count_in(&reply, "upsertedCount")};
            bson_destroy(&reply);
            if (ok) return n;
            if (!(upsert && is_duplicate_key(error) && attempt < 3)) raise(error, verb + std::string(coll));
        }
    });
}

}  // namespace

int64_t Pool::update(const char *coll, const Json &filter, const Json &update, bool upsert) {
    const WriteCounts n = write_one(*this, mongoc_collection_update_one, "updating ", coll, filter, update, upsert);
    return n.matched + (upsert ? n.upserted : 0);
}

int64_t Pool::replace(const char *coll, const Json &filter, const Json &doc, bool upsert) {
    return write_one(*this, mongoc_collection_replace_one, "writing to ", coll, filter, doc, upsert).matched;
}

int64_t Pool::remove(const char *coll, const Json &filter) {
    return retry_.run([&] {
        Client c(*this);
        BsonPtr f = to_bson(filter);
        bson_t reply;
        bson_error_t error;
        const bool ok = mongoc_collection_delete_many(c.collection(coll), f.get(), nullptr, &reply, &error);
        const int64_t n = ok ? count_in(&reply, "deletedCount") : 0;
        bson_destroy(&reply);
        if (!ok) raise(error, std::string("deleting from ") + coll);
        return n;
    });
}

void Pool::create_index(const char *coll, const char *name, const Json &keys, bool unique) {
    return retry_.run([&] {
        Client c(*this);
        Json index{{"key", keys}, {"name", name}};
        if (unique) index["unique"] = true;
        BsonPtr cmd = to_bson(Json{{"createIndexes", coll}, {"indexes", Json::array({index})}});
        bson_t reply;
        bson_error_t error;
        const bool ok = mongoc_collection_write_command_with_opts(c.collection(coll), cmd.get(), nullptr, &reply, &error);
        bson_destroy(&reply);
        if (!ok) raise(error, std::string("creating index ") + name + " on " + coll);
    });
}

}  // namespace hopt::trials::mongo

// A connection to the server: a libmongoc client pool (clients are not
// thread-safe; heartbeats run on their own thread) and the mapping of driver
// errors to hopt's status codes.
#pragma once

#include <mongoc/mongoc.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "trials/mongo/bson_json.hpp"
#include "trials/mongo/retry.hpp"
#include "trials/mongo/url.hpp"

namespace hopt::trials::mongo {

// Raise Error(HOPT_ECONNECT) for network and server-selection failures,
// Error(HOPT_EDATABASE) for the rest, with `what` and the server's message,
// in which addresses, secret options and `secrets` are masked.
[[noreturn]] void raise(const bson_error_t &error, const std::string &what,
                        const std::vector<std::string> &secrets = {});
bool is_duplicate_key(const bson_error_t &error);

class Pool;

// One client taken from the pool for the duration of a scope.
class Client {
public:
    explicit Client(Pool &pool);
    ~Client();
    Client(const Client &) = delete;
    Client &operator=(const Client &) = delete;
    mongoc_collection_t *collection(const char *name);

private:
    Pool &pool_;
    mongoc_client_t *client_;
    std::vector<mongoc_collection_t *> open_;
};

class Pool {
public:
    explicit Pool(const Address &address);
    ~Pool();
    Pool(const Pool &) = delete;
    Pool &operator=(const Pool &) = delete;

    const Address &address() const { return address_; }
    // Round trip to the server: Error(HOPT_ECONNECT) if it cannot be reached
    // within the address's server selection timeout.
    void ping();

    // Connection failures of the operations below are retried (retry.hpp):
    // they raise Error(HOPT_ECONNECT) only once the server has been
    // unreachable for the retry policy's server_timeout.
    Retry &retry() { return retry_; }

    // The operations the store needs, on collection `coll`. Each takes a
    // client for itself. Errors raise, except where a result says otherwise.
    std::vector<Json> find(const char *coll, const Json &filter, const Json &opts = Json::object());
    std::optional<Json> find_one(const char *coll, const Json &filter);
    // false when the insert hit a duplicate key.
    bool insert(const char *coll, const Json &doc);
    bool insert(const char *coll, const bson_t *doc);
    // Number of documents matched (update: plus the one upserted, if any;
    // remove: deleted).
    int64_t update(const char *coll, const Json &filter, const Json &update, bool upsert = false);
    int64_t replace(const char *coll, const Json &filter, const Json &doc, bool upsert);
    int64_t remove(const char *coll, const Json &filter);
    void create_index(const char *coll, const char *name, const Json &keys, bool unique);

private:
    friend class Client;
    Address address_;
    Retry retry_;
    mongoc_uri_t *uri_ = nullptr;
    mongoc_client_pool_t *pool_ = nullptr;
};

}  // namespace hopt::trials::mongo

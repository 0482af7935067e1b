// Between the engine's JSON and libbson's BSON. Trial documents are
// hyperopt's: times become BSON datetimes (as pymongo writes Python
// datetimes), and read back as {"$date": ms}; ObjectIds read as {"$oid": hex}.
#pragma once

#include <bson/bson.h>

#include <utility>

#include "core/json.hpp"
#include "trials/trial.hpp"

namespace hopt::trials::mongo {

// Owns a bson_t (std::unique_ptr would drop bson_t's alignment attribute).
class BsonPtr {
public:
    explicit BsonPtr(bson_t *p = nullptr) : p_(p) {}
    BsonPtr(BsonPtr &&o) noexcept : p_(o.p_) { o.p_ = nullptr; }
    BsonPtr &operator=(BsonPtr &&o) noexcept {
        std::swap(p_, o.p_);
        return *this;
    }
    ~BsonPtr() {
        if (p_) bson_destroy(p_);
    }
    bson_t *get() const { return p_; }

private:
    bson_t *p_;
};

// A JSON object as a BSON document. {"$date": ms} becomes a datetime.
// Error(HOPT_EINVAL) for what BSON cannot hold (nesting deeper than 100,
// NaN or infinite numbers, keys with NUL).
BsonPtr to_bson(const Json &object);
Json from_bson(const bson_t *doc);

// The jobs document of a trial, `_id` being its tid as a zero-padded string
// (so that the server can look trials up by _id, the one lookup FerretDB
// answers without scanning).
BsonPtr trial_to_bson(const Trial &t);
Trial trial_from_bson(const bson_t *doc);
std::string tid_key(int64_t tid);

}  // namespace hopt::trials::mongo

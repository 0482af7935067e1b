#include "trials/mongo/bson_json.hpp"

#include <cmath>
#include <cstdio>

#include "core/error.hpp"

namespace hopt::trials::mongo {

namespace {

constexpr int kMaxDepth = 100;

void append(bson_t *doc, const std::string &key, const Json &v, int depth);

bool is_oid_hex(const std::string &s) {
    return s.size() == 24 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

void append_object(bson_t *doc, const Json &obj, int depth) {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
        if (it.key().find('\0') != std::string::npos) fail(HOPT_EINVAL, "a document key contains NUL");
        append(doc, it.key(), it.value(), depth);
    }
}

void append(bson_t *doc, const std::string &key, const Json &v, int depth) {
    if (depth > kMaxDepth) fail(HOPT_EINVAL, "a document is nested deeper than 100 levels");
    const char *k = key.c_str();
    const int len = static_cast<int>(key.size());
    switch (v.type()) {
    case Json::value_t::null: bson_append_null(doc, k, len); break;
    case Json::value_t::boolean: bson_append_bool(doc, k, len, v.get<bool>()); break;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: {
        // BSON's integers are signed 64-bit: a larger one would come back
        // negative (found by fuzzing).
        if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
            fail(HOPT_EINVAL, "field '" + key + "' holds an integer above 2^63 - 1, which BSON cannot store");
        const int64_t i = v.get<int64_t>();
        // int32 where it fits, as pymongo writes Python ints.
        if (i >= INT32_MIN && i <= INT32_MAX) bson_append_int32(doc, k, len, static_cast<int32_t>(i));
        else bson_append_int64(doc, k, len, i);
        break;
    }
    case Json::value_t::number_float: {
        const double d = v.get<double>();
        if (!std::isfinite(d))
            fail(HOPT_EINVAL, "field '" + key + "' holds a non-finite number, which MongoDB-compatible servers refuse");
        bson_append_double(doc, k, len, d);
        break;
    }
    case Json::value_t::string: {
        const std::string &s = v.get_ref<const std::string &>();
        bson_append_utf8(doc, k, len, s.c_str(), static_cast<int>(s.size()));
        break;
    }
    case Json::value_t::array: {
        bson_t child;
        bson_append_array_begin(doc, k, len, &child);
        char buf[16];
        for (size_t i = 0; i < v.size(); ++i) {
            const char *ik;
            const size_t klen = bson_uint32_to_string(static_cast<uint32_t>(i), &ik, buf, sizeof buf);
            append(&child, std::string(ik, klen), v[i], depth + 1);
        }
        bson_append_array_end(doc, &child);
        break;
    }
    case Json::value_t::object: {
        if (v.size() == 1 && v.contains("$date") && v["$date"].is_number_integer() &&
            !(v["$date"].is_number_unsigned() && v["$date"].get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))) {
            bson_append_date_time(doc, k, len, v["$date"].get<int64_t>());
            break;
        }
        // Exactly the form from_bson writes (24 lowercase hex digits):
        // anything else would not read back as written (found by fuzzing:
        // bson_oid_is_valid looks at the first 24 characters only).
        if (v.size() == 1 && v.contains("$oid") && v["$oid"].is_string() &&
            is_oid_hex(v["$oid"].get_ref<const std::string &>())) {
            bson_oid_t oid;
            bson_oid_init_from_string(&oid, v["$oid"].get_ref<const std::string &>().c_str());
            bson_append_oid(doc, k, len, &oid);
            break;
        }
        bson_t child;
        bson_append_document_begin(doc, k, len, &child);
        append_object(&child, v, depth + 1);
        bson_append_document_end(doc, &child);
        break;
    }
    default: fail(HOPT_EINVAL, "field '" + key + "' holds a value BSON cannot store");
    }
}

Json read(bson_iter_t *it, int depth);

Json read_container(bson_iter_t *it, bool array, int depth) {
    bson_iter_t child;
    if (!bson_iter_recurse(it, &child)) return array ? Json::array() : Json::object();
    Json out = array ? Json::array() : Json::object();
    while (bson_iter_next(&child)) {
        if (array) out.push_back(read(&child, depth + 1));
        else out[bson_iter_key(&child)] = read(&child, depth + 1);
    }
    return out;
}

Json read(bson_iter_t *it, int depth) {
    if (depth > kMaxDepth) fail(HOPT_EJSON, "a stored document is nested deeper than 100 levels");
    switch (bson_iter_type(it)) {
    case BSON_TYPE_DOUBLE: return bson_iter_double(it);
    case BSON_TYPE_UTF8: {
        uint32_t len;
        const char *s = bson_iter_utf8(it, &len);
        return std::string(s, len);
    }
    case BSON_TYPE_DOCUMENT: return read_container(it, false, depth);
    case BSON_TYPE_ARRAY: return read_container(it, true, depth);
    case BSON_TYPE_BOOL: return bson_iter_bool(it);
    case BSON_TYPE_INT32: return static_cast<int64_t>(bson_iter_int32(it));
    case BSON_TYPE_INT64: return bson_iter_int64(it);
    case BSON_TYPE_DATE_TIME: return Json{{"$date", bson_iter_date_time(it)}};
    case BSON_TYPE_OID: {
        char hex[25];
        bson_oid_to_string(bson_iter_oid(it), hex);
        return Json{{"$oid", hex}};
    }
    case BSON_TYPE_DECIMAL128: {
        bson_decimal128_t d;
        bson_iter_decimal128(it, &d);
        char s[BSON_DECIMAL128_STRING];
        bson_decimal128_to_string(&d, s);
        return std::strtod(s, nullptr);
    }
    case BSON_TYPE_NULL:
    case BSON_TYPE_UNDEFINED:
    default: return nullptr;  // binary, regex, code...: not part of trial documents
    }
}

}  // namespace

BsonPtr to_bson(const Json &object) {
    if (!object.is_object()) fail(HOPT_EINVAL, "a BSON document must be made from a JSON object");
    BsonPtr doc(bson_new());
    append_object(doc.get(), object, 0);
    return doc;
}

Json from_bson(const bson_t *doc) {
    Json out = Json::object();
    bson_iter_t it;
    if (!bson_iter_init(&it, doc)) fail(HOPT_EJSON, "a stored document is not valid BSON");
    while (bson_iter_next(&it)) out[bson_iter_key(&it)] = read(&it, 0);
    return out;
}

std::string tid_key(int64_t tid) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%012lld", static_cast<long long>(tid));
    return buf;
}

BsonPtr trial_to_bson(const Trial &t) {
    Json doc = to_json(t);
    for (const char *k : {"book_time", "refresh_time"}) {
        const auto &when = std::string(k) == "book_time" ? t.book_time : t.refresh_time;
        doc[k] = when ? Json{{"$date", *when}} : Json(nullptr);
    }
    if (!doc.contains("_id")) doc["_id"] = tid_key(t.tid);
    return to_bson(doc);
}

Trial trial_from_bson(const bson_t *doc) { return from_json(from_bson(doc)); }

}  // namespace hopt::trials::mongo

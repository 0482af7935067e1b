#include "core/json.hpp"

#include "core/error.hpp"

namespace hopt {

Json parse_json(std::string_view text, const char *what) {
    try {
        return Json::parse(text.begin(), text.end());
    } catch (const Json::parse_error &e) {
        fail(HOPT_EJSON, std::string("invalid JSON in ") + what + ": " + e.what());
    }
}

std::string dump_json(const Json &value) {
    try {
        return value.dump();
    } catch (const Json::type_error &e) {
        fail(HOPT_EJSON, std::string("cannot serialise JSON: ") + e.what());
    }
}

const char *json_kind(const Json &value) {
    switch (value.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::boolean: return "boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return "integer";
    case Json::value_t::number_float: return "number";
    case Json::value_t::string: return "string";
    case Json::value_t::array: return "array";
    case Json::value_t::object: return "object";
    default: return "value";
    }
}

}  // namespace hopt

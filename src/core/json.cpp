#include "core/json.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace hopt {

int json_depth(std::string_view text) {
    int depth = 0, deepest = 0;
    bool in_string = false, escaped = false;
    for (char c : text) {
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            deepest = std::max(deepest, ++depth);
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return deepest;
}

Json parse_json(std::string_view text, const char *what) {
    if (json_depth(text) > kMaxJsonDepth)
        fail(HOPT_EJSON, std::string("invalid JSON in ") + what + ": nested deeper than " +
                             std::to_string(kMaxJsonDepth) + " levels");
    try {
        return Json::parse(text.begin(), text.end());
    } catch (const Json::out_of_range &e) {
        fail(HOPT_EJSON, std::string("invalid JSON in ") + what + ": a number is out of range (" + e.what() + ")");
    } catch (const Json::exception &e) {
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

// One JSON type for the whole engine: nlohmann::json (Debian's nlohmann-json3).
// Its std::map objects keep keys sorted, which matches hyperopt's sorted dicts.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace hopt {

using Json = nlohmann::json;

// Deepest JSON nesting the engine accepts from users: deeper documents are
// refused before parsing, since copying and printing JSON recurse per level.
inline constexpr int kMaxJsonDepth = 1000;

// Parse text into JSON; malformed text, numbers out of double range and
// nesting deeper than kMaxJsonDepth throw Error(HOPT_EJSON) naming `what`.
Json parse_json(std::string_view text, const char *what);

// Deepest nesting of arrays and objects in JSON text (strings skipped);
// linear, without parsing.
int json_depth(std::string_view text);

// Compact serialisation; invalid UTF-8 in strings is an Error, never a crash.
std::string dump_json(const Json &value);

// The JSON kind of a value as a user would say it ("number", "object", ...).
const char *json_kind(const Json &value);

}  // namespace hopt

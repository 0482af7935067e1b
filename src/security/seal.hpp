// Signatures over a list of text fields with the shared key: what fmin
// stores beside an experiment's domain and what workers check before they
// look up any objective. The fields are framed as netstrings ("5:hello,"),
// so no two different lists sign the same bytes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "security/key_file.hpp"

namespace hopt::security {

// "hmac-sha256:v1:<key id>:<64 hex digits>"
std::string seal(const Key &key, const std::vector<std::string_view> &fields);

// "" when `signature` is `key`'s seal of `fields`; otherwise why not, in a
// phrase that completes "the experiment ..." ("is not signed", "was signed
// with another key (...)", "was changed after it was signed").
std::string check_seal(const Key &key, const std::vector<std::string_view> &fields, std::string_view signature);

}  // namespace hopt::security

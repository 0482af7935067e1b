// HMAC-SHA256 and a constant-time comparison, from OpenSSL's libcrypto (never
// hand-rolled): what experiment signatures are made of.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace hopt::security {

using Mac = std::array<uint8_t, 32>;

Mac hmac_sha256(std::string_view key, std::string_view message);

// True when a and b are equal, in a time that depends only on their lengths
// (so that a forger learns nothing from how fast a guess is refused).
bool equal_constant_time(std::string_view a, std::string_view b);

std::string to_hex(const uint8_t *data, size_t n);
// Lower- or upper-case hex digits to bytes; false (out untouched) if `hex`
// has an odd length or another character.
bool from_hex(std::string_view hex, std::string &out);

}  // namespace hopt::security

// Credentials never reach a log line or an error message (docs/threat-model.md):
// every message that may quote a database address, or text from the driver,
// goes through these.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hopt::security {

// A MongoDB address in any form hopt accepts ("mongodb://user:pass@h/db?o=v",
// "user:pass@h:1/db") with its password, and the values of options that hold
// secrets (tlsCertificateKeyFilePassword, authMechanismProperties, ...),
// replaced by ***.
std::string redact_url(std::string_view url);

// Free text (a driver's message, a log line) with every mongodb:// or
// mongo:// address in it redacted as above, secret options redacted
// wherever they appear, and each of `secrets` replaced by ***.
std::string redact_text(std::string text, const std::vector<std::string> &secrets = {});

// What redact_text must also hide for this address: its password as written
// and percent-decoded, and its secret option values.
std::vector<std::string> secrets_of(std::string_view url);

}  // namespace hopt::security

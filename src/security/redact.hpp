// Credentials never reach a log line or an error message (docs/threat-model.md):
// every message that may quote a database address, or text from the driver,
// goes through these. One rule everywhere: the whole user information (user
// name and password) and the values of secret options are hidden.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hopt::security {

// A MongoDB address in any form hopt accepts ("mongodb://user:pass@h/db?o=v",
// "user:pass@h:1/db", "mongo://h/db/jobs"), or a malformed one, with its
// user information and the values of options that hold secrets
// (tlsCertificateKeyFilePassword, authMechanismProperties, ...) replaced by
// ***: "mongodb://***@h/db?tls=true&tlsCertificateKeyFilePassword=***".
// Structural, so that nothing depends on what a password holds: the user
// information runs from the scheme to the last '@' (a password may hold '@',
// '/', '?' or ':' unescaped), and when that span holds a '?' the text after
// the '@' up to the next option is hidden too (the '@' may be in an option's
// value).
std::string redact_url(std::string_view url);

// Free text (a driver's message, a log line) with every address in it
// (scheme://...) redacted as above, each of `secrets` replaced by ***
// wherever it stands as a word of its own (not inside a longer run of
// letters and digits: a user name "e" leaves "server" alone), and secret
// options (name=value) masked anywhere.
std::string redact_text(std::string text, const std::vector<std::string> &secrets = {});

// What redact_text must also hide for this address, since a driver may quote
// them without the address: its user name and password, as written and
// percent-decoded, and its secret option values.
std::vector<std::string> secrets_of(std::string_view url);

}  // namespace hopt::security

// The addresses users give for a MongoDB trials store, in hyperopt's forms
// and the driver's:
//   mongo://host:port/db/jobs        MongoTrials (the collection must be jobs)
//   host:port/db                     hyperopt-mongo-worker --mongo
//   mongodb://[user:pass@]host[:port][,...]/db[?options]   a standard URI
#pragma once

#include <string>
#include <vector>

namespace hopt::trials::mongo {

struct Address {
    std::string uri;       // for the driver, with hopt's default timeouts added
    std::string database;  // where the jobs collection lives
    // For messages and logs: security::redact_url's form, with the user
    // information replaced by *** and no options.
    std::string display;
    // What the driver's messages may quote (security::secrets_of): pass them
    // to security::redact_text with any text from the driver.
    std::vector<std::string> secrets;
};

// Error(HOPT_EINVAL) naming the problem for an address that is not one of
// the forms above; the message shows the address through
// security::redact_url, and quotes a part of it only when that hid nothing.
Address parse_address(const std::string &text);

}  // namespace hopt::trials::mongo

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
    std::string display;   // for messages and logs: the password replaced by ***
    // The password and secret option values, which no message may show:
    // driver messages go through security::redact_text(msg, secrets).
    std::vector<std::string> secrets;
};

// Error(HOPT_EINVAL) naming the problem (never the password) for an address
// that is not one of the forms above.
Address parse_address(const std::string &text);

}  // namespace hopt::trials::mongo

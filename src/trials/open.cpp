#include "trials/open.hpp"

#include "trials/mongo/retry.hpp"
#include "trials/mongo/url.hpp"

namespace hopt::trials {

std::unique_ptr<mongo::MongoStore> open_mongo(const std::string &url, std::optional<std::string> exp_key,
                                              const OpenOptions &options) {
    auto connect = [&] { return std::make_unique<mongo::MongoStore>(url, exp_key); };
    std::unique_ptr<mongo::MongoStore> store;
    if (options.wait_for_server) {
        // The address is parsed first: a wrong one is no outage to wait out.
        mongo::Retry opening(mongo::parse_address(url).display);
        opening.set_server_timeout(options.server_timeout);
        if (options.log) opening.set_notify(options.log);
        store = opening.run(connect);
    } else {
        store = connect();  // the connection error as the server gave it
    }
    store->set_server_timeout(options.server_timeout);
    if (options.log) {
        store->set_outage_log(options.log);
        store->set_warn(options.log);
    }
    return store;
}

}  // namespace hopt::trials

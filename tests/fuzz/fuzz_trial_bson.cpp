// Whatever bytes a server (or whoever writes to the database) hands back:
// libbson accepts or refuses them (bson_init_static, then bson_validate as
// a cautious reader would), and from_bson / trial_from_bson turn what is
// accepted into JSON and trials, or refuse it with an Error. Unvalidated
// documents go through from_bson too: bson_iter stops at corruption, and the
// store reads documents exactly as the driver returns them.
#include <bson/bson.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "core/error.hpp"
#include "core/json.hpp"
#include "fuzz.hpp"
#include "trials/mongo/bson_json.hpp"
#include "trials/trial.hpp"

using namespace hopt;

namespace {

void read(const bson_t *doc) {
    Json j;
    try {
        j = trials::mongo::from_bson(doc);
    } catch (const Error &e) {
        FUZZ_CHECK(fuzz::known_status(e.code()), "code %d: %s", e.code(), e.what());
        return;
    }
    // Strings may hold invalid UTF-8 (BSON does not promise it): printing
    // must refuse them with an Error, not throw nlohmann's type_error.
    try {
        (void)dump_json(j);
    } catch (const Error &e) {
        FUZZ_CHECK(e.code() == HOPT_EJSON, "code %d: %s", e.code(), e.what());
    }
    try {
        trials::Trial t = trials::mongo::trial_from_bson(doc);
        (void)trials::flat_vals(t);
        (void)t.loss();
        try {
            (void)dump_json(trials::to_json(t));
        } catch (const Error &e) {
            FUZZ_CHECK(e.code() == HOPT_EJSON, "code %d: %s", e.code(), e.what());
        }
    } catch (const Error &e) {
        FUZZ_CHECK(fuzz::known_status(e.code()), "code %d: %s", e.code(), e.what());
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 5 || size > (1u << 20)) return 0;
    // The length prefix is made to agree with the input, so that the fuzzer
    // explores the contents rather than the one header libbson checks
    // first; the input's own prefix is tried as well.
    std::vector<uint8_t> buf(data, data + size);
    const uint32_t len = static_cast<uint32_t>(size);
    std::memcpy(buf.data(), &len, 4);  // BSON is little-endian, as is every target we build on
    for (const uint8_t *bytes : {static_cast<const uint8_t *>(buf.data()), data}) {
        bson_t doc;
        if (!bson_init_static(&doc, bytes, size)) continue;
        read(&doc);
        size_t offset = 0;
        if (bson_validate(&doc, static_cast<bson_validate_flags_t>(BSON_VALIDATE_UTF8 | BSON_VALIDATE_UTF8_ALLOW_NULL), &offset)) read(&doc);
    }
    return 0;
}

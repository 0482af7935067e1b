// The in-memory store keeps fmin's poll summary up to date as documents
// change (rather than recounting every trial at every poll): after any
// sequence of operations it equals the summary recounted from the documents.
#include <cmath>

#include "trials/memory_store.hpp"
// last: cmocka defines a macro `fail`, which hopt's headers declare as a function
#include "cmocka.hpp"

using namespace hopt;

namespace {

void assert_same(trials::MemoryStore &store) {
    const trials::Summary kept = store.poll();
    const trials::Summary counted = store.trials::Store::poll();  // recounts refresh()
    for (int s = 0; s < 5; ++s) assert_int_equal(kept.count[s], counted.count[s]);
    assert_true(kept.best_loss == counted.best_loss);
}

trials::Trial new_trial(int64_t tid) {
    trials::Trial t;
    t.tid = tid;
    return t;
}

bool finish(trials::MemoryStore &store, double loss) {
    std::optional<trials::Trial> job = store.reserve("me", {});
    if (!job) return false;
    job->state = trials::kDone;
    job->result = Json{{"status", "ok"}, {"loss", loss}};
    return store.complete(*job);
}

void summary_follows_every_change(void **) {
    trials::MemoryStore store(std::nullopt);
    assert_same(store);
    store.insert({new_trial(0), new_trial(1), new_trial(2), new_trial(3)});
    assert_same(store);
    assert_true(finish(store, 3.0));
    assert_true(finish(store, 1.0));
    assert_same(store);
    assert_true(store.poll().best_loss == 1.0);

    // A reserved job given back to the queue, a NaN loss, queued jobs cancelled.
    std::optional<trials::Trial> job = store.reserve("me", {});
    assert_true(job.has_value());
    assert_same(store);
    assert_true(store.release(*job));
    assert_same(store);
    assert_true(finish(store, NAN));
    assert_same(store);
    assert_true(store.poll().best_loss == 1.0);
    assert_int_equal(store.cancel_new(), 1);
    assert_same(store);
    store.delete_all();
    assert_same(store);
    assert_true(std::isinf(store.poll().best_loss));
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(summary_follows_every_change),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}

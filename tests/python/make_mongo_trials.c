/* Fill a MongoDB experiment with trials through ask/tell, for readers in
 * other languages to check: 6 trials on a conditional space, losses
 * 5, 4, 3, 2 (ok), one "fail" result and one objective error.
 *
 *   make_mongo_trials mongo://host:port/db/jobs exp_key
 */
#include <stdio.h>

#include <hopt/hopt.h>

#define CHECK(call)                                                                  \
    do {                                                                             \
        int rc_ = (call);                                                            \
        if (rc_ != HOPT_OK) {                                                        \
            fprintf(stderr, "%s: %s: %s\n", #call, hopt_status_name(rc_), hopt_errmsg()); \
            return 1;                                                                \
        }                                                                            \
    } while (0)

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s url exp_key\n", argv[0]);
        return 2;
    }
    hopt_space *space;
    hopt_trials *trials;
    hopt_algo *rand;
    hopt_optimizer *opt;
    CHECK(hopt_space_from_json("{\"x\": {\"hp\": \"uniform\", \"label\": \"x\", \"low\": 0, \"high\": 1},"
                               " \"m\": {\"hp\": \"choice\", \"label\": \"m\", \"options\": ["
                               "   {\"hp\": \"randint\", \"label\": \"k\", \"upper\": 5}, \"none\"]}}",
                               &space));
    CHECK(hopt_trials_mongo_open(argv[1], argv[2], &trials));
    CHECK(hopt_algo_new("rand", &rand));
    CHECK(hopt_optimizer_new(space, rand, trials, 42, &opt));
    for (int i = 0; i < 6; ++i) {
        int64_t tid;
        CHECK(hopt_ask(opt, &tid, NULL, NULL));
        if (i < 4) CHECK(hopt_tell(opt, tid, 5.0 - i));
        else if (i == 4) CHECK(hopt_tell_result(opt, tid, "{\"status\": \"fail\", \"why\": \"diverged\"}"));
        else CHECK(hopt_tell_error(opt, tid, "out of memory"));
    }
    char *argmin;
    CHECK(hopt_trials_argmin(trials, &argmin));
    printf("%s\n", argmin);
    hopt_free(argmin);
    hopt_optimizer_free(opt);
    hopt_algo_free(rand);
    hopt_trials_free(trials);
    hopt_space_free(space);
    return 0;
}

// TPE suggestion latency against the number of completed trials and of
// parameters, hopt's side of bench/run_tpe_latency.sh (which runs hyperopt's
// tpe.suggest on the same histories and prints the ratios).
//
// Space: P independent uniform(-5, 5) parameters p0..p{P-1}. History: N DONE
// trials with uniform random values, loss = sum of squares (as
// bench/ref/tpe_latency.py). Timed: Tpe::suggest for one new trial (what
// hyperopt's tpe.suggest does). Memory: heap bytes per stored trial.
//
// Tpe keeps what it derived from the trials for the next suggestion
// (algo/tpe/sorted_history.hpp), so the history each call sees matters:
//   "seconds"             fmin's pattern: each timed call sees the previous
//                         call's trials plus one (N, N+1, ...), on one Tpe;
//   "seconds_cold"        nothing reused: a fresh Tpe for every call (what
//                         hyperopt's tpe.suggest does every time);
//   "seconds_same"        the same N trials every call, on one Tpe.
// compare.py reads "seconds" (the others ride along in the same rows; the
// min_ ones are the fastest call, less disturbed by a busy machine).
//
// Output: JSON lines, as the reference script's.
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "algo/tpe/tpe.hpp"
#include "core/rng.hpp"
#include "fmin/new_trial.hpp"
#include "trials/memory_store.hpp"

using namespace hopt;

namespace {

space::Space make_space(int n_params) {
    Json j = Json::object();
    for (int i = 0; i < n_params; ++i) {
        const std::string label = "p" + std::to_string(i);
        j[label] = Json{{"hp", "uniform"}, {"label", label}, {"low", -5}, {"high", 5}};
    }
    return space::Space::from_json(j);
}

std::vector<trials::Trial> make_history(const space::Space &sp, int n_trials, uint64_t seed) {
    fmin::TrialFactory factory(sp, std::nullopt, "bench");
    Rng rng(seed);
    std::vector<trials::Trial> out;
    out.reserve(static_cast<size_t>(n_trials));
    const size_t n_params = sp.params().size();
    for (int tid = 0; tid < n_trials; ++tid) {
        space::Vals v(n_params);
        double loss = 0;
        for (size_t p = 0; p < n_params; ++p) {
            v.set(p, rng.uniform(-5, 5));
            loss += v.value[p] * v.value[p];
        }
        trials::Trial t = factory.make(tid, v);
        t.state = trials::kDone;
        t.result = Json{{"loss", loss}, {"status", "ok"}};
        t.book_time = t.refresh_time = 1700000000000;
        out.push_back(std::move(t));
    }
    return out;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
    if (v.empty()) return NAN;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

double minimum(const std::vector<double> &v) { return v.empty() ? NAN : *std::min_element(v.begin(), v.end()); }

std::string json_number(double x) {
    if (std::isnan(x)) return "null";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", x);
    return buf;
}

std::vector<int> int_list(const char *s) {
    std::vector<int> out;
    for (const char *p = s; *p;) {
        out.push_back(std::atoi(p));
        while (*p && *p != ',') ++p;
        if (*p == ',') ++p;
    }
    return out;
}

}  // namespace

int main(int argc, char **argv) {
    std::vector<int> n_trials{100, 1000, 10000}, n_params{1, 4, 16};
    int reps = 50;
    uint64_t seed = 0;
    std::string mode = "all";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--trials") n_trials = int_list(argv[i + 1]);
        else if (flag == "--params") n_params = int_list(argv[i + 1]);
        else if (flag == "--reps") reps = std::atoi(argv[i + 1]);
        else if (flag == "--seed") seed = std::strtoull(argv[i + 1], nullptr, 10);
        else if (flag == "--mode") mode = argv[i + 1];
        else {
            std::fprintf(stderr,
                         "usage: %s [--trials 100,1000,10000] [--params 1,4,16] [--reps K] [--seed S]\n"
                         "          [--mode all|incremental|cold|same]   (one mode: for profilers)\n",
                         argv[0]);
            return 2;
        }
    }
    for (int p : n_params) {
        const space::Space sp = make_space(p);
        for (int n : n_trials) {
            std::vector<trials::TrialPtr> all;
            for (auto &t : make_history(sp, n + reps, seed))
                all.push_back(std::make_shared<const trials::Trial>(std::move(t)));
            const std::vector<trials::TrialPtr> first(all.begin(), all.begin() + n);
            std::vector<double> incremental, cold, same;
            auto run = [&](const char *name) { return mode == "all" || mode == name; };
            if (run("incremental")) {  // fmin's pattern: one more trial each call
                algo::Tpe tpe;
                tpe.suggest({n}, sp, std::vector<trials::TrialPtr>(all.begin(), all.begin() + n - 1), seed);
                for (int r = 0; r < reps; ++r) {
                    const std::vector<trials::TrialPtr> history(all.begin(), all.begin() + n + r);
                    const auto t0 = std::chrono::steady_clock::now();
                    const auto out = tpe.suggest({n + r}, sp, history, seed + 1 + static_cast<uint64_t>(r));
                    incremental.push_back(seconds_since(t0));
                    if (out.size() != 1) return 1;
                }
            }
            for (int r = 0; r < reps && run("cold"); ++r) {  // nothing to reuse
                const algo::Tpe tpe;
                const auto t0 = std::chrono::steady_clock::now();
                const auto out = tpe.suggest({n}, sp, first, seed + 1 + static_cast<uint64_t>(r));
                cold.push_back(seconds_since(t0));
                if (out.size() != 1) return 1;
            }
            if (run("same")) {  // the same trials every call
                algo::Tpe tpe;
                tpe.suggest({n}, sp, first, seed);
                for (int r = 0; r < reps; ++r) {
                    const auto t0 = std::chrono::steady_clock::now();
                    const auto out = tpe.suggest({n}, sp, first, seed + 1 + static_cast<uint64_t>(r));
                    same.push_back(seconds_since(t0));
                    if (out.size() != 1) return 1;
                }
            }
            std::printf("{\"impl\":\"hopt\",\"n_trials\":%d,\"n_params\":%d,\"seconds\":%s,\"seconds_cold\":%s,"
                        "\"seconds_same\":%s,\"reps\":%d,\"min_seconds\":%s,\"min_seconds_cold\":%s}\n",
                        n, p, json_number(median(incremental)).c_str(), json_number(median(cold)).c_str(),
                        json_number(median(same)).c_str(), reps, json_number(minimum(incremental)).c_str(),
                        json_number(minimum(cold)).c_str());
            std::fflush(stdout);
        }
        if (mode != "all") continue;
        // Heap bytes per trial held by the in-memory store, at the largest N.
        const int n = *std::max_element(n_trials.begin(), n_trials.end());
        const size_t before = mallinfo2().uordblks;
        {
            trials::MemoryStore store(std::nullopt);
            {
                const auto docs = make_history(sp, n, seed);
                store.insert(docs);
            }
            const size_t after = mallinfo2().uordblks;
            std::printf("{\"impl\":\"hopt\",\"metric\":\"bytes_per_trial\",\"n_params\":%d,\"n_trials\":%d,\"value\":%.1f}\n",
                        p, n, (static_cast<double>(after) - static_cast<double>(before)) / n);
        }
    }
    return 0;
}

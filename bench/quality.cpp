// Search quality on hyperopt's own test domains, hopt's side of
// bench/run_quality.sh (which runs hyperopt on the same domains, budgets and
// seeds and prints both pass rates). Domains, budgets, TPE settings and
// thresholds: bench/ref/quality.py, which holds hyperopt 0.3.0's definitions.
//
// The noisy domains (n_arms, gauss_wave2) draw their noise from
// numpy.random.default_rng(123) in evaluation order; the same numbers are read
// from --noise FILE (quality.py --dump-noise), so both sides see identical
// noise on trial k.
//
// Usage: bench_quality [--algos tpe,anneal] [--domains a,b] [--seeds S]
//                      [--first-seed F] [--noise FILE]
// Output: JSON lines, as quality.py's.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <hopt/hopt.h>

namespace {

std::vector<double> noise;  // standard normals z_0, z_1, ... of default_rng(123)

struct Eval {
    const hopt_point *point;
    int64_t k;  // evaluation index within the run
    double num(const char *path) const {
        double v = NAN;
        if (hopt_point_get_double(point, path, &v) != HOPT_OK) {
            std::fprintf(stderr, "point %s has no number at '%s'\n", hopt_point_json(point), path);
            std::exit(1);
        }
        return v;
    }
    double z() const {
        if (k >= static_cast<int64_t>(noise.size())) {
            std::fprintf(stderr, "need more than %zu noise values (--noise)\n", noise.size());
            std::exit(1);
        }
        return noise[static_cast<size_t>(k)];
    }
};

struct Domain {
    const char *name;
    const char *space;
    std::function<double(const Eval &)> loss;
    // TPE: max_evals, gamma, prior_weight, n_EI_candidates, threshold; anneal: max_evals, threshold
    int tpe_evals;
    double gamma, prior_weight, n_ei, tpe_threshold;
    int anneal_evals;
    double anneal_threshold;
};

double sq(double x) { return x * x; }

const std::vector<Domain> &domains() {
    static const std::vector<Domain> all = {
        {"quadratic1", R"({"hp": "uniform", "label": "x", "low": -5, "high": 5})",
         [](const Eval &e) { return sq(e.num("") - 3); }, 1000, 0.25, 1.0, 5, 1e-5, 1000, 1e-5},
        {"q1_lognormal", R"({"hp": "lognormal", "label": "x", "mu": 0, "sigma": 2})",
         [](const Eval &e) { return std::min(0.1 * sq(e.num("") - 10), 10.0); }, 250, 0.25, 1.0, 24, 0.01, 50, 0.01},
        {"q1_choice",
         R"({"hp": "choice", "label": "o_x", "options": [
               {"tuple": [-3, {"hp": "uniform", "label": "x_neg", "low": -5, "high": 5}]},
               {"tuple": [3, {"hp": "uniform", "label": "x_pos", "low": -5, "high": 5}]}]})",
         [](const Eval &e) { return sq(e.num("0") - e.num("1")); }, 50, 0.25, 1.0, 24, 0.01, 50, 0.01},
        {"n_arms", R"({"hp": "choice", "label": "x", "options": [0, 1]})",
         [](const Eval &e) { return (e.num("") == 0 ? -1.0 : 0.0) + e.z(); }, 50, 0.25, 1.0, 24, -2.5, 50, -2.5},
        {"distractor", R"({"hp": "uniform", "label": "x", "low": -15, "high": 15})",
         [](const Eval &e) {
             const double x = e.num("");
             return -1 / (1 + std::exp(-x)) - 2 * std::exp(-sq(x + 10));
         },
         100, 0.05, 0.01, 15, -1.96, 150, -0.96},
        {"gauss_wave",
         R"({"hp": "choice", "label": "curve", "options": [
               {"hp": "uniform", "label": "x", "low": -20, "high": 20},
               {"op": "add", "args": [{"ref": "x"}, 3.141592653589793]}]})",
         [](const Eval &e) {
             const double t = e.num("");
             return -(std::sin(t) + 2 * std::exp(-sq(t / 5)));
         },
         50, 0.25, 1.0, 24, -2.0, 50, -2.0},
        {"gauss_wave2",
         R"({"x": {"hp": "uniform", "label": "x", "low": -20, "high": 20},
             "hf": {"hp": "choice", "label": "hf", "options": [
               {"branch": 0},
               {"branch": 1, "amp": {"hp": "uniform", "label": "amp", "low": 0, "high": 1}}]}})",
         [](const Eval &e) {
             const double x = e.num("x");
             const double t = 0.1 * e.z() + 2 * std::exp(-sq(x / 5));
             return -(e.num("hf.branch") == 0 ? t : t + std::sin(x) * e.num("hf.amp"));
         },
         75, 0.25, 1.0, 24, -2.0, 50, -2.0},
        {"many_dists",
         R"({"a": {"hp": "choice", "label": "a", "options": [0, 1, 2]},
             "b": {"hp": "randint", "label": "b", "upper": 10},
             "bb": {"hp": "randint", "label": "bb", "low": 12, "high": 25},
             "c": {"hp": "uniform", "label": "c", "low": 4, "high": 7},
             "d": {"hp": "loguniform", "label": "d", "low": -2, "high": 0},
             "e": {"hp": "quniform", "label": "e", "low": 0, "high": 10, "q": 3},
             "f": {"hp": "qloguniform", "label": "f", "low": 0, "high": 3, "q": 2},
             "g": {"hp": "normal", "label": "g", "mu": 4, "sigma": 7},
             "h": {"hp": "lognormal", "label": "h", "mu": -2, "sigma": 2},
             "i": {"hp": "qnormal", "label": "i", "mu": 0, "sigma": 10, "q": 2},
             "j": {"hp": "qlognormal", "label": "j", "mu": 0, "sigma": 2, "q": 1},
             "k": {"hp": "pchoice", "label": "k", "options": [[0.1, 0], [0.9, 1]]}})",
         [](const Eval &e) {
             double z = 0;
             for (const char *k : {"a", "b", "bb", "c", "d", "e", "f", "g", "h", "i", "j", "k"}) z += e.num(k);
             return std::log(1e-12 + z * z);
         },
         200, 0.25, 1.0, 24, 0.0005, 200, 0.0005},
        {"branin",
         R"({"x": {"hp": "uniform", "label": "x", "low": -5, "high": 10},
             "y": {"hp": "uniform", "label": "y", "low": 0, "high": 15}})",
         [](const Eval &e) {
             const double x = e.num("x"), y = e.num("y"), pi = M_PI;
             return sq(y - (5.1 / (4 * pi * pi)) * x * x + 5 * x / pi - 6) + 10 * (1 - 1 / (8 * pi)) * std::cos(x) + 10;
         },
         200, 0.25, 1.0, 24, 0.7, 200, 0.7},
    };
    return all;
}

struct Run {
    const Domain *domain;
    int64_t evaluations = 0;
    double min_loss = INFINITY;
};

int objective(const hopt_point *point, hopt_result *result, void *user) {
    Run &run = *static_cast<Run *>(user);
    const double loss = run.domain->loss(Eval{point, run.evaluations++});
    run.min_loss = std::min(run.min_loss, loss);
    return hopt_result_set_loss(result, loss);
}

void check(int rc, const char *what) {
    if (rc == HOPT_OK) return;
    std::fprintf(stderr, "%s: %s: %s\n", what, hopt_status_name(rc), hopt_errmsg());
    std::exit(1);
}

std::vector<std::string> split(const std::string &s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    for (std::string item; std::getline(ss, item, ',');)
        if (!item.empty()) out.push_back(item);
    return out;
}

}  // namespace

int main(int argc, char **argv) {
    std::vector<std::string> algos{"tpe", "anneal"}, names;
    for (const auto &d : domains()) names.push_back(d.name);
    int seeds = 20, first_seed = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i], value = argv[i + 1];
        if (flag == "--algos") algos = split(value);
        else if (flag == "--domains") names = split(value);
        else if (flag == "--seeds") seeds = std::atoi(value.c_str());
        else if (flag == "--first-seed") first_seed = std::atoi(value.c_str());
        else if (flag == "--noise") {
            std::ifstream in(value);
            std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            // quality.py --dump-noise: {"generator": ..., "standard_normal": [z0, z1, ...]}
            const size_t open = text.find('[', text.find("standard_normal"));
            text = open == std::string::npos ? "" : text.substr(open, text.find(']', open) - open);
            for (char &c : text)
                if (c == '[' || c == ']' || c == ',') c = ' ';
            std::stringstream ss(text);
            for (double z; ss >> z;) noise.push_back(z);
        } else {
            std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
            return 2;
        }
    }
    for (const std::string &algo_name : algos) {
        for (const std::string &name : names) {
            const Domain *domain = nullptr;
            for (const auto &d : domains())
                if (name == d.name) domain = &d;
            if (!domain) {
                std::fprintf(stderr, "unknown domain %s\n", name.c_str());
                return 2;
            }
            const bool tpe = algo_name == "tpe";
            const int max_evals = tpe ? domain->tpe_evals : domain->anneal_evals;
            const double threshold = tpe ? domain->tpe_threshold : domain->anneal_threshold;
            hopt_space *space;
            hopt_algo *algo;
            check(hopt_space_from_json(domain->space, &space), name.c_str());
            check(hopt_algo_new(algo_name.c_str(), &algo), "algo");
            if (tpe) {
                check(hopt_algo_set(algo, "gamma", domain->gamma), "gamma");
                check(hopt_algo_set(algo, "prior_weight", domain->prior_weight), "prior_weight");
                check(hopt_algo_set(algo, "n_EI_candidates", domain->n_ei), "n_EI_candidates");
            }
            int passed = 0;
            std::vector<double> mins;
            double total_seconds = 0;
            for (int seed = first_seed; seed < first_seed + seeds; ++seed) {
                Run run{domain};
                hopt_objective *fn;
                hopt_fmin_options *opts;
                check(hopt_objective_new(name.c_str(), objective, &run, nullptr, &fn), "objective");
                check(hopt_fmin_options_new(&opts), "options");
                check(hopt_fmin_options_set_seed(opts, static_cast<uint64_t>(seed)), "seed");
                check(hopt_fmin_options_set_show_progress(opts, 0), "progress");
                const auto t0 = std::chrono::steady_clock::now();
                check(hopt_fmin(fn, space, algo, max_evals, nullptr, opts, nullptr), "fmin");
                const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                total_seconds += secs;
                const bool ok = run.min_loss < threshold;
                passed += ok;
                mins.push_back(run.min_loss);
                std::printf("{\"impl\":\"hopt\",\"algo\":\"%s\",\"domain\":\"%s\",\"seed\":%d,\"min_loss\":%.10g,"
                            "\"passed\":%s,\"seconds\":%.6f,\"max_evals\":%d,\"threshold\":%g}\n",
                            algo_name.c_str(), name.c_str(), seed, run.min_loss, ok ? "true" : "false", secs,
                            max_evals, threshold);
                hopt_fmin_options_free(opts);
                hopt_objective_free(fn);
            }
            std::sort(mins.begin(), mins.end());
            const double median =
                mins.size() % 2 ? mins[mins.size() / 2] : 0.5 * (mins[mins.size() / 2 - 1] + mins[mins.size() / 2]);
            std::printf("{\"impl\":\"hopt\",\"algo\":\"%s\",\"domain\":\"%s\",\"summary\":true,\"pass_rate\":%.4f,"
                        "\"median_min_loss\":%.10g,\"seeds\":%d,\"mean_seconds\":%.6f}\n",
                        algo_name.c_str(), name.c_str(), static_cast<double>(passed) / seeds, median, seeds,
                        total_seconds / seeds);
            std::fflush(stdout);
            hopt_algo_free(algo);
            hopt_space_free(space);
        }
    }
    return 0;
}

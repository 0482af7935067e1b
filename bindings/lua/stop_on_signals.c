/* Why in C: a Lua function cannot be a signal handler (the standalone
 * interpreter's own SIGINT handler only makes the *next Lua instruction*
 * raise, and the worker spends its time in C, or in a child process), and
 * SIGTERM would otherwise kill the worker mid-trial, leaving the trial
 * RUNNING until the heartbeat timeout recovers it. */
#define _POSIX_C_SOURCE 200809L

#include "stop_on_signals.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

/* The one piece of process-wide state: all a signal handler may touch. */
static volatile sig_atomic_t stop_signal = 0;

static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};
#define N_STOP_SIGNALS (sizeof stop_signals / sizeof stop_signals[0])

static void on_signal(int sig) {
    if (stop_signal) {
        /* Second signal: leave now, as hyperopt-mongo-worker does. The
         * running trial is recovered by heartbeat timeout; its child process
         * gets SIGKILL. */
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    stop_signal = sig;
    static const char msg[] = "hopt worker: stopping after the current trial (send the signal again to exit at once)\n";
    ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)ignored;
}

static int stop_requested(void *user) {
    (void)user;
    return stop_signal != 0;
}

int hoptlua_worker_run_on_signals(const char *url, const hopt_registry *registry, hopt_worker_options *opts,
                                  int64_t *jobs_done) {
    int rc = hopt_worker_options_set_stop_check(opts, stop_requested, NULL, NULL);
    if (rc != HOPT_OK) return rc;
    struct sigaction catch, saved[N_STOP_SIGNALS];
    memset(&catch, 0, sizeof catch);
    catch.sa_handler = on_signal;
    sigemptyset(&catch.sa_mask);
    /* SA_RESTART: an in-process Lua objective's reads and waits must not fail
     * with EINTR; the worker polls the flag, it needs no interruption. */
    catch.sa_flags = SA_RESTART;
    stop_signal = 0;
    for (size_t i = 0; i < N_STOP_SIGNALS; i++) sigaction(stop_signals[i], &catch, &saved[i]);
    rc = hopt_worker_run(url, registry, opts, jobs_done);
    for (size_t i = 0; i < N_STOP_SIGNALS; i++) sigaction(stop_signals[i], &saved[i], NULL);
    return rc;
}

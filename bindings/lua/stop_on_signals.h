/* SIGINT, SIGTERM and SIGHUP as a worker's stop request, the way
 * hyperopt-mongo-worker takes them, for Lua programs that opt in
 * (hopt.worker{stop_on_signals = true}; hopt-lua-worker does). */
#ifndef HOPT_LUA_STOP_ON_SIGNALS_H
#define HOPT_LUA_STOP_ON_SIGNALS_H

#include <stdint.h>

#include "hopt/hopt.h"

/* hopt_worker_run with the three signals caught while it runs: the first
 * asks the worker to stop after the current trial (one in a child process
 * gets the library's grace, then goes back to the queue) and it returns
 * HOPT_OK; a second ends the process at once, by that signal. The stop
 * check of `opts` is replaced; the process's previous handlers are back
 * when this returns. Signal handlers belong to the process: run one such
 * worker at a time. */
int hoptlua_worker_run_on_signals(const char *url, const hopt_registry *registry, hopt_worker_options *opts,
                                  int64_t *jobs_done);

#endif

# A worker serving R objectives to MongoDB trials (hyperopt-mongo-worker in R).

#' Serve R objectives to fmin runs on MongoDB trials
#'
#' Evaluates the trials that [fmin()] queues in a MongoDB database, with the
#' R functions of `objectives`, found by the name each trial names (fmin's
#' `name`, by default the name of its `fn`). Nothing executable is read from
#' the database. Ends on a stop condition below, or on an interrupt.
#'
#' @param mongo the database: hyperopt-mongo-worker's `host:port/db`, or any
#'   URL [mongo_trials()] takes.
#' @param objectives a named list of functions: the registry of objectives.
#' @param poll_interval seconds between reservation attempts when idle.
#' @param exp_key serve only this experiment (default: any).
#' @param max_jobs stop after this many trials.
#' @param max_consecutive_failures stop (with an error) after this many
#'   failed trials in a row.
#' @param reserve_timeout stop after this many seconds without a trial (0: never).
#' @param last_job_timeout reserve no trial after this many seconds.
#' @param isolation "process": each trial runs in a forked copy of this R
#'   process, so a crash fails only the trial; "none": in this process.
#' @param trial_timeout fail a trial running longer (process isolation only).
#' @param workdir directory the objectives run in (process isolation only).
#' @param commands a named list of shell commands to serve as objectives too
#'   (the point's JSON on stdin, the loss or a result object on stdout).
#' @return the number of trials evaluated, invisibly.
#' @export
hopt_worker <- function(mongo, objectives = list(), poll_interval = 0.1, exp_key = NULL, max_jobs = NULL,
                        max_consecutive_failures = 4, reserve_timeout = 120, last_job_timeout = NULL,
                        isolation = c("process", "none"), trial_timeout = NULL, workdir = NULL,
                        commands = list()) {
  isolation <- match.arg(isolation)
  reg <- registry(objectives, commands)
  on.exit(release(reg), add = TRUE)
  opts <- own(check1(hopt_worker_options_new()), hopt_worker_options_free, "hopt_worker_options")
  on.exit(release(opts), add = TRUE)
  o <- ptr(opts)
  check(hopt_worker_options_set_poll_interval(o, poll_interval))
  if (!is.null(exp_key)) check(hopt_worker_options_set_exp_key(o, exp_key))
  if (!is.null(max_jobs)) check(hopt_worker_options_set_max_jobs(o, max_jobs))
  check(hopt_worker_options_set_max_consecutive_failures(o, as.integer(max_consecutive_failures)))
  check(hopt_worker_options_set_reserve_timeout(o, reserve_timeout))
  if (!is.null(last_job_timeout)) check(hopt_worker_options_set_last_job_timeout(o, last_job_timeout))
  check(hopt_worker_options_set_isolation(o, if (isolation == "process") "HOPT_ISOLATE_PROCESS" else "HOPT_ISOLATE_NONE"))
  if (!is.null(trial_timeout)) check(hopt_worker_options_set_trial_timeout(o, trial_timeout))
  if (!is.null(workdir)) check(hopt_worker_options_set_workdir(o, path.expand(workdir)))
  check(rhopt_worker_options_stop_on_interrupt(o))
  invisible(check1(hopt_worker_run(mongo, ptr(reg), o), "worker"))
}

# The registry of a worker. Each objective handle is released as soon as it
# is added: the registry keeps its own reference (and so the R function).
registry <- function(objectives, commands) {
  if (length(objectives) + length(commands) == 0) stop("hopt: a worker needs at least one objective", call. = FALSE)
  named <- function(x) length(x) == 0 || (!is.null(names(x)) && all(names(x) != ""))
  if (!is.list(objectives) || !named(objectives)) stop("hopt: objectives must be a named list of functions", call. = FALSE)
  if (!is.list(commands) || !named(commands)) stop("hopt: commands must be a named list of strings", call. = FALSE)
  reg <- own(check1(hopt_registry_new()), hopt_registry_free, "hopt_registry")
  for (n in names(objectives)) {
    obj <- objective_handle(n, objectives[[n]])
    check(hopt_registry_add(ptr(reg), ptr(obj)))
    release(obj)
  }
  for (n in names(commands)) check(hopt_registry_add_command(ptr(reg), n, commands[[n]]))
  reg
}

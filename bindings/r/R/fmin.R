# fmin: minimise an R function over a search space.

#' Minimise a function over a search space
#'
#' hyperopt's `fmin` in R. `fn` receives a point of `space` (the space with
#' every hyperparameter replaced by a value) and returns the loss, or a named
#' list with `status` (`STATUS_OK`/`STATUS_FAIL`), `loss` and any other keys.
#' An R error in `fn` ends the search and is signalled again in the caller
#' with its own class and message (unless `catch_eval_exceptions`).
#'
#' With [mongo_trials()] the trials are queued in the database and evaluated
#' by workers ([hopt_worker()]) that know the objective under `name`.
#'
#' @param fn the objective: a function of one argument; or, for MongoDB
#'   trials, the name of an objective the workers serve.
#' @param space the search space: [hp] nodes inside lists and constants, or
#'   a compiled [hopt_space()].
#' @param algo "mtpe" (recommended), "tpe", "rand" or "anneal".
#' @param max_evals stop when the trials hold this many trials (trials already
#'   present count).
#' @param trials a [trials()] or [mongo_trials()] store to record the search
#'   in, or NULL for a temporary one.
#' @param seed a number: the same seed gives the same search. NULL: from the
#'   clock (or `HOPT_FMIN_SEED`).
#' @param timeout stop suggesting after this many seconds.
#' @param loss_threshold stop once the best loss is below this.
#' @param points_to_evaluate a list of named lists (or a data frame) of values
#'   to evaluate first, choices as 0-based indices.
#' @param return_argmin TRUE: return the best values (choices as indices);
#'   FALSE: the best point, as `space_eval(space, argmin)`.
#' @param catch_eval_exceptions record objective errors as failed trials and
#'   go on instead of stopping.
#' @param show_progressbar a progress line on stderr.
#' @param name the objective's name for workers; default: the name `fn` was
#'   passed as, or "objective".
#' @param max_queue_len trials queued ahead of the workers.
#' @param poll_interval seconds between polls of a MongoDB store.
#' @param early_stop_fn NULL, or hyperopt's `early_stop_fn`: a function
#'   called as `early_stop_fn(trials, ...)` after each finished trial (each
#'   poll of a MongoDB store), `trials` being the [trials()] or
#'   [mongo_trials()] object of the search (a new [trials()] when `trials` is
#'   NULL), on which [length()][length.hopt_trials], [as.data.frame()][as.data.frame.hopt_trials],
#'   [trials_losses()] etc. work. It returns `TRUE` to stop the search,
#'   `FALSE` to go on, or a list whose element `stop` (or, without one, its
#'   first element) is `TRUE`/`FALSE`: the other elements of the list are its
#'   arguments `...` on the next call, by name where they have one (hyperopt's
#'   `return stop, args`). The first call has no `...`, nor does a call after
#'   a bare `TRUE`/`FALSE`. An R error in it ends `fmin` and is signalled
#'   again in the caller with its own class and message. See
#'   [no_progress_loss()].
#' @param ... parameters of the algorithm, e.g. `n_startup_jobs = 10` or
#'   `gamma = 0.25` for tpe, `shrink_coef = 0.1` for anneal.
#' @return the best values (a named list), or the best point.
#' @examples
#' best <- fmin(function(p) (p$x - 1)^2, list(x = hp_uniform("x", -5, 5)),
#'              max_evals = 50, seed = 1, show_progressbar = FALSE)
#' @export
fmin <- function(fn, space, algo = "tpe", max_evals, trials = NULL, seed = NULL, timeout = NULL,
                 loss_threshold = NULL, points_to_evaluate = NULL, return_argmin = TRUE,
                 catch_eval_exceptions = FALSE, show_progressbar = interactive(), name = NULL,
                 max_queue_len = NULL, poll_interval = NULL, early_stop_fn = NULL, ...) {
  if (is.null(name)) name <- if (is.character(fn)) fn else default_name(substitute(fn))
  if (is.character(fn)) fn <- remote_only(name)
  if (missing(max_evals)) stop("hopt: fmin needs max_evals", call. = FALSE)
  if (!is.null(trials) && !inherits(trials, "hopt_trials"))
    stop("hopt: trials must come from trials() or mongo_trials()", call. = FALSE)
  if (!is.null(early_stop_fn) && !is.function(early_stop_fn))
    stop("hopt: early_stop_fn must be a function or NULL", call. = FALSE)
  # early_stop_fn sees the trials: a store of our own when none is given.
  if (is.null(trials) && !is.null(early_stop_fn)) trials <- trials()

  sp <- hopt_space(space)
  state <- new.env(parent = emptyenv())
  obj <- objective_handle(name, fn, state)
  on.exit(release(obj), add = TRUE)
  al <- algo_handle(algo, list(...))
  on.exit(release(al), add = TRUE)
  opts <- fmin_options(seed, timeout, loss_threshold, points_to_evaluate, return_argmin,
                       catch_eval_exceptions, show_progressbar, max_queue_len, poll_interval)
  on.exit(release(opts), add = TRUE)
  check(rhopt_fmin_options_set_early_stop(ptr(opts), early_stop_closure(early_stop_fn, trials, state)))

  res <- hopt_fmin(ptr(obj), ptr(sp), ptr(al), max_evals, ptr(trials), ptr(opts))
  if (res[[1]] < 0) fmin_failed(hopt_status_name(res[[1]]), state)
  from_json(check1(res, "fmin"))
}

# The R condition behind a failed hopt_fmin, signalled again; returns if
# there is none (the library's own error).
fmin_failed <- function(status, state) {
  # Only the early stop (src/callbacks.c, R/early_stop.R) cancels a search
  # from R: early_stop_fn's condition, an interrupt the objective caught, or
  # the trampoline's own interrupt check.
  cancelled <- status == "HOPT_ECANCELLED"
  if (cancelled && !is.null(state$stop_condition)) resignal(state$stop_condition)
  if (cancelled && isTRUE(state$interrupted)) resignal(interrupt_condition())
  # With catch_eval_exceptions the objective's errors are failed trials, not
  # why fmin failed (say, every trial failed).
  if (status == "HOPT_EOBJECTIVE" && !is.null(state$condition)) resignal(state$condition)
  if (cancelled) resignal(interrupt_condition())
}

interrupt_condition <- function() structure(list(), class = "interrupt")

# The name an objective passed as `fmin(my_loss, ...)` has: "my_loss".
default_name <- function(expr) if (is.symbol(expr)) as.character(expr) else "objective"

remote_only <- function(name) {
  force(name)
  function(point) stop(sprintf("hopt: objective '%s' is served by workers and cannot run here", name), call. = FALSE)
}

# The objective's condition, again, in fmin's caller.
resignal <- function(cond) {
  if (inherits(cond, "interrupt")) stop(hopt_condition("fmin: interrupted by the user", "HOPT_ECANCELLED"))
  stop(cond)
}

algo_handle <- function(algo, params) {
  if (!is.character(algo) || length(algo) != 1) stop("hopt: algo must be \"mtpe\", \"tpe\", \"rand\" or \"anneal\"", call. = FALSE)
  al <- own(check1(hopt_algo_new(sub("\\.suggest$", "", algo))), hopt_algo_free, "hopt_algo")
  for (p in names(params)) check(hopt_algo_set(ptr(al), p, as.numeric(params[[p]])))
  if (length(params) > 0 && (is.null(names(params)) || any(names(params) == "")))
    stop("hopt: algorithm parameters must be named, e.g. n_startup_jobs = 10", call. = FALSE)
  al
}

fmin_options <- function(seed, timeout, loss_threshold, points_to_evaluate, return_argmin,
                         catch_eval_exceptions, show_progressbar, max_queue_len, poll_interval) {
  opts <- own(check1(hopt_fmin_options_new()), hopt_fmin_options_free, "hopt_fmin_options")
  o <- ptr(opts)
  if (!is.null(seed)) {
    if (!is.numeric(seed) || length(seed) != 1 || !is.finite(seed) || seed < 0 || seed != floor(seed))
      stop("hopt: seed must be one non-negative whole number", call. = FALSE)
    check(hopt_fmin_options_set_seed(o, seed))
  }
  if (!is.null(timeout)) check(hopt_fmin_options_set_timeout(o, timeout))
  if (!is.null(loss_threshold)) check(hopt_fmin_options_set_loss_threshold(o, loss_threshold))
  if (!is.null(points_to_evaluate)) check(hopt_fmin_options_set_points_to_evaluate(o, points_json(points_to_evaluate)))
  check(hopt_fmin_options_set_return_argmin(o, as.integer(isTRUE(return_argmin))))
  check(hopt_fmin_options_set_catch_eval_exceptions(o, as.integer(isTRUE(catch_eval_exceptions))))
  check(hopt_fmin_options_set_show_progress(o, as.integer(isTRUE(show_progressbar))))
  if (!is.null(max_queue_len)) check(hopt_fmin_options_set_max_queue_len(o, as.integer(max_queue_len)))
  if (!is.null(poll_interval)) check(hopt_fmin_options_set_poll_interval(o, poll_interval))
  opts
}

# points_to_evaluate: a list of named lists, or a data frame (a row a point).
points_json <- function(points) {
  if (is.data.frame(points))
    points <- lapply(seq_len(nrow(points)), function(i) as.list(points[i, , drop = FALSE]))
  if (!is.list(points) || !is.null(names(points)))
    stop("hopt: points_to_evaluate must be a list of named lists or a data frame", call. = FALSE)
  paste0("[", paste(vapply(points, vals_json, character(1)), collapse = ","), "]")
}

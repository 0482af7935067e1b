# fmin's early_stop_fn (hyperopt's early_stop_fn(trials, *args) -> (stop,
# args)) and the built-in rule no_progress_loss. The C trampoline
# (src/callbacks.c) checks for an interrupt, then calls the closure made here,
# which never lets an R condition escape into C: it answers 0 (go on), 1
# (stop) or 2 (abort fmin) and keeps the condition for fmin to signal again.

# The closure the trampoline calls after each trial (serial) or poll
# (MongoDB); `fn` may be NULL (only the interrupt checks then).
early_stop_closure <- function(fn, trials, state) {
  args <- list()
  call_fn <- function(...) fn(trials, ...)
  function() {
    # An interrupt the objective caught (kept as a failed trial with
    # catch_eval_exceptions) still ends the search.
    if (isTRUE(state$interrupted)) return(2L)
    if (is.null(fn)) return(0L)
    tryCatch({
      answer <- early_stop_answer(do.call(call_fn, args))
      args <<- answer$args
      as.integer(answer$stop)
    }, error = function(e) {
      state$stop_condition <- e
      2L
    }, interrupt = function(i) {
      state$stop_condition <- i
      2L
    })
  }
}

# What early_stop_fn returned -> list(stop, args for its next call).
early_stop_answer <- function(ans) {
  is_flag <- function(v) is.logical(v) && length(v) == 1 && !is.na(v)
  if (is_flag(ans) && is.null(dim(ans))) return(list(stop = ans, args = list()))
  if (is.list(ans) && length(ans) >= 1) {
    at <- if (!is.null(names(ans)) && "stop" %in% names(ans)) match("stop", names(ans)) else 1L
    if (is_flag(ans[[at]])) return(list(stop = ans[[at]], args = ans[-at]))
  }
  stop(hopt_condition("hopt: early_stop_fn must return TRUE/FALSE or list(stop = TRUE/FALSE, ...)", "HOPT_EINVAL"))
}

#' Stop a search that no longer improves
#'
#' hyperopt's `early_stop.no_progress_loss`, for [fmin()]'s `early_stop_fn`:
#' the search stops once `iteration_stop_count` finished trials in a row have
#' not beaten the best loss by more than `percent_increase` percent. The
#' first finished trial sets the reference and counts as one; a trial without
#' a loss (failed) counts as no progress. Finished trials (state done or
#' error) are taken in tid order, each once, so the rule means the same with
#' MongoDB workers as serially (as hopt's own rule in the C library).
#'
#' The rule is an ordinary `early_stop_fn`: called as `rule(trials, ...)` it
#' returns `list(stop, best_loss, iteration_no_progress, scan)`, the last
#' three being its state for the next call (`scan`: which trials it has read).
#' @param iteration_stop_count trials without progress that stop the search
#'   (a whole number >= 1).
#' @param percent_increase the improvement, in percent of the best loss, a
#'   trial needs to count as progress (>= 0).
#' @return a function for `fmin(early_stop_fn = )`.
#' @examples
#' best <- fmin(function(p) (p$x - 1)^2, list(x = hp_uniform("x", -5, 5)),
#'              max_evals = 1000, early_stop_fn = no_progress_loss(10),
#'              seed = 1, show_progressbar = FALSE)
#' @export
no_progress_loss <- function(iteration_stop_count = 20, percent_increase = 0.0) {
  if (!is.numeric(iteration_stop_count) || length(iteration_stop_count) != 1 || !is.finite(iteration_stop_count) ||
      iteration_stop_count < 1 || iteration_stop_count != floor(iteration_stop_count))
    stop("hopt: iteration_stop_count must be one whole number >= 1", call. = FALSE)
  if (!is.numeric(percent_increase) || length(percent_increase) != 1 || !is.finite(percent_increase) ||
      percent_increase < 0)
    stop("hopt: percent_increase must be one finite number >= 0", call. = FALSE)
  force(iteration_stop_count)
  force(percent_increase)
  function(trials, best_loss = NULL, iteration_no_progress = 0, scan = NULL) {
    new <- read_new_finished(trials, scan)
    for (loss in new$loss) {
      if (is.null(best_loss)) {
        if (is.finite(loss)) best_loss <- loss
        iteration_no_progress <- iteration_no_progress + 1
      } else if (is.finite(loss) && loss < best_loss - abs(best_loss * percent_increase / 100)) {
        best_loss <- loss
        iteration_no_progress <- 0
      } else {
        iteration_no_progress <- iteration_no_progress + 1
      }
    }
    list(stop = iteration_no_progress >= iteration_stop_count, best_loss = best_loss,
         iteration_no_progress = iteration_no_progress, scan = new$scan)
  }
}

# The losses of the finished trials (done, error) not read before, in tid
# order, and the updated `scan`: the tids read finished (seen), those read
# unfinished (pending), how many tids were read and the next one to read.
# Reading a trial at a time keeps a search O(trials): only trials new since
# the last call and the pending ones are read, and none when no trial
# finished. Tids are read upwards; a gap in them (trials imported, or
# MongoDB tids of other experiments) falls back to reading every trial.
read_new_finished <- function(trials, scan) {
  if (is.null(scan)) scan <- list(seen = numeric(0), pending = numeric(0), read = 0, next_tid = 0)
  p <- ptr(trials)
  count <- function(states) sum(vapply(states, function(s) check1(hopt_trials_count(p, s)), numeric(1)))
  if (count(2:3) == length(scan$seen)) return(list(loss = numeric(0), scan = scan))
  get <- function(tid) {
    res <- hopt_trials_get(p, tid)
    if (res[[1]] < 0) NULL else from_json_raw(res[[2]])
  }
  docs <- lapply(scan$pending, get)
  total <- count(-1)
  tid <- scan$next_tid
  read <- scan$read
  while (read < total) {
    doc <- get(tid)
    if (is.null(doc)) {
      docs <- trial_docs(trials)
      read <- length(docs)
      break
    }
    docs[[length(docs) + 1]] <- doc
    read <- read + 1
    tid <- tid + 1
  }
  df <- trials_results_of(Filter(Negate(is.null), docs))
  df <- df[order(df$tid), ]
  fresh <- df$state %in% c("done", "error") & !(df$tid %in% scan$seen)
  list(loss = df$loss[fresh],
       scan = list(seen = c(scan$seen, df$tid[fresh]), pending = df$tid[df$state %in% c("new", "running")],
                   read = read, next_tid = max(tid, df$tid + 1)))
}

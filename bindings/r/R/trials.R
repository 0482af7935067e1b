# Trials stores (in memory or MongoDB) and their contents as R values.

#' Trials in memory
#'
#' A store of trial documents; pass it to [fmin] to keep and extend a search.
#' @param exp_key experiment key (a string) or NULL.
#' @return a `hopt_trials` object.
#' @export
trials <- function(exp_key = NULL) own(check1(hopt_trials_new(exp_key)), hopt_trials_free, "hopt_trials")

#' Trials in MongoDB (hyperopt's MongoTrials)
#'
#' fmin on these trials queues them in the database and waits for workers
#' (`hopt_worker()` in R, or `hyperopt-mongo-worker`) to evaluate them.
#' @param url `"mongo://host:port/db/jobs"` or a `"mongodb://..."` URI.
#' @param exp_key experiment key (a string) or NULL.
#' @export
mongo_trials <- function(url, exp_key = NULL)
  own(check1(hopt_trials_mongo_open(url, exp_key)), hopt_trials_free, c("hopt_mongo_trials", "hopt_trials"))

state_names <- c("new", "running", "done", "error", "cancel")

#' Number of trials
#'
#' hyperopt's `len(trials)`: the trials in state new, running or done (the
#' ones `max_evals` counts); `nrow(as.data.frame(x))` counts every state.
#' @param x a `hopt_trials`.
#' @export
length.hopt_trials <- function(x) {
  p <- ptr(x)
  as.integer(sum(vapply(0:2, function(s) check1(hopt_trials_count(p, s)), numeric(1))))
}

#' Trial documents
#'
#' Every trial document (hyperopt's), all states, in tid order, as nested lists.
#' @param x a `hopt_trials`.
#' @export
trial_docs <- function(x) from_json_raw(check1(hopt_trials_export(ptr(x))))

#' Losses and statuses of the trials
#'
#' hyperopt's `trials.losses()` and `trials.statuses()`: the trials that
#' count (new, running, done), in tid order; NA where there is no loss.
#' @param x a `hopt_trials`.
#' @export
trials_losses <- function(x) {
  l <- check1(hopt_trials_losses(ptr(x)))
  l[is.nan(l)] <- NA_real_
  l
}

#' @rdname trials_losses
#' @export
trials_statuses <- function(x) as.character(from_json(check1(hopt_trials_statuses(ptr(x)))))

# One element of a trial's misc.vals ([] when inactive, [v] when active).
first_or_na <- function(v) if (length(v) == 0) NA else v[[1]]

#' Trials as a data frame
#'
#' One row per trial (all states), in tid order: `tid`, `state` ("new",
#' "running", "done", "error", "cancel"), `status` ("ok", "fail", ...),
#' `loss` (NA without one), `error` (the message of a failed evaluation),
#' then one column per label with the trial's value (choices as 0-based
#' indices, NA where the label was inactive).
#' @param x a `hopt_trials`.
#' @param row.names,optional,... ignored.
#' @export
as.data.frame.hopt_trials <- function(x, row.names = NULL, optional = FALSE, ...) {
  docs <- trial_docs(x)
  df <- trials_results_of(docs)
  vals <- trials_vals_of(docs)
  if (ncol(vals) > 1) df <- cbind(df, vals[, -1, drop = FALSE])
  df
}

# The columns tid, state, status, loss and error of the documents `docs`.
trials_results_of <- function(docs) {
  num <- function(v) if (is.null(v) || !is.numeric(v)) NA_real_ else as.numeric(v)
  data.frame(
    tid = vapply(docs, function(d) as.numeric(d$tid), numeric(1)),
    state = state_names[vapply(docs, function(d) as.integer(d$state), integer(1)) + 1L],
    status = vapply(docs, function(d) as.character(d$result$status %||% NA_character_), character(1)),
    loss = vapply(docs, function(d) num(d$result$loss), numeric(1)),
    error = vapply(docs, function(d) if (length(d$error) >= 2) as.character(d$error[[2]]) else NA_character_, character(1)),
    stringsAsFactors = FALSE)
}

`%||%` <- function(a, b) if (is.null(a)) b else a

trials_vals_of <- function(docs) {
  labels <- unique(unlist(lapply(docs, function(d) names(d$misc$vals))))
  df <- data.frame(tid = vapply(docs, function(d) as.numeric(d$tid), numeric(1)))
  for (l in labels) {
    col <- lapply(docs, function(d) first_or_na(d$misc$vals[[l]]))
    df[[l]] <- unlist(col)
  }
  df
}

#' Values of each trial
#'
#' hyperopt's `trials.vals` as a data frame: `tid`, then one column per
#' label (choices as 0-based indices, NA where inactive).
#' @param x a `hopt_trials`.
#' @export
trials_vals <- function(x) trials_vals_of(trial_docs(x))

#' The best trial and its values
#'
#' `best_trial` is the document of the trial with status ok and the smallest
#' loss; `argmin` its flat values (hyperopt's `trials.argmin`). Both signal
#' a `hopt_allfailed_error` when no trial succeeded, a `hopt_empty_error`
#' when there is no trial.
#' @param x a `hopt_trials`.
#' @export
best_trial <- function(x) from_json_raw(check1(hopt_trials_best_trial(ptr(x))))

#' @rdname best_trial
#' @export
argmin <- function(x) from_json(check1(hopt_trials_argmin(ptr(x))))

#' Delete every trial of the store's experiment
#' @param x a `hopt_trials`.
#' @export
delete_all <- function(x) {
  check(hopt_trials_delete_all(ptr(x)))
  invisible(x)
}

# R objectives as hopt objectives. The C trampoline (src/callbacks.c) calls
# the closure made here with the point's JSON; the closure never lets an R
# condition escape into C: it returns the loss, a result document, or the
# error message, and keeps the first condition in `state` so that fmin can
# signal it again, with its own class and message, in the caller.

#' Result statuses
#'
#' An objective may return a list such as `list(loss = 0.3, status = STATUS_OK)`.
#' @export
STATUS_OK <- "ok"

#' @rdname STATUS_OK
#' @export
STATUS_FAIL <- "fail"

# What the objective returned -> what the trampoline takes (src/rhopt.h).
result_answer <- function(r) {
  if (is.numeric(r) && length(r) == 1 && is.null(dim(r))) return(as.numeric(r))
  if (is.list(r) && !is.null(names(r))) {
    loss <- r$loss
    if (!is.null(loss) && !(is.numeric(loss) && length(loss) == 1))
      stop("hopt: the objective's 'loss' must be one number", call. = FALSE)
    r$loss <- NULL
    doc <- if (length(r) == 0) "{}" else to_json(r)
    return(list(doc, if (is.null(loss)) NULL else as.numeric(loss)))
  }
  stop("hopt: an objective must return a number (the loss) or a named list such as ",
       "list(loss = 0.5, status = \"ok\")", call. = FALSE)
}

objective_closure <- function(fn, state = NULL) {
  force(fn)
  function(point_json) {
    keep <- function(cond) {
      if (!is.null(state) && is.null(state$condition)) state$condition <- cond
    }
    tryCatch(result_answer(fn(from_json(point_json))),
             error = function(e) {
               keep(e)
               msg <- conditionMessage(e)
               if (!nzchar(msg)) msg <- class(e)[1]
               msg
             },
             interrupt = function(i) {
               keep(i)
               # Noted apart: the early stop ends fmin on it (R/early_stop.R).
               if (!is.null(state)) state$interrupted <- TRUE
               "interrupted"
             })
  }
}

# A hopt objective named `name` around the R function `fn`; freed with the
# returned handle (the closure is then released by hopt's user_free).
objective_handle <- function(name, fn, state = NULL) {
  if (!is.function(fn)) stop("hopt: an objective must be a function", call. = FALSE)
  own(check1(rhopt_objective_new(name, objective_closure(fn, state))), hopt_objective_free, "hopt_objective")
}

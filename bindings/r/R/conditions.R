# hopt's status codes as R conditions. Every failure of the C API becomes an
# error of class c("hopt_<code>_error", "hopt_error", "error", "condition"),
# e.g. "hopt_space_error" for HOPT_ESPACE, carrying hopt's message (which
# names the offending label, option or trial) and the status name.

hopt_condition <- function(message, code, call = NULL) {
  kind <- tolower(sub("^HOPT_E", "", code))
  structure(class = c(paste0("hopt_", kind, "_error"), "hopt_error", "error", "condition"),
            list(message = message, call = call, status = code))
}

# The status of a call to the generated layer: a bare status or the first
# element of a list of status + out-parameters. Signals the error of a
# failed call; returns the list's out-parameters otherwise.
check <- function(res, what = NULL) {
  status <- if (is.list(res)) res[[1]] else res
  if (status < 0) {
    msg <- hopt_errmsg()
    if (!is.null(what)) msg <- paste0(what, ": ", msg)
    stop(hopt_condition(msg, hopt_status_name(status)))
  }
  if (is.list(res)) res[-1] else invisible(NULL)
}

# check() for a call with one out-parameter: that value.
check1 <- function(res, what = NULL) check(res, what)[[1]]

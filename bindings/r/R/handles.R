# Ownership of the C handles. The generated layer returns bare external
# pointers; each one the R layer keeps lives in an environment with a
# finalizer that frees it exactly once (at garbage collection or at exit),
# or earlier through release(). A freed handle has ptr NULL, never a
# dangling address.

own <- function(ptr, free, class) {
  h <- new.env(parent = emptyenv())
  h$ptr <- ptr
  h$free <- free
  reg.finalizer(h, release, onexit = TRUE)
  class(h) <- c(class, "hopt_handle")
  h
}

release <- function(h) {
  if (!is.null(h$ptr)) {
    p <- h$ptr
    h$ptr <- NULL
    h$free(p)
  }
  invisible(NULL)
}

ptr <- function(h) {
  if (is.null(h)) return(NULL)
  if (is.null(h$ptr)) stop("hopt: this object has been released", call. = FALSE)
  h$ptr
}

#' @export
print.hopt_handle <- function(x, ...) {
  cat("<", class(x)[1], if (is.null(x$ptr)) " (released)", ">\n", sep = "")
  invisible(x)
}

# Run under valgrind by ctest (r/valgrind): the R layer's handles and the
# closures it hands to hopt, created and dropped in every way the package
# does, with no invalid access and nothing definitely lost.
library(hopt)
sq <- function(p) (p$x - 1)^2
space <- list(x = hp_uniform("x", -5, 5), c = hp_choice("c", list(1, list(y = hp_normal("y", 0, 1)))))
for (i in 1:3) {
  t <- trials()
  best <- fmin(sq, space, max_evals = 30, trials = t, seed = i, show_progressbar = FALSE)
  stopifnot(length(t) == 30, identical(argmin(t), best))
  # An objective error, re-signalled: its closure is released all the same.
  err <- tryCatch(fmin(function(p) stop("boom"), space, max_evals = 3, show_progressbar = FALSE),
                  error = function(e) e)
  stopifnot(conditionMessage(err) == "boom")
  # early_stop_fn closures, stopping the search or failing it.
  fmin(sq, space, max_evals = 30, early_stop_fn = no_progress_loss(3), show_progressbar = FALSE)
  err <- tryCatch(fmin(sq, space, max_evals = 5, early_stop_fn = function(trials) stop("es boom"),
                       show_progressbar = FALSE), error = function(e) e)
  stopifnot(conditionMessage(err) == "es boom")
  # A bad space: the failed parse leaves nothing behind.
  stopifnot(inherits(tryCatch(hopt_space(hp_uniform("bad", 1, 0)), error = function(e) e), "hopt_space_error"))
  df <- as.data.frame(t)
  stopifnot(nrow(df) == 30)
  # A registry outlives the objective handles it was given.
  reg <- hopt:::registry(list(a = sq, b = function(p) p$x), list(c = "echo 1"))
  gc()
  hopt:::release(reg)
  # Handles left to the garbage collector, and one released twice.
  for (k in 1:10) hopt_space(space)
  hopt:::release(t)
  hopt:::release(t)
  rm(t)
  gc()
}
cat("ownership under valgrind: ok\n")

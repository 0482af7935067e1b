# Shared by the tests: quiet fmin and simple spaces.
quiet_fmin <- function(...) fmin(..., show_progressbar = FALSE)

square <- function(p) (p$x - 1)^2
x_space <- list(x = hp_uniform("x", -5, 5))

# The R closure given to hopt is kept alive while hopt holds it and let go
# when hopt calls user_free: a finalizer on an environment the objective
# captures tells when the closure has been collected.
watched_objective <- function(flag) {
  guard <- new.env()
  reg.finalizer(guard, function(e) flag$collected <- TRUE)
  function(p) {
    force(guard)
    gc()  # a collection while hopt holds the closure must not free it
    (p$x - 1)^2
  }
}

test_that("fmin releases the objective when it returns, not before", {
  flag <- new.env()
  flag$collected <- FALSE
  f <- watched_objective(flag)
  t <- trials()
  quiet_fmin(f, x_space, max_evals = 5, trials = t, seed = 1)
  expect_equal(length(t), 5L)
  gc()
  expect_false(flag$collected)  # still referenced by `f`
  rm(f)
  gc()
  expect_true(flag$collected)   # hopt no longer holds it
})

test_that("a failing fmin releases the objective too", {
  flag <- new.env()
  flag$collected <- FALSE
  local({
    g <- watched_objective(flag)
    expect_error(quiet_fmin(function(p) { g(p); stop("bail") }, x_space, max_evals = 5))
  })
  gc()
  expect_true(flag$collected)
})

test_that("handles are freed once, by release or by the garbage collector", {
  t <- trials()
  hopt:::release(t)
  hopt:::release(t)
  expect_error(length(t), "released")
  for (i in 1:50) hopt_space(x_space)
  gc()
  expect_output(print(trials()), "hopt_trials")
})

test_that("a worker registry keeps its objectives after their handles are released", {
  flag <- new.env()
  flag$collected <- FALSE
  reg <- local(hopt:::registry(list(sq = watched_objective(flag)), list()))
  gc()
  expect_false(flag$collected)  # held by the registry alone
  hopt:::release(reg)
  gc()
  expect_true(flag$collected)
})

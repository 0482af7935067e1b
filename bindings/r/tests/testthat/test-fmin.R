test_that("each algorithm minimises a parabola", {
  for (algo in c("tpe", "rand", "anneal", "mtpe")) {
    t <- trials()
    best <- quiet_fmin(square, x_space, algo = algo, max_evals = 60, trials = t, seed = 3)
    expect_named(best, "x")
    expect_equal(length(t), 60L)
    expect_lt(abs(best$x - 1), 1, label = algo)
    expect_equal(min(trials_losses(t)), (best$x - 1)^2)
  }
})

test_that("the same seed gives the same search, another seed another one", {
  run <- function(algo, seed) {
    t <- trials()
    quiet_fmin(square, x_space, algo = algo, max_evals = 30, trials = t, seed = seed)
    trials_vals(t)$x
  }
  for (algo in c("tpe", "rand", "anneal", "mtpe")) {
    expect_identical(run(algo, 42), run(algo, 42))
    expect_false(identical(run(algo, 42), run(algo, 43)))
  }
})

test_that("a trials store extends a search and max_evals counts what it holds", {
  t <- trials()
  quiet_fmin(square, x_space, max_evals = 10, trials = t, seed = 1)
  quiet_fmin(square, x_space, max_evals = 10, trials = t, seed = 1)
  expect_equal(length(t), 10L)
  quiet_fmin(square, x_space, max_evals = 25, trials = t, seed = 1)
  expect_equal(length(t), 25L)
  expect_equal(trials_vals(t)$tid, 0:24)
})

test_that("algorithm parameters pass through ... and bad ones are refused", {
  t <- trials()
  quiet_fmin(square, x_space, algo = "tpe", max_evals = 8, trials = t, seed = 2, n_startup_jobs = 3, gamma = 0.3)
  expect_equal(length(t), 8L)
  expect_error(quiet_fmin(square, x_space, max_evals = 3, no_such_param = 1), class = "hopt_notfound_error")
  expect_error(quiet_fmin(square, x_space, max_evals = 3, gamma = 7), class = "hopt_inval_error")
  expect_error(quiet_fmin(square, x_space, algo = "bayes", max_evals = 3), class = "hopt_error")
})

test_that("points_to_evaluate come first, as lists or a data frame", {
  t <- trials()
  quiet_fmin(square, x_space, max_evals = 5, trials = t, seed = 1,
             points_to_evaluate = list(list(x = 1), list(x = -2)))
  expect_equal(trials_vals(t)$x[1:2], c(1, -2))
  expect_equal(trials_losses(t)[1:2], c(0, 9))
  t2 <- trials()
  quiet_fmin(square, x_space, max_evals = 3, trials = t2, seed = 1, points_to_evaluate = data.frame(x = c(0.5, 2)))
  expect_equal(trials_vals(t2)$x[1:2], c(0.5, 2))
})

test_that("return_argmin = FALSE returns the point; TRUE the values", {
  space <- list(kind = hp_choice("kind", list("a", "b")), x = hp_uniform("x", -5, 5))
  f <- function(p) (p$x - 1)^2 + if (p$kind == "b") 0 else 10
  t <- trials()
  vals <- quiet_fmin(f, space, max_evals = 30, trials = t, seed = 5)
  point <- quiet_fmin(f, space, max_evals = 30, trials = t, seed = 5, return_argmin = FALSE)
  expect_equal(vals$kind, 1)
  expect_equal(point$kind, "b")
  expect_equal(point, space_eval(space, vals))
  expect_equal(vals, argmin(t))
})

test_that("loss_threshold and timeout end the search early", {
  t <- trials()
  quiet_fmin(function(p) 0.5, x_space, max_evals = 1000, trials = t, loss_threshold = 1, seed = 1)
  expect_equal(length(t), 1L)
  t2 <- trials()
  quiet_fmin(function(p) { Sys.sleep(0.05); 1 }, x_space, max_evals = 10000, trials = t2, timeout = 0.5, seed = 1)
  expect_lt(length(t2), 10000L)
})

test_that("objectives may return result lists with extra keys and failures", {
  t <- trials()
  f <- function(p) {
    if (p$x < 0) return(list(status = STATUS_FAIL, why = "negative"))
    list(loss = p$x, status = STATUS_OK, note = sprintf("x=%.3f", p$x), extra = list(a = 1, b = "two"))
  }
  quiet_fmin(f, x_space, max_evals = 20, trials = t, seed = 9, algo = "rand")
  df <- as.data.frame(t)
  expect_setequal(unique(df$status), c("ok", "fail"))
  expect_true(all(df$x[df$status == "fail"] < 0))
  best <- best_trial(t)
  expect_equal(best$result$extra$b, "two")
  expect_equal(best$result$loss, min(df$loss, na.rm = TRUE))
})

test_that("a non-finite loss makes a failed trial", {
  t <- trials()
  quiet_fmin(function(p) if (p$x < 0) NaN else p$x, x_space, max_evals = 20, trials = t, seed = 4, algo = "rand")
  df <- as.data.frame(t)
  expect_true(all(df$status[df$x < 0] == "fail"))
  expect_true(all(is.na(df$loss[df$x < 0])))
  t2 <- trials()
  expect_error(quiet_fmin(function(p) list(loss = Inf, status = "ok"), x_space, max_evals = 2, trials = t2, seed = 4),
               class = "hopt_allfailed_error")
  expect_equal(trials_statuses(t2), c("fail", "fail"))
  expect_equal(as.data.frame(t2)$state, c("done", "done"))
})

test_that("trials accessors give vectors and data frames", {
  t <- trials()
  f <- function(p) if (p$x > 4) list(status = "fail") else (p$x - 1)^2
  quiet_fmin(f, x_space, max_evals = 30, trials = t, seed = 8, algo = "rand")
  expect_equal(length(t), 30L)

  df <- as.data.frame(t)
  expect_s3_class(df, "data.frame")
  expect_equal(names(df), c("tid", "state", "status", "loss", "error", "x"))
  expect_equal(df$tid, 0:29)
  expect_true(all(df$state == "done"))
  expect_equal(df$loss[df$status == "ok"], (df$x[df$status == "ok"] - 1)^2)

  expect_equal(trials_losses(t), df$loss)
  expect_equal(trials_statuses(t), df$status)
  expect_equal(trials_vals(t), df[, c("tid", "x")])

  best <- best_trial(t)
  expect_equal(best$tid, df$tid[which.min(df$loss)])
  expect_equal(argmin(t), list(x = df$x[which.min(df$loss)]))
  expect_length(trial_docs(t), 30)
})

test_that("delete_all empties a store; exp_key is kept", {
  t <- trials("my-experiment")
  quiet_fmin(square, x_space, max_evals = 4, trials = t, seed = 1)
  expect_equal(trial_docs(t)[[1]]$exp_key, "my-experiment")
  delete_all(t)
  expect_equal(length(t), 0L)
  expect_equal(nrow(as.data.frame(t)), 0)
})

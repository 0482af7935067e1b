test_that("a bad space is an R error naming the label", {
  expect_error(hopt_space(list(x = hp_uniform("lr", 1, 0))), "lr", class = "hopt_space_error")
  expect_error(quiet_fmin(square, list(x = hp_uniform("lr", 1, 0)), max_evals = 2), "lr", class = "hopt_space_error")
  expect_error(hopt_space(list(a = hp_uniform("dup", 0, 1), b = hp_normal("dup", 0, 1))), "dup", class = "hopt_space_error")
  expect_error(hopt_space(hp_normal("sd", 0, -1)), "sd", class = "hopt_space_error")
  expect_error(hopt_space(hp_choice("empty", list())), "empty", class = "hopt_space_error")
  expect_error(hopt_space(hp_pchoice("p", list(list(0.5, 1), list(0.2, 2)))), "'p'", class = "hopt_space_error")
  expect_error(hopt_space(hp_uniform("a.b", 0, 1)), "a.b", class = "hopt_space_error")
  expect_error(hp_uniform(3, 0, 1), "label")
  expect_error(hp_uniform("x", "low", 1), "low")
})

test_that("an error in the objective is signalled again in the caller, class and message kept", {
  f <- function(p) {
    if (p$x > -100) stop(structure(class = c("my_error", "error", "condition"),
                                   list(message = "objective broke at x", call = NULL, x = p$x)))
    0
  }
  err <- tryCatch(quiet_fmin(f, x_space, max_evals = 5, seed = 1), error = function(e) e)
  expect_s3_class(err, "my_error")
  expect_equal(conditionMessage(err), "objective broke at x")
  expect_true(is.numeric(err$x))
  expect_error(quiet_fmin(function(p) stop("plain failure"), x_space, max_evals = 5), "plain failure")
})

test_that("the failed trial records the R message, and catch_eval_exceptions goes on", {
  t <- trials()
  expect_error(quiet_fmin(function(p) stop("no good"), x_space, max_evals = 5, trials = t, seed = 1), "no good")
  df <- as.data.frame(t)
  expect_equal(df$state, "error")
  expect_match(df$error, "no good")

  t2 <- trials()
  f <- function(p) if (p$x < 0) stop("negative x") else p$x
  quiet_fmin(f, x_space, max_evals = 20, trials = t2, seed = 1, algo = "rand", catch_eval_exceptions = TRUE)
  df2 <- as.data.frame(t2)
  expect_equal(nrow(df2), 20)
  expect_equal(length(t2), sum(df2$state == "done"))  # hyperopt's len(trials): errors do not count
  expect_true(all(df2$state[df2$x < 0] == "error"))
  expect_true(all(grepl("negative x", df2$error[df2$x < 0])))
  expect_true(all(df2$x[df2$state == "done"] >= 0))
})

test_that("a bad return value fails the trial with an explanation", {
  expect_error(quiet_fmin(function(p) "oops", x_space, max_evals = 2), "must return a number")
  expect_error(quiet_fmin(function(p) list(loss = 1, status = "maybe"), x_space, max_evals = 2), "status")
})

test_that("bad arguments are errors", {
  expect_error(quiet_fmin(square, x_space), "max_evals")
  expect_error(quiet_fmin(square, x_space, max_evals = 3, seed = -1), "seed")
  expect_error(quiet_fmin(square, x_space, max_evals = 3, trials = list()), "trials")
  expect_error(quiet_fmin(square, x_space, max_evals = 3, timeout = -1), class = "hopt_inval_error")
  expect_error(argmin(trials()), class = "hopt_empty_error")
  expect_error(mongo_trials("mongo://nohost:notaport/db/jobs"), class = "hopt_inval_error")
})

test_that("an objective served only by workers cannot run in memory", {
  expect_error(quiet_fmin("remote_fn", x_space, max_evals = 2), "remote_fn")
})

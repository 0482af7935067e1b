# fmin's early_stop_fn and no_progress_loss (R/early_stop.R, src/callbacks.c).

test_that("early_stop_fn returning TRUE after k calls stops the search there", {
  calls <- 0
  stop_at_7 <- function(trials) {
    calls <<- calls + 1
    calls >= 7
  }
  t <- trials()
  quiet_fmin(square, x_space, max_evals = 100, trials = t, seed = 1, early_stop_fn = stop_at_7)
  expect_equal(calls, 7)
  expect_equal(length(t), 7L)  # called after each serial trial
})

test_that("early_stop_fn receives the trials object and its returned list back as arguments", {
  seen <- list()
  counter <- function(trials, count = 0, losses = numeric(0)) {
    expect_s3_class(trials, "hopt_trials")
    count <- count + 1
    seen[[length(seen) + 1]] <<- list(count = count, n = length(trials))
    list(stop = count >= 5, count = count, losses = trials_losses(trials))
  }
  t <- trials()
  quiet_fmin(square, x_space, max_evals = 50, trials = t, seed = 2, early_stop_fn = counter)
  expect_equal(length(t), 5L)
  expect_equal(vapply(seen, function(s) s$count, numeric(1)), 1:5)
  expect_equal(vapply(seen, function(s) s$n, integer(1)), 1:5)
})

test_that("the stop flag may come first and unnamed, and a bare logical passes nothing back", {
  positional <- function(trials, n = 0) list(n >= 3, n + 1)
  t <- trials()
  quiet_fmin(square, x_space, max_evals = 50, trials = t, seed = 3, early_stop_fn = positional)
  expect_equal(length(t), 4L)  # n = 0, 1, 2, 3

  args_seen <- integer(0)
  bare <- function(trials, ...) {
    args_seen <<- c(args_seen, ...length())
    FALSE
  }
  t2 <- trials()
  quiet_fmin(square, x_space, max_evals = 6, trials = t2, seed = 3, early_stop_fn = bare)
  expect_equal(length(t2), 6L)
  expect_true(all(args_seen == 0L))
})

test_that("fmin without a trials store gives early_stop_fn one of its own", {
  n <- NULL
  quiet_fmin(square, x_space, max_evals = 50, seed = 4,
             early_stop_fn = function(trials) {
               n <<- length(trials)
               n >= 3
             })
  expect_equal(n, 3L)
})

test_that("no_progress_loss stops a search whose loss never improves", {
  # hyperopt's test: the first point is never beaten, so exactly 10 trials.
  t <- trials()
  quiet_fmin(function(p) p$x, list(x = hp_uniform("x", -5, 5)), algo = "rand", max_evals = 500, trials = t,
             seed = 5, points_to_evaluate = list(list(x = -100)), early_stop_fn = no_progress_loss(10))
  expect_equal(length(t), 10L)
  # A constant loss: no trial after the first is progress.
  t2 <- trials()
  quiet_fmin(function(p) 1, x_space, max_evals = 500, trials = t2, seed = 5, early_stop_fn = no_progress_loss(4))
  expect_equal(length(t2), 4L)
  # Failed trials are no progress either.
  t3 <- trials()
  expect_error(quiet_fmin(function(p) stop("never works"), x_space, max_evals = 500, trials = t3, seed = 5,
                          catch_eval_exceptions = TRUE, early_stop_fn = no_progress_loss(3)),
               class = "hopt_empty_error")  # hyperopt: errors are no evaluation tasks
  expect_equal(nrow(as.data.frame(t3)), 3L)
})

test_that("no_progress_loss reads every trial of a store whose tids have gaps", {
  # Two trials imported as tids 0 and 7: reading tids upwards misses tid 1.
  t0 <- trials()
  quiet_fmin(function(p) 100, x_space, max_evals = 2, trials = t0, seed = 1)
  docs <- hopt:::check1(hopt:::hopt_trials_export(hopt:::ptr(t0)))
  docs <- gsub("[1]", "[7]", gsub("\"tid\":1,", "\"tid\":7,", docs, fixed = TRUE), fixed = TRUE)
  t <- trials()
  hopt:::check(hopt:::hopt_trials_import(hopt:::ptr(t), docs))
  expect_equal(as.data.frame(t)$tid, c(0, 7))
  # 100 sets the reference, then 100 and 200 make no progress: stop at 3.
  quiet_fmin(function(p) 200, x_space, max_evals = 50, trials = t, seed = 1, early_stop_fn = no_progress_loss(3))
  expect_equal(as.data.frame(t)$loss, c(100, 100, 200))
})

test_that("no_progress_loss lets an improving search run and checks its arguments", {
  t <- trials()
  losses <- c(10, 9, 8, 7, 6, 5, 5, 5)
  i <- 0
  f <- function(p) {
    i <<- i + 1
    losses[min(i, length(losses))]
  }
  quiet_fmin(f, x_space, max_evals = 100, trials = t, seed = 6, early_stop_fn = no_progress_loss(3))
  expect_equal(length(t), 9L)  # 6 improving trials, then 3 without progress
  # percent_increase: 10 -> 9.5 is not a 10% improvement.
  t2 <- trials()
  j <- 0
  g <- function(p) {
    j <<- j + 1
    10 - j / 2
  }
  quiet_fmin(g, x_space, max_evals = 100, trials = t2, seed = 6, early_stop_fn = no_progress_loss(2, 10))
  expect_equal(length(t2), 2L)
  rule <- no_progress_loss(2)
  expect_true(is.function(rule))
  expect_error(no_progress_loss(0), "iteration_stop_count")
  expect_error(no_progress_loss(2.5), "iteration_stop_count")
  expect_error(no_progress_loss(3, -1), "percent_increase")
})

test_that("an error in early_stop_fn is signalled again in the caller, class and fields kept", {
  broken <- function(trials) {
    if (length(trials) >= 2)
      stop(structure(class = c("my_stop_error", "error", "condition"),
                     list(message = "early stop broke", call = NULL, n = length(trials))))
    FALSE
  }
  t <- trials()
  err <- tryCatch(quiet_fmin(square, x_space, max_evals = 20, trials = t, seed = 7, early_stop_fn = broken),
                  error = function(e) e)
  expect_s3_class(err, "my_stop_error")
  expect_equal(conditionMessage(err), "early stop broke")
  expect_equal(err$n, 2L)
  expect_equal(length(t), 2L)
  expect_error(quiet_fmin(square, x_space, max_evals = 5, early_stop_fn = function(trials) stop("plain")), "plain")
})

test_that("a bad early_stop_fn or a bad answer is an error", {
  expect_error(quiet_fmin(square, x_space, max_evals = 5, early_stop_fn = "no"), "early_stop_fn")
  expect_error(quiet_fmin(square, x_space, max_evals = 5, early_stop_fn = function(trials) "yes"),
               "early_stop_fn must return", class = "hopt_inval_error")
  expect_error(quiet_fmin(square, x_space, max_evals = 5, early_stop_fn = function(trials) list(stop = NA)),
               class = "hopt_inval_error")
})

# Ctrl-C as R sees it: SIGINT to this process, an interrupt pending in R.
interrupt_self <- function() tools::pskill(Sys.getpid(), tools::SIGINT)

test_that("an interrupt still ends the search when early_stop_fn is set", {
  t <- trials()
  calls <- 0
  es <- function(trials) {
    calls <<- calls + 1
    if (calls == 3) interrupt_self()
    FALSE
  }
  expect_error(quiet_fmin(square, x_space, max_evals = 50, trials = t, seed = 8, early_stop_fn = es),
               class = "hopt_cancelled_error")
  expect_lte(length(t), 4L)
})

test_that("an interrupt in the objective ends the search even with catch_eval_exceptions", {
  t <- trials()
  i <- 0
  f <- function(p) {
    i <<- i + 1
    if (i == 3) {
      interrupt_self()
      Sys.sleep(1)  # the interrupt arrives here
    }
    square(p)
  }
  for (es in list(NULL, no_progress_loss(100))) {
    t <- trials()
    i <- 0
    expect_error(quiet_fmin(f, x_space, max_evals = 50, trials = t, seed = 8, catch_eval_exceptions = TRUE,
                            early_stop_fn = es), class = "hopt_cancelled_error")
    expect_equal(nrow(as.data.frame(t)), 3L)
  }
})

test_that("fmin releases early_stop_fn when it returns", {
  flag <- new.env()
  flag$collected <- FALSE
  local({
    guard <- new.env()
    reg.finalizer(guard, function(e) flag$collected <- TRUE)
    es <- function(trials) {
      force(guard)
      gc()  # a collection while hopt holds the closure must not free it
      length(trials) >= 3
    }
    quiet_fmin(square, x_space, max_evals = 10, seed = 9, early_stop_fn = es)
    expect_false(flag$collected)
  })
  gc()
  expect_true(flag$collected)
})

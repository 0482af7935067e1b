# MongoTrials with R workers against the real server: ctest starts FerretDB
# and passes its address in HOPT_TEST_MONGO (tests/r/CMakeLists.txt).

server <- function() {
  uri <- Sys.getenv("HOPT_TEST_MONGO")
  if (!nzchar(uri)) stop("HOPT_TEST_MONGO is not set: these tests need a MongoDB-protocol server (run them through ctest)")
  sub("/+$", "", sub("^mongodb://", "", uri))
}

# mongo://host:port/<db>/jobs for a database of this process and test.
test_url <- function(name) sprintf("mongo://%s/r%d_%s/jobs", server(), Sys.getpid(), name)

# An Rscript process running hopt_worker() with `objectives_code` (R source
# of a named list of functions); its exit status lands in a file.
start_worker <- function(url, objectives_code, ...) {
  dir <- tempfile("worker")
  dir.create(dir)
  args <- paste(deparse(list(...)), collapse = " ")
  script <- file.path(dir, "worker.R")
  writeLines(c(
    "library(hopt)",
    sprintf("objectives <- %s", objectives_code),
    sprintf("n <- do.call(hopt_worker, c(list(%s, objectives), %s))", deparse(url), args),
    "cat('jobs done:', n, '\\n')"), script)
  rc <- file.path(dir, "rc")
  log <- file.path(dir, "log")
  rscript <- file.path(R.home("bin"), "Rscript")
  system2("sh", c("-c", shQuote(sprintf("%s %s > %s 2>&1; echo $? > %s", shQuote(rscript), shQuote(script),
                                        shQuote(log), shQuote(rc)))), wait = FALSE)
  list(rc = rc, log = log)
}

# Wait until the worker process ends (bounded, in case it hangs); its status.
wait_worker <- function(w, limit = 120) {
  waited <- 0
  while (!file.exists(w$rc) || length(readLines(w$rc)) == 0) {
    if (waited > limit) stop("the worker did not end; its log:\n", paste(readLines(w$log), collapse = "\n"))
    Sys.sleep(0.2)
    waited <- waited + 0.2
  }
  as.integer(readLines(w$rc)[1])
}

objectives_src <- 'list(
  parabola = function(p) (p$x - 3)^2,
  fragile = function(p) if (p$x > 0) stop("fragile: x is positive") else -p$x)'

test_that("fmin on mongo_trials is served by R workers, in a child process and in-process", {
  url <- test_url("served")
  t <- mongo_trials(url, "parabola-exp")
  delete_all(t)
  # The workers end 5 s after the last trial (a margin for a slow machine
  # between the trials fmin queues).
  w1 <- start_worker(url, objectives_src, poll_interval = 0.05, reserve_timeout = 5, isolation = "process")
  w2 <- start_worker(url, objectives_src, poll_interval = 0.05, reserve_timeout = 5, isolation = "none")
  parabola <- function(p) stop("evaluated by the workers, not here")
  best <- fmin(parabola, x_space, max_evals = 24, trials = t, seed = 5, show_progressbar = FALSE,
               poll_interval = 0.05, timeout = 90)
  expect_equal(wait_worker(w1), 0L, info = paste(readLines(w1$log), collapse = "\n"))
  expect_equal(wait_worker(w2), 0L, info = paste(readLines(w2$log), collapse = "\n"))

  df <- as.data.frame(t)
  expect_equal(nrow(df), 24)
  expect_equal(sort(df$tid), 0:23)
  expect_true(all(df$state == "done"))
  expect_equal(df$loss, (df$x - 3)^2)
  expect_equal(best, argmin(t))
  expect_equal(best$x, df$x[which.min(df$loss)])
  # Both workers took part (each logged the trials it finished).
  jobs <- vapply(list(w1, w2), function(w) as.numeric(sub(".*jobs done: ([0-9]+).*", "\\1",
                                                          grep("jobs done", readLines(w$log), value = TRUE))), 1)
  expect_equal(sum(jobs), 24)

  # The same experiment, reopened, holds the same trials.
  expect_equal(as.data.frame(mongo_trials(url, "parabola-exp")), df)
  delete_all(t)
})

test_that("an R error on a worker fails that trial with the R message", {
  url <- test_url("fragile")
  t <- mongo_trials(url, "fragile-exp")
  delete_all(t)
  w <- start_worker(url, objectives_src, poll_interval = 0.05, reserve_timeout = 30, max_jobs = 12,
                    max_consecutive_failures = 100)
  quiet_fmin("fragile", list(x = hp_uniform("x", -1, 1)), max_evals = 12, trials = t, seed = 3, algo = "rand",
             poll_interval = 0.05, timeout = 90)
  expect_equal(wait_worker(w), 0L, info = paste(readLines(w$log), collapse = "\n"))
  df <- as.data.frame(t)
  expect_equal(nrow(df), 12)
  expect_true(all(df$state[df$x > 0] == "error"))
  expect_true(all(grepl("fragile: x is positive", df$error[df$x > 0])))
  expect_equal(df$loss[df$x <= 0], -df$x[df$x <= 0])
  delete_all(t)
})

test_that("a worker ends with an error after too many failures in a row", {
  url <- test_url("failing")
  t <- mongo_trials(url, "failing-exp")
  delete_all(t)
  w <- start_worker(url, 'list(broken = function(p) stop("always broken"))', poll_interval = 0.05,
                    reserve_timeout = 30, max_consecutive_failures = 2)
  # Both trials failed: no trial counts, so fmin has no argmin to return.
  expect_error(quiet_fmin("broken", x_space, max_evals = 2, trials = t, seed = 1, poll_interval = 0.05, timeout = 90),
               class = "hopt_empty_error")
  expect_equal(as.data.frame(t)$state, c("error", "error"))
  expect_equal(wait_worker(w), 1L)
  expect_match(paste(readLines(w$log), collapse = "\n"), "always broken")
  delete_all(t)
})

test_that("early_stop_fn sees the MongoDB trials at each poll and stops the search", {
  url <- test_url("early_stop")
  t <- mongo_trials(url, "early-stop-exp")
  delete_all(t)
  w <- start_worker(url, objectives_src, poll_interval = 0.05, reserve_timeout = 3, isolation = "none")
  classes <- character(0)
  five_done <- function(trials) {
    classes <<- union(classes, class(trials))
    sum(as.data.frame(trials)$state == "done") >= 5
  }
  parabola <- function(p) stop("evaluated by the workers, not here")
  fmin(parabola, x_space, max_evals = 200, trials = t, seed = 5, show_progressbar = FALSE,
       poll_interval = 0.05, max_queue_len = 1, timeout = 90, early_stop_fn = five_done)
  expect_equal(wait_worker(w), 0L, info = paste(readLines(w$log), collapse = "\n"))
  expect_true("hopt_mongo_trials" %in% classes)
  df <- as.data.frame(t)
  expect_gte(sum(df$state == "done"), 5)
  expect_lt(nrow(df), 20)  # stopped, not run to max_evals
  delete_all(t)
})

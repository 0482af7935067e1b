all_dists <- list(
  choice = hp_choice("choice", list("a", "b", "c")),
  pchoice = hp_pchoice("pchoice", list(list(0.2, "lo"), list(0.8, "hi"))),
  randint1 = hp_randint("randint1", 5),
  randint2 = hp_randint("randint2", 10, 20),
  uniform = hp_uniform("uniform", -2, 3),
  quniform = hp_quniform("quniform", 0, 10, 2),
  loguniform = hp_loguniform("loguniform", log(1e-3), log(1)),
  qloguniform = hp_qloguniform("qloguniform", log(1), log(100), 1),
  normal = hp_normal("normal", 0, 1),
  qnormal = hp_qnormal("qnormal", 0, 10, 1),
  lognormal = hp_lognormal("lognormal", 0, 1),
  qlognormal = hp_qlognormal("qlognormal", 0, 1, 0.5),
  uniformint = hp_uniformint("uniformint", 1, 9))

test_that("every distribution samples within its support", {
  for (seed in 1:40) {
    p <- space_sample(all_dists, seed)$point
    expect_true(p$choice %in% c("a", "b", "c"))
    expect_true(p$pchoice %in% c("lo", "hi"))
    expect_true(p$randint1 %in% 0:4)
    expect_true(p$randint2 %in% 10:19)
    expect_true(p$uniform >= -2 && p$uniform < 3)
    expect_true(p$quniform %in% seq(0, 10, 2))
    expect_true(p$loguniform >= 1e-3 && p$loguniform <= 1)
    expect_equal(p$qloguniform, round(p$qloguniform))
    expect_true(is.finite(p$normal))
    expect_equal(p$qnormal, round(p$qnormal))
    expect_gt(p$lognormal, 0)
    expect_equal(p$qlognormal / 0.5, round(p$qlognormal / 0.5))
    expect_true(p$uniformint %in% 1:9)
  }
})

test_that("pchoice follows its probabilities", {
  draws <- vapply(1:400, function(s) space_sample(all_dists["pchoice"], s)$point$pchoice, "")
  expect_gt(mean(draws == "hi"), 0.7)
  expect_lt(mean(draws == "hi"), 0.9)
})

test_that("fmin searches a space with every distribution", {
  t <- trials()
  f <- function(p) p$uniform^2 + p$normal^2 + p$randint1
  quiet_fmin(f, all_dists, max_evals = 25, trials = t, seed = 11)
  vals <- trials_vals(t)
  expect_setequal(names(vals), c("tid", names(all_dists)))
  expect_true(all(vals$choice %in% 0:2))
})

conditional <- hp_choice("model", list(
  list(type = "svm", C = hp_loguniform("C", log(0.01), log(10)),
       kernel = hp_choice("kernel", list("linear", list(name = "rbf", gamma = hp_uniform("gamma", 0, 1))))),
  list(type = "tree", depth = hp_quniform("depth", 1, 10, 1))))

test_that("conditional spaces leave inactive labels out", {
  t <- trials()
  seen <- list()
  quiet_fmin(function(p) {
    seen[[length(seen) + 1]] <<- p
    if (p$type == "svm") p$C else p$depth
  }, conditional, max_evals = 40, trials = t, seed = 2, algo = "rand")
  vals <- trials_vals(t)
  svm <- vals$model == 0
  expect_true(any(svm) && any(!svm))
  expect_true(all(is.na(vals$depth[svm])))
  expect_true(all(is.na(vals$C[!svm])))
  expect_true(all(is.na(vals$gamma[!svm | vals$kernel %in% 0])))
  expect_true(all(!is.na(vals$gamma[svm & vals$kernel %in% 1])))
  types <- vapply(seen, function(p) p$type, "")
  expect_equal(types, ifelse(svm, "svm", "tree"))
})

test_that("space_eval gives the point of a set of values", {
  p <- space_eval(conditional, list(model = 0, C = 0.5, kernel = 1, gamma = 0.25))
  expect_equal(p, list(C = 0.5, kernel = list(gamma = 0.25, name = "rbf"), type = "svm"))
  p2 <- space_eval(conditional, list(model = 1, depth = 3))
  expect_equal(p2, list(depth = 3, type = "tree"))
  expect_error(space_eval(conditional, list(model = 1)), "depth", class = "hopt_error")
})

test_that("arithmetic, hp_int and a parameter used twice", {
  x <- hp_uniform("x", -20, 20)
  space <- list(curve = hp_choice("curve", list(x, x + pi)), scaled = 2 * hp_uniform("s", 0, 1) - 1,
                n = hp_int(hp_quniform("n", 1, 10, 1)), e = exp(hp_uniform("e", 0, 1)))
  expect_match(space_json(space), '"ref":"x"', fixed = TRUE)
  p <- space_eval(space, list(curve = 1, x = 1, s = 0.25, n = 3, e = 0))
  expect_equal(p$curve, 1 + pi)
  expect_equal(p$scaled, -0.5)
  expect_identical(p$n, 3L)
  expect_equal(p$e, 1)
})

test_that("nested lists, vectors and constants survive as R values", {
  space <- list(a = list(b = hp_uniform("b", 0, 1), c = c(1, 2, 3)), d = "const", e = list(1L, "x"), f = TRUE,
                hp = "a dict key that is also a space keyword")
  p <- space_eval(space, list(b = 0.5))
  expect_equal(p$a$b, 0.5)
  expect_equal(p$a$c, c(1, 2, 3))
  expect_equal(p$d, "const")
  expect_equal(p$f, TRUE)
  expect_equal(p$hp, "a dict key that is also a space keyword")
  expect_equal(space_labels(space), "b")
})

test_that("space JSON round-trips and compiled spaces are accepted", {
  sp <- hopt_space(all_dists)
  expect_s3_class(sp, "hopt_space")
  again <- hopt_space(structure(space_json(sp), class = "json"))
  expect_equal(space_json(again), space_json(sp))
  expect_equal(space_sample(sp, 7), space_sample(all_dists, 7))
  expect_equal(space_labels(sp), sort(names(all_dists)))
})

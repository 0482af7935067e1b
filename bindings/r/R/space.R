# Search spaces. hp_*() build hyperparameter nodes; nested lists, vectors
# and constants around them make the space, as in hyperopt:
#   list(lr = hp_loguniform("lr", log(1e-4), log(1)),
#        layers = hp_choice("layers", list(1, list(n = 2, drop = hp_uniform("drop", 0, 0.5)))))
# A space becomes hopt's space JSON (docs/space-json.md) and is checked by
# the library, whose errors name the offending label.

hp_node <- function(hp, label, ...) {
  if (!is.character(label) || length(label) != 1 || is.na(label))
    stop(sprintf("hopt: hp_%s needs a label (one string)", hp), call. = FALSE)
  structure(c(list(hp = hp, label = label), list(...)), class = c("hopt_hp", "hopt_node"))
}

num <- function(x, name, hp) {
  if (!is.numeric(x) || length(x) != 1)
    stop(sprintf("hopt: hp_%s's '%s' must be one number", hp, name), call. = FALSE)
  as.numeric(x)
}

#' Hyperparameters of a search space
#'
#' hyperopt's `hp.*` distributions. Each takes a label, unique in the space
#' (it names the value in trials and results), and the distribution's
#' parameters with hyperopt's meanings. Put them in lists (named: a dict,
#' unnamed: a list) with constants around them to build a space; an option
#' of `hp_choice` may itself be a space (a conditional sub-space, whose
#' labels are inactive in trials that chose another option). Arithmetic
#' (`+ - * / ^ %/% %%`, unary `-`, `abs`, `exp`, `log`, `sqrt`, `trunc`)
#' and [hp_int()] build expressions computed per trial.
#'
#' In trials and results a choice's value is its 0-based option index.
#'
#' @param label the hyperparameter's name: a string, not empty, without `.`,
#'   not starting with `$`.
#' @param options a list (or vector) of options, each a constant or a space;
#'   for `hp_pchoice` a list of `list(probability, option)`.
#' @param low,high bounds (for the log-scale ones, of the logarithm);
#'   `hp_randint(label, upper)` draws from 0 to upper - 1.
#' @param q quantisation step: the value is `round(x / q) * q`.
#' @param mu,sigma mean and standard deviation (of the logarithm for lognormal).
#' @return a hyperparameter node.
#' @examples
#' space <- list(
#'   lr = hp_loguniform("lr", log(1e-4), log(1)),
#'   model = hp_choice("model", list(
#'     list(type = "linear"),
#'     list(type = "tree", depth = hp_quniform("depth", 1, 10, 1)))))
#' space_sample(space, seed = 1)$point
#' @name hp
NULL

#' @rdname hp
#' @export
hp_choice <- function(label, options) {
  if (!is.list(options) && !is.atomic(options)) stop("hopt: hp_choice's options must be a list or a vector", call. = FALSE)
  hp_node("choice", label, options = unname(as.list(options)))
}

#' @rdname hp
#' @export
hp_pchoice <- function(label, options) {
  ok <- is.list(options) && all(vapply(options, function(o) is.list(o) && length(o) == 2, logical(1)))
  if (!ok) stop("hopt: hp_pchoice's options must be a list of list(probability, option)", call. = FALSE)
  hp_node("pchoice", label, options = lapply(unname(options), function(o) list(num(o[[1]], "probability", "pchoice"), o[[2]])))
}

#' @rdname hp
#' @export
hp_randint <- function(label, low, high = NULL) {
  if (is.null(high)) return(hp_node("randint", label, upper = num(low, "upper", "randint")))
  hp_node("randint", label, low = num(low, "low", "randint"), high = num(high, "high", "randint"))
}

#' @rdname hp
#' @export
hp_uniform <- function(label, low, high) hp_node("uniform", label, low = num(low, "low", "uniform"), high = num(high, "high", "uniform"))

#' @rdname hp
#' @export
hp_quniform <- function(label, low, high, q)
  hp_node("quniform", label, low = num(low, "low", "quniform"), high = num(high, "high", "quniform"), q = num(q, "q", "quniform"))

#' @rdname hp
#' @export
hp_loguniform <- function(label, low, high)
  hp_node("loguniform", label, low = num(low, "low", "loguniform"), high = num(high, "high", "loguniform"))

#' @rdname hp
#' @export
hp_qloguniform <- function(label, low, high, q)
  hp_node("qloguniform", label, low = num(low, "low", "qloguniform"), high = num(high, "high", "qloguniform"),
          q = num(q, "q", "qloguniform"))

#' @rdname hp
#' @export
hp_normal <- function(label, mu, sigma) hp_node("normal", label, mu = num(mu, "mu", "normal"), sigma = num(sigma, "sigma", "normal"))

#' @rdname hp
#' @export
hp_qnormal <- function(label, mu, sigma, q)
  hp_node("qnormal", label, mu = num(mu, "mu", "qnormal"), sigma = num(sigma, "sigma", "qnormal"), q = num(q, "q", "qnormal"))

#' @rdname hp
#' @export
hp_lognormal <- function(label, mu, sigma)
  hp_node("lognormal", label, mu = num(mu, "mu", "lognormal"), sigma = num(sigma, "sigma", "lognormal"))

#' @rdname hp
#' @export
hp_qlognormal <- function(label, mu, sigma, q)
  hp_node("qlognormal", label, mu = num(mu, "mu", "qlognormal"), sigma = num(sigma, "sigma", "qlognormal"),
          q = num(q, "q", "qlognormal"))

#' @rdname hp
#' @export
hp_uniformint <- function(label, low, high, q = 1)
  hp_node("uniformint", label, low = num(low, "low", "uniformint"), high = num(high, "high", "uniformint"),
          q = num(q, "q", "uniformint"))

# Arithmetic on hyperparameters (hyperopt's pyll expressions): the result is
# an operation node computed per trial, e.g. 1 + hp_lognormal("c", 0, 1).
op_node <- function(op, args) structure(list(op = op, args = args), class = c("hopt_op", "hopt_node"))

#' @export
Ops.hopt_node <- function(e1, e2) {
  ops <- c("+" = "add", "-" = "sub", "*" = "mul", "/" = "div", "%/%" = "floordiv", "%%" = "mod", "^" = "pow")
  if (missing(e2)) {
    if (.Generic == "-") return(op_node("neg", list(e1)))
    if (.Generic == "+") return(e1)
  }
  op <- ops[.Generic]
  if (is.na(op)) stop(sprintf("hopt: '%s' is not available on hyperparameters", .Generic), call. = FALSE)
  op_node(unname(op), list(e1, e2))
}

#' @export
Math.hopt_node <- function(x, ...) {
  ops <- c(abs = "abs", exp = "exp", log = "log", sqrt = "sqrt", trunc = "int")
  op <- ops[.Generic]
  if (is.na(op)) stop(sprintf("hopt: '%s' is not available on hyperparameters", .Generic), call. = FALSE)
  if (.Generic == "log" && length(list(...)) > 0) stop("hopt: log() of a hyperparameter takes no base", call. = FALSE)
  op_node(unname(op), list(x))
}

#' Integer, float, min and max of hyperparameters
#'
#' `hp_int(x)` is hyperopt's `scope.int` (truncation toward zero), `hp_float`
#' its `scope.float`; `hp_min`/`hp_max` take one or more nodes or numbers.
#' @param x,... hyperparameters, operations or numbers
#' @export
hp_int <- function(x) op_node("int", list(x))

#' @rdname hp_int
#' @export
hp_float <- function(x) op_node("float", list(x))

#' @rdname hp_int
#' @export
hp_min <- function(...) op_node("min", list(...))

#' @rdname hp_int
#' @export
hp_max <- function(...) op_node("max", list(...))

# The keys that make a JSON object a space node rather than a dict.
space_keys <- c("hp", "ref", "op", "const", "dict", "list", "tuple")

# An R space -> the R structure of its space JSON. `seen` (an environment)
# holds the labels defined so far: the same hyperparameter object used twice
# becomes a {"ref"}, as a Python variable used twice in hyperopt.
space_tree <- function(x, seen) {
  if (inherits(x, "hopt_hp")) {
    prev <- seen[[x$label]]
    if (!is.null(prev) && identical(prev, x)) return(list(ref = x$label))
    if (is.null(prev)) assign(x$label, x, envir = seen)
    node <- unclass(x)
    if (!is.null(node$options)) {
      node$options <- if (x$hp == "pchoice")
        lapply(node$options, function(o) list(o[[1]], space_tree(o[[2]], seen)))
      else lapply(node$options, space_tree, seen = seen)
    }
    return(node)
  }
  if (inherits(x, "hopt_op")) return(list(op = x$op, args = lapply(x$args, space_tree, seen = seen)))
  if (is.function(x) || is.environment(x)) stop("hopt: a space holds hyperparameters, lists and constants, not functions or environments", call. = FALSE)
  if (is.list(x)) {
    out <- lapply(x, space_tree, seen = seen)
    if (!is.null(names(x)) && any(names(x) %in% space_keys)) return(list(dict = out))
    return(out)
  }
  x
}

#' The JSON of a search space
#'
#' @param space an R search space (see [hp]) or an already compiled `hopt_space`.
#' @return the space JSON (docs/space-json.md) as a string.
#' @export
space_json <- function(space) {
  if (inherits(space, "hopt_space")) return(check1(hopt_space_to_json(ptr(space))))
  to_json(space_tree(space, new.env(parent = emptyenv())))
}

#' Compile a search space
#'
#' Checks a space once; fmin and space_eval accept the result in place of
#' the R space. Errors name the offending label (class `hopt_space_error`).
#' @param space an R search space, or its JSON text as a string of class "json".
#' @export
hopt_space <- function(space) {
  if (inherits(space, "hopt_space")) return(space)
  text <- if (inherits(space, "json")) as.character(space) else space_json(space)
  own(check1(hopt_space_from_json(text)), hopt_space_free, "hopt_space")
}

#' Labels of a search space
#' @param space an R space or a `hopt_space`.
#' @export
space_labels <- function(space) from_json(check1(hopt_space_labels(ptr(hopt_space(space)))))

#' Draw a point from a space's prior
#'
#' @param space an R space or a `hopt_space`.
#' @param seed a seed: the same seed gives the same draw.
#' @return list(vals = flat values, point = the evaluated point).
#' @export
space_sample <- function(space, seed = 0) {
  out <- check(hopt_space_sample(ptr(hopt_space(space)), seed))
  list(vals = from_json(out[[1]]), point = from_json(out[[2]]))
}

#' Evaluate a space at given values (hyperopt's space_eval)
#'
#' @param space an R space or a `hopt_space`.
#' @param vals named list label -> value, choices as 0-based option indices
#'   (what [argmin] and fmin return).
#' @return the point the objective would receive.
#' @export
space_eval <- function(space, vals) {
  from_json(check1(hopt_space_eval(ptr(hopt_space(space)), vals_json(vals))))
}

# Flat vals (named list or named vector) -> JSON object.
vals_json <- function(vals) {
  vals <- as.list(vals)
  if (length(vals) == 0) return("{}")
  if (is.null(names(vals))) stop("hopt: vals must be named by label", call. = FALSE)
  to_json(vals)
}

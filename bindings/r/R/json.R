# JSON in and out of hopt's C API. Encoding is done here rather than with
# jsonlite::toJSON, which keeps at most 15 significant digits: hopt's space
# JSON must round-trip doubles exactly (%.17g when 15 digits do not).

json_number <- function(x) {
  if (is.na(x) || !is.finite(x)) return("null")
  s <- sprintf("%.15g", x)
  if (as.numeric(s) != x) s <- sprintf("%.17g", x)
  s
}

json_scalar <- function(x) {
  if (is.factor(x)) x <- as.character(x)
  if (is.logical(x)) return(if (is.na(x)) "null" else if (x) "true" else "false")
  if (is.numeric(x)) return(json_number(as.numeric(x)))
  if (is.character(x)) {
    if (is.na(x)) return("null")
    return(as.character(jsonlite::toJSON(enc2utf8(x), auto_unbox = TRUE)))
  }
  stop(sprintf("hopt: cannot write a value of type '%s' as JSON", typeof(x)), call. = FALSE)
}

# `x`: NULL, an atomic vector (length 1: a scalar, else an array), or a list
# (named: an object, unnamed: an array).
to_json <- function(x) {
  if (is.null(x)) return("null")
  if (is.list(x)) {
    items <- vapply(x, to_json, character(1), USE.NAMES = FALSE)
    nm <- names(x)
    if (is.null(nm)) return(paste0("[", paste(items, collapse = ","), "]"))
    if (any(is.na(nm) | nm == "")) stop("hopt: a list must have names for all its elements or for none", call. = FALSE)
    keys <- vapply(nm, json_scalar, character(1), USE.NAMES = FALSE)
    return(paste0("{", paste0(keys, ":", items, collapse = ","), "}"))
  }
  if (is.atomic(x) && length(x) == 1 && is.null(names(x))) return(json_scalar(x))
  if (is.atomic(x)) return(to_json(as.list(x)))
  stop(sprintf("hopt: cannot write a value of type '%s' as JSON", typeof(x)), call. = FALSE)
}

# JSON text -> R: objects become named lists, arrays of scalars vectors,
# other arrays lists; null becomes NULL.
from_json <- function(text) {
  jsonlite::fromJSON(text, simplifyVector = TRUE, simplifyDataFrame = FALSE, simplifyMatrix = FALSE)
}

# JSON text -> R without simplification (trial documents).
from_json_raw <- function(text) jsonlite::fromJSON(text, simplifyVector = FALSE)

library(testthat)
library(hopt)

test_check("hopt")

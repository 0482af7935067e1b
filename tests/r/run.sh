#!/usr/bin/env bash
# The R package's tests (tests/r/CMakeLists.txt).
#   run.sh install <bindings/r> <hopt build dir> <dir>
#       copy the package to <dir>/hopt (configure writes generated files into
#       the package) and install it into the library <dir>/lib against the
#       build tree's libhopt;
#   run.sh test <dir>
#       run its testthat tests with that library;
#   run.sh valgrind <dir> <valgrind> <script.R>
#       run an R script with that library under valgrind, failing on any
#       error or definite leak valgrind reports.
set -euo pipefail
case "$1" in
  install)
    pkg=$2 build=$3 dir=$4
    rm -rf "$dir"
    mkdir -p "$dir/lib"
    cp -r "$pkg" "$dir/hopt"
    HOPT_BUILD_DIR=$build R CMD INSTALL --no-multiarch --library="$dir/lib" "$dir/hopt"
    ;;
  test)
    dir=$2
    cd "$dir/hopt/tests"
    # The worker processes the tests start (Rscript) find the package
    # through R_LIBS too.
    R_LIBS="$dir/lib" Rscript -e 'testthat::test_dir("testthat", package = "hopt", load_package = "installed", reporter = "summary", stop_on_failure = TRUE)'
    ;;
  valgrind)
    dir=$2 valgrind=$3 script=$4
    R_LIBS="$dir/lib" R --vanilla --quiet \
      -d "$valgrind --error-exitcode=1 --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite" \
      -f "$script"
    ;;
  *)
    echo "usage: $0 install <bindings/r> <build dir> <dir> | test <dir> | valgrind <dir> <valgrind> <script.R>" >&2
    exit 2
    ;;
esac

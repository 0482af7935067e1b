#!/usr/bin/env bash
# Install what building and testing hopt needs, from Debian's packages.
# Idempotent: packages already present are not reinstalled.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config  # the build
  nlohmann-json3-dev                            # JSON inside the engine
  libcmocka-dev                                 # C tests
  libmongoc-dev libbson-dev                     # the MongoDB trials store
  swig r-base-dev r-cran-testthat r-cran-jsonlite valgrind  # the R binding and its tests
  lua5.4 liblua5.4-dev lua-busted               # the Lua binding and its tests
  libssl-dev                                    # HMAC-SHA256 for signed experiments (libcrypto)
  openssl                                       # test certificates for the TLS test
  python3-dev python3-venv                      # the Python binding (HOPT_BUILD_PYTHON)
  faketime                                      # tests: a worker whose clock is off
  clang-14 libclang-rt-14-dev                   # fuzzing: libFuzzer, ASan/UBSan runtimes (tests/fuzz)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: Debian packages present"
else
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The Python binding's test virtualenv (pytest, numpy from PyPI).
"$(dirname "$0")/setup-python.sh" >/dev/null

#!/usr/bin/env bash
# Install what building and testing hopt needs, from Debian's packages.
# Idempotent: packages already present are not reinstalled.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config  # the build
  nlohmann-json3-dev                            # JSON inside the engine
  libcmocka-dev                                 # C tests
  libmongoc-dev libbson-dev                     # the MongoDB trials store
  clang-14 libclang-rt-14-dev                   # fuzzing: libFuzzer, ASan/UBSan runtimes (tests/fuzz)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: Debian packages present"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "setup: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

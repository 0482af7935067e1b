#!/usr/bin/env bash
# Install hopt into a scratch prefix and build the examples from that tree,
# both ways a user would: pkg-config + cc, and CMake's find_package(hopt).
# Usage: check.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

cmake --install "$build" --prefix "$prefix" >/dev/null
libdir=$(ls -d "$prefix"/lib*/ | head -1)
export PKG_CONFIG_PATH=$libdir/pkgconfig
export LD_LIBRARY_PATH=$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}

# The installed tree: one header directory, the versioned library, the configs.
test -f "$prefix/include/hopt/hopt.h" && test -f "$prefix/include/hopt/version.h"
test -L "$libdir/libhopt.so" && test -L "$libdir/libhopt.so.0"
test -f "$libdir/cmake/hopt/hoptConfig.cmake"
[ "$(pkg-config --modversion hopt)" = "$(sed -n 's/^project(hopt VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")" ]

# pkg-config
cc -Wall -Wextra -Werror "$src/examples/sin_tpe.c" $(pkg-config --cflags --libs hopt) -lm -o "$work/sin_pc"
"$work/sin_pc" | tee "$work/out_pc"
grep -q '^argmin: {"x":' "$work/out_pc"

# find_package(hopt)
cmake -S "$src/examples/installed" -B "$work/cmake" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_FLAGS="-Wall -Wextra -Werror" >/dev/null
cmake --build "$work/cmake" >/dev/null
"$work/cmake/sin_tpe" | tee "$work/out_cmake"
cmp "$work/out_pc" "$work/out_cmake"   # same seed, same result, however it was built
"$work/cmake/ask_tell" | grep -q '^argmin:'
# A C++ compiler sees the same header without complaint.
printf '#include <hopt/hopt.h>\nint main() { return hopt_version_number() > 0 ? 0 : 1; }\n' > "$work/cxx.cpp"
c++ -Wall -Wextra -Werror -pedantic "$work/cxx.cpp" $(pkg-config --cflags --libs hopt) -o "$work/cxx" && "$work/cxx"
echo "packaging: OK"

#!/usr/bin/env bash
# Builds hopt's FerretDB test server (scripts/ferretdb/main.go, which embeds FerretDB v1.24 from
# the Go module proxy) into ${HOPT_FERRETDB_BIN:-<repo>/build/ferretdb/ferretdb-hopt}.
#
# Usage: scripts/ferretdb-install.sh [--force]
#   --force   rebuild even if the binary is newer than its sources
# Env: HOPT_FERRETDB_BIN (output path), GO (go binary; default /usr/local/go/bin/go, then PATH),
#      GOMODCACHE/GOCACHE/GOPROXY as usual for Go.
# Needs Go >= 1.24 and the Go module proxy (or a warm GOMODCACHE). Pure Go: CGO_ENABLED=0.
# The first build compiles modernc.org/sqlite and takes minutes on 2 cores (see scripts/ferretdb/README.md).
set -euo pipefail

die() { echo "ferretdb-install: error: $*" >&2; exit 1; }

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$REPO/scripts/ferretdb"
BIN="${HOPT_FERRETDB_BIN:-$REPO/build/ferretdb/ferretdb-hopt}"
FORCE=0

while [[ $# -gt 0 ]]; do
  case "$1" in
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (try --help)" ;;
  esac
  shift
done

for f in main.go go.mod go.sum; do
  [[ -f "$SRC/$f" ]] || die "missing $SRC/$f"
done

# Up to date? (binary newer than every source file and than this script)
if [[ $FORCE -eq 0 && -x "$BIN" ]]; then
  stale=0
  for f in "$SRC/main.go" "$SRC/go.mod" "$SRC/go.sum" "${BASH_SOURCE[0]}"; do
    [[ "$f" -nt "$BIN" ]] && stale=1
  done
  if [[ $stale -eq 0 ]]; then
    echo "ferretdb-install: $BIN is up to date ($("$BIN" --version 2>/dev/null || echo '?'))"
    exit 0
  fi
fi

# Find Go.
if [[ -n "${GO:-}" ]]; then
  command -v "$GO" >/dev/null 2>&1 || die "GO=$GO is not an executable"
elif [[ -x /usr/local/go/bin/go ]]; then
  GO=/usr/local/go/bin/go
elif command -v go >/dev/null 2>&1; then
  GO="$(command -v go)"
else
  die "Go not found (looked at \$GO, /usr/local/go/bin/go and PATH); FerretDB v1.24 needs Go >= 1.24"
fi
gov="$("$GO" env GOVERSION 2>/dev/null || true)"   # e.g. go1.26.8
if [[ "$gov" =~ ^go([0-9]+)\.([0-9]+) ]]; then
  major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]}
  if (( major < 1 || (major == 1 && minor < 24) )); then
    die "$GO is $gov; FerretDB v1.24.2 needs Go >= 1.24 (Debian's golang package is too old)"
  fi
else
  echo "ferretdb-install: warning: cannot tell the version of $GO ('$gov'); trying anyway" >&2
fi

mkdir -p "$(dirname "$BIN")"
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"

# One build at a time per output path.
exec 9>"$BIN.lock"
if command -v flock >/dev/null 2>&1; then
  flock 9
fi

echo "ferretdb-install: building $BIN with $gov ($GO)..."
start=$(date +%s)
tmp="$BIN.tmp.$$"
trap 'rm -f "$tmp"' EXIT
# -mod=readonly: use exactly the committed go.mod/go.sum, never rewrite them.
(
  cd "$SRC"
  CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false" \
    "$GO" build -trimpath -ldflags="-s -w" -o "$tmp" .
) || die "go build failed (needs the Go module proxy or a GOMODCACHE holding FerretDB v1.24.2 and its deps)"
mv -f "$tmp" "$BIN"
trap - EXIT
end=$(date +%s)

ver="$("$BIN" --version)" || die "built binary does not run: $BIN --version failed"
echo "ferretdb-install: built $BIN in $((end - start)) s: $ver"

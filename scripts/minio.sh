#!/usr/bin/env bash
# Builds (once) and prints the path of the pinned MinIO server binary.
# MinIO's community edition ships as source only, so it is built with `go install`;
# the binary is cached under $PARLEY_CACHE (default ~/.cache/parley) keyed by version.
set -euo pipefail
MINIO_VERSION="${MINIO_VERSION:-v0.0.0-20260212201848-7aac2a2c5b7c}"
CACHE="${PARLEY_CACHE:-$HOME/.cache/parley}"
DIR="$CACHE/minio-$MINIO_VERSION"
BIN="$DIR/minio"
if [[ ! -x "$BIN" ]]; then
  command -v go >/dev/null || { echo "minio.sh: Go is needed to build MinIO (go install); install Go >= 1.24" >&2; exit 1; }
  mkdir -p "$DIR"
  echo "minio.sh: building MinIO $MINIO_VERSION with go install (first time only, takes ~5 minutes)..." >&2
  GOBIN="$DIR" GOFLAGS=-mod=mod go install -v "github.com/minio/minio@$MINIO_VERSION" 2>&1 \
    | awk '{ n++; if (n % 200 == 0) { printf "minio.sh: ... %d packages compiled\n", n > "/dev/stderr" } }'
  [[ -x "$BIN" ]] || { echo "minio.sh: go install finished but $BIN is missing" >&2; exit 1; }
  echo "minio.sh: built $BIN" >&2
fi
echo "$BIN"

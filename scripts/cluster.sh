#!/usr/bin/env bash
# A production-shaped Parley on this machine: 4 MinIO server processes (distributed, erasure-coded, KMS
# key), a fresh PostgreSQL database on 127.0.0.1:5432, two or more API instances and nginx in front.
# Prints the URL; Ctrl-C stops everything. Options: --instances N (default 2), --port P (nginx's API port).
# nginx is Debian's package (installed with apt-get by packages/testkit when missing and run as root;
# NGINX_BIN to use another); MinIO comes from scripts/minio.sh; PostgreSQL from PARLEY_TEST_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres).
set -euo pipefail
cd "$(dirname "$0")/.."
MINIO_BIN="${MINIO_BIN:-$(bash scripts/minio.sh)}"
export MINIO_BIN
cd packages/testkit
exec node --import tsx src/cluster-cli.ts "$@"

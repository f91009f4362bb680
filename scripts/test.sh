#!/usr/bin/env bash
# Runs every test of the workspace on both backends (SQLite and PostgreSQL).
# This is the README's test command; .ci/run calls it after the lint checks.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d ../shared/cases ] || [ ! -d ../shared/vectors ]; then
    echo "test: ../shared (cases, vectors, corpus) must sit beside this repository" >&2
    exit 1
fi
scripts/setup.sh
# Unset means both; a value naming no backend (even "") makes the harness fail the run.
export KIRJURI_TEST_BACKENDS="${KIRJURI_TEST_BACKENDS-sqlite,postgres}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
cargo test --workspace --locked --no-fail-fast "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line over all test binaries (cargo prints one per binary, the last often a
# doc-test run with nothing in it).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed;?$/) p += $i; if ($(i+1) ~ /^failed;?$/) f += $i } }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
exit "$status"

#!/usr/bin/env bash
# Certify throughput benchmark (issue 3 target: >= 1,000 certificates/s on 2 cores).
# Builds tern-bench-certify in release (own scratch path, so it never invalidates a debug
# build) and runs it: COUNT Certify calls with CONCURRENCY in flight over one HTTP/2
# connection to an in-process identity server on loopback.
#   bench/certify.sh [COUNT] [CONCURRENCY]
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="${TERN_BENCH_SCRATCH:-.build-bench}"
swift build -c release --scratch-path "$scratch" --product tern-bench-certify >&2
"$(swift build -c release --scratch-path "$scratch" --show-bin-path)/tern-bench-certify" "${1:-5000}" "${2:-32}"

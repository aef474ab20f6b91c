#!/usr/bin/env bash
# Control-plane benchmark (issue 4 targets: change → last watcher < 100 ms, controller RSS
# < 200 MB). Builds tern-controller, tern and tern-bench-controller in release (own scratch
# path), then: 500 services × 20 pods (10,000 endpoints) as manifest files, a tern-controller
# process watching them over TLS, 1,000 destination watchers, and ROUNDS single-file changes,
# each timed from the write to the last affected watcher's update.
#   bench/controller.sh [SERVICES] [PODS_PER_SERVICE] [WATCHERS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="${TERN_BENCH_SCRATCH:-.build-bench}"
for p in tern tern-controller tern-bench-controller; do
    swift build -c release --scratch-path "$scratch" --product "$p" >&2
done
bin="$(swift build -c release --scratch-path "$scratch" --show-bin-path)"
"$bin/tern-bench-controller" "$bin" "${1:-500}" "${2:-20}" "${3:-1000}" "${4:-20}"

#!/usr/bin/env bash
# Installs the system packages the test suite uses. Idempotent; safe to run on every CI start.
set -euo pipefail

packages=()
need() { command -v "$1" >/dev/null 2>&1 || packages+=("$2"); }
need curl curl
need ip iproute2
# proxy-init tests program iptables inside throwaway network namespaces. Debian's package
# points plain `iptables` at the nf_tables back end, which is what `tern proxy-init` uses.
need iptables-save iptables
# A real nginx as an upstream with its own HTTP/2 behaviour, and h2load to load it through the mesh.
need /usr/sbin/nginx nginx
need h2load nghttp2-client

if [ ${#packages[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "install-test-deps: missing ${packages[*]} and not root; install them first" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends "${packages[@]}" >/dev/null
fi

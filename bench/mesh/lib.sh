# Shared helpers for bench/mesh.sh (sourced). Every process the benchmark starts goes through
# `spawn`, so cleanup can end exactly those, by PID.

log() { printf '[mesh] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Run a command inside one of the benchmark's network namespaces.
in_ns() { local ns=$1; shift; ip netns exec "tbench-$ns" "$@"; }

# spawn NS|root LOGFILE CMD...: start CMD in the background (in namespace NS unless "root"),
# record its PID in $work/pids and print it. `ip netns exec`, `env` and `setpriv` all exec, so
# the PID printed is the benchmarked program's own. The run's lock (fd 9) is not handed down,
# so a process orphaned by a killed run never keeps the next run from sweeping it up.
spawn() {
    local ns=$1 logfile=$2; shift 2
    if [[ $ns == root ]]; then
        "$@" </dev/null >"$logfile" 2>&1 9<&- &
    else
        ip netns exec "tbench-$ns" "$@" </dev/null >"$logfile" 2>&1 9<&- &
    fi
    echo "$!" >>"$work/pids"
    echo "$!"
}

# stop_pids PID...: SIGTERM, give them 5 s to exit gracefully, then SIGKILL what is left.
stop_pids() {
    local pid left
    (($#)) || return 0
    kill -TERM "$@" 2>/dev/null || true
    for _ in $(seq 50); do
        left=0
        for pid in "$@"; do kill -0 "$pid" 2>/dev/null && left=1; done
        ((left)) || return 0
        sleep 0.1
    done
    kill -KILL "$@" 2>/dev/null || true
}

# wait_http NS URL SECONDS [PID]: poll until URL answers 2xx from inside NS ("root" = here);
# give up early once PID, the process that should answer, has exited.
wait_http() {
    local ns=$1 url=$2 secs=$3 pid=${4:-} run=()
    [[ $ns == root ]] || run=(ip netns exec "tbench-$ns")
    for _ in $(seq $((secs * 5))); do
        "${run[@]}" curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null && return 0
        [[ -z $pid ]] || alive "$pid" || return 1
        sleep 0.2
    done
    return 1
}

# alive PID: the process exists and is not a zombie.
alive() { [[ -r /proc/$1/stat ]] && ! grep -q '^[^)]*) Z' "/proc/$1/stat"; }

# sum_samples NAME [LABEL...] <metrics: the sum of the Prometheus samples of NAME carrying every
# LABEL (e.g. 'tls="true"'); 0 when there are none. Also reads Envoy's "name: value" stats,
# with NAME an extended regular expression for the whole stat name.
sum_samples() {
    local name=$1
    shift
    awk -v name="$name" -v labels="$*" '
        BEGIN { n = split(labels, want, " ") }
        $0 ~ "^" name "[{ :]" {
            for (i = 1; i <= n; i++) if (index($0, want[i]) == 0) next
            total += $NF
        }
        END { printf "%d\n", total }'
}

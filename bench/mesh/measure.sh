# One setup's measurements (sourced). Everything lands in $work/results/NAME.* for report.py:
#   NAME.facts  key=value lines (status, proxy PIDs' CPU ticks and memory, run parameters)
#   NAME.wrk    wrk's output of the HTTP/1 max-rps run
#   NAME.h2load h2load's output of the HTTP/2 max-rps run
#   NAME.rate   wrk's output of the HTTP/1 fixed-rate run
# The order is fixed: settle and idle memory, HTTP/1 warm-up and max rps, HTTP/2 warm-up and
# max rps, 1,000 rps latency, memory after. Each max-rps run is bracketed by the proxies' CPU
# ticks, so CPU per request is that run's CPU over that run's requests.

# The loads. Each holds its connections open for the whole run (keep-alive, no reconnects).
wrk_max=(wrk -t1 -c32)
h2load_max=(h2load -t1 -c4 -m32)  # 4 connections x 32 concurrent streams = 128 in flight
wrk_rate=(wrk -t1 -c10)

# proc_cpu PID: utime+stime in clock ticks (fields 14 and 15 of /proc/PID/stat, counted after
# the ")" that closes the command name). Covers all the process's threads.
proc_cpu() {
    local stat f
    stat=$(<"/proc/$1/stat")
    read -ra f <<<"${stat##*) }"
    echo $((f[11] + f[12]))
}

# proc_mem PID: "VmRSS RssAnon" in kB.
proc_mem() { awk '/^VmRSS:/ {r=$2} /^RssAnon:/ {a=$2} END {print r, a}' "/proc/$1/status"; }

# record_memory WHEN: every proxy's RSS and RssAnon as ROLE.rss_WHEN_kb / ROLE.anon_WHEN_kb.
record_memory() {
    local role rss anon
    for role in "${!pids[@]}"; do
        read -r rss anon < <(proc_mem "${pids[$role]}")
        fact "$role.rss_$1_kb" "$rss"; fact "$role.anon_$1_kb" "$anon"
    done
}

# record_cpu RUN WHEN: every proxy's CPU ticks as ROLE.cpu_RUN_WHEN.
record_cpu() {
    local role
    for role in "${!pids[@]}"; do fact "$role.cpu_$1_$2" "$(proc_cpu "${pids[$role]}")"; done
}

# profile_start NAME RUN / profile_stop: with TERN_BENCH_PERF=DIR, every proxy is sampled by
# `perf record -e cpu-clock -g` for the length of the run (DIR/NAME.ROLE.RUN.data), so a
# profile always comes from the same load the table reports.
profile_pids=()
profile_start() {
    [[ -n ${TERN_BENCH_PERF:-} ]] || return 0
    mkdir -p "$TERN_BENCH_PERF"
    local role
    for role in "${!pids[@]}"; do
        perf record -q -e cpu-clock -g -p "${pids[$role]}" -o "$TERN_BENCH_PERF/$1.$role.$2.data" >/dev/null 2>&1 &
        profile_pids+=($!)
    done
}
profile_stop() {
    local pid
    for pid in "${profile_pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    profile_pids=()
}

# answers NAME WHAT CURL_ARGS...: the path returns nginx's body, or the setup is not measured.
answers() {
    local name=$1 what=$2 reply
    shift 2
    reply=$(in_ns client curl -sS --max-time 5 "$@" 2>&1) || true
    [[ $reply == hello ]] && return 0
    not_measured "$name" "no $what answer through the path (curl ${*: -1}: ${reply:0:120})"
    return 1
}

# measure NAME H1_URL H2_URL [client=PID] [server=PID]
#   H1_URL reaches nginx's HTTP/1 port, H2_URL its h2c port, through the setup's path.
measure() {
    local name=$1 h1=$2 h2=$3 out=$work/results/$1 role
    shift 3
    local -A pids=()
    for role in "$@"; do pids[${role%%=*}]=${role#*=}; done
    facts=$out.facts
    : >"$facts"

    answers "$name" HTTP/1 "$h1" || return 0
    answers "$name" h2c --http2-prior-knowledge "$h2" || return 0
    log "$name: settle, idle memory"
    sleep "$settle"
    for role in "${!pids[@]}"; do fact "$role.pid" "${pids[$role]}"; done
    record_memory idle

    log "$name: HTTP/1 warm-up ${warmup}s, then max rps: ${wrk_max[*]} -d${duration}s"
    in_ns client "${wrk_max[@]}" -d"${warmup}s" "$h1" >/dev/null || { not_measured "$name" "wrk failed in the warm-up"; return 0; }
    record_cpu h1 before
    profile_start "$name" h1
    in_ns client "${wrk_max[@]}" -d"${duration}s" --latency "$h1" >"$out.wrk" || { profile_stop; not_measured "$name" "wrk failed: $(tail -1 "$out.wrk")"; return 0; }
    record_cpu h1 after
    profile_stop

    log "$name: HTTP/2 warm-up ${warmup}s, then max rps: ${h2load_max[*]} -D ${duration}"
    in_ns client "${h2load_max[@]}" -D "$warmup" "$h2" >"$out.h2load" || { not_measured "$name" "h2load failed in the warm-up: $(tail -1 "$out.h2load")"; return 0; }
    record_cpu h2 before
    profile_start "$name" h2
    in_ns client "${h2load_max[@]}" -D "$duration" "$h2" >"$out.h2load" || { profile_stop; not_measured "$name" "h2load failed: $(tail -1 "$out.h2load")"; return 0; }
    record_cpu h2 after
    profile_stop

    log "$name: HTTP/1 at 1,000 rps for ${rate_duration}s: ${wrk_rate[*]} -s fixed-rate.lua"
    in_ns client "${wrk_rate[@]}" -d"${rate_duration}s" -s "$here/fixed-rate.lua" "$h1" -- 1000 >"$out.rate" ||
        { not_measured "$name" "wrk (fixed rate) failed: $(tail -1 "$out.rate")"; return 0; }
    sleep 1
    for role in "${!pids[@]}"; do
        alive "${pids[$role]}" || { not_measured "$name" "$role proxy died under load"; return 0; }
    done
    record_memory after
    fact clk_tck "$(getconf CLK_TCK)"
    fact status ok
}

fact() { echo "$1=$2" >>"$facts"; }

# measured: the last `measure` completed (its facts end in status=ok).
measured() { [[ $(tail -1 "$facts") == status=ok ]]; }

not_measured() {
    log "$1: not measured: $2"
    echo "status=not measured: $2" >"$work/results/$1.facts"
}

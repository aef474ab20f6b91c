# One setup's measurements (sourced). Everything lands in $work/results/NAME.* for report.py:
#   NAME.facts  key=value lines (status, proxy PIDs' CPU ticks and memory, run parameters)
#   NAME.wrk    wrk's output of the max-rps run; NAME.rate  wrk's output of the fixed-rate run

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

# measure NAME URL [client=PID] [server=PID]
measure() {
    local name=$1 url=$2 out=$work/results/$1 role pid reply rss anon
    shift 2
    local -A pids=()
    for role in "$@"; do pids[${role%%=*}]=${role#*=}; done
    facts=$out.facts
    : >"$facts"

    reply=$(in_ns client curl -sS --max-time 5 "$url" 2>&1) || true
    if [[ $reply != hello ]]; then
        not_measured "$name" "no answer through the path (curl $url: ${reply:0:120})"
        return 0
    fi
    log "$name: settle, idle memory"
    sleep "$settle"
    for role in "${!pids[@]}"; do
        pid=${pids[$role]}
        fact "$role.pid" "$pid"
        read -r rss anon < <(proc_mem "$pid")
        fact "$role.rss_idle_kb" "$rss"; fact "$role.anon_idle_kb" "$anon"
    done
    log "$name: warm-up ${warmup}s"
    in_ns client wrk -t1 -c32 -d"${warmup}s" "$url" >/dev/null || { not_measured "$name" "wrk failed in the warm-up"; return 0; }
    log "$name: max rps, wrk -t1 -c32 -d${duration}s"
    for role in "${!pids[@]}"; do fact "$role.cpu_ticks_before" "$(proc_cpu "${pids[$role]}")"; done
    in_ns client wrk -t1 -c32 -d"${duration}s" --latency "$url" >"$out.wrk" || { not_measured "$name" "wrk failed: $(tail -1 "$out.wrk")"; return 0; }
    for role in "${!pids[@]}"; do fact "$role.cpu_ticks_after" "$(proc_cpu "${pids[$role]}")"; done
    log "$name: 1,000 rps for ${rate_duration}s, wrk -t1 -c10 -s fixed-rate.lua"
    in_ns client wrk -t1 -c10 -d"${rate_duration}s" -s "$here/fixed-rate.lua" "$url" -- 1000 >"$out.rate" ||
        { not_measured "$name" "wrk (fixed rate) failed: $(tail -1 "$out.rate")"; return 0; }
    sleep 1
    for role in "${!pids[@]}"; do
        pid=${pids[$role]}
        alive "$pid" || { not_measured "$name" "$role proxy died under load"; return 0; }
        read -r rss anon < <(proc_mem "$pid")
        fact "$role.rss_after_kb" "$rss"; fact "$role.anon_after_kb" "$anon"
    done
    fact clk_tck "$(getconf CLK_TCK)"
    fact status ok
}

fact() { echo "$1=$2" >>"$facts"; }

not_measured() {
    log "$1: not measured: $2"
    echo "status=not measured: $2" >"$work/results/$1.facts"
}

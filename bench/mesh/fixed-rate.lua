-- wrk script for the fixed-rate latency run: `wrk -t1 -cN -s fixed-rate.lua URL -- RATE`.
-- Requests go out on a schedule of RATE slots per second shared by all connections (each
-- connection takes the next free slot when its previous response is in), so the rate holds as
-- long as N connections can cover the latency. A late request takes the next slot from "now"
-- rather than bursting to catch up. wrk times each request from the moment it is written, in
-- microseconds, which is the resolution this benchmark needs (hey prints 0.1 ms steps).
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } mesh_bench_timespec;
int clock_gettime(int clock_id, mesh_bench_timespec *ts);
]]
local CLOCK_MONOTONIC = 1
local ts = ffi.new("mesh_bench_timespec")

local function now_ms()
    ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
    return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local gap_ms, next_slot

function init(args)
    gap_ms = 1000 / (tonumber(args[1]) or 1000)
end

-- wrk asks before every request how many milliseconds to wait.
function delay()
    local now = now_ms()
    if next_slot == nil or next_slot < now then next_slot = now end
    local wait = next_slot - now
    next_slot = next_slot + gap_ms
    return math.floor(wait + 0.5)
end

-- One "fixed-rate: key=value" line per figure, for report.py.
function done(summary, latency, requests)
    local e = summary.errors
    local out = {
        requests = summary.requests,
        duration_us = summary.duration,
        socket_errors = e.connect + e.read + e.write + e.timeout,
        non_2xx = e.status,
        p50_us = latency:percentile(50),
        p90_us = latency:percentile(90),
        p99_us = latency:percentile(99),
        max_us = latency.max,
    }
    for _, key in ipairs({ "requests", "duration_us", "socket_errors", "non_2xx", "p50_us", "p90_us", "p99_us", "max_us" }) do
        io.write(string.format("fixed-rate: %s=%d\n", key, out[key]))
    end
end

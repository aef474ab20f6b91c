#!/usr/bin/env python3
"""Turns bench/mesh.sh's raw results into the Markdown table, the ratio and target lines and
(optionally) a JSON file. Input per setup, in RESULTS_DIR: NAME.facts (key=value), NAME.wrk
(HTTP/1 max-rps run), NAME.h2load (HTTP/2 max-rps run) and NAME.rate (fixed-rate run,
"fixed-rate: key=value" lines from fixed-rate.lua).

    report.py RESULTS_DIR SETUP[,SETUP...] [--l7 http|tcp] [--json FILE] [--param KEY=VALUE ...]
"""
import argparse
import json
import re
import sys
from pathlib import Path

ROLES = ("client", "server")  # the two proxies of a pair
RUNS = ("h1", "h2")  # the max-rps runs CPU is measured over: wrk (HTTP/1) and h2load (HTTP/2)

# Tern's targets: issue 6 for the HTTP topology, issue 5 for the L4 one. None = no target.
TARGETS = {
    "http": {"cpu_us_per_request": 24.0, "added_p50_ms": 0.15, "added_p99_ms": 0.5,
             "rss_idle_mb": 20.0, "rss_after_mb": 30.0},
    "tcp": {"cpu_us_per_request": 12.0, "added_p50_ms": None, "added_p99_ms": None,
            "rss_idle_mb": 20.0, "rss_after_mb": None},
}


def read_facts(path):
    facts = {}
    for line in path.read_text().splitlines():
        key, _, value = line.partition("=")
        facts[key] = value
    return facts


def parse_wrk(text):
    done = re.search(r"(\d+) requests in ([\d.]+)(\w+)", text)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return {
        "requests": int(done.group(1)) if done else 0,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)) if done else 0.0,
        "socket_errors": sum(map(int, socket.groups())) if socket else 0,
        "socket_error_kinds": dict(zip(("connect", "read", "write", "timeout"), map(int, socket.groups()))) if socket else {},
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
    }


def parse_h2load(text):
    """h2load's summary: 'finished in 10.00s, 12345.67 req/s, ...', the requests line and the
    status codes line. Requests that failed, errored or timed out count as socket errors."""
    finished = re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", text)
    reqs = re.search(r"requests: \d+ total, \d+ started, (\d+) done, \d+ succeeded, (\d+) failed, "
                     r"(\d+) errored, (\d+) timeout", text)
    codes = re.search(r"status codes: \d+ 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", text)
    return {
        "requests": int(reqs.group(1)) if reqs else 0,
        "rps": float(finished.group(1)) if finished else 0.0,
        "socket_errors": sum(map(int, reqs.groups()[1:])) if reqs else 0,
        "socket_error_kinds": dict(zip(("failed", "errored", "timeout"), map(int, reqs.groups()[1:]))) if reqs else {},
        "non_2xx": sum(map(int, codes.groups())) if codes else 0,
    }


def parse_fixed_rate(text):
    v = {k: int(n) for k, n in re.findall(r"^fixed-rate: (\w+)=(-?\d+)$", text, re.M)}
    seconds = v.get("duration_us", 0) / 1e6
    ms = lambda key: v[key] / 1000 if key in v else None
    return {
        "rps": v.get("requests", 0) / seconds if seconds else 0.0,
        "requests": v.get("requests", 0),
        "p50_ms": ms("p50_us"), "p90_ms": ms("p90_us"), "p99_ms": ms("p99_us"), "max_ms": ms("max_us"),
        "socket_errors": v.get("socket_errors", 0), "non_2xx": v.get("non_2xx", 0),
    }


def load(results, name):
    facts_path = results / f"{name}.facts"
    if not facts_path.exists():
        return {"status": "not measured: no results (run stopped early?)"}
    facts = read_facts(facts_path)
    if facts.get("status") != "ok":
        return {"status": facts.get("status", "not measured: unknown")}
    runs = {"h1": parse_wrk((results / f"{name}.wrk").read_text()),
            "h2": parse_h2load((results / f"{name}.h2load").read_text())}
    rate = parse_fixed_rate((results / f"{name}.rate").read_text())
    tick_us = 1e6 / int(facts["clk_tck"])
    proxies = {}
    for role in ROLES:
        if f"{role}.pid" not in facts:
            continue
        mb = lambda key: int(facts[f"{role}.{key}"]) / 1024
        proxy = {"pid": int(facts[f"{role}.pid"]),
                 "rss_idle_mb": mb("rss_idle_kb"), "rss_after_mb": mb("rss_after_kb"),
                 "anon_idle_mb": mb("anon_idle_kb"), "anon_after_mb": mb("anon_after_kb")}
        for run in RUNS:
            ticks = int(facts[f"{role}.cpu_{run}_after"]) - int(facts[f"{role}.cpu_{run}_before"])
            requests = runs[run]["requests"]
            proxy[f"{run}_cpu_seconds"] = ticks * tick_us / 1e6
            proxy[f"{run}_cpu_us_per_request"] = ticks * tick_us / requests if requests else None
        proxies[role] = proxy
    path = {key[len("path."):]: int(value) for key, value in facts.items() if key.startswith("path.")}
    return {"status": "ok", "max_rps_h1": runs["h1"], "max_rps_h2": runs["h2"], "fixed_rate": rate,
            "proxies": proxies, "path": path}


def per_proxy(setup, fmt):
    """'client, server' for a per-proxy figure; '—' where the setup has no proxies."""
    proxies = setup["proxies"]
    return ", ".join(fmt(proxies[r]) for r in ROLES if r in proxies) if proxies else "—"


def number(value, spec="{:.1f}"):
    return spec.format(value) if value is not None else "?"


def table(setups):
    head = ["setup", "HTTP/1 max rps", "HTTP/2 max rps", "p50 / p90 / p99 @1k (ms)", "1k held (rps)",
            "CPU µs/req HTTP/1 (client, server)", "CPU µs/req HTTP/2 (client, server)",
            "RSS MB idle→after (client, server)", "RssAnon MB idle→after (client, server)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, s in setups.items():
        if s["status"] != "ok":
            lines.append(f"| {name} | {s['status']} |" + " |" * (len(head) - 2))
            continue
        fr = s["fixed_rate"]
        ms = lambda key: number(fr[key], "{:.3f}")
        lines.append("| " + " | ".join([
            name, f"{s['max_rps_h1']['rps']:,.0f}", f"{s['max_rps_h2']['rps']:,.0f}",
            f"{ms('p50_ms')} / {ms('p90_ms')} / {ms('p99_ms')}", f"{fr['rps']:,.0f}",
            per_proxy(s, lambda p: number(p["h1_cpu_us_per_request"])),
            per_proxy(s, lambda p: number(p["h2_cpu_us_per_request"])),
            per_proxy(s, lambda p: f"{p['rss_idle_mb']:.1f}→{p['rss_after_mb']:.1f}"),
            per_proxy(s, lambda p: f"{p['anon_idle_mb']:.1f}→{p['anon_after_mb']:.1f}"),
        ]) + " |")
    return lines


def ratio(a, b):
    return f"{a / b:.2f}×" if a is not None and b else "?"


def added_latency(setup, direct, key):
    return setup["fixed_rate"][key] - direct["fixed_rate"][key]


def ratios(ok):
    tern, envoy, direct = ok.get("tern"), ok.get("envoy"), ok.get("direct")
    lines = []
    if tern and envoy:
        both = lambda key: ", ".join(ratio(tern["proxies"][r][key], envoy["proxies"][r][key]) for r in ROLES)
        lines += [
            f"- Tern/Envoy max rps: HTTP/1 {ratio(tern['max_rps_h1']['rps'], envoy['max_rps_h1']['rps'])}, "
            f"HTTP/2 {ratio(tern['max_rps_h2']['rps'], envoy['max_rps_h2']['rps'])}",
            f"- Tern/Envoy CPU per request (client, server): HTTP/1 {both('h1_cpu_us_per_request')}; "
            f"HTTP/2 {both('h2_cpu_us_per_request')}",
            f"- Tern/Envoy RSS (client, server): idle {both('rss_idle_mb')}; after load {both('rss_after_mb')}; "
            f"RssAnon after load {both('anon_after_mb')}",
            f"- Tern/Envoy latency @1k: p50 {ratio(tern['fixed_rate']['p50_ms'], envoy['fixed_rate']['p50_ms'])}, "
            f"p99 {ratio(tern['fixed_rate']['p99_ms'], envoy['fixed_rate']['p99_ms'])}",
        ]
    if direct:
        for name in ("tern", "envoy"):
            if name in ok:
                lines.append(f"- {name} latency added over direct @1k: p50 {added_latency(ok[name], direct, 'p50_ms'):+.3f} ms, "
                             f"p99 {added_latency(ok[name], direct, 'p99_ms'):+.3f} ms")
    return lines


def target_checks(ok, l7):
    """One line per target of Tern's, with the worst proxy's figure; None where no figure."""
    tern, direct, targets = ok.get("tern"), ok.get("direct"), TARGETS[l7]
    if not tern:
        return []
    worst = lambda key: max((p[key] for p in tern["proxies"].values() if p[key] is not None), default=None)
    checks = [
        ("CPU µs/req/proxy, HTTP/1", worst("h1_cpu_us_per_request"), targets["cpu_us_per_request"], "{:.1f}"),
        ("CPU µs/req/proxy, HTTP/2", worst("h2_cpu_us_per_request"), targets["cpu_us_per_request"], "{:.1f}"),
        ("latency added p50 @1k (ms)", added_latency(tern, direct, "p50_ms") if direct else None, targets["added_p50_ms"], "{:+.3f}"),
        ("latency added p99 @1k (ms)", added_latency(tern, direct, "p99_ms") if direct else None, targets["added_p99_ms"], "{:+.3f}"),
        ("RSS idle (MB)", worst("rss_idle_mb"), targets["rss_idle_mb"], "{:.1f}"),
        ("RSS after load (MB)", worst("rss_after_mb"), targets["rss_after_mb"], "{:.1f}"),
    ]
    issue = {"http": "issue 6", "tcp": "issue 5"}[l7]
    lines = []
    for label, value, target, spec in checks:
        if target is None:
            continue
        verdict = "not measured (needs direct)" if value is None else ("met" if value <= target else "missed")
        shown = "?" if value is None else spec.format(value)
        lines.append(f"- Tern target ({issue}) {label} ≤ {target:g}: {shown} — {verdict}")
    return lines


def path_lines(ok, l7):
    """What each pair says it did over the whole run (all loads, warm-ups included), so a
    reader can tell an L7 pair from a byte splice."""
    lines = []
    for name, s in ok.items():
        path = s.get("path")
        if not path:
            continue
        h2 = f" ({path['peer_http2_connections']} HTTP/2)" if "peer_http2_connections" in path else ""
        lines.append(f"- path: {name}: {path['peer_connections']} mTLS connection(s){h2} between the proxies, "
                     f"{path['http_requests']:,} HTTP requests counted by the client proxy")
        if name == "tern" and l7 == "http" and not path["http_requests"]:
            lines.append("- note: Tern counted no HTTP requests, so it carried HTTP as a byte stream: "
                         "its figures are those of an L4 splice (a proxy without the HTTP layer)")
        if l7 == "tcp" and path["http_requests"]:
            lines.append(f"- warning: {name} counted HTTP requests although --l7 tcp makes the ports opaque")
    return lines


def warnings(ok, params):
    out = []
    load, cores = float(params.get("load_at_start", 0)), int(params.get("cores", 1))
    if load >= cores / 2:
        out.append(f"- warning: the 1-minute load average was {load:g} on {cores} cores before the run "
                   "started: other work shared the machine, so the figures are noisier than usual")
    for name, s in ok.items():
        for run, label in (("max_rps_h1", "HTTP/1 max-rps"), ("max_rps_h2", "HTTP/2 max-rps"), ("fixed_rate", "1k")):
            r = s[run]
            if r["socket_errors"] or r["non_2xx"]:
                kinds = ", ".join(f"{kind} {n}" for kind, n in r.get("socket_error_kinds", {}).items() if n)
                out.append(f"- warning: {name} {label} run had {r['socket_errors']} socket/stream errors"
                           f"{f' ({kinds})' if kinds else ''} and {r['non_2xx']} non-2xx responses")
        if s["fixed_rate"]["rps"] < 950:
            out.append(f"- warning: {name} 1k run held only {s['fixed_rate']['rps']:.0f} rps; its percentiles are not at 1,000 rps")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results", type=Path)
    ap.add_argument("setups")
    ap.add_argument("--l7", choices=sorted(TARGETS), default="http")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--param", action="append", default=[], help="KEY=VALUE recorded in the JSON")
    args = ap.parse_args()
    setups = {name: load(args.results, name) for name in args.setups.split(",")}
    ok = {n: s for n, s in setups.items() if s["status"] == "ok"}
    params = dict(p.split("=", 1) for p in args.param)
    print("\n".join(table(setups)))
    extra = ratios(ok) + target_checks(ok, args.l7) + path_lines(ok, args.l7) + warnings(ok, params)
    if extra:
        print()
        print("\n".join(extra))
    if args.json:
        document = {"parameters": params, "targets": TARGETS[args.l7], "setups": setups}
        args.json.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        print(f"\nraw figures: {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Turns bench/mesh.sh's raw results into the Markdown table, the ratio lines and (optionally)
a JSON file. Input per setup, in RESULTS_DIR: NAME.facts (key=value), NAME.wrk (max-rps
run) and NAME.rate (fixed-rate run, "fixed-rate: key=value" lines from fixed-rate.lua).

    report.py RESULTS_DIR SETUP[,SETUP...] [--json FILE] [--param KEY=VALUE ...]
"""
import argparse
import json
import re
import sys
from pathlib import Path

ROLES = ("client", "server")  # the two proxies of a pair
TARGETS = {"cpu_us_per_request": 12.0, "rss_idle_mb": 20.0}  # issue 5's goals for Tern


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
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
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
    wrk = parse_wrk((results / f"{name}.wrk").read_text())
    rate = parse_fixed_rate((results / f"{name}.rate").read_text())
    tick_us = 1e6 / int(facts["clk_tck"])
    proxies = {}
    for role in ROLES:
        if f"{role}.pid" not in facts:
            continue
        ticks = int(facts[f"{role}.cpu_ticks_after"]) - int(facts[f"{role}.cpu_ticks_before"])
        mb = lambda key: int(facts[f"{role}.{key}"]) / 1024
        proxies[role] = {
            "pid": int(facts[f"{role}.pid"]),
            "cpu_seconds": ticks * tick_us / 1e6,
            "cpu_us_per_request": ticks * tick_us / wrk["requests"] if wrk["requests"] else None,
            "rss_idle_mb": mb("rss_idle_kb"), "rss_after_mb": mb("rss_after_kb"),
            "anon_idle_mb": mb("anon_idle_kb"), "anon_after_mb": mb("anon_after_kb"),
        }
    return {"status": "ok", "max_rps": wrk, "fixed_rate": rate, "proxies": proxies}


def pair(setup, key, fmt="{:.1f}"):
    """'client, server' for a per-proxy figure; '—' where the setup has no proxies."""
    proxies = setup["proxies"]
    if not proxies:
        return "—"
    return ", ".join(fmt.format(proxies[r][key]) if proxies[r][key] is not None else "?" for r in ROLES if r in proxies)


def table(setups):
    head = ["setup", "max rps", "p50 @1k (ms)", "p90 @1k (ms)", "p99 @1k (ms)", "1k run held (rps)",
            "CPU µs/req/proxy (client, server)", "RSS idle MB (client, server)",
            "RSS after MB (client, server)", "RssAnon idle→after MB (client, server)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, s in setups.items():
        if s["status"] != "ok":
            lines.append(f"| {name} | {s['status']} |" + " |" * (len(head) - 2))
            continue
        fr = s["fixed_rate"]
        anon = "—" if not s["proxies"] else ", ".join(
            f"{p['anon_idle_mb']:.1f}→{p['anon_after_mb']:.1f}" for p in s["proxies"].values())
        ms = lambda v: f"{v:.3f}" if v is not None else "?"
        lines.append("| " + " | ".join([
            name, f"{s['max_rps']['rps']:,.0f}", ms(fr["p50_ms"]), ms(fr["p90_ms"]), ms(fr["p99_ms"]),
            f"{fr['rps']:,.0f}", pair(s, "cpu_us_per_request"), pair(s, "rss_idle_mb"),
            pair(s, "rss_after_mb"), anon]) + " |")
    return lines


def ratio(a, b):
    return f"{a / b:.2f}×" if a is not None and b else "?"


def ratios(setups):
    ok = {n: s for n, s in setups.items() if s["status"] == "ok"}
    lines = []
    tern, envoy, direct = ok.get("tern"), ok.get("envoy"), ok.get("direct")
    if tern and envoy:
        per_proxy = lambda key: ", ".join(
            ratio(tern["proxies"][r][key], envoy["proxies"][r][key]) for r in ROLES)
        lines += [
            f"- Tern/Envoy max rps: {ratio(tern['max_rps']['rps'], envoy['max_rps']['rps'])}",
            f"- Tern/Envoy CPU per request (client, server): {per_proxy('cpu_us_per_request')}",
            f"- Tern/Envoy RSS idle (client, server): {per_proxy('rss_idle_mb')}; after load: {per_proxy('rss_after_mb')}",
            f"- Tern/Envoy RssAnon after load (client, server): {per_proxy('anon_after_mb')}",
            f"- Tern/Envoy p99 @1k: {ratio(tern['fixed_rate']['p99_ms'], envoy['fixed_rate']['p99_ms'])}",
        ]
    if direct:
        for name in ("tern", "envoy"):
            if name in ok:
                added = lambda p: ok[name]["fixed_rate"][p] - direct["fixed_rate"][p]
                lines.append(f"- {name} latency added over direct @1k: p50 {added('p50_ms'):+.3f} ms, p99 {added('p99_ms'):+.3f} ms")
    if tern:
        worst_cpu = max(p["cpu_us_per_request"] or 0 for p in tern["proxies"].values())
        worst_rss = max(p["rss_idle_mb"] for p in tern["proxies"].values())
        met = lambda v, t: "met" if v <= t else "missed"
        lines.append(f"- Tern targets: CPU ≤ {TARGETS['cpu_us_per_request']:.0f} µs/req/proxy: {worst_cpu:.1f} ({met(worst_cpu, TARGETS['cpu_us_per_request'])}); "
                     f"RSS idle ≤ {TARGETS['rss_idle_mb']:.0f} MB: {worst_rss:.1f} ({met(worst_rss, TARGETS['rss_idle_mb'])})")
    return lines


def warnings(setups):
    out = []
    for name, s in setups.items():
        if s["status"] != "ok":
            continue
        for run, label in (("max_rps", "max-rps"), ("fixed_rate", "1k")):
            r = s[run]
            if r["socket_errors"] or r["non_2xx"]:
                out.append(f"- warning: {name} {label} run had {r['socket_errors']} socket errors and {r['non_2xx']} non-2xx responses")
        if s["fixed_rate"]["rps"] < 950:
            out.append(f"- warning: {name} 1k run held only {s['fixed_rate']['rps']:.0f} rps; its percentiles are not at 1,000 rps")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results", type=Path)
    ap.add_argument("setups")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--param", action="append", default=[], help="KEY=VALUE recorded in the JSON")
    args = ap.parse_args()
    setups = {name: load(args.results, name) for name in args.setups.split(",")}
    print("\n".join(table(setups)))
    extra = ratios(setups) + warnings(setups)
    if extra:
        print()
        print("\n".join(extra))
    if args.json:
        params = dict(p.split("=", 1) for p in args.param)
        args.json.write_text(json.dumps({"parameters": params, "setups": setups}, indent=2) + "\n")
        print(f"\nraw figures: {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()

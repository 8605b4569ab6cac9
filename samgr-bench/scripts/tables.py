#!/usr/bin/env python3
"""Turns a JMH JSON result file (-rf json) of samgr-bench into the Markdown ratio tables of
BENCHMARKS.md. Usage: python3 samgr-bench/scripts/tables.py samgr-bench/target/jmh.json"""
import json
import sys
from collections import defaultdict


def metric(entry, name):
    m = entry["secondaryMetrics"].get(name)
    return (m["score"], m["scoreError"]) if m else (float("nan"), float("nan"))


def fmt(x, digits=1):
    if isinstance(x, str):
        x = float(x)
    return "n/a" if x != x else f"{x:,.{digits}f}"


def main(path):
    data = json.load(open(path))
    rows = defaultdict(dict)  # (benchmark, size, extra) -> impl -> entry
    clock = None
    for e in data:
        if "size" not in e.get("params", {}):
            clock = e
            continue
        bench = e["benchmark"].rsplit(".", 2)
        name = bench[-2].replace("Benchmark", "") + "." + bench[-1]
        p = e.get("params", {})
        impl = p.get("impl", "host")
        extra = p.get("watchers", "")
        rows[(name, int(p["size"]), extra)][impl] = e

    print("### Single-threaded operations (average time, lower is better)\n")
    print("| benchmark | services | impl | time ns/op (±99.9%) | x chm | x mutex | CPU ns/op | CPU x chm | alloc B/op |")
    print("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for key in sorted(k for k in rows if not k[0].startswith(("Mixed", "Watchers", "Clock"))):
        impls = rows[key]
        base = impls.get("chm")
        mutex = impls.get("mutex")
        for impl in ("host", "mutex", "chm"):
            e = impls.get(impl)
            if not e:
                continue
            s, err = e["primaryMetric"]["score"], e["primaryMetric"]["scoreError"]
            cpu, _ = metric(e, "cpu.time.norm")
            alloc, _ = metric(e, "gc.alloc.rate.norm")
            r_chm = s / base["primaryMetric"]["score"] if base else float("nan")
            r_mutex = s / mutex["primaryMetric"]["score"] if mutex else float("nan")
            c_chm = cpu / metric(base, "cpu.time.norm")[0] if base else float("nan")
            print(f"| {key[0]} | {key[1]:,} | {impl} | {fmt(s)} ± {fmt(err)} | {fmt(r_chm, 2)} | "
                  f"{fmt(r_mutex, 2)} | {fmt(cpu)} | {fmt(c_chm, 2)} | {fmt(alloc, 1)} |")

    if clock:
        cpu, _ = metric(clock, "cpu.time.norm")
        print(f"\nOne system clock read (ClockBenchmark.systemMillis): "
              f"{fmt(clock['primaryMetric']['score'])} ns/op, {fmt(cpu)} CPU ns/op.")

    print("\n### Mixed workload 95/4/1 (throughput, higher is better)\n")
    print("| threads | services | impl | ops/us (±99.9%) | host ÷ this | CPU ns/op | alloc B/op |")
    print("| ---: | ---: | --- | ---: | ---: | ---: | ---: |")
    for key in sorted(k for k in rows if k[0].startswith("Mixed")):
        impls = rows[key]
        host = impls.get("host")
        for impl in ("host", "mutex", "chm"):
            e = impls.get(impl)
            if not e:
                continue
            s, err = e["primaryMetric"]["score"], e["primaryMetric"]["scoreError"]
            cpu, _ = metric(e, "cpu.time.norm")
            alloc, _ = metric(e, "gc.alloc.rate.norm")
            ratio = host["primaryMetric"]["score"] / s if host else float("nan")
            print(f"| {key[0][-1]} | {key[1]:,} | {impl} | {fmt(s, 2)} ± {fmt(err, 2)} | "
                  f"{fmt(ratio, 2)} | {fmt(cpu)} | {fmt(alloc, 1)} |")

    print("\n### host resolve with active watchers on other names\n")
    print("| services | watchers | time ns/op (±99.9%) | x no watchers | CPU ns/op | CPU x no watchers | alloc B/op |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    watch = {k: v for k, v in rows.items() if k[0].startswith("Watchers")}
    for key in sorted(watch, key=lambda k: (k[1], int(k[2]))):
        e = watch[key]["host"]
        base = watch.get((key[0], key[1], "0"), {}).get("host")
        s, err = e["primaryMetric"]["score"], e["primaryMetric"]["scoreError"]
        cpu, _ = metric(e, "cpu.time.norm")
        alloc, _ = metric(e, "gc.alloc.rate.norm")
        r = s / base["primaryMetric"]["score"] if base else float("nan")
        c = cpu / metric(base, "cpu.time.norm")[0] if base else float("nan")
        print(f"| {key[1]:,} | {key[2]} | {fmt(s)} ± {fmt(err)} | {fmt(r, 2)} | {fmt(cpu)} | {fmt(c, 2)} | {fmt(alloc, 1)} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "samgr-bench/target/jmh.json")

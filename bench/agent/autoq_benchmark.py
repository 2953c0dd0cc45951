#!/usr/bin/env python3
"""AutoQ's kernel-wise search against the best layer-wise searches (issue 17, item 5).

On the built-in LeNet / Fashion-MNIST (builtin oracle, validation split), --objective latency
--max-loss 1, analytic model, the same episode budget for every strategy, on the shipped
Stripes (weights serial) and Loom (both serial): the best feasible configuration each run
found, its latency and energy against 8 bits everywhere, and for autoq the same runs with the
precision-aware filter order turned off (--set filter_order=network) and with the activation
bits held at 8 (autoq.act_bits: [8], so only the kernel-wise weights differ from the
layer-wise runs). Every run is a `serialq search` command, printed before it runs; all share one
oracle cache (a run's wall time then includes answers an earlier run computed, never its
figures). Prints a markdown table.
Usage (from the source root, after building):
  python3 bench/agent/autoq_benchmark.py --out DIR [--episodes 200] [--seeds 1,2,3]
"""
import argparse
import json
import os
import subprocess
import sys
import time

SERIALQ = "build/cli/serialq"
ACCELS = {"stripes": "configs/accel/stripes.yaml", "loom": "configs/accel/loom.yaml"}


def run(cmd):
    print("$ " + " ".join(cmd), file=sys.stderr, flush=True)
    start = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("failed (%d): %s" % (p.returncode, p.stderr.strip()))
    return time.time() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--episodes", type=int, default=200)
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--strategies", default="autoq,adrl,haq,greedy")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    acts8 = os.path.join(args.out, "autoq-act8.yaml")
    with open(acts8, "w") as f:
        f.write("autoq: {act_bits: [8]}\n")
    cache = os.path.join(args.out, "cache.sqlite")
    variants = []  # (label, strategy, extra options)
    for s in args.strategies.split(","):
        variants.append((s, s, []))
        if s == "autoq":
            variants.append(("autoq, network order", s, ["--set", "filter_order=network"]))
            variants.append(("autoq, act 8", s, ["--config", acts8]))
    rows = []
    for accel, accel_file in ACCELS.items():
        for label, strategy, extra in variants:
            for seed in [int(x) for x in args.seeds.split(",")]:
                d = os.path.join(args.out, "%s-%s-%d" % (accel, label.replace(", ", "-")
                                                         .replace(" ", "-"), seed))
                if not os.path.exists(os.path.join(d, "best.json")):
                    wall = run([SERIALQ, "search", "--strategy", strategy, "--objective",
                                "latency", "--max-loss", "1", "--episodes", str(args.episodes),
                                "--seed", str(seed), "--accel", accel_file, "--cache", cache,
                                "--quiet", "--out", d] + extra)
                else:
                    wall = float("nan")
                with open(os.path.join(d, "best.json")) as f:
                    b = json.load(f)
                best = b["best"]
                storage = best["weight_bits"]
                rows.append((accel, label, seed, b["distinct_oracle_calls"], b["best_is_feasible"],
                             best["accuracy_percent"], best["test_accuracy_percent"],
                             best["speedup"], best["energy_reduction"], best["bits"],
                             best.get("act_bits"), storage, wall))
    print("| accelerator | strategy | seed | oracle calls | feasible | validation % | test % | "
          "speedup | energy reduction | widest bits per layer | act bits | weight storage (kbit) "
          "| wall s |")
    print("|---|---|---:|---:|---|---:|---:|---:|---:|---|---|---:|---:|")
    for r in rows:
        print("| %s | %s | %d | %d | %s | %.2f | %.2f | %.3fx | %.3fx | %s | %s | %s | %s |" % (
            r[0], r[1], r[2], r[3], "yes" if r[4] else "no", r[5], r[6] or 0, r[7], r[8],
            ",".join(map(str, r[9])), ",".join(map(str, r[10])) if r[10] else "8 (all)",
            "%.1f" % (r[11] / 1000.0),
            "%.0f" % r[12] if r[12] == r[12] else "-"))


if __name__ == "__main__":
    main()

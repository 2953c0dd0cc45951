#!/usr/bin/env python3
"""Best feasible configuration of `serialq search` runs within budgets of oracle calls.

Usage:
    python3 bench/agent/resnet20_search_summary.py [--budgets 100,300] [--count oracle|episodes]
        [--max-loss 1] [--wall DIR=SECONDS ...] [--out FILE.md] RUN_DIR [RUN_DIR ...]

For every run directory it reads DIR/episodes.csv (one row per episode, in episode order) and
DIR/best.json (strategy, seed, reference accuracy, 8-bit baseline cycles), and prints one
markdown row: strategy, seed, episodes, calls made, and for each budget the best feasible
configuration's speedup over 8 bits, its bits, its accuracy and the call at which it was found;
then the wall seconds and notes (repeated episodes, calls that were not episodes).

Calls. A call is a distinct bit vector asked of the accuracy oracle by that run. Two counts:
  * `episodes`: distinct bit vectors of episodes.csv in episode order; a vector repeated from an
    earlier episode of the same run is not a new call (it was answered from the search's memo).
    The shared SQLite cache (--cache) across runs does not matter: a vector first seen in this run
    is a call of this run even when the cache answered it.
  * `oracle` (default): episodes.csv's own `distinct_oracle_calls` column, the search's
    AccuracyMemo size after the episode. It equals the episodes count for greedy, random, ppo and
    haq, and is larger for adrl, whose profiling indicator asks the oracle for assignments that
    are never played as episodes (docs/agent.md, "Strategies"); those calls cost as much as any.
An episode is within a budget B when its call count (after the episode) is <= B.

Feasible: episodes.csv's `feasible` column (1/0), the search's own judgement: accuracy >=
reference - max_loss. If a file lacks the column, accuracy_percent >= reference - --max-loss is
used, with the reference from best.json. Best = lowest cycles among feasible episodes, ties to
the higher accuracy, then the earlier episode (the search's ranking for --objective latency).
Speedup = best.json baseline cycles (every layer at 8 bits) / the configuration's cycles.

Only episodes are ranked. A configuration that only a side call evaluated (adrl's profiles:
every layer at 8 bits but one) is in pareto.json, not episodes.csv; if pareto.json holds a
better feasible one within a budget (its first B entries are the first B calls), the row's
note says so.

Wall seconds: --wall DIR=SECONDS, else the last line ("<seconds> s") of the file DIR.time
beside the run directory (written by /usr/bin/time -f "%e s" -o DIR.time).

Commands that produced the table in docs/performance.md ("Searches on ResNet-20"), from the
repository root of a built tree, one search at a time on a shared 2-core machine, 2026-12-01:

    build/cli/serialq oracle eval --oracle builtin:traces/resnet20-fashion.yaml \\
        --quantizer linear-channel-max --cache out/r20-search/cache.sqlite --reference \\
        --bits uniform:2 --bits uniform:3 --bits uniform:4 --bits uniform:5 --bits uniform:6 \\
        --bits uniform:7 --bits uniform:8
    build/cli/serialq sim --trace traces/resnet20-fashion.yaml --model analytic \\
        --act-bits uniform:8 --bits uniform:2 --bits uniform:3 ... --bits uniform:8
    # per STRATEGY and SEED:
    /usr/bin/time -f "%e s" -o out/r20-search/STRATEGY-sSEED.time \\
      build/cli/serialq search --trace traces/resnet20-fashion.yaml \\
        --oracle builtin:traces/resnet20-fashion.yaml --quantizer linear-channel-max \\
        --objective latency --max-loss 1 --quiet --cache out/r20-search/cache.sqlite \\
        --strategy STRATEGY --seed SEED --episodes 130 --out out/r20-search/STRATEGY-sSEED
      run for (greedy, 1), (adrl, 1; stopped after 41 episodes, `--resume --episodes 130`
      continues it) and (ppo, 1; stopped after 6 episodes).
    python3 bench/agent/resnet20_search_summary.py --out out/r20-search/summary.md \\
        out/r20-search/greedy-s1 out/r20-search/adrl-s1 out/r20-search/ppo-s1
"""

import argparse
import csv
import json
import os
import sys


def read_wall(run_dir, explicit):
    key = os.path.normpath(run_dir)
    if key in explicit:
        return explicit[key]
    path = key + ".time"
    if os.path.exists(path):
        with open(path) as f:
            lines = [l.strip() for l in f if l.strip()]
        for line in reversed(lines):
            parts = line.split()
            if len(parts) == 2 and parts[1] == "s":
                try:
                    return float(parts[0])
                except ValueError:
                    pass
    return None


def load_run(run_dir, max_loss):
    with open(os.path.join(run_dir, "best.json")) as f:
        best = json.load(f)
    run = best.get("run", {})
    reference = float(best["reference_accuracy_percent"])
    baseline_cycles = float(best["baseline"]["total_cycles"])
    episodes = []
    seen = set()
    with open(os.path.join(run_dir, "episodes.csv"), newline="") as f:
        for row in csv.DictReader(f):
            bits = tuple(int(b) for b in row["bits"].split(","))
            acc = float(row["accuracy_percent"])
            if "feasible" in row and row["feasible"] != "":
                feasible = row["feasible"].strip() == "1"
            else:
                ml = ((best.get("run", {}).get("objective") or {}).get("max_loss_points"))
                feasible = acc >= reference - (float(ml) if ml is not None else max_loss)
            seen.add(bits)
            episodes.append({
                "episode": int(row["episode"]),
                "bits": bits,
                "accuracy": acc,
                "cycles": float(row["total_cycles"]),
                "feasible": feasible,
                "episode_calls": len(seen),
                "oracle_calls": int(row["distinct_oracle_calls"]),
            })
    side = None
    pareto_path = os.path.join(run_dir, "pareto.json")
    if os.path.exists(pareto_path):
        with open(pareto_path) as f:
            side = json.load(f).get("configurations")
    objective = run.get("objective", {})
    max_loss_run = objective.get("max_loss_points") if isinstance(objective, dict) else None
    return {
        "dir": run_dir,
        "max_loss": float(max_loss_run) if max_loss_run is not None else None,
        "strategy": run.get("strategy", "?"),
        "seed": run.get("seed", "?"),
        "reference": reference,
        "baseline_cycles": baseline_cycles,
        "episodes": episodes,
        "evaluated": side,
        "best_json": best,
    }


def better(a, b):
    """True if episode a ranks above b for the lowest-latency objective."""
    if b is None:
        return True
    if a["cycles"] != b["cycles"]:
        return a["cycles"] < b["cycles"]
    if a["accuracy"] != b["accuracy"]:
        return a["accuracy"] > b["accuracy"]
    return False  # the earlier episode wins ties


def best_within(run, budget, count):
    key = "oracle_calls" if count == "oracle" else "episode_calls"
    best = None
    for e in run["episodes"]:
        if e[key] > budget:
            break  # call counts never decrease
        if e["feasible"] and better(e, best):
            best = e
    return best


def side_call_better(run, budget, best, max_loss):
    """A feasible configuration among the first `budget` calls (pareto.json) beating `best`."""
    if run["evaluated"] is None:
        return None
    limit = run["reference"] - max_loss
    top = None
    for c in run["evaluated"][:budget]:
        e = {"cycles": float(c["total_cycles"]), "accuracy": float(c["accuracy_percent"]),
             "bits": tuple(c["bits"])}
        if e["accuracy"] >= limit and better(e, top):
            top = e
    if top is not None and better(top, best) and (best is None or top["bits"] != best["bits"]):
        return top
    return None


def fmt_bits(bits):
    return ",".join(str(b) for b in bits)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("runs", nargs="+", help="search output directories")
    p.add_argument("--budgets", default="100,300", help="comma-separated call budgets")
    p.add_argument("--count", choices=["oracle", "episodes"], default="oracle",
                   help="how calls are counted (see the docstring)")
    p.add_argument("--max-loss", type=float, default=1.0,
                   help="only if episodes.csv lacks its feasible column and best.json its "
                        "run.objective.max_loss_points")
    p.add_argument("--wall", action="append", default=[], metavar="DIR=SECONDS")
    p.add_argument("--out", help="also write the table to this file")
    args = p.parse_args()

    budgets = [int(b) for b in args.budgets.split(",") if b]
    explicit = {}
    for w in args.wall:
        d, s = w.rsplit("=", 1)
        explicit[os.path.normpath(d)] = float(s)

    header = ["strategy", "seed", "episodes", "calls made (oracle / episode-distinct)"]
    for b in budgets:
        header += ["best speedup @%d" % b, "bits of the best @%d" % b, "accuracy %% @%d" % b,
                   "found at call @%d" % b]
    header += ["wall s", "note"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]

    for d in args.runs:
        d = d.rstrip("/")
        try:
            run = load_run(d, args.max_loss)
        except (OSError, KeyError, ValueError) as exc:
            print("%s: cannot read: %s" % (d, exc), file=sys.stderr)
            continue
        eps = run["episodes"]
        made_oracle = eps[-1]["oracle_calls"] if eps else 0
        made_eps = eps[-1]["episode_calls"] if eps else 0
        key = "oracle_calls" if args.count == "oracle" else "episode_calls"
        made = made_oracle if args.count == "oracle" else made_eps
        cells, notes = [], []
        for b in budgets:
            best = best_within(run, b, args.count)
            if best is None:
                cells += ["none feasible", "-", "-", "-"]
            else:
                sp = "%.3fx" % (run["baseline_cycles"] / best["cycles"])
                if made < b:
                    sp += " (run made only %d)" % made
                cells += [sp, fmt_bits(best["bits"]), "%.2f" % best["accuracy"], str(best[key])]
            side = (side_call_better(run, b, best, run["max_loss"] if run["max_loss"] is not None
                                     else args.max_loss) if args.count == "oracle" else None)
            if side is not None:
                notes.append("@%d a side call (not an episode) was better: %s, %.2f %%, %.3fx"
                             % (b, fmt_bits(side["bits"]), side["accuracy"],
                                run["baseline_cycles"] / side["cycles"]))
        wall = read_wall(d, explicit)
        kind = (run["best_json"].get("run", {}).get("objective") or {}).get("kind")
        if kind not in (None, "latency"):
            notes.append("objective %s, not latency: ranked by cycles regardless" % kind)
        repeats = len(eps) - made_eps
        if repeats:
            notes.append("%d of %d episodes repeated an earlier vector" % (repeats, len(eps)))
        if made_oracle != made_eps:
            notes.append("%d calls were not episodes (e.g. adrl profiles)" % (made_oracle - made_eps))
        row = [str(run["strategy"]), str(run["seed"]), str(len(eps)),
               "%d / %d" % (made_oracle, made_eps)] + cells
        row += ["%.0f" % wall if wall is not None else "-", "; ".join(notes)]
        lines.append("| " + " | ".join(row) + " |")

    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()

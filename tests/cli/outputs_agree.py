#!/usr/bin/env python3
"""Every output of one design names and gives each figure alike, column for column.

Runs one design - LeNet on the shipped Stripes at 8,4,4,8 against uniform:8, analytic model -
through `serialq sim --format csv`, `serialq sim --format json` and a one-point `serialq sweep`,
and a short table-oracle search whose best assignment it then simulates; checks that
 - the sim CSV's figure columns are all in the sweep's results.csv, in the same order, with the
   same text in every row (both write sim/figures.hpp's rows);
 - the sim JSON's layer and total objects hold the CSV's values under the CSV's names;
 - best.json, episodes.csv and pareto.json give the best assignment's total_cycles, energy_pj,
   speedup and energy_reduction as `serialq sim` gives them for it.
Usage: outputs_agree.py SERIALQ OUT_DIR (run from the source root).
"""
import csv
import io
import json
import os
import shutil
import subprocess
import sys

serialq, out = sys.argv[1], sys.argv[2]
DESIGN = ["--trace", "traces/lenet.yaml", "--accel", "configs/accel/stripes.yaml",
          "--model", "analytic", "--baseline", "uniform:8"]
HEAD = {"run", "bits_spec", "act_bits_spec"}  # what tells a sim run apart; not a figure


def run(*args):
    r = subprocess.run([serialq, *args], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("serialq %s: exit %d: %s" % (" ".join(args), r.returncode, r.stderr))
    return r.stdout


def rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def fail(message):
    sys.exit("outputs disagree: " + message)


def sim_csv(bits):
    return rows(run("sim", *DESIGN, "--bits", bits, "--format", "csv"))


def check_sim_against_sweep(bits):
    sim_rows = sim_csv(bits)
    figures = [c for c in sim_rows[0].keys() if c not in HEAD]
    sweep_dir = os.path.join(out, "sweep")
    shutil.rmtree(sweep_dir, ignore_errors=True)
    run("sweep", *DESIGN, "--bits", bits, "--out", sweep_dir)
    with open(os.path.join(sweep_dir, "results.csv"), newline="") as f:
        sweep_rows = list(csv.DictReader(f))
    sweep_columns = list(sweep_rows[0].keys())
    if [c for c in sweep_columns if c in figures] != figures:
        fail("results.csv lacks or reorders figures: %s" % sorted(set(figures) - set(sweep_columns)))
    if len(sweep_rows) != len(sim_rows):
        fail("%d sweep rows, %d sim rows" % (len(sweep_rows), len(sim_rows)))
    for s, w in zip(sim_rows, sweep_rows):
        for c in figures:
            if s[c] != w[c]:
                fail("%s of %s: sim csv %r, sweep %r" % (c, s["layer"], s[c], w[c]))
    return sim_rows, figures


def same_value(text, value):
    """A CSV cell and a JSON value of one figure: null is empty, a bool 1/0, a number exact."""
    if value is None:
        return text == ""
    if isinstance(value, bool):
        return text == ("1" if value else "0")
    if isinstance(value, (int, float)):
        return text != "" and float(text) == float(value)
    return text == value


def check_sim_json(bits, sim_rows, figures):
    doc = json.loads(run("sim", *DESIGN, "--bits", bits, "--format", "json"))
    objects = doc["layers"] + [doc["total"]]
    for row, obj in zip(sim_rows, objects):
        if list(obj) != figures:
            fail("json row keys %s, csv figure columns %s" % (list(obj), figures))
        for c in figures:
            if not same_value(row[c], obj[c]):
                fail("%s of %s: csv %r, json %r" % (c, row["layer"], row[c], obj[c]))


def check_search():
    search_dir = os.path.join(out, "search")
    shutil.rmtree(search_dir, ignore_errors=True)
    run("search", "--config", "configs/search/releq-lenet-table.yaml",
        "--oracle", "table:tests/data/quant/releq-lenet-mnist-accuracy.csv", "--trace",
        "traces/lenet.yaml", "--accel", "configs/accel/stripes.yaml", "--model", "analytic",
        "--episodes", "20", "--seed", "1", "--no-cache", "--quiet", "--out", search_dir)
    with open(os.path.join(search_dir, "best.json")) as f:
        best = json.load(f)
    bits = ",".join(str(b) for b in best["best"]["bits"])
    total = [r for r in sim_csv(bits) if r["layer"] == "total"][0]
    b = best["best"]
    for name in ("total_cycles", "energy_pj", "speedup", "energy_reduction"):
        if float(total[name]) != float(b[name]):
            fail("best.json best.%s %r, sim %r for bits %s" % (name, b[name], total[name], bits))
    for name in ("total_cycles", "energy_pj"):
        if float(best["baseline"][name]) != float(total["baseline_" + name]):
            fail("best.json baseline.%s %r, sim baseline_%s %r" % (name, best["baseline"][name], name,
                                                                 total["baseline_" + name]))
    with open(os.path.join(search_dir, "episodes.csv"), newline="") as f:
        episode = list(csv.DictReader(f))[b["episode"] - 1]
    with open(os.path.join(search_dir, "pareto.json")) as f:
        pareto = [c for c in json.load(f)["configurations"] if c["bits"] == b["bits"]][0]
    for name in ("total_cycles", "energy_pj"):
        if float(episode[name]) != float(total[name]) or float(pareto[name]) != float(total[name]):
            fail("%s of bits %s: episodes.csv %r, pareto.json %r, sim %r" %
                 (name, bits, episode[name], pareto[name], total[name]))
    return bits


os.makedirs(out, exist_ok=True)
sim_rows, figures = check_sim_against_sweep("8,4,4,8")
check_sim_json("8,4,4,8", sim_rows, figures)
bits = check_search()
print("agree: %d figures x %d rows in sim csv, sim json and sweep; search best %s as sim gives it"
      % (len(figures), len(sim_rows), bits))

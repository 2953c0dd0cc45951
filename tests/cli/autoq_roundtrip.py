#!/usr/bin/env python3
"""A kernel-wise configuration from search to best.json to sim and oracle eval (issue 17).

Runs `serialq search --strategy autoq` twice with one seed on the built-in LeNet (builtin
oracle) against Loom (both operands serial, so every kernel's bits reach the cycles), and
checks that:
  - the two runs agree byte for byte (episodes.csv) and on the best assignment;
  - `serialq sim --bits best.json` gives best.json's cycles and energy;
  - `serialq oracle eval --bits best.json` gives best.json's accuracy;
  - a kernel-wise file whose layers are uniform simulates as the layer-wise list does;
  - a malformed kernel-wise file is refused with one line naming the file, layer and channel.
Usage: autoq_roundtrip.py SERIALQ OUT_DIR (run from the source root).
"""
import json
import os
import shutil
import subprocess
import sys

serialq, out = sys.argv[1], sys.argv[2]
ACCEL = ["--accel", "configs/accel/loom.yaml", "--model", "analytic"]
ORACLE = "builtin:traces/lenet.yaml"


def fail(message):
    sys.exit("autoq_roundtrip: " + message)


def run(args, expect_ok=True):
    p = subprocess.run([serialq] + args, capture_output=True, text=True)
    if expect_ok and p.returncode != 0:
        fail("%s exited %d: %s" % (" ".join(args), p.returncode, p.stderr.strip()))
    return p


def search(name):
    d = os.path.join(out, name)
    shutil.rmtree(d, ignore_errors=True)
    run(["search", "--strategy", "autoq", "--episodes", "24", "--seed", "3", "--oracle", ORACLE,
         "--no-cache", "--quiet", "--out", d] + ACCEL)
    with open(os.path.join(d, "best.json")) as f:
        best = json.load(f)
    with open(os.path.join(d, "episodes.csv")) as f:
        episodes = f.read()
    return d, best, episodes


def sim_total(bits):
    p = run(["sim", "--trace", "traces/lenet.yaml", "--bits", bits, "--format", "json"] + ACCEL)
    return json.loads(p.stdout)["runs"][0]["total"]


os.makedirs(out, exist_ok=True)
d1, best1, episodes1 = search("a")
_, best2, episodes2 = search("b")
if episodes1 != episodes2:
    fail("two runs with seed 3 wrote different episodes.csv")
if best1["assignment"] != best2["assignment"] or best1["best"] != best2["best"]:
    fail("two runs with seed 3 chose different assignments")
if best1["run"]["strategy"] != "autoq" or best1["run"]["seed"] != 3:
    fail("best.json does not record the strategy and seed: %s" % best1["run"])

best_file = os.path.join(d1, "best.json")
total = sim_total(best_file)
if total["total_cycles"] != best1["best"]["total_cycles"]:
    fail("sim --bits best.json: %d cycles, best.json says %d"
         % (total["total_cycles"], best1["best"]["total_cycles"]))
if abs(total["energy_pj"] - best1["best"]["energy_pj"]) > 1e-9 * best1["best"]["energy_pj"]:
    fail("sim --bits best.json: %r pJ, best.json says %r"
         % (total["energy_pj"], best1["best"]["energy_pj"]))

p = run(["oracle", "eval", "--oracle", ORACLE, "--bits", best_file, "--no-cache",
         "--format", "json"])
result = json.loads(p.stdout)["results"][0]
if result["accuracy_percent"] != best1["best"]["accuracy_percent"]:
    fail("oracle eval --bits best.json: %r %%, best.json says %r %%"
         % (result["accuracy_percent"], best1["best"]["accuracy_percent"]))

uniform = os.path.join(out, "uniform.json")
with open(uniform, "w") as f:
    json.dump({"format": "serialq-kernel-bits/1",
               "layers": [{"layer": "conv1", "weight_bits": 6},
                          {"layer": "conv2", "weight_runs": [[4, 50]]},
                          {"layer": "fc1", "weight_bits": [5] * 500},
                          {"layer": "fc2", "weight_bits": 8}]}, f)
if sim_total(uniform) != sim_total("6,4,5,8"):
    fail("a uniform kernel-wise file does not simulate as the layer-wise list 6,4,5,8")

bad = os.path.join(out, "bad.json")
with open(bad, "w") as f:
    json.dump({"format": "serialq-kernel-bits/1",
               "layers": [{"layer": "conv1", "weight_bits": 6},
                          {"layer": "conv2", "weight_runs": [[4, 48]]},
                          {"layer": "fc1", "weight_bits": 5},
                          {"layer": "fc2", "weight_bits": 8}]}, f)
p = run(["sim", "--trace", "traces/lenet.yaml", "--bits", bad] + ACCEL, expect_ok=False)
message = p.stderr.strip()
if p.returncode == 0 or "\n" in message or bad not in message or "conv2" not in message:
    fail("a malformed kernel-wise file: exit %d, stderr %r" % (p.returncode, message))

print("autoq: 2 runs identical, best.json == sim (%d cycles) == oracle eval (%.2f %%), uniform "
      "file == layer-wise list, malformed file refused: %s"
      % (total["total_cycles"], result["accuracy_percent"], message))

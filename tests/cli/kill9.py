#!/usr/bin/env python3
"""kill -9 at random moments: a search and a sweep killed many times end as one run.

Runs a small table-oracle search uninterrupted, then again in four fresh directories, killing
it with SIGKILL at seeded random moments (also after it has finished) and resuming it with
--resume each time; after every kill it checks that the five outputs tell one story (each
file holds at least the episodes best.json describes, every row is the uninterrupted run's,
and a best.json that says `complete` comes with all five files final) and that
`serialq report` reads them; at the end the five files must equal the uninterrupted run's,
byte for byte, also after resuming the finished run again. Then the same for a small
cycle-model sweep (rerun into its directory), and a sweep whose parent is killed must leave no
worker process behind.
Usage: kill9.py SERIALQ OUT_DIR [SEED] (run from the source root).
"""
import json
import os
import random
import shutil
import signal
import struct
import subprocess
import sys
import time

serialq, out = sys.argv[1], sys.argv[2]
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
rng = random.Random(seed)
OUTPUTS = ["episodes.csv", "action_probabilities.csv", "best.json", "pareto.json",
           "checkpoint.bin"]
EPISODES = 40
SEARCH_ROUNDS, SEARCH_KILLS = 4, 8  # kills per round
SWEEP_ROUNDS, SWEEP_KILLS = 2, 5


def fail(message):
    sys.exit("kill9 (seed %d): %s" % (seed, message))


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


def search_args(directory):
    config = os.path.join(out, "search.yaml")
    return [serialq, "search", "--trace", "traces/lenet.yaml",
            "--oracle", "table:tests/data/quant/releq-lenet-mnist-accuracy.csv",
            "--config", config, "--no-cache", "--quiet", "--strategy", "ppo",
            "--episodes", str(EPISODES), "--seed", "5", "--out", directory]


def run(args, what):
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        fail("%s: exit %d: %s" % (what, r.returncode, r.stderr.strip()))
    return r


def killed_after(args, delay):
    """Starts `args`, kills it with SIGKILL after `delay` seconds; True if it was still running."""
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        p.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGKILL)
        p.wait()
        return True
    if p.returncode != 0:
        fail("%s: exit %d: %s" % (" ".join(args[1:3]), p.returncode, p.stderr.read().strip()))
    return False


def checkpoint_episodes(path):
    """The episodes a checkpoint.bin has done: magic, u32 version, the settings, i64 count."""
    data = read(path, "rb")
    (length,) = struct.unpack_from("<q", data, 12)
    (episodes,) = struct.unpack_from("<q", data, 20 + length)
    return episodes


def episodes_in(lines, column=0):
    return {int(line.split(",")[column]) for line in lines[1:]}


def check_search(directory, ref, kill):
    """The outputs of a search killed at any moment are one run's, or none yet."""
    present = [f for f in OUTPUTS if os.path.exists(os.path.join(directory, f))]
    where = "after kill %s" % kill
    if "checkpoint.bin" not in present:
        if present:
            fail("%s: %s without checkpoint.bin (written first)" % (where, present))
        return
    done = checkpoint_episodes(os.path.join(directory, "checkpoint.bin"))
    rows = {}
    for f in ("episodes.csv", "action_probabilities.csv"):
        if f not in present:
            continue
        lines = read(os.path.join(directory, f)).splitlines()
        if lines != ref[f].splitlines()[:len(lines)]:
            fail("%s: %s is not a prefix of the uninterrupted run's" % (where, f))
        rows[f] = max(episodes_in(lines), default=0)
        if rows[f] > done:
            fail("%s: %s has %d episodes, the checkpoint %d" % (where, f, rows[f], done))
    if "best.json" not in present:
        return
    best = json.loads(read(os.path.join(directory, "best.json")))
    for f in ("episodes.csv", "action_probabilities.csv", "pareto.json"):
        if f not in present:
            fail("%s: best.json (written last) without %s" % (where, f))
    pareto = json.loads(read(os.path.join(directory, "pareto.json")))
    if min(rows.values()) < best["episodes"] or pareto["episodes"] < best["episodes"]:
        fail("%s: files behind best.json's %d episodes: %s, pareto %d"
             % (where, best["episodes"], rows, pareto["episodes"]))
    if best["complete"]:
        for f in OUTPUTS:
            if read(os.path.join(directory, f), "rb") != ref[f + ".bytes"]:
                fail("%s: best.json says complete, but %s is not final" % (where, f))
    run([serialq, "report", directory, "--out", os.path.join(out, "report.md")],
        "report %s" % where)
    text = read(os.path.join(out, "report.md"))
    if ("incomplete" in text) == best["complete"]:
        fail("%s: the report does not say the search is %s"
             % (where, "complete" if best["complete"] else "incomplete"))


def same_search(directory, ref, what):
    for f in OUTPUTS:
        if read(os.path.join(directory, f), "rb") != ref[f + ".bytes"]:
            fail("%s: %s differs from the uninterrupted run's" % (what, f))


def search_test():
    shutil.copy("configs/search/releq-lenet-table.yaml", os.path.join(out, "search.yaml"))
    with open(os.path.join(out, "search.yaml"), "a") as f:
        f.write("checkpoint_every: 3\n")  # many saves: many moments between two files
    ref_dir = os.path.join(out, "search-ref")
    start = time.monotonic()
    run(search_args(ref_dir), "uninterrupted search")
    took = time.monotonic() - start
    ref = {}
    for f in OUTPUTS:
        ref[f + ".bytes"] = read(os.path.join(ref_dir, f), "rb")
        if not f.endswith(".bin"):
            ref[f] = ref[f + ".bytes"].decode()
    landed = finished = 0
    for round in range(SEARCH_ROUNDS):
        # A fresh directory each round: kills soon after a start find the run mid-way, and once
        # it has finished, every later run resumes a finished run.
        directory = os.path.join(out, "search-killed-%d" % round)
        for kill in range(1, SEARCH_KILLS + 1):
            resume = os.path.exists(os.path.join(directory, "checkpoint.bin"))
            args = search_args(directory) + (["--resume"] if resume else [])
            if killed_after(args, rng.uniform(0.0, 0.7 * took)):
                landed += 1
            else:
                finished += 1
            check_search(directory, ref, "%d of round %d" % (kill, round))
        run(search_args(directory) + (["--resume"] if os.path.exists(
            os.path.join(directory, "checkpoint.bin")) else []), "the last resume")
        same_search(directory, ref, "after round %d's kills and a resume" % round)
        for again in range(2):
            run(search_args(directory) + ["--resume"], "resuming the finished run")
            same_search(directory, ref, "resuming the finished run again")
    print("search: %d kills (%d while running, %d runs finished first), then resumed: "
          "identical to one run of %.2f s" % (SEARCH_ROUNDS * SEARCH_KILLS, landed, finished, took))


SWEEP_FILES = ["sweep.json", "results.csv", "results.json"]


def sweep_args(directory):
    # Six cycle-level points of a few tenths of a second each (a batch of 128 inferences).
    return [serialq, "sweep", "--accel", "configs/accel/stripes.yaml", "--set", "tiles=4,8,16",
            "--set", "batch=128", "--trace", "traces/lenet.yaml", "--bits", "uniform:8",
            "--bits", "uniform:2", "--model", "cycle", "--jobs", "2", "--out", directory]


def sweep_files(directory):
    files = {f: read(os.path.join(directory, f), "rb")
             for f in SWEEP_FILES if os.path.exists(os.path.join(directory, f))}
    points = os.path.join(directory, "points")
    if os.path.isdir(points):
        for name in os.listdir(points):
            if ".tmp." not in name:
                files["points/" + name] = read(os.path.join(points, name), "rb")
    return files


def sweep_test():
    ref_dir = os.path.join(out, "sweep-ref")
    start = time.monotonic()
    run(sweep_args(ref_dir), "uninterrupted sweep")
    took = time.monotonic() - start
    ref = sweep_files(ref_dir)
    landed = 0
    for round in range(SWEEP_ROUNDS):
        directory = os.path.join(out, "sweep-killed-%d" % round)
        for kill in range(1, SWEEP_KILLS + 1):
            landed += killed_after(sweep_args(directory), rng.uniform(0.0, 0.8 * took))
            for name, content in sweep_files(directory).items():
                if content != ref[name]:
                    fail("sweep after kill %d of round %d: %s differs from the uninterrupted "
                         "run's" % (kill, round, name))
        run(sweep_args(directory), "the last rerun of the sweep")
        if sweep_files(directory) != ref:
            fail("sweep: after round %d's kills and a rerun, not the uninterrupted run's files"
                 % round)
    print("sweep: %d kills (%d while running), then rerun: identical to one run of %.2f s"
          % (SWEEP_ROUNDS * SWEEP_KILLS, landed, took))


def children(pid):
    try:
        text = read("/proc/%d/task/%d/children" % (pid, pid))
    except OSError:
        return []
    return [int(c) for c in text.split()]


def alive(pid):
    """Running, not a zombie waiting to be reaped."""
    try:
        return read("/proc/%d/stat" % pid).rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def workers_die_with_parent():
    # Two cycle-level points of ResNet-50 on batches of 1,024: over 10 s each, so the workers are
    # mid-point when their parent is killed, and would go on long after the 5 s allowed.
    directory = os.path.join(out, "sweep-orphans")
    args = [serialq, "sweep", "--accel", "configs/accel/stripes.yaml", "--set", "batch=1024,1023",
            "--trace", "traces/resnet50.yaml", "--bits", "uniform:8", "--model", "cycle",
            "--jobs", "2", "--out", directory]
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    workers = []
    while len(workers) < 2 and time.monotonic() < deadline and p.poll() is None:
        workers = children(p.pid)
        time.sleep(0.02)
    if len(workers) < 2:
        fail("sweep: found %d worker processes, expected 2 to kill the parent under" % len(workers))
    time.sleep(0.2)
    if not all(alive(w) for w in workers):
        fail("sweep: a worker finished within 0.2 s, the test needs longer points")
    p.send_signal(signal.SIGKILL)
    p.wait()
    killed = time.monotonic()
    while any(alive(w) for w in workers) and time.monotonic() - killed < 5:
        time.sleep(0.02)
    left = [w for w in workers if alive(w)]
    for w in left:
        os.kill(w, signal.SIGKILL)
    if left:
        fail("sweep: workers %s still running 5 s after their parent was killed" % left)
    print("sweep: the 2 workers of a killed sweep died within %.2f s"
          % (time.monotonic() - killed))


shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
search_test()
sweep_test()
workers_die_with_parent()

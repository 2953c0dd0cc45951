"""`oracle stats` on a builtin identity (~500 characters): its rows were 567 wide (issue 18).
The table must fit 132 columns, and the identity, wrapped below it, must read back whole.

usage: oracle_stats_width.py SERIALQ CACHE_FILE   (from the source tree)
"""
import csv
import io
import subprocess
import sys

serialq, cache = sys.argv[1], sys.argv[2]


def run(*args):
    return subprocess.run([serialq, *args], check=True, capture_output=True, text=True).stdout


run("oracle", "eval", "--oracle", "builtin:traces/lenet.yaml", "--bits", "uniform:8",
    "--cache", cache)
text = run("oracle", "stats", "--cache", cache)
rows = list(csv.DictReader(io.StringIO(run("oracle", "stats", "--cache", cache, "--format", "csv"))))
wide = [line for line in text.splitlines() if len(line) > 132]
if wide:
    sys.exit(f"oracle stats: {len(wide)} lines wider than 132 columns, the first: {wide[0]!r}")
listed = text.split("identities (for oracle export --identity):\n")[1]
# Wrapped lines start with 4 spaces; a break at a space dropped that space.
lines = listed.splitlines()
joined = lines[0][4:] + "".join(line[4:] for line in lines[1:])
wanted = rows[0]["identity"]
if lines[0][:4] != "[1] " or wanted.replace(" ", "") != joined.replace(" ", ""):
    sys.exit(f"oracle stats: the identity does not read back:\n{listed}\nexpected {wanted}")
print("oracle stats width: ok")

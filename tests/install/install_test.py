"""Installs serialq into a temporary prefix and runs it from a folder that is not the source
tree (issue 18): the main job (a short co-design search on every default), shipped traces by
their relative names, a file in the current folder winning over the shipped one, and a broken
installation named as the default of its option.

usage: install_test.py CMAKE BUILD_DIR
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

cmake, build_dir = sys.argv[1], sys.argv[2]


def run(cmd, cwd, expect_rc=0):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600,
                       env={k: v for k, v in os.environ.items() if k != "SERIALQ_DATA_DIR"})
    if p.returncode != expect_rc:
        sys.exit(f"{' '.join(cmd)} in {cwd}: exit {p.returncode}, expected {expect_rc}\n"
                 f"stdout: {p.stdout[-2000:]}\nstderr: {p.stderr[-2000:]}")
    return p


def expect(pattern, text, what):
    if not re.search(pattern, text, re.S):
        sys.exit(f"{what}: expected /{pattern}/ in:\n{text[-3000:]}")


with tempfile.TemporaryDirectory() as tmp:
    prefix, work = os.path.join(tmp, "prefix"), os.path.join(tmp, "elsewhere")
    os.makedirs(work)
    run([cmake, "--install", build_dir, "--prefix", prefix], cwd=tmp)
    serialq = os.path.join(prefix, "bin", "serialq")
    for f in ["share/serialq/configs/accel/stripes.yaml", "share/serialq/traces/lenet.yaml",
              "share/serialq/traces/lenet-fashion.sqw", "share/doc/serialq/README.md"]:
        if not os.path.isfile(os.path.join(prefix, f)):
            sys.exit(f"cmake --install did not install {f}")

    # The main job, every option at its default but the length (the full one is scripts/quickstart).
    out = run([serialq, "search", "--episodes", "4", "--out", "out"], cwd=work).stdout
    expect(r"chosen bits: conv1 \d+, conv2 \d+, fc1 \d+, fc2 \d+", out, "search from elsewhere")
    expect(r"against 8 bits on every layer: speedup [0-9.]+x .*energy reduction [0-9.]+x", out,
           "search from elsewhere")
    if not os.path.isfile(os.path.join(work, "out", "best.json")):
        sys.exit("search from elsewhere wrote no out/best.json in the current folder")

    out = run([serialq, "sim", "--trace", "traces/resnet20.yaml", "--bits", "uniform:4",
               "--format", "csv"], cwd=work).stdout
    expect(r"\n1,uniform:4,,fc,.*\n1,uniform:4,,total,", out, "sim of a shipped trace by name")

    # A file in the current folder wins over the shipped one of the same name.
    os.makedirs(os.path.join(work, "traces"))
    text = open(os.path.join(prefix, "share/serialq/traces/lenet.yaml")).read()
    with open(os.path.join(work, "traces", "lenet.yaml"), "w") as f:
        f.write(re.sub(r"(?m)^name: .*$", "name: my-lenet", text))
    expect(r"^network my-lenet ", run([serialq, "trace", "show", "traces/lenet.yaml"],
                                      cwd=work).stdout, "a local trace")

    # A broken installation: the missing default is named as the default of its option.
    os.remove(os.path.join(prefix, "share/serialq/configs/accel/stripes.yaml"))
    err = run([serialq, "sim", "--trace", "traces/lenet.yaml", "--bits", "uniform:4"], cwd=work,
              expect_rc=1).stderr
    expect(r"^serialq sim: error: configs/accel/stripes.yaml \(the default of --accel\): cannot "
           r"open file .*looked for in the current folder and in .*share/serialq\)\n$", err,
           "a missing default")
print("install test: passed")

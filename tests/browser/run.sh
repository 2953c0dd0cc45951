#!/bin/sh
# The browser test: writes one report of each kind with real serialq commands on small cases -
# sim (LeNet, and ResNet-50 for its 54 layers; analytic model), a sweep of 8 points, a short
# search - then checks them in headless Chromium (check-reports.js).
# Usage: run.sh SERIALQ CHROMIUM NODE_MODULES OUT_DIR   (from the repository root)
set -eu
serialq=$1 chromium=$2 modules=$3 out=$4
rm -rf "$out" && mkdir -p "$out"
"$serialq" sim --trace traces/lenet.yaml --bits uniform:8 --bits uniform:4 --model analytic \
    --format json --out "$out/lenet.json"
"$serialq" sim --trace traces/resnet50.yaml --bits uniform:8 --bits uniform:4 --model analytic \
    --format json --out "$out/resnet50.json"
"$serialq" report "$out/lenet.json" --out "$out/sim-lenet.html"
"$serialq" report "$out/resnet50.json" --out "$out/sim-resnet50.html"
"$serialq" sweep --accel configs/accel/stripes.yaml \
    --set off_chip.bandwidth_gb_per_s=4,64 --set weights=resident,streamed \
    --trace traces/lenet.yaml --trace traces/resnet20.yaml --bits uniform:8 --model analytic \
    --jobs 2 --out "$out/sweep" 2>/dev/null
"$serialq" report "$out/sweep" --out "$out/sweep.html"
"$serialq" search --config configs/search/releq-lenet-table.yaml \
    --oracle table:tests/data/quant/releq-lenet-mnist-accuracy.csv \
    --objective reward --strategy ppo --episodes 40 --seed 1 --out "$out/search" 2>/dev/null
"$serialq" report "$out/search" --out "$out/search.html"
NODE_PATH=$modules node "$(dirname "$0")/check-reports.js" "$chromium" "$out"/*.html

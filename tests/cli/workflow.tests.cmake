# serialq sweep and serialq report, run as a user runs them (analytic model, small networks).
set(wf_out ${CMAKE_CURRENT_BINARY_DIR}/workflow-out)
# Outputs of an earlier run would be resumed (or refused, if the configuration changed since):
# every run of these tests starts from an empty directory.
add_test(NAME cli:workflow_clean COMMAND ${CMAKE_COMMAND} -E rm -rf ${wf_out})
set_tests_properties(cli:workflow_clean PROPERTIES FIXTURES_SETUP wf_clean)

# A sweep: 2 bandwidths x 2 bit assignments on LeNet (4 weight layers + total = 5 rows each).
serialq_add_cli_test(NAME sweep_bandwidth ARGS sweep --accel configs/accel/stripes.yaml
  --set off_chip.bandwidth_gb_per_s=16,256 --trace traces/lenet.yaml --bits uniform:8
  --bits uniform:4 --model analytic --jobs 2 --out ${wf_out}/bandwidth
  EXIT 0 STDOUT "^sweep: 4 points, [04] simulated, [04] done before; 20 rows -> ")
set_tests_properties(cli:sweep_bandwidth PROPERTIES FIXTURES_SETUP wf_bandwidth)
# Its report: per swept parameter (bandwidth, bits) latency and energy, the energy breakdown
# along bandwidth, and for a sweep this small the per-layer comparison (4 + 1 + 4 + 1 + 4).
serialq_add_cli_test(NAME report_sweep_html ARGS report ${wf_out}/bandwidth --out ${wf_out}/bandwidth.html
  EXIT 0 STDOUT "^report: 14 figures -> .*bandwidth.html\n$")
serialq_add_cli_test(NAME report_sweep_md ARGS report ${wf_out}/bandwidth --out ${wf_out}/md/bandwidth.md
  EXIT 0 STDOUT "^report: 14 figures -> .*bandwidth.md \\(figures beside it\\)\n$")
set_tests_properties(cli:report_sweep_html cli:report_sweep_md PROPERTIES FIXTURES_REQUIRED wf_bandwidth)

# The same sweep from a YAML file, sharded in two and merged.
foreach(i 0 1)
  serialq_add_cli_test(NAME sweep_yaml_shard${i} ARGS sweep tests/data/workflow/cli-sweep.yaml
    --shard ${i}/2 --out ${wf_out}/shard${i} EXIT 0 STDOUT "^sweep: 3 points \\(shard ${i}/2 of 6\\)")
  set_tests_properties(cli:sweep_yaml_shard${i} PROPERTIES FIXTURES_SETUP wf_shards)
endforeach()
serialq_add_cli_test(NAME sweep_merge ARGS sweep merge ${wf_out}/shard0 ${wf_out}/shard1
  --out ${wf_out}/merged EXIT 0 STDOUT "^sweep merge: 6 points from 2 shards, 30 rows -> ")
set_tests_properties(cli:sweep_merge PROPERTIES FIXTURES_REQUIRED wf_shards)
serialq_add_cli_test(NAME sweep_merge_missing_shard ARGS sweep merge ${wf_out}/shard0
  --out ${wf_out}/merged-partial EXIT 1 ONE_LINE_ERROR
  STDERR "3 of 6 points missing \\(the first is point 1\\)")
set_tests_properties(cli:sweep_merge_missing_shard PROPERTIES FIXTURES_REQUIRED wf_shards)

# Side by side: several bit assignments from `serialq sim`, then their report.
serialq_add_cli_test(NAME sim_json_for_report ARGS sim --trace traces/lenet.yaml --bits uniform:8
  --bits uniform:4 --bits 8,4,4,8 --model analytic --format json --out ${wf_out}/sim-lenet.json EXIT 0)
set_tests_properties(cli:sim_json_for_report PROPERTIES FIXTURES_SETUP wf_sim)
serialq_add_cli_test(NAME report_sim ARGS report ${wf_out}/sim-lenet.json --out ${wf_out}/sim-lenet.html
  EXIT 0 STDOUT "^report: 8 figures -> ")
set_tests_properties(cli:report_sim PROPERTIES FIXTURES_REQUIRED wf_sim)

# Bad --set keys and values: one line naming the key and what was expected.
serialq_add_cli_test(NAME sweep_bad_key ARGS sweep --accel configs/accel/stripes.yaml --set tile=8,16
  --trace traces/lenet.yaml --out ${wf_out}/bad EXIT 1 ONE_LINE_ERROR
  STDERR "unknown key 'tile', expected one of .*tiles")
serialq_add_cli_test(NAME sweep_bad_nested_key ARGS sweep --accel configs/accel/stripes.yaml
  --set off_chip.bandwidth=8 --trace traces/lenet.yaml --out ${wf_out}/bad EXIT 1 ONE_LINE_ERROR
  STDERR "off_chip.bandwidth_gb_per_s")
serialq_add_cli_test(NAME sweep_bad_value ARGS sweep --accel configs/accel/stripes.yaml
  --set tiles=8,many --trace traces/lenet.yaml --out ${wf_out}/bad EXIT 1 ONE_LINE_ERROR
  STDERR "tiles: found 'many'")
serialq_add_cli_test(NAME sweep_value_out_of_range ARGS sweep --accel configs/accel/stripes.yaml
  --set tiles=0 --trace traces/lenet.yaml --out ${wf_out}/bad EXIT 1 ONE_LINE_ERROR
  STDERR "tiles: found '0', expected an integer in 1..4096")
serialq_add_cli_test(NAME sweep_set_without_value ARGS sweep --accel configs/accel/stripes.yaml
  --set tiles --trace traces/lenet.yaml --out ${wf_out}/bad EXIT 1 ONE_LINE_ERROR
  STDERR "--set: found 'tiles', expected key=value")
serialq_add_cli_test(NAME sweep_bad_bits ARGS sweep --accel configs/accel/stripes.yaml
  --trace traces/lenet.yaml --bits 8,4,4 --out ${wf_out}/bad EXIT 1 ONE_LINE_ERROR
  STDERR "--bits: found 3 bitwidths, expected 4")
serialq_add_cli_test(NAME sweep_bad_model ARGS sweep --accel configs/accel/stripes.yaml
  --trace traces/lenet.yaml --model fast --out ${wf_out}/bad EXIT 2 ONE_LINE_ERROR
  STDERR "--model: found 'fast', expected one of analytic, cycle")
serialq_add_cli_test(NAME sweep_bad_shard ARGS sweep --accel configs/accel/stripes.yaml
  --trace traces/lenet.yaml --shard 2/2 --out ${wf_out}/bad EXIT 1 ONE_LINE_ERROR
  STDERR "--shard: found '2/2', expected i/N with 0 <= i < N")
serialq_add_cli_test(NAME sweep_no_out ARGS sweep --accel configs/accel/stripes.yaml
  --trace traces/lenet.yaml EXIT 2 ONE_LINE_ERROR STDERR "'--out' is required")
serialq_add_cli_test(NAME sweep_bad_yaml_key ARGS sweep tests/data/workflow/unknown-key.yaml
  --out ${wf_out}/bad EXIT 1 ONE_LINE_ERROR STDERR "unknown-key.yaml:3: bitz: unknown key")

# Reports of what is not a serialq output.
serialq_add_cli_test(NAME report_not_an_output ARGS report traces --out ${wf_out}/x.html EXIT 1
  ONE_LINE_ERROR STDERR "traces: found neither sweep.json nor episodes.csv")
serialq_add_cli_test(NAME report_bad_format ARGS report traces --format pdf EXIT 2 ONE_LINE_ERROR
  STDERR "--format: found 'pdf', expected one of html, md")
serialq_add_cli_test(NAME report_not_json ARGS report tests/data/workflow/not-json.json EXIT 1
  ONE_LINE_ERROR STDERR "not-json.json: not valid JSON")

serialq_cli_tests_require(wf_clean "^cli:(sweep|report|sim_json)")

# One design through every output (sim CSV and JSON, a sweep, a search's best.json, episodes.csv
# and pareto.json): the same figure names and the same values, column for column.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
add_test(NAME cli:outputs_agree
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/outputs_agree.py $<TARGET_FILE:serialq>
    ${wf_out}/agree
  WORKING_DIRECTORY ${SERIALQ_SOURCE_DIR})
set_tests_properties(cli:outputs_agree PROPERTIES FIXTURES_REQUIRED wf_clean
  PASS_REGULAR_EXPRESSION "^agree: 32 figures x 5 rows")
# docs/formats.md's table of figures is what `serialq figures` prints from sim/figures.hpp.
add_test(NAME cli:figures_documented
  COMMAND ${Python3_EXECUTABLE} -c "import subprocess, sys; t = subprocess.run([sys.argv[1], 'figures'], capture_output=True, text=True, check=True).stdout; sys.exit(0 if t in open('docs/formats.md').read() else 'docs/formats.md: its table of figures is not what serialq figures prints; paste the output in')"
    $<TARGET_FILE:serialq>
  WORKING_DIRECTORY ${SERIALQ_SOURCE_DIR})

# serialq sim: reports on every shipped trace x accelerator, the output formats, and every misuse
# as a one-line error. Most runs name --model analytic so that they test this command's wiring;
# the cycle-level model's runs are in its own tests.

# AlexNet with ReLeQ's bits on the default accelerator (Stripes, weights serial). conv1's row is
# the hand computation of tests/sim/laws_stripes_test.cpp: 34960 compute + 1282 stall + 3, the
# weights resident.
serialq_add_cli_test(NAME sim_alexnet_table
  ARGS sim --trace traces/alexnet.yaml --bits 8,4,4,4,4,4,4,8 --model analytic EXIT 0
  STDOUT "^network alexnet \\(traces/alexnet.yaml\\) on stripes \\(configs/accel/stripes.yaml\\), analytic model\nbaseline: uniform:8 on stripes: [0-9]+ cycles, [0-9.]+ pJ\nresident weights: 8 of 8 layers, loaded once: [0-9]+ bits, [0-9]+ cycles, [0-9.]+ pJ \\(not in the figures below\\)\nbits: 8,4,4,4,4,4,4,8; act_bits: 16,16,16,16,16,16,16,16\n\nlayer +layer_index +weight_layer +layer_bits +layer_act_bits +weights_resident +macs +compute_cycles +stall_cycles +total_cycles +time_us +utilization +energy_pj .* speedup +energy_reduction\n-+ .*\nconv1 +0 +0 +8 +16 +1 +105415200 +34960 +1282 +36245 .* 1.000 +1.000\n.*\ntotal +- +- +- +16 +- +724406816 ")

# Every shipped trace on every shipped accelerator.
foreach(accel stripes stripes-act loom dadiannao)
  foreach(trace lenet simplenet svhn svhn-dorefa vgg11 resnet20 alexnet alexnet-dorefa mobilenet-v1 resnet18 resnet50)
    serialq_add_cli_test(NAME sim_${trace}_on_${accel}
      ARGS sim --trace traces/${trace}.yaml --accel configs/accel/${accel}.yaml --bits uniform:4
        --model analytic --format csv
      EXIT 0 STDOUT "^run,bits_spec,act_bits_spec,layer,layer_index,weight_layer,layer_bits,layer_act_bits,weights_resident,macs,compute_cycles,.*\n1,uniform:4,,total,,,4,16,,[0-9]+,")
  endforeach()
endforeach()

serialq_add_cli_test(NAME sim_csv_columns
  ARGS sim --trace traces/lenet.yaml --bits 8,4,4,8 --model analytic --format csv EXIT 0
  STDOUT "^run,bits_spec,act_bits_spec,layer,layer_index,weight_layer,layer_bits,layer_act_bits,weights_resident,macs,compute_cycles,stall_cycles,total_cycles,time_us,utilization,energy_pj,sip_lanes_pj,adder_trees_pj,accumulators_pj,weight_buffer_pj,activation_memory_pj,off_chip_pj,static_pj,weight_buffer_read_bits,weight_buffer_write_bits,activation_memory_read_bits,activation_memory_write_bits,off_chip_read_bits,off_chip_write_bits,mean_weight_bits,network_order_cycles,baseline_total_cycles,baseline_energy_pj,speedup,energy_reduction\n1,\"8,4,4,8\",,conv1,0,0,8,16,1,288000,")
serialq_add_cli_test(NAME sim_json
  ARGS sim --trace traces/lenet.yaml --bits 8,4,4,8 --model analytic --format json
    --set off_chip.bandwidth_gb_per_s=128 EXIT 0
  STDOUT "^{\n  \"command\": \"sim\",\n  \"network\": \"lenet\",\n  \"trace\": \"traces/lenet.yaml\",\n  \"model\": \"analytic\",\n  \"accelerator\": {\n    \"file\": \"configs/accel/stripes.yaml\",\n    \"overrides\": {\n      \"off_chip.bandwidth_gb_per_s\": \"128\"\n    },\n    \"values\": {\n      \"name\": \"stripes\",.*\"tiles\": 16,.*\"off_chip.bandwidth_gb_per_s\": 128,.*\"baseline\": {\n    \"spec\": \"uniform:8\",.*\"bits\": \\[\n    8,\n    4,\n    4,\n    8\n  \\],\n  \"act_bits_spec\": \"\",\n  \"act_bits\": \\[\n    16,.*\"layers\": \\[\n    {\n      \"layer\": \"conv1\",\n      \"layer_index\": 0,\n      \"weight_layer\": 0,\n      \"layer_bits\": 8,\n      \"layer_act_bits\": 16,\n      \"weights_resident\": 1,\n      \"macs\": [0-9]+,.*\"total_cycles\": [0-9]+,.*\"energy_pj\": [0-9.e+]+,.*\"speedup\": 1.0,\n      \"energy_reduction\": 1.0\n    },.*\"total\": {\n    \"layer\": \"total\",\n    \"layer_index\": null,.*\"runs\": \\[")
serialq_add_cli_test(NAME sim_compare_several_bits
  ARGS sim --trace traces/lenet.yaml --bits uniform:8 --bits uniform:4 --bits 8,2,2,8 --model analytic EXIT 0
  STDOUT "\\[1\\] uniform:8\n\\[2\\] uniform:4\n\\[3\\] 8,2,2,8\n\nlayer_index +layer +baseline_total_cycles +baseline_energy_pj +\\[1\\]layer_bits +\\[1\\]total_cycles +\\[1\\]energy_pj +\\[1\\]speedup +\\[1\\]energy_reduction +\\[2\\]layer_bits .*\\[3\\]energy_reduction\n.*\n +0 +conv1 +[0-9]+ +[0-9.]+ +8 +[0-9]+ +[0-9.]+ +1.000 +1.000 +4 ")
serialq_add_cli_test(NAME sim_baseline_dadiannao
  ARGS sim --trace traces/alexnet.yaml --bits uniform:16 --accel configs/accel/stripes-act.yaml
    --baseline configs/accel/dadiannao.yaml --model analytic EXIT 0
  STDOUT "baseline: dadiannao \\(configs/accel/dadiannao.yaml\\) at 16 bits: [0-9]+ cycles")
serialq_add_cli_test(NAME sim_set_override
  ARGS sim --trace traces/lenet.yaml --bits uniform:4 --set tiles=8 --set serial=activations --model analytic EXIT 0
  STDOUT "\noverride tiles=8: stripes and the baseline \\(stripes\\)\noverride serial=activations: stripes and the baseline \\(stripes\\)\n")
# Both operands' precisions per layer: with the activations serial, --act-bits sets the cycles.
serialq_add_cli_test(NAME sim_act_bits
  ARGS sim --trace traces/lenet.yaml --bits uniform:16 --act-bits 8,4,4,8
    --accel configs/accel/stripes-act.yaml --baseline configs/accel/dadiannao.yaml --model analytic EXIT 0
  STDOUT "bits: 16,16,16,16; act_bits: 8,4,4,8\n.*\nconv2 +2 +1 +16 +4 +1 +1600000 +512 ")
serialq_add_cli_test(NAME sim_act_bits_per_run
  ARGS sim --trace traces/lenet.yaml --bits uniform:8 --bits uniform:4 --act-bits uniform:8
    --act-bits uniform:4 --accel configs/accel/loom.yaml --model analytic EXIT 0
  STDOUT "\\[1\\] uniform:8, act_bits uniform:8\n\\[2\\] uniform:4, act_bits uniform:4\n")
serialq_add_cli_test(NAME sim_act_bits_range
  ARGS sim --trace traces/lenet.yaml --bits uniform:8 --act-bits 8,17,4,4 EXIT 1
  ONE_LINE_ERROR STDERR "^serialq sim: error: --act-bits: found 17 bits, expected 1..16\n$")
serialq_add_cli_test(NAME sim_act_bits_count
  ARGS sim --trace traces/lenet.yaml --bits uniform:8 --bits uniform:4 --bits uniform:2
    --act-bits uniform:8 --act-bits uniform:4 EXIT 2
  ONE_LINE_ERROR STDERR "--act-bits: found 2 assignments for 3 --bits, expected one or one per --bits")
# Batches: the figures are the batch's; the header gives them per inference.
serialq_add_cli_test(NAME sim_batch
  ARGS sim --trace traces/lenet.yaml --bits 8,4,4,8 --batch 16 --model analytic EXIT 0
  STDOUT "override batch=16: stripes and the baseline \\(stripes\\)\n.*batch 16: per inference [0-9.]+ cycles, [0-9.]+ pJ")
serialq_add_cli_test(NAME sim_batch_zero
  ARGS sim --trace traces/lenet.yaml --bits 8,4,4,8 --batch 0 EXIT 1
  ONE_LINE_ERROR STDERR "batch: found '0', expected an integer in 1..4096")
# --set reaches a baseline file whose value of the key is the run's (it used to be silently
# dropped) and says so; a field the designs differ in stays the run's; --baseline-set reaches
# the baseline alone.
serialq_add_cli_test(NAME sim_set_reaches_baseline_file
  ARGS sim --trace traces/lenet.yaml --bits uniform:16 --accel configs/accel/stripes-act.yaml
    --baseline configs/accel/dadiannao.yaml --set off_chip.bandwidth_gb_per_s=64 --model analytic
    --format json EXIT 0
  STDOUT "\"baseline\": {\n    \"spec\": \"configs/accel/dadiannao.yaml\",\n    \"label\": [^\n]*\n    \"overrides\": {\n      \"off_chip.bandwidth_gb_per_s\": \"64\"\n    },\n    \"overrides_not_applied\": \\[\\],\n    \"accelerator\": {.*\"off_chip.bandwidth_gb_per_s\": 64,")
serialq_add_cli_test(NAME sim_set_says_which_designs
  ARGS sim --trace traces/lenet.yaml --bits uniform:16 --accel configs/accel/stripes-act.yaml
    --baseline configs/accel/dadiannao.yaml --set energy.lane_pj=0.02
    --set off_chip.bandwidth_gb_per_s=64 --baseline-set clock_ghz=0.606 --model analytic EXIT 0
  STDOUT "override energy.lane_pj=0.02: stripes-act; not the baseline \\(dadiannao\\), whose own value differs\noverride off_chip.bandwidth_gb_per_s=64: stripes-act and the baseline \\(dadiannao\\)\noverride clock_ghz=0.606: the baseline \\(dadiannao\\) alone\nbaseline: dadiannao \\(configs/accel/dadiannao.yaml\\) at 16 bits with --baseline-set: ")
# A field that defines the design does not turn the baseline into another design.
serialq_add_cli_test(NAME sim_set_keeps_baseline_design
  ARGS sim --trace traces/lenet.yaml --bits uniform:16 --set serial=activations
    --baseline configs/accel/dadiannao.yaml --model analytic --format json EXIT 0
  STDOUT "\"overrides_not_applied\": \\[\n      \"serial\"\n    \\],\n    \"accelerator\": {.*\"serial\": \"none\",")
# A batch is the workload's: it reaches a baseline whatever its file says.
serialq_add_cli_test(NAME sim_batch_reaches_any_baseline
  ARGS sim --trace traces/lenet.yaml --bits uniform:8 --set batch=4
    --baseline tests/data/sim/minimal-dadiannao.yaml --model analytic EXIT 0
  STDOUT "override batch=4: stripes and the baseline \\(minimal-dadiannao\\)\n")
serialq_add_cli_test(NAME sim_baseline_set_own_accelerator
  ARGS sim --trace traces/lenet.yaml --bits 8,4,4,8 --baseline-set off_chip.bandwidth_gb_per_s=32
    --model analytic EXIT 0
  STDOUT "override off_chip.bandwidth_gb_per_s=32: the baseline \\(stripes\\) alone\nbaseline: uniform:8 on stripes with --baseline-set: ")
serialq_add_cli_test(NAME sim_baseline_set_bad_key
  ARGS sim --trace traces/lenet.yaml --bits 8,4,4,8 --baseline-set off_chip.bandwdth=32 EXIT 1
  ONE_LINE_ERROR STDERR "configs/accel/stripes.yaml: override off_chip.bandwdth: unknown key 'bandwdth'")
serialq_add_cli_test(NAME sim_help ARGS sim --help EXIT 0 STDOUT "usage: serialq sim --trace")

# Misuse: one line naming the option or file, the field and what was expected.
serialq_add_cli_test(NAME sim_bits_count ARGS sim --trace traces/lenet.yaml --bits 8,8 EXIT 1
  ONE_LINE_ERROR STDERR "^serialq sim: error: --bits: found 2 bitwidths, expected 4 \\(one per conv/fc layer\\) or uniform:N\n$")
serialq_add_cli_test(NAME sim_bits_range ARGS sim --trace traces/lenet.yaml --bits uniform:17 EXIT 1
  ONE_LINE_ERROR STDERR "^serialq sim: error: --bits: found 17 bits, expected 1..16\n$")
serialq_add_cli_test(NAME sim_bits_zero ARGS sim --trace traces/lenet.yaml --bits 8,0,4,4 EXIT 1
  ONE_LINE_ERROR STDERR "--bits: found 0 bits, expected 1..16")
serialq_add_cli_test(NAME sim_bits_word ARGS sim --trace traces/lenet.yaml --bits 8,four,4,4 EXIT 1
  ONE_LINE_ERROR STDERR "--bits: found 'four', expected a bitwidth")
serialq_add_cli_test(NAME sim_bits_range_of_accel
  ARGS sim --trace traces/lenet.yaml --bits uniform:9 --set max_bits=8 EXIT 1
  ONE_LINE_ERROR STDERR "--bits: found 9 bits, expected 1..8")
serialq_add_cli_test(NAME sim_accel_unknown_key
  ARGS sim --trace traces/lenet.yaml --bits uniform:4 --accel tests/data/sim/unknown-key.yaml EXIT 1
  ONE_LINE_ERROR STDERR "^serialq sim: error: tests/data/sim/unknown-key.yaml:6: off_chip.latncy_ns: unknown key, expected one of bandwidth_gb_per_s, latency_ns\n$")
serialq_add_cli_test(NAME sim_accel_malformed
  ARGS sim --trace traces/lenet.yaml --bits uniform:4 --accel tests/data/sim/malformed.yaml EXIT 1
  ONE_LINE_ERROR STDERR "tests/data/sim/malformed.yaml:3:[0-9]+: not valid YAML")
serialq_add_cli_test(NAME sim_accel_out_of_range
  ARGS sim --trace traces/lenet.yaml --bits uniform:4 --accel tests/data/sim/out-of-range.yaml EXIT 1
  ONE_LINE_ERROR STDERR "tests/data/sim/out-of-range.yaml:3: max_bits: found '24', expected an integer in 1..16")
serialq_add_cli_test(NAME sim_accel_inconsistent
  ARGS sim --trace traces/lenet.yaml --bits uniform:4 --accel tests/data/sim/inconsistent.yaml EXIT 1
  ONE_LINE_ERROR STDERR "inconsistent.yaml:4: max_bits: found 12, expected at most activation_bits \\(8\\)")
serialq_add_cli_test(NAME sim_accel_missing
  ARGS sim --trace traces/lenet.yaml --bits uniform:4 --accel configs/accel/no-such.yaml EXIT 1
  ONE_LINE_ERROR STDERR "configs/accel/no-such.yaml: cannot open file")
serialq_add_cli_test(NAME sim_set_unknown_key
  ARGS sim --trace traces/lenet.yaml --bits uniform:4 --set off_chip.bandwdth=3 EXIT 1
  ONE_LINE_ERROR STDERR "configs/accel/stripes.yaml: override off_chip.bandwdth: unknown key 'bandwdth' in 'off_chip', expected one of off_chip.bandwidth_gb_per_s, off_chip.latency_ns")
serialq_add_cli_test(NAME sim_set_bad_value
  ARGS sim --trace traces/lenet.yaml --bits uniform:4 --set tiles=0 EXIT 1
  ONE_LINE_ERROR STDERR "tiles: found '0', expected an integer in 1..4096")
serialq_add_cli_test(NAME sim_set_no_equals
  ARGS sim --trace traces/lenet.yaml --bits uniform:4 --set tiles EXIT 1
  ONE_LINE_ERROR STDERR "--set: found 'tiles', expected key=value")
# A trace whose MAC count wrapped around printed negative MACs, cycles and energy with exit 0
# (issue 16); the trace loader now refuses it.
serialq_add_cli_test(NAME sim_trace_macs_overflow
  ARGS sim --trace tests/data/traces-bad/macs-overflow.yaml --bits uniform:8 --model analytic
  EXIT 1 ONE_LINE_ERROR STDERR "macs-overflow.yaml:6: layers\\[0\\]\\(conv1\\): found more MACs")
# A spilled layer whose off-chip bits pass 64 bits printed them negative with exit 0 (issue 16).
serialq_add_cli_test(NAME sim_figure_overflow
  ARGS sim --trace tests/data/sim/spill-overflow.yaml --bits uniform:8 --model analytic
       --set tiles=1 --set filters_per_tile=1 --set windows_per_tile=1
       --set weight_buffer.capacity_bytes=32768 --batch 4096
  EXIT 1 ONE_LINE_ERROR
  STDERR "layer 0 \\(conv1\\) on stripes: off_chip_read_bits: found more than a 64-bit count holds")
serialq_add_cli_test(NAME sim_trace_missing
  ARGS sim --trace traces/no-such.yaml --bits uniform:4 EXIT 1
  ONE_LINE_ERROR STDERR "traces/no-such.yaml: cannot open file")
serialq_add_cli_test(NAME sim_baseline_bad
  ARGS sim --trace traces/lenet.yaml --bits uniform:4 --baseline uniform:x EXIT 1
  ONE_LINE_ERROR STDERR "--baseline: found 'uniform:x', expected uniform:N, an accelerator YAML, or YAML@N")
serialq_add_cli_test(NAME sim_baseline_range
  ARGS sim --trace traces/lenet.yaml --bits uniform:4 --baseline uniform:17 EXIT 1
  ONE_LINE_ERROR STDERR "--baseline \\(stripes\\): found 17 bits, expected 1..16")
serialq_add_cli_test(NAME sim_baseline_missing
  ARGS sim --trace traces/lenet.yaml --bits uniform:4 --baseline configs/accel/none.yaml EXIT 1
  ONE_LINE_ERROR STDERR "configs/accel/none.yaml: cannot open file")
serialq_add_cli_test(NAME sim_bad_model
  ARGS sim --trace traces/lenet.yaml --bits uniform:4 --model rtl EXIT 2
  ONE_LINE_ERROR STDERR "--model: found 'rtl', expected one of cycle, analytic")
serialq_add_cli_test(NAME sim_bad_format
  ARGS sim --trace traces/lenet.yaml --bits uniform:4 --format xml EXIT 2
  ONE_LINE_ERROR STDERR "--format: found 'xml', expected one of table, csv, json")
serialq_add_cli_test(NAME sim_missing_bits ARGS sim --trace traces/lenet.yaml EXIT 2
  ONE_LINE_ERROR STDERR "the option '--bits' is required")
serialq_add_cli_test(NAME sim_missing_trace ARGS sim --bits uniform:4 EXIT 2
  ONE_LINE_ERROR STDERR "the option '--trace' is required")
serialq_add_cli_test(NAME sim_unknown_option ARGS sim --trace traces/lenet.yaml --bits uniform:4 --tiles 4 EXIT 2
  ONE_LINE_ERROR STDERR "unrecognised option '--tiles'")
# --out writes the file (atomically, common/atomic_file.hpp) and nothing to stdout.
serialq_add_cli_test(NAME sim_out_file
  ARGS sim --trace traces/lenet.yaml --bits uniform:4 --model analytic --format json
    --out ${CMAKE_CURRENT_BINARY_DIR}/sim-out/lenet.json
  EXIT 0 STDOUT "^$")
# --vcd: the signals of one layer of the first --bits run, for GTKWave. LeNet conv2 at 4 bits
# runs as pass 0 with 50 x 16 = 800 SIPs busy (tests/sim/systemc_vcd_test.cpp checks the values).
serialq_add_cli_test(NAME sim_vcd
  ARGS sim --trace traces/lenet.yaml --bits uniform:4 --bits uniform:8 --model cycle
    --vcd ${CMAKE_CURRENT_BINARY_DIR}/sim-lenet-conv2.vcd --vcd-layer conv2
  EXIT 0 STDOUT "\\[1\\] uniform:4"
  FILE ${CMAKE_CURRENT_BINARY_DIR}/sim-lenet-conv2.vcd
  FILE_MATCHES "\\$timescale.*\\$var wire +32 +[a-z]+ +pass .*\\$var wire +1 +[a-z]+ +array_stalled .*\\$var wire +32 +[a-z]+ +active_sips .*\\$enddefinitions.*\nb1100100000 [a-z]+\n")
serialq_add_cli_test(NAME sim_vcd_unknown_layer
  ARGS sim --trace traces/lenet.yaml --bits uniform:4 --model cycle --vcd ${CMAKE_CURRENT_BINARY_DIR}/x.vcd --vcd-layer conv9
  EXIT 1 ONE_LINE_ERROR STDERR "traces/lenet.yaml: --vcd-layer: found 'conv9', expected a conv or fc layer of lenet \\(only they run on the array\\): conv1, conv2, fc1, fc2")
# A pool does not run on the array: it wrote an empty VCD and exited 0 (issue 18).
serialq_add_cli_test(NAME sim_vcd_pool_layer
  ARGS sim --trace traces/lenet.yaml --bits uniform:4 --vcd ${CMAKE_CURRENT_BINARY_DIR}/pool.vcd --vcd-layer pool1
  EXIT 1 ONE_LINE_ERROR STDERR "--vcd-layer: found 'pool1', expected a conv or fc layer of lenet")
# SystemC's "Info: (I703) tracing timescale unit set" went to stdout, into the CSV (issue 18);
# --vcd alone picks the cycle model.
serialq_add_cli_test(NAME sim_vcd_csv_on_stdout
  ARGS sim --trace traces/lenet.yaml --bits uniform:4 --format csv
    --vcd ${CMAKE_CURRENT_BINARY_DIR}/csv.vcd --vcd-layer conv1
  EXIT 0 STDOUT "^run,bits_spec,[^\n]*\n1,uniform:4,,conv1,.*\n1,uniform:4,,total,[^\n]*\n$"
  STDERR "^Info: \\(I703\\) tracing timescale unit set")
serialq_add_cli_test(NAME sim_vcd_table_says_cycle
  ARGS sim --trace traces/lenet.yaml --bits uniform:4 --vcd ${CMAKE_CURRENT_BINARY_DIR}/t.vcd --vcd-layer conv1
  EXIT 0 STDOUT "^network lenet \\(traces/lenet.yaml\\) on [^\n]*, cycle model\n")
# One default model for sim, sweep and search (sim::kDefaultModel); sim's was cycle (issue 18).
serialq_add_cli_test(NAME sim_default_model
  ARGS sim --trace traces/lenet.yaml --bits uniform:4
  EXIT 0 STDOUT "^network lenet \\(traces/lenet.yaml\\) on [^\n]*, analytic model\n")
# Boost guessed --bit as --bits (issue 18): option names are exact.
serialq_add_cli_test(NAME sim_abbreviated_option
  ARGS sim --trace traces/lenet.yaml --bit uniform:4
  EXIT 2 ONE_LINE_ERROR STDERR "unrecognised option '--bit'")
serialq_add_cli_test(NAME search_abbreviated_option
  ARGS search --episode 3 --out ${CMAKE_CURRENT_BINARY_DIR}/never
  EXIT 2 ONE_LINE_ERROR STDERR "unrecognised option '--episode'")
serialq_add_cli_test(NAME sim_vcd_needs_cycle_model
  ARGS sim --trace traces/lenet.yaml --bits uniform:4 --model analytic --vcd x.vcd --vcd-layer conv2
  EXIT 2 ONE_LINE_ERROR STDERR "--vcd: found --model analytic, expected --model cycle")
serialq_add_cli_test(NAME sim_vcd_needs_layer
  ARGS sim --trace traces/lenet.yaml --bits uniform:4 --model cycle --vcd x.vcd
  EXIT 2 ONE_LINE_ERROR STDERR "--vcd and --vcd-layer go together")
serialq_add_cli_test(NAME sim_vcd_unwritable
  ARGS sim --trace traces/lenet.yaml --bits uniform:4 --model cycle --vcd /nonexistent-dir/x.vcd --vcd-layer conv2
  EXIT 1 ONE_LINE_ERROR STDERR "/nonexistent-dir/x.vcd: cannot open for writing \\(--vcd\\)")

# Every accelerator key, from the declaration the reader uses; needs none of sim's required options.
serialq_add_cli_test(NAME sim_config_keys ARGS sim --config-keys EXIT 0
  STDOUT "^Keys of an accelerator YAML .*\n  tiles = 16  \\(1..4096\\)\n.*  activation_memory.capacity_bytes = 4194304  \\(1..1099511627776\\)\n      capacity, shared\n")
serialq_add_cli_test(NAME sim_config_keys_bad_format ARGS sim --config-keys=xml EXIT 2 ONE_LINE_ERROR
  STDERR "--config-keys: found 'xml', expected one of text, md")

# A kernel-wise file (issue 17): each layer at its widest kernel in layer_bits, the filters' mean
# in mean_weight_bits, the file's activation bits; --act-bits beside it is refused.
serialq_add_cli_test(NAME sim_kernel_bits_file
  ARGS sim --trace traces/lenet.yaml --accel configs/accel/loom.yaml --model analytic --bits tests/data/quant/lenet-kernel-bits.json --format csv
  EXIT 0 STDOUT "\n1,tests/data/quant/lenet-kernel-bits.json,,conv2,2,1,4,6,.*,3.6,[0-9]+,")
serialq_add_cli_test(NAME sim_kernel_bits_file_act_bits
  ARGS sim --trace traces/lenet.yaml --bits tests/data/quant/lenet-kernel-bits.json --act-bits uniform:8
  EXIT 2 ONE_LINE_ERROR STDERR "--act-bits: --bits tests/data/quant/lenet-kernel-bits.json is kernel-wise and holds its own activation bits")

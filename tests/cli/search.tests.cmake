# serialq search: every strategy and every reward on ReLeQ's measured LeNet table (fast, no
# training), reproducibility and exact resume, and one-line errors on bad input. No test writes
# an oracle cache (--no-cache) or anything in the source tree (outputs under the build tree).

set(search_out ${CMAKE_CURRENT_BINARY_DIR}/search)
# A search into a directory holding an earlier run's outputs is refused without --resume: every
# run of these tests starts from an empty directory (as the workflow tests do).
add_test(NAME cli:search_clean COMMAND ${CMAKE_COMMAND} -E rm -rf ${search_out})
set_tests_properties(cli:search_clean PROPERTIES FIXTURES_SETUP search_clean)
set(search_table table:tests/data/quant/releq-lenet-mnist-accuracy.csv)
set(search_common --trace traces/lenet.yaml --oracle ${search_table}
  --config configs/search/releq-lenet-table.yaml --no-cache --quiet)
set(search_report "chosen bits: conv1 [2-8], conv2 [2-8], fc1 [2-8], fc2 [2-8] .*accuracy: [0-9.]+ % \\(full precision 99.80 %\\)\nagainst 8 bits on every layer: speedup [0-9.]+x .*energy reduction [0-9.]+x")

foreach(strategy ppo adrl haq random)
  serialq_add_cli_test(NAME search_${strategy} ARGS search ${search_common} --strategy ${strategy}
    --episodes 40 --seed 5 --out ${search_out}/${strategy} EXIT 0
    STDOUT "^search: ${strategy} on lenet .*episodes 40, distinct oracle calls [0-9]+.*${search_report}")
endforeach()
serialq_add_cli_test(NAME search_exhaustive ARGS search ${search_common} --strategy exhaustive
  --out ${search_out}/exhaustive EXIT 0
  STDOUT "episodes 625, distinct oracle calls 625,.*${search_report}.*frontier of the 625 configurations evaluated \\(most accurate first; 10 of 18, all in pareto.json\\):\n  bits +accuracy_percent  speedup  energy_reduction\n  3,8,8,5 +99.85 +1.24x +1.03x\n.*  3,2,3,3 +98.80 +2.84x +2.20x  chosen\n  2,2,3,3 +98.65 +3.11x +2.23x  knee\n")
foreach(reward releq ratio difference latency energy)
  serialq_add_cli_test(NAME search_reward_${reward} ARGS search ${search_common}
    --objective reward --reward ${reward} --episodes 12 --out ${search_out}/reward-${reward} EXIT 0
    STDOUT "objective: highest reward \\(${reward}\\), .*${search_report}")
endforeach()
serialq_add_cli_test(NAME search_cycle_model ARGS search ${search_common} --model cycle
  --strategy random --episodes 5 --out ${search_out}/cycle EXIT 0 STDOUT "stripes \\(cycle\\)")
serialq_add_cli_test(NAME search_progress ARGS search --trace traces/lenet.yaml
  --oracle ${search_table} --config configs/search/releq-lenet-table.yaml --no-cache
  --episodes 10 --out ${search_out}/progress EXIT 0
  STDERR "^(\\[[#.]+\\] [0-9]+/10  best [2-8],[2-8],[2-8],[2-8]: [0-9.]+ %, [0-9.]+x faster, [0-9.]+x less energy  \\(oracle calls [0-9]+\\)\n)+$")

# Same seed -> identical files; killed... stopped and resumed -> identical to one run.
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/search_same.cmake [=[
# Runs serialq search in several ways and compares the output files byte by byte.
string(REPLACE "@@" ";" COMMON "${COMMON}")
function(run dir episodes)
  execute_process(COMMAND ${EXE} search ${COMMON} --episodes ${episodes} --out ${OUT}/${dir} ${ARGN}
    RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_QUIET)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "serialq search into ${dir} (${ARGN}): exit ${rc}: ${err}")
  endif()
endfunction()
function(same a b)
  foreach(f episodes.csv action_probabilities.csv best.json pareto.json checkpoint.bin)
    execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT}/${a}/${f} ${OUT}/${b}/${f}
      RESULT_VARIABLE differ)
    if(differ)
      message(FATAL_ERROR "${a}/${f} and ${b}/${f} differ")
    endif()
  endforeach()
endfunction()
file(REMOVE_RECURSE ${OUT})
run(first 30)
run(again 30)
same(first again)
run(other-seed 30 --seed 2)
file(READ ${OUT}/first/episodes.csv a)
file(READ ${OUT}/other-seed/episodes.csv b)
if(a STREQUAL b)
  message(FATAL_ERROR "seeds 1 and 2 gave the same episodes")
endif()
# 17 episodes, then resumed to 30 (the checkpoint inside: every 50 by default, and at the end).
run(parts 17)
run(parts 30 --resume)
same(first parts)
# Resumed with none of the run's options: they come from the checkpoint.
run(parts-bare 17)
execute_process(COMMAND ${EXE} search --episodes 30 --out ${OUT}/parts-bare --resume --quiet
  RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "bare --resume: exit ${rc}: ${err}")
endif()
same(first parts-bare)
message(STATUS "same seed: identical; stopped at 17 and resumed (with or without the options): identical to one run of 30")
]=])
string(REPLACE ";" "@@" search_common_escaped "--trace;traces/lenet.yaml;--oracle;${search_table};--config;configs/search/releq-lenet-table.yaml;--no-cache;--quiet")
add_test(NAME cli:search_same_seed_and_resume
  COMMAND ${CMAKE_COMMAND} -DEXE=$<TARGET_FILE:serialq> -DOUT=${search_out}/same
    "-DCOMMON=${search_common_escaped}" -P ${CMAKE_CURRENT_BINARY_DIR}/search_same.cmake
  WORKING_DIRECTORY ${SERIALQ_SOURCE_DIR})
set_tests_properties(cli:search_same_seed_and_resume PROPERTIES TIMEOUT 600)

# Every configuration key, from the same declaration the reader uses.
serialq_add_cli_test(NAME search_config_keys ARGS search --config-keys EXIT 0
  STDOUT "^Keys of serialq search --config FILE .*\n  accuracy_feedback = episode  \\(episode, step\\)\n.*  ppo.clip = 0.1  \\(\\(0, 1\\)\\)\n      ε of the probability-ratio clip\n")

# Bad input: one line, exit 1 (bad files and values) or 2 (misused command line).
serialq_add_cli_test(NAME search_bad_strategy ARGS search --strategy annealing EXIT 2 ONE_LINE_ERROR
  STDERR "--strategy: found 'annealing', expected one of ppo, adrl, haq, autoq, random, greedy, exhaustive")
serialq_add_cli_test(NAME search_bad_reward ARGS search --reward accuracy EXIT 2 ONE_LINE_ERROR
  STDERR "--reward: found 'accuracy', expected one of releq, ratio, difference, latency, energy")
# Resume: options that contradict the checkpoint are named together, in one line.
serialq_add_cli_test(NAME search_resume_conflicts_setup ARGS search ${search_common} --strategy random
  --episodes 3 --out ${search_out}/conflicts EXIT 0)
serialq_add_cli_test(NAME search_resume_conflicts ARGS search --resume --out ${search_out}/conflicts
  --strategy ppo --seed 2 --max-loss 2 --episodes 6 EXIT 2 ONE_LINE_ERROR
  STDERR "--resume: .*conflicts/checkpoint.bin was started with other options: --strategy random \\(given ppo\\); --seed not given \\(given 2\\); --max-loss not given \\(given 2\\); leave them out")
set_tests_properties(cli:search_resume_conflicts PROPERTIES DEPENDS cli:search_resume_conflicts_setup)
# Objectives: misused options are one-line usage errors.
serialq_add_cli_test(NAME search_objective_needs_budget ARGS search --objective accuracy EXIT 2
  ONE_LINE_ERROR STDERR "--objective accuracy needs --budget METRIC:F")
serialq_add_cli_test(NAME search_objective_bad_budget ARGS search --objective accuracy
  --budget latency:lots EXIT 2 ONE_LINE_ERROR STDERR "--budget: found the fraction 'lots'")
serialq_add_cli_test(NAME search_objective_budget_misplaced ARGS search --budget latency:0.5 EXIT 2
  ONE_LINE_ERROR STDERR "--budget applies to --objective accuracy only")
serialq_add_cli_test(NAME search_objective_reward_misplaced ARGS search --reward releq EXIT 2
  ONE_LINE_ERROR STDERR "--reward applies to --objective reward only")
serialq_add_cli_test(NAME search_objective_bad_loss ARGS search --max-loss=-3 EXIT 2
  ONE_LINE_ERROR STDERR "--max_loss: found -3")
# Every strategy with every objective from the CLI, on the table.
foreach(strategy ppo adrl haq random greedy)
  foreach(objective "latency;--max-loss;1" "energy;--max-loss;2" "size;--max-loss;1"
                    "accuracy;--budget;latency:0.5" "accuracy;--budget;size:0.4" "reward;--reward;releq")
    list(GET objective 0 kind)
    list(GET objective 2 value)
    string(REPLACE ":" "-" tag "${strategy}-${kind}-${value}")
    serialq_add_cli_test(NAME search_objective_${tag} ARGS search ${search_common} --strategy ${strategy}
      --objective ${objective} --episodes 30 --out ${search_out}/objective-${tag} EXIT 0
      STDOUT "objective: (lowest ${kind}|highest accuracy with|highest reward).*(chosen|closest) bits: ")
  endforeach()
endforeach()
# The objective and strategy from the search configuration; the command line wins.
serialq_add_cli_test(NAME search_config_objective ARGS search --trace traces/lenet.yaml
  --oracle ${search_table} --config tests/data/agent/search-section.yaml --no-cache --quiet
  --out ${search_out}/config-objective EXIT 0
  STDOUT "^search: greedy on lenet .*objective: highest accuracy with latency <= 0.5x the baseline's.*chosen bits: conv1 8, ")
serialq_add_cli_test(NAME search_config_objective_overridden ARGS search --trace traces/lenet.yaml
  --oracle ${search_table} --config tests/data/agent/search-section.yaml --no-cache --quiet
  --strategy random --objective latency --episodes 20 --out ${search_out}/config-objective-cli EXIT 0
  STDOUT "^search: random on lenet .*objective: lowest latency with accuracy >= 98.8 %")
serialq_add_cli_test(NAME search_config_bad_budget ARGS search --trace traces/lenet.yaml
  --oracle ${search_table} --config tests/data/agent/bad-budget.yaml --no-cache
  --out ${search_out}/bad EXIT 1 ONE_LINE_ERROR
  STDERR "tests/data/agent/bad-budget.yaml:4: search.budget: found 'latency', expected METRIC:FRACTION")
# Nothing feasible: said, and the closest named.
serialq_add_cli_test(NAME search_objective_infeasible ARGS search ${search_common} --strategy greedy
  --max-loss 0 --reference-accuracy 100 --out ${search_out}/infeasible EXIT 0
  STDOUT "reference 100 % - 0 points.*no feasible configuration was evaluated; the closest one:
closest bits: ")
serialq_add_cli_test(NAME search_bad_episodes ARGS search --episodes 0 EXIT 2 ONE_LINE_ERROR
  STDERR "--episodes: found 0, expected a positive integer")
serialq_add_cli_test(NAME search_bad_config ARGS search --trace traces/lenet.yaml
  --oracle ${search_table} --no-cache --config tests/data/agent/unknown-key.yaml --out ${search_out}/bad EXIT 1 ONE_LINE_ERROR
  STDERR "^serialq search: error: tests/data/agent/unknown-key.yaml:4: ppo.cliprange: unknown key")
serialq_add_cli_test(NAME search_bits_not_in_table ARGS search --trace traces/lenet.yaml
  --oracle ${search_table} --no-cache --quiet --strategy exhaustive --out ${search_out}/bad EXIT 1
  ONE_LINE_ERROR STDERR "releq-lenet-mnist-accuracy.csv.*6")
serialq_add_cli_test(NAME search_resume_nothing ARGS search ${search_common} --resume
  --out ${search_out}/never-ran EXIT 1 ONE_LINE_ERROR
  STDERR "never-ran/checkpoint.bin: cannot open")
serialq_add_cli_test(NAME search_oracle_layers ARGS search --trace traces/svhn.yaml
  --oracle ${search_table} --config configs/search/releq-lenet-table.yaml --no-cache
  --out ${search_out}/bad EXIT 1 ONE_LINE_ERROR STDERR "oracle table:tests/data/quant/releq-lenet-mnist-accuracy.csv answers for 4 weight layers, the trace traces/svhn.yaml has 8")
# The builtin oracle's settings: recorded in the run's identity line, refused for other oracles.
serialq_add_cli_test(NAME search_builtin_quantizer ARGS search --quantizer linear-channel-max
  --activation-bits 6 --episodes 3 --no-cache --quiet --out ${search_out}/builtin-quantizer EXIT 0
  STDOUT "oracle builtin:traces/lenet.yaml \\(validation, quantizer linear-channel-max, activation-bits 6\\), .*accuracy: [0-9.]+ % on the validation split, [0-9.]+ % on the test split")
serialq_add_cli_test(NAME search_finetune_for_table ARGS search ${search_common} --finetune-steps 10
  --out ${search_out}/bad EXIT 2 ONE_LINE_ERROR STDERR "--finetune-steps applies to builtin: oracles only")
# The accelerator's options: overrides, batch and the activations' precision, recorded in
# best.json with the run.
serialq_add_cli_test(NAME search_accelerator_options ARGS search ${search_common} --strategy random
  --episodes 5 --act-bits uniform:4 --set off_chip.bandwidth_gb_per_s=64 --batch 2
  --out ${search_out}/accelerator-options EXIT 0
  FILE ${search_out}/accelerator-options/best.json
  FILE_MATCHES "\"accelerator\": \"configs/accel/stripes.yaml off_chip.bandwidth_gb_per_s=64 batch=2\",.*\"act_bits\": \\[\n +4,\n +4,\n +4,\n +4\n +\\]")
serialq_add_cli_test(NAME search_act_bits_count ARGS search ${search_common} --act-bits 4,4
  --out ${search_out}/act-bits-count EXIT 1
  ONE_LINE_ERROR STDERR "^serialq search: error: --act-bits: found 2 bitwidths, expected 4 \\(one per conv/fc layer\\) or uniform:N\n$")
serialq_add_cli_test(NAME search_set_bad_key ARGS search ${search_common} --set tiles=0
  --out ${search_out}/set-bad EXIT 1 ONE_LINE_ERROR STDERR "tiles: found '0', expected an integer in 1..4096")
# A search that does not resume refuses a directory holding another run's outputs (as a sweep
# refuses another sweep's), and leaves them as they were.
serialq_add_cli_test(NAME search_no_overwrite_setup ARGS search ${search_common} --strategy random
  --episodes 3 --out ${search_out}/no-overwrite EXIT 0)
serialq_add_cli_test(NAME search_no_overwrite ARGS search ${search_common} --strategy random
  --episodes 5 --seed 2 --out ${search_out}/no-overwrite EXIT 1 ONE_LINE_ERROR
  STDERR "^serialq search: error: .*/no-overwrite/episodes.csv: holds another search's outputs; expected --resume to continue that search, or use a new --out\n$")
set_tests_properties(cli:search_no_overwrite PROPERTIES DEPENDS cli:search_no_overwrite_setup)
serialq_add_cli_test(NAME search_no_overwrite_kept ARGS search ${search_common} --resume
  --episodes 3 --out ${search_out}/no-overwrite EXIT 0 STDOUT "episodes 3")
set_tests_properties(cli:search_no_overwrite_kept PROPERTIES DEPENDS cli:search_no_overwrite)

# kill -9 at seeded random moments (docs/reliability.md, "kill -9"): a table-oracle search
# killed 32 times (also once finished) and a cycle-model sweep killed 10 times end with the
# uninterrupted run's files, and their files agree after every kill; a sweep killed with SIGKILL
# leaves no worker process computing.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
add_test(NAME cli:search_sweep_kill9
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/kill9.py $<TARGET_FILE:serialq>
    ${search_out}/kill9 1
  WORKING_DIRECTORY ${SERIALQ_SOURCE_DIR})
set_tests_properties(cli:search_sweep_kill9 PROPERTIES TIMEOUT 300
  PASS_REGULAR_EXPRESSION "search: 32 kills .*identical.*\nsweep: 10 kills .*identical.*\nsweep: the 2 workers of a killed sweep died")

# A kernel-wise configuration from search --strategy autoq to best.json, sim and oracle eval,
# with the same numbers in each (issue 17).
add_test(NAME cli:search_autoq_roundtrip
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/autoq_roundtrip.py
    $<TARGET_FILE:serialq> ${search_out}/autoq
  WORKING_DIRECTORY ${SERIALQ_SOURCE_DIR})
set_tests_properties(cli:search_autoq_roundtrip PROPERTIES TIMEOUT 300
  PASS_REGULAR_EXPRESSION "autoq: 2 runs identical, best.json == sim")

serialq_cli_tests_require(search_clean "^cli:search_")

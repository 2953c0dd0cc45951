# serialq oracle: eval with each oracle kind, the cache shared between calls, stats, export and
# import, and every misuse as a one-line error. Each test writes its own cache under the build
# folder (never the default .serialq/ of the source tree).
set(ORACLE_CLI_DIR ${CMAKE_CURRENT_BINARY_DIR}/oracle)
set(RELEQ_TABLE tests/data/quant/releq-lenet-mnist-accuracy.csv)
set(EVALUATOR tests/data/quant/example_evaluator.py)

# Table oracle.
serialq_add_cli_test(NAME oracle_eval_table
  ARGS oracle eval --oracle table:${RELEQ_TABLE} --bits 8,8,8,8 --bits 2,2,2,4 --no-cache --reference
  EXIT 0 STDOUT "identity +table:sha256=[0-9a-f]+\ncache +none\nreference 99.8000 % \\(full precision\\)\n.*8,8,8,8 +99.5333 +0 +[0-9.]+ +no +no\n2,2,2,4 +93.7833 +0 +[0-9.]+ +no +no\n$")
serialq_add_cli_test(NAME oracle_eval_table_json
  ARGS oracle eval --oracle table:${RELEQ_TABLE} --bits uniform:4 --no-cache --format json
  EXIT 0 STDOUT "\"identity\": \"table:sha256=.*\"accuracy_percent\": 99.5,.*\"from_cache\": false")

# Kernel-wise files (issue 17): the builtin oracle answers them, a table refuses them in one
# line, and without a builtin trace --trace is needed to read one.
set(KERNEL_BITS tests/data/quant/lenet-kernel-bits.json)
serialq_add_cli_test(NAME oracle_eval_kernel_bits
  ARGS oracle eval --oracle builtin:traces/lenet.yaml --bits ${KERNEL_BITS} --bits 8,8,8,8 --no-cache
  EXIT 0 STDOUT "\n6x20;4x30,3x20/a6;3x400,5x100/a5;8x5,6x5 +[0-9.]+ +5000 .* no +no\n8,8,8,8 +[0-9.]+ +5000 ")
serialq_add_cli_test(NAME oracle_eval_kernel_bits_table
  ARGS oracle eval --oracle table:${RELEQ_TABLE} --bits ${KERNEL_BITS} --trace traces/lenet.yaml --no-cache
  EXIT 1 ONE_LINE_ERROR STDERR "answers one weight bitwidth per layer at its own activation bits, found the kernel-wise assignment 6x20;4x30")
serialq_add_cli_test(NAME oracle_eval_kernel_bits_no_trace
  ARGS oracle eval --oracle table:${RELEQ_TABLE} --bits ${KERNEL_BITS} --no-cache
  EXIT 2 ONE_LINE_ERROR STDERR "--bits ${KERNEL_BITS}: a kernel-wise file is read for a network; expected --trace T.yaml")

# The cache: a second process is answered from it, stats counts it, export/import carry it.
add_test(NAME cli:oracle_cache_reset
  COMMAND ${CMAKE_COMMAND} -E rm -rf ${ORACLE_CLI_DIR}/shared)
set_tests_properties(cli:oracle_cache_reset PROPERTIES FIXTURES_SETUP oracle_shared)
serialq_add_cli_test(NAME oracle_cache_first
  ARGS oracle eval --oracle table:${RELEQ_TABLE} --bits 4,4,4,4 --cache ${ORACLE_CLI_DIR}/shared/a.sqlite
  EXIT 0 STDOUT "4,4,4,4 +99.5000 .* no +no\n$")
serialq_add_cli_test(NAME oracle_cache_second
  ARGS oracle eval --oracle table:${RELEQ_TABLE} --bits 4,4,4,4 --bits 2,2,2,2 --cache ${ORACLE_CLI_DIR}/shared/a.sqlite
  EXIT 0 STDOUT "4,4,4,4 +99.5000 +0 +0.000000 +no +yes\n2,2,2,2 +11.4333 .* no +no\n$")
serialq_add_cli_test(NAME oracle_cache_stats
  ARGS oracle stats --cache ${ORACLE_CLI_DIR}/shared/a.sqlite
  EXIT 0 STDOUT "2 entries, 1 identities, integrity ok\n.*\n\\[1\\] +table:${RELEQ_TABLE} +2 +0 .*\nidentities \\(for oracle export --identity\\):\n\\[1\\] table:sha256=[0-9a-f]+\n$")
# A builtin identity is ~500 characters: its rows were 567 wide (issue 18). The table now fits
# 132 columns and the identity, wrapped below it, reads back whole (oracle_stats_width.py).
add_test(NAME cli:oracle_stats_width
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/oracle_stats_width.py
          $<TARGET_FILE:serialq> ${ORACLE_CLI_DIR}/width/cache.sqlite
  WORKING_DIRECTORY ${SERIALQ_SOURCE_DIR})
serialq_add_cli_test(NAME oracle_cache_export
  ARGS oracle export --cache ${ORACLE_CLI_DIR}/shared/a.sqlite --out ${ORACLE_CLI_DIR}/shared/a.csv
  EXIT 0)
serialq_add_cli_test(NAME oracle_cache_import
  ARGS oracle import --cache ${ORACLE_CLI_DIR}/shared/b.sqlite ${ORACLE_CLI_DIR}/shared/a.csv
  EXIT 0 STDOUT "into .*/b.sqlite: 2 added, 0 bounds replaced, 0 already present\n$")
serialq_add_cli_test(NAME oracle_cache_import_again
  ARGS oracle import --cache ${ORACLE_CLI_DIR}/shared/b.sqlite ${ORACLE_CLI_DIR}/shared/a.csv
  EXIT 0 STDOUT ": 0 added, 0 bounds replaced, 2 already present\n$")
serialq_add_cli_test(NAME oracle_cache_imported_hit
  ARGS oracle eval --oracle table:${RELEQ_TABLE} --bits 2,2,2,2 --cache ${ORACLE_CLI_DIR}/shared/b.sqlite
  EXIT 0 STDOUT "2,2,2,2 +11.4333 .* no +yes\n$")
set(previous cli:oracle_cache_reset)
foreach(t first second stats export import import_again imported_hit)
  set_tests_properties(cli:oracle_cache_${t} PROPERTIES FIXTURES_REQUIRED oracle_shared
    DEPENDS ${previous})
  set(previous cli:oracle_cache_${t})
endforeach()

# Exec oracle (the example evaluator of docs/oracle.md).
serialq_add_cli_test(NAME oracle_eval_exec
  ARGS oracle eval --oracle "exec:${EVALUATOR} --identity releq" --bits 8,4,4,8 --no-cache --reference
  EXIT 0 STDOUT "identity +exec:releq\n.*reference 99.8000 %.*8,4,4,8 +99.[0-9]+ +0 ")
serialq_add_cli_test(NAME oracle_exec_crash
  ARGS oracle eval --oracle "exec:${EVALUATOR} --crash-on 2,2,2,2" --bits 2,2,2,2 --no-cache
  EXIT 1 ONE_LINE_ERROR
  STDERR "^serialq oracle: error: exec:.*: the evaluator exited with status 3 without replying to {\"bits\":\\[2,2,2,2\\],\"id\":1} \\(its stderr ends: example_evaluator: simulated crash on bits 2,2,2,2\\)\n$")
serialq_add_cli_test(NAME oracle_exec_hang
  ARGS oracle eval --oracle "exec:${EVALUATOR} --hang-on 2,2,2,2" --bits 2,2,2,2 --no-cache --timeout 0.5
  EXIT 1 ONE_LINE_ERROR STDERR "no reply to {\"bits\":\\[2,2,2,2\\],\"id\":1} within 0.5 s \\(the timeout\\); the evaluator was stopped")
serialq_add_cli_test(NAME oracle_exec_malformed
  ARGS oracle eval --oracle "exec:${EVALUATOR} --malformed-on 2,2,2,2" --bits 2,2,2,2 --no-cache
  EXIT 1 ONE_LINE_ERROR STDERR "malformed reply to bits 2,2,2,2: not JSON in 'accuracy is about ninety'")
# A reply out of step with its request (another request's id, a second line): refused, exit 1.
serialq_add_cli_test(NAME oracle_exec_wrong_id
  ARGS oracle eval --oracle "exec:${EVALUATOR} --wrong-id-on 2,2,2,2" --bits 2,2,2,2 --no-cache
  EXIT 1 ONE_LINE_ERROR STDERR "^serialq oracle: error: exec:.* --wrong-id-on 2,2,2,2: the reply to bits 2,2,2,2 carries \"id\": 2, expected 1 \\(a reply to another request, or a stray line\\); the evaluator was stopped\n$")
serialq_add_cli_test(NAME oracle_exec_extra_line
  ARGS oracle eval --oracle "exec:${EVALUATOR} --extra-line-at-once-on 2,2,2,2" --bits 2,2,2,2 --bits 3,3,3,3 --no-cache
  EXIT 1 ONE_LINE_ERROR STDERR "extra output after the reply to bits 2,2,2,2: '{.*}', expected one line per request; the evaluator was stopped\n$")
serialq_add_cli_test(NAME oracle_exec_error_reply
  ARGS oracle eval --oracle "exec:${EVALUATOR}" --bits 1,1,1,1 --no-cache
  EXIT 1 ONE_LINE_ERROR STDERR "the evaluator reports an error for bits 1,1,1,1: no measurement for bits 1,1,1,1\n$")
serialq_add_cli_test(NAME oracle_exec_not_found
  ARGS oracle eval --oracle "exec:no-such-evaluator" --bits 2 --no-cache
  # Whether the evaluator's end is seen on writing the request or on reading the reply is a race
  # (the shell may exit before serialq writes): both messages are right.
  EXIT 1 ONE_LINE_ERROR STDERR "exec:no-such-evaluator: the evaluator exited with status 127 (without replying to|before reading) {\"hello\": 1}")

# Misuse: one-line errors.
serialq_add_cli_test(NAME oracle_bits_count
  ARGS oracle eval --oracle table:${RELEQ_TABLE} --bits 8,8,8 --no-cache
  EXIT 1 ONE_LINE_ERROR STDERR "^serialq oracle: error: --bits: found 3 bitwidths, expected 4 \\(one per conv/fc layer\\) or uniform:N\n$")
serialq_add_cli_test(NAME oracle_bits_range
  ARGS oracle eval --oracle table:${RELEQ_TABLE} --bits 8,8,8,17 --no-cache
  EXIT 1 ONE_LINE_ERROR STDERR "^serialq oracle: error: --bits: found 17 bits, expected 1..16\n$")
serialq_add_cli_test(NAME oracle_bits_not_a_number
  ARGS oracle eval --oracle table:${RELEQ_TABLE} --bits 8,eight,8,8 --no-cache
  EXIT 1 ONE_LINE_ERROR STDERR "--bits: found 'eight', expected a bitwidth")
serialq_add_cli_test(NAME oracle_unknown_kind
  ARGS oracle eval --oracle magic:${RELEQ_TABLE} --bits 8,8,8,8 --no-cache
  EXIT 1 ONE_LINE_ERROR STDERR "^serialq oracle: error: oracle 'magic:.*': unknown kind 'magic', expected builtin:<trace>, table:<file.csv> or exec:<command>\n$")
serialq_add_cli_test(NAME oracle_missing_row
  ARGS oracle eval --oracle table:${RELEQ_TABLE} --bits 6,6,6,6 --no-cache
  EXIT 1 ONE_LINE_ERROR STDERR "^serialq oracle: error: table:${RELEQ_TABLE}: no row for bits 6,6,6,6 \\(the table holds 625 configurations\\)\n$")
serialq_add_cli_test(NAME oracle_missing_table
  ARGS oracle eval --oracle table:tests/data/quant/no-such-table.csv --bits 8 --no-cache
  EXIT 1 ONE_LINE_ERROR STDERR "tests/data/quant/no-such-table.csv: cannot open")
serialq_add_cli_test(NAME oracle_bad_table
  ARGS oracle eval --oracle table:tests/data/quant/bad-table.csv --bits 2,2 --no-cache
  EXIT 1 ONE_LINE_ERROR STDERR "tests/data/quant/bad-table.csv:3: b1: found 'x', expected a bitwidth 1..16\n$")
serialq_add_cli_test(NAME oracle_corrupt_cache
  ARGS oracle eval --oracle table:${RELEQ_TABLE} --bits 8,8,8,8 --cache tests/data/quant/not-a-cache.sqlite
  EXIT 1 ONE_LINE_ERROR STDERR "tests/data/quant/not-a-cache.sqlite: oracle cache: not a readable SQLite database: file is not a database")
serialq_add_cli_test(NAME oracle_stats_missing_cache
  ARGS oracle stats --cache ${ORACLE_CLI_DIR}/no-such-cache.sqlite
  EXIT 1 ONE_LINE_ERROR STDERR "no-such-cache.sqlite: no such oracle cache file")
serialq_add_cli_test(NAME oracle_import_bad_csv
  ARGS oracle import --cache ${ORACLE_CLI_DIR}/import-bad.sqlite ${RELEQ_TABLE}
  EXIT 1 ONE_LINE_ERROR STDERR "releq-lenet-mnist-accuracy.csv:4: header: expected identity,description,bits,")
serialq_add_cli_test(NAME oracle_split_for_table
  ARGS oracle eval --oracle table:${RELEQ_TABLE} --bits 8,8,8,8 --split test --no-cache
  EXIT 2 ONE_LINE_ERROR STDERR "--split applies to builtin: oracles only")
serialq_add_cli_test(NAME oracle_cache_and_no_cache
  ARGS oracle eval --oracle table:${RELEQ_TABLE} --bits 8,8,8,8 --no-cache --cache x.sqlite
  EXIT 2 ONE_LINE_ERROR STDERR "--no-cache and --cache exclude each other")
serialq_add_cli_test(NAME oracle_missing_bits
  ARGS oracle eval --oracle table:${RELEQ_TABLE} --no-cache
  EXIT 2 ONE_LINE_ERROR STDERR "bits")
serialq_add_cli_test(NAME oracle_bad_format
  ARGS oracle eval --oracle table:${RELEQ_TABLE} --bits 8,8,8,8 --no-cache --format xml
  EXIT 2 ONE_LINE_ERROR STDERR "--format: found 'xml', expected one of table, json")
serialq_add_cli_test(NAME oracle_unknown_subcommand ARGS oracle evaluate EXIT 2 ONE_LINE_ERROR
  STDERR "unknown subcommand 'evaluate', expected: eval, stats, export, import")

# Builtin oracle: settings are checked before anything is loaded; a trace without trained
# weights is named.
serialq_add_cli_test(NAME oracle_builtin_no_weights
  ARGS oracle eval --oracle builtin:traces/vgg11.yaml --bits uniform:8 --no-cache
  EXIT 1 ONE_LINE_ERROR STDERR "^serialq oracle: error: traces/vgg11.yaml: weights: nothing \\(the key is missing\\)")
serialq_add_cli_test(NAME oracle_builtin_train_split
  ARGS oracle eval --oracle builtin:traces/vgg11.yaml --bits uniform:8 --no-cache --split train
  EXIT 1 ONE_LINE_ERROR STDERR "split: found 'train', expected validation \\(for the search\\) or test")
serialq_add_cli_test(NAME oracle_builtin_bad_quantizer
  ARGS oracle eval --oracle builtin:traces/vgg11.yaml --bits uniform:8 --no-cache --quantizer magic
  EXIT 1 ONE_LINE_ERROR STDERR "quantizer: found 'magic', expected one of wrpn,")
serialq_add_cli_test(NAME oracle_builtin_bad_threshold
  ARGS oracle eval --oracle builtin:traces/vgg11.yaml --bits uniform:8 --no-cache --early-stop-below 150
  EXIT 1 ONE_LINE_ERROR STDERR "early_stop_below_percent: found 150, expected 0 \\(off\\) or a percentage up to 100\n$")
serialq_add_cli_test(NAME oracle_builtin_bad_activation_bits
  ARGS oracle eval --oracle builtin:traces/vgg11.yaml --bits uniform:8 --no-cache --activation-bits 1
  EXIT 1 ONE_LINE_ERROR STDERR "activation_bits: found 1, expected 0 \\(float activations\\) or 2..16\n$")
serialq_add_cli_test(NAME oracle_builtin_bad_finetune_lr
  ARGS oracle eval --oracle builtin:traces/vgg11.yaml --bits uniform:8 --no-cache --finetune-lr 2
  EXIT 1 ONE_LINE_ERROR STDERR "finetune.learning_rate: found 2.0+, expected a number in \\(0, 1\\)\n$")
serialq_add_cli_test(NAME oracle_activation_bits_for_table
  ARGS oracle eval --oracle table:tests/data/quant/releq-lenet-mnist-accuracy.csv --bits uniform:8 --no-cache --activation-bits 4
  EXIT 2 ONE_LINE_ERROR STDERR "--activation-bits applies to builtin: oracles only")
# Weights-only quantization (float activations) and the fine-tuning settings reach the
# evaluation and its identity (the cache key).
serialq_add_cli_test(NAME oracle_builtin_weights_only
  ARGS oracle eval --oracle builtin:traces/lenet.yaml --bits 8,8,8,8 --no-cache --activation-bits 0
    --finetune-steps 2 --finetune-batch 16 --finetune-lr 0.0005 --format json
  EXIT 0 STDOUT "\"identity\": \"builtin:serialq-builtin-eval/[0-9]+ .* activations=float finetune=ste,steps=2,batch=16,lr=0.0005[0-9]*,seed=1,.*\"activation_bits\": 0,.*\"accuracy_percent\": (89|9[0-9])\\.")
serialq_add_cli_test(NAME oracle_timeout_for_builtin
  ARGS oracle eval --oracle builtin:traces/vgg11.yaml --bits uniform:8 --no-cache --timeout 3
  EXIT 2 ONE_LINE_ERROR STDERR "--timeout applies to exec: oracles only")

# Builtin oracle on the shipped LeNet (traces/lenet.yaml and its trained weights): 8 bits keep
# at least 89 % on the test split, 2 bits fall far below, and a second process is answered from
# the cache.
add_test(NAME cli:oracle_builtin_reset
  COMMAND ${CMAKE_COMMAND} -E rm -rf ${ORACLE_CLI_DIR}/builtin)
set_tests_properties(cli:oracle_builtin_reset PROPERTIES FIXTURES_SETUP oracle_builtin)
serialq_add_cli_test(NAME oracle_builtin_first
  ARGS oracle eval --oracle builtin:traces/lenet.yaml --split test --bits 8,8,8,8 --bits 2,2,2,2
       --cache ${ORACLE_CLI_DIR}/builtin/c.sqlite
  EXIT 0 STDOUT "identity +builtin:serialq-builtin-eval/[0-9]+ model=lenet.*data=fashion-mnist/test,n=10000.*\n8,8,8,8 +(89|9[0-9])\\.[0-9]+ +10000 +[0-9.]+ +no +no\n2,2,2,2 +([0-9]|[1-6][0-9])\\.[0-9]+ +10000 +[0-9.]+ +no +no\n$")
serialq_add_cli_test(NAME oracle_builtin_second
  ARGS oracle eval --oracle builtin:traces/lenet.yaml --split test --bits 8,8,8,8
       --cache ${ORACLE_CLI_DIR}/builtin/c.sqlite
  EXIT 0 STDOUT "\n8,8,8,8 +(89|9[0-9])\\.[0-9]+ +10000 +0.000000 +no +yes\n$")
set_tests_properties(cli:oracle_builtin_first PROPERTIES FIXTURES_REQUIRED oracle_builtin
  DEPENDS cli:oracle_builtin_reset)
set_tests_properties(cli:oracle_builtin_second PROPERTIES FIXTURES_REQUIRED oracle_builtin
  DEPENDS cli:oracle_builtin_first)
# Early termination: a 2-bit LeNet is surely below 80 % after the first 500 images.
serialq_add_cli_test(NAME oracle_builtin_early_stop
  ARGS oracle eval --oracle builtin:traces/lenet.yaml --bits 2,2,2,2 --early-stop-below 80 --no-cache
  EXIT 0 STDOUT "\n2,2,2,2 +[0-9.]+ +500 +[0-9.]+ +yes +no\n$")

# serialq train: options, errors, and a short real training run (256 images, one epoch).
serialq_add_cli_test(NAME train_help ARGS train --help EXIT 0
  STDOUT "usage: serialq train --trace <trace.yaml> --out <weights.sqw>.*--epochs.*--seed.*--progress")
serialq_add_cli_test(NAME train_missing_out ARGS train --trace traces/lenet.yaml EXIT 2
  ONE_LINE_ERROR STDERR "^serialq train: error: the option '--out' is required")
serialq_add_cli_test(NAME train_bad_epochs
  ARGS train --trace traces/lenet.yaml --epochs 0 --out ${CMAKE_CURRENT_BINARY_DIR}/never.sqw
  EXIT 2 ONE_LINE_ERROR STDERR "^serialq train: error: --epochs: found 0, expected 1..1000")
serialq_add_cli_test(NAME train_bad_lr
  ARGS train --trace traces/lenet.yaml --lr 2 --out ${CMAKE_CURRENT_BINARY_DIR}/never.sqw
  EXIT 2 ONE_LINE_ERROR STDERR "^serialq train: error: --lr: found 2.*expected a number in \\(0, 1\\)")
serialq_add_cli_test(NAME train_missing_trace
  ARGS train --trace traces/no-such-net.yaml --out ${CMAKE_CURRENT_BINARY_DIR}/never.sqw
  EXIT 1 ONE_LINE_ERROR STDERR "^serialq train: error: traces/no-such-net.yaml: cannot open file")
serialq_add_cli_test(NAME train_unsupported_network
  ARGS train --trace traces/mobilenet-v1.yaml --out ${CMAKE_CURRENT_BINARY_DIR}/never.sqw
  EXIT 1 ONE_LINE_ERROR STDERR "^serialq train: error: traces/mobilenet-v1.yaml: layers\\.conv1_dw: found groups 32, expected groups 1 \\(the built-in model runs conv, fc, maxpool, global avgpool and add layers\\)")
serialq_add_cli_test(NAME train_wrong_input
  ARGS train --trace traces/resnet20.yaml --out ${CMAKE_CURRENT_BINARY_DIR}/never.sqw
  EXIT 1 ONE_LINE_ERROR STDERR "^serialq train: error: traces/resnet20.yaml: input: found 3x32x32, expected 1x28x28")
serialq_add_cli_test(NAME train_optimizer_unknown
  ARGS train --trace traces/lenet.yaml --optimizer rmsprop --out ${CMAKE_CURRENT_BINARY_DIR}/never.sqw
  EXIT 2 ONE_LINE_ERROR STDERR "^serialq train: error: --optimizer: found 'rmsprop', expected adam or sgd")
serialq_add_cli_test(NAME train_ghost_batch_range
  ARGS train --trace traces/lenet.yaml --batch 32 --ghost-batch 64 --out ${CMAKE_CURRENT_BINARY_DIR}/never.sqw
  EXIT 2 ONE_LINE_ERROR STDERR "^serialq train: error: --ghost-batch: found 64, expected 0 \\(the whole batch\\) .. batch \\(32\\)")
serialq_add_cli_test(NAME train_missing_data
  ARGS train --trace traces/lenet.yaml --data-dir ${CMAKE_CURRENT_BINARY_DIR}/no-data
    --out ${CMAKE_CURRENT_BINARY_DIR}/never.sqw
  EXIT 1 ONE_LINE_ERROR
  STDERR "no-data/train-images-idx3-ubyte.gz: file not found \\(Fashion-MNIST comes from the Debian package dataset-fashion-mnist")
# Not a terminal and no --progress: nothing on stderr.
serialq_add_cli_test(NAME train_small
  ARGS train --trace traces/lenet.yaml --epochs 1 --seed 7 --max-samples 256
    --out ${CMAKE_CURRENT_BINARY_DIR}/train-small.sqw
  EXIT 0 STDERR "^$"
  STDOUT "epoch +mean_train_loss +validation_accuracy_percent +seconds\n.*\n +1 +[0-9.]+ +[0-9.]+ +[0-9.]+\n\ntest accuracy \\(full precision, 10000 images\\): [0-9.]+ %\n.*wrote .*train-small.sqw \\(crc32 [0-9a-f]+\\)\nreproduce with: serialq train --trace traces/lenet.yaml --epochs 1 --seed 7 --batch 64 --optimizer adam --lr 0.001 --weight-decay 0 --max-samples 256 --out .*train-small.sqw\n$")
serialq_add_cli_test(NAME train_progress
  ARGS train --trace traces/lenet.yaml --epochs 1 --max-samples 128 --progress
    --out ${CMAKE_CURRENT_BINARY_DIR}/train-progress.sqw
  EXIT 0 STDERR "epoch 1/1 \\[#+\\] 100%  loss [0-9.]+ +[0-9]+ s  validation [0-9.]+ %\n$")
# A residual network with batch norm, SGD, augmentation and ghost batches, on one and two
# threads; the command records every setting (the weights' independence of the thread count is
# checked bit for bit in tests/quant/residual_model_test.cpp).
foreach(t 1 2)
  serialq_add_cli_test(NAME train_residual_threads_${t}
    ARGS train --trace tests/data/quant/tiny-residual.yaml --epochs 1 --seed 4 --batch 32
      --optimizer sgd --lr 0.05 --weight-decay 0.0005 --augment --ghost-batch 8 --max-samples 256
      --threads ${t} --out ${CMAKE_CURRENT_BINARY_DIR}/tiny-residual-${t}.sqw
    EXIT 0 STDERR "^$"
    STDOUT "\\(crc32 [0-9a-f]+\\)\nreproduce with: serialq train --trace tests/data/quant/tiny-residual.yaml --epochs 1 --seed 4 --batch 32 --optimizer sgd --lr 0.05 --momentum 0.9 --weight-decay 0.0005 --augment --ghost-batch 8 --max-samples 256 --out .*tiny-residual-${t}.sqw\n$")
endforeach()

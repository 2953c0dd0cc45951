#!/usr/bin/python3
"""Example external evaluator for serialq's exec: oracle (protocol: docs/oracle.md).

serialq starts this program once, keeps it running, and talks to it in JSON lines:

    -> {"hello": 1}
    <- {"layers": 4, "protocol": 2, "identity": "...", "reference_accuracy": 99.8}
    -> {"bits": [8, 4, 4, 8], "id": 1}
    <- {"id": 1, "accuracy": 99.35, "samples": 0}   or   {"id": 1, "error": "..."}

Protocol 2 (announced in the hello reply): every reply echoes its request's "id", exactly one
line per request.

A real evaluator would quantize its model to the requested bits, perhaps fine-tune it, and
measure accuracy on its validation data. This one looks the answer up in an accuracy table
(by default ReLeQ's LeNet table beside it), which keeps the tests fast and lets them check that
exec: and table: agree. Anything but replies must go to stderr: stdout is the protocol.

The --*-on switches make it misbehave on purpose when asked for the given bits; the tests use
them to check that serialq turns each failure into a clear error and never hangs.
"""
import argparse
import csv
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def load_table(path):
    """bits tuple -> accuracy (percent); and the '# reference_accuracy_percent:' value."""
    table, reference = {}, None
    with open(path, newline="") as f:
        lines = []
        for line in f:
            if line.startswith("#"):
                key, _, value = line[1:].partition(":")
                if key.strip() == "reference_accuracy_percent":
                    reference = float(value)
            else:
                lines.append(line)
    reader = csv.DictReader(lines)
    layers = sum(1 for name in reader.fieldnames if name.startswith("b"))
    for row in reader:
        bits = tuple(int(row["b%d" % i]) for i in range(layers))
        table[bits] = float(row["accuracy"])
    return layers, table, reference


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table", default=os.path.join(HERE, "releq-lenet-mnist-accuracy.csv"))
    parser.add_argument("--identity", help="announce this identity (default: none, serialq "
                        "then identifies the evaluator by its command line)")
    parser.add_argument("--no-reference", action="store_true", help="announce no reference")
    # Misbehaviour for the tests: each takes the bits as "2,2,2,2".
    parser.add_argument("--crash-on", help="exit with status 3 instead of replying")
    parser.add_argument("--hang-on", help="never reply")
    parser.add_argument("--malformed-on", help="reply with a line that is not JSON")
    parser.add_argument("--noise-on", help="write 1 MB to stderr before replying")
    parser.add_argument("--bad-hello", action="store_true", help="reply to hello without layers")
    parser.add_argument("--protocol", type=int, default=2,
                        help="1: announce no protocol and echo no ids (an evaluator written "
                        "before protocol 2)")
    parser.add_argument("--extra-line-on", help="print the reply twice (a stray line)")
    parser.add_argument("--extra-line-at-once-on",
                        help="print the reply twice in one write (a stray line already there)")
    parser.add_argument("--wrong-id-on", help="echo an id other than the request's")
    args = parser.parse_args()

    layers, table, reference = load_table(args.table)
    for line in sys.stdin:
        request = json.loads(line)
        if "hello" in request:
            if args.bad_hello:
                reply = {"identity": "no layers here"}
            else:
                reply = {"layers": layers}
                if args.protocol >= 2:
                    reply["protocol"] = 2
                if args.identity:
                    reply["identity"] = args.identity
                if reference is not None and not args.no_reference:
                    reply["reference_accuracy"] = reference
        else:
            bits = request["bits"]
            key = ",".join(str(b) for b in bits)
            if key == args.crash_on:
                print("example_evaluator: simulated crash on bits " + key, file=sys.stderr)
                sys.exit(3)
            if key == args.hang_on:
                time.sleep(3600)
            if key == args.malformed_on:
                print("accuracy is about ninety", flush=True)
                continue
            if key == args.noise_on:
                sys.stderr.write("noise " * 200000 + "\n")
                sys.stderr.flush()
            if tuple(bits) in table:
                reply = {"accuracy": table[tuple(bits)], "samples": 0}
            else:
                reply = {"error": "no measurement for bits " + key}
            if args.protocol >= 2:
                # .get: an older serialq (protocol 1 only) sends no id.
                reply["id"] = request.get("id", 0) + (1 if key == args.wrong_id_on else 0)
            if key == args.extra_line_on:
                print(json.dumps(reply), flush=True)
            if key == args.extra_line_at_once_on:
                sys.stdout.write(json.dumps(reply) + "\n" + json.dumps(reply) + "\n")
                sys.stdout.flush()
                continue
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()

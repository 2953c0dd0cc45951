#!/usr/bin/python3
"""The side-by-side anchor of bench/quant/side-by-side: Debian's PyTorch (python3-torch) running
the same network as serialq's built-in model, with the same trained weights, on the 10,000
Fashion-MNIST test images, fp32, in eval mode. It prints its accuracy (which must equal
serialq's full-precision accuracy: the check that both run the same network) and the minimum
and median wall time of several repetitions.

    /usr/bin/python3 bench/quant/torch_anchor.py traces/resnet20-fashion.yaml [threads] [reps]

The network is built from the trace (conv, fc, maxpool, global avgpool, add; batch_norm and
relu keys) and the weights from the trace's .sqw file (format: docs/quant.md). Standard
library and torch only.
"""
import gzip
import json
import pathlib
import re
import struct
import sys
import time

import torch
import torch.nn.functional as F

DATA = pathlib.Path("/usr/share/datasets/fashion-mnist")


def parse_flow(text):
    """A one-line YAML flow mapping of scalars and [a, b] lists (the traces' layer lines)."""
    body = text.strip()[1:-1]
    fields, depth, cur = [], 0, ""
    for ch in body:
        depth += ch == "["
        depth -= ch == "]"
        if ch == "," and depth == 0:
            fields.append(cur)
            cur = ""
        else:
            cur += ch
    fields.append(cur)
    out = {}
    for f in fields:
        k, v = f.split(":", 1)
        v = v.strip()
        out[k.strip()] = [x.strip() for x in v[1:-1].split(",")] if v.startswith("[") else v
    return out


def read_trace(path):
    weights, layers = None, []
    for line in path.read_text().splitlines():
        m = re.match(r"^weights:\s*(\S+)", line)
        if m:
            weights = path.parent / m.group(1)
        m = re.match(r"^\s*-\s*(\{.*\})\s*$", line)
        if m:
            layers.append(parse_flow(m.group(1)))
    return weights, layers


def read_sqw(path):
    b = path.read_bytes()
    assert b[:8] == b"SQWEIGHT", f"{path}: not a weights file"
    _, count, meta_len = struct.unpack_from("<III", b, 8)
    at = 20 + meta_len
    tensors = {}
    for _ in range(count):
        (n,) = struct.unpack_from("<I", b, at)
        name = b[at + 4:at + 4 + n].decode()
        at += 4 + n
        (rank,) = struct.unpack_from("<I", b, at)
        dims = struct.unpack_from(f"<{rank}I", b, at + 4)
        at += 4 + 4 * rank
        size = 1
        for d in dims:
            size *= d
        values = struct.unpack_from(f"<{size}f", b, at)
        at += 4 * size
        tensors[name] = torch.tensor(values, dtype=torch.float32).reshape(dims)
    return tensors, json.loads(b[20:20 + meta_len])


def pair(v, default):
    if v is None:
        return (default, default)
    if isinstance(v, list):
        return tuple(int(x) for x in v)
    return (int(v), int(v))


class TraceNet(torch.nn.Module):
    """The trace's graph; batch norm kept as PyTorch's BatchNorm2d (eval mode: running stats)."""

    def __init__(self, layers, w):
        super().__init__()
        self.layers = layers
        self.mods = torch.nn.ModuleDict()
        for i, l in enumerate(layers):
            key = f"m{i}"
            if l["type"] == "conv":
                out_c, in_c, kh, kw = w[l["name"] + ".weight"].shape
                conv = torch.nn.Conv2d(in_c, out_c, (kh, kw), stride=pair(l.get("stride"), 1),
                                       padding=pair(l.get("padding"), 0))
                conv.weight.data, conv.bias.data = w[l["name"] + ".weight"], w[l["name"] + ".bias"]
                self.mods[key] = conv
            elif l["type"] == "fc":
                out_f, in_f = w[l["name"] + ".weight"].shape
                fc = torch.nn.Linear(in_f, out_f)
                fc.weight.data, fc.bias.data = w[l["name"] + ".weight"], w[l["name"] + ".bias"]
                self.mods[key] = fc
            if l.get("batch_norm") == "true":
                bn = torch.nn.BatchNorm2d(w[l["name"] + ".bn.weight"].shape[0], eps=1e-5)
                bn.weight.data, bn.bias.data = w[l["name"] + ".bn.weight"], w[l["name"] + ".bn.bias"]
                bn.running_mean.data = w[l["name"] + ".bn.running_mean"]
                bn.running_var.data = w[l["name"] + ".bn.running_var"]
                self.mods[key + "bn"] = bn
        self.index = {l["name"]: i for i, l in enumerate(layers)}

    def forward(self, x):
        outs = []
        last = len(self.layers) - 1
        for i, l in enumerate(self.layers):
            src = l.get("input")
            inp = x if (i == 0 and src is None) or src == "input" else \
                outs[self.index[src]] if src else outs[i - 1]
            t = l["type"]
            if t == "conv":
                y = self.mods[f"m{i}"](inp)
            elif t == "fc":
                y = self.mods[f"m{i}"](torch.flatten(inp, 1))
            elif t == "maxpool":
                k = pair(l.get("kernel"), 1)
                y = F.max_pool2d(inp, k, stride=pair(l.get("stride"), k[0]),
                                 padding=pair(l.get("padding"), 0))
            elif t == "avgpool":
                y = torch.mean(inp, dim=(2, 3), keepdim=True)
            elif t == "add":
                a, b = l["inputs"]
                y = outs[self.index[a]] + outs[self.index[b]]
            if f"m{i}bn" in self.mods:
                y = self.mods[f"m{i}bn"](y)
            relu = l.get("relu")
            if (relu == "true") or (relu is None and t in ("conv", "fc", "add") and i != last):
                y = F.relu(y)
            outs.append(y)
        return outs[-1]


def idx(name):
    raw = gzip.open(DATA / name).read()
    (magic,) = struct.unpack_from(">I", raw, 0)
    dims = struct.unpack_from(f">{magic & 0xff}I", raw, 4)
    return raw[4 + 4 * len(dims):], dims


def main():
    trace = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "traces/lenet.yaml")
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    reps = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    torch.set_num_threads(threads)
    weights_path, layers = read_trace(trace)
    w, meta = read_sqw(weights_path)
    net = TraceNet(layers, w).eval()
    pixels, dims = idx("t10k-images-idx3-ubyte.gz")
    labels, _ = idx("t10k-labels-idx1-ubyte.gz")
    x = torch.frombuffer(bytearray(pixels), dtype=torch.uint8).reshape(dims[0], 1, dims[1], dims[2])
    x = x.float() / 255.0
    y = torch.frombuffer(bytearray(labels), dtype=torch.uint8).long()
    times = []
    with torch.no_grad():
        for _ in range(reps):
            start = time.perf_counter()
            correct = 0
            for b in range(0, len(y), 128):
                correct += int((net(x[b:b + 128]).argmax(1) == y[b:b + 128]).sum())
            times.append(time.perf_counter() - start)
    times.sort()
    print(f"pytorch {torch.__version__} fp32, {threads} threads, {trace.name}: "
          f"wall min {times[0]:.4f} s  median {times[len(times) // 2]:.4f} s  "
          f"accuracy {100.0 * correct / len(y):.2f} % (serialq's trainer recorded "
          f"{meta.get('test_accuracy_percent', float('nan')):.2f} %)")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""safetensors fixtures for deepscript's io tests, written from PyTorch.

Run:  /usr/bin/python3 tools/gen_io_fixtures.py            (writes test/fixtures/io/*.safetensors)
      /usr/bin/python3 tools/gen_io_fixtures.py --check F  (loads a deepscript-saved state dict F of
                                                            the same MLP into PyTorch and compares)

The `safetensors` Python package is not installable here, so the format is written by hand the way
the reference writer does it: 8-byte little-endian header length, JSON header padded with spaces
to a multiple of 8, tensors laid out by decreasing dtype alignment then name.

Files:
  torch_mlp.safetensors     state_dict of Sequential(Linear(4,3), BatchNorm1d(3), ReLU(), Linear(3,2))
                            after a few training steps' batch statistics (num_batches_tracked is I64)
  torch_mlp_io.safetensors  "input" [5,4] and the eval-mode "output" [5,2] of that model
  dtypes.safetensors        one tensor per dtype (F32 F64 I32 I64 U8 I8 I16 BOOL F16 BF16, a scalar,
                            an empty tensor) and, for F16/BF16, their float32 values as PyTorch gives them
"""
import json
import os
import struct
import sys

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "io")

DTYPES = {
    torch.float64: ("F64", 8), torch.float32: ("F32", 4), torch.float16: ("F16", 2),
    torch.bfloat16: ("BF16", 2), torch.int64: ("I64", 8), torch.int32: ("I32", 4),
    torch.int16: ("I16", 2), torch.int8: ("I8", 1), torch.uint8: ("U8", 1), torch.bool: ("BOOL", 1),
}
NAMES = {v[0]: k for k, v in DTYPES.items()}


def tensor_bytes(t):
    t = t.detach().contiguous().cpu()
    if t.dtype == torch.bfloat16:  # numpy has no bfloat16: take the raw 16-bit words
        return t.view(torch.int16).numpy().astype("<i2").tobytes()
    return t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()


def save_file(tensors, path, metadata=None):
    order = sorted(tensors, key=lambda k: (-DTYPES[tensors[k].dtype][1], k))
    header, blobs, at = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for k in order:
        b = tensor_bytes(tensors[k])
        header[k] = {"dtype": DTYPES[tensors[k].dtype][0], "shape": list(tensors[k].shape), "data_offsets": [at, at + len(b)]}
        blobs.append(b)
        at += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def load_file(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    out = {}
    for k, e in header.items():
        b, end = e["data_offsets"]
        raw = data[8 + n + b:8 + n + end]
        dt = NAMES[e["dtype"]]
        if dt == torch.bfloat16:
            t = torch.from_numpy(np.frombuffer(raw, "<i2").copy()).view(torch.bfloat16)
        else:
            t = torch.from_numpy(np.frombuffer(raw, torch.empty(0, dtype=dt).numpy().dtype.newbyteorder("<")).copy())
        out[k] = t.reshape(e["shape"])
    return out, meta


def mlp():
    return torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3), torch.nn.ReLU(), torch.nn.Linear(3, 2))


def main():
    torch.manual_seed(7)
    os.makedirs(OUT, exist_ok=True)
    model = mlp()
    with torch.no_grad():
        for _ in range(3):  # move the running statistics away from 0 and 1
            model(torch.randn(16, 4) * 2 + 1)
    model.eval()
    x = torch.randn(5, 4)
    y = model(x).detach()
    save_file(model.state_dict(), os.path.join(OUT, "torch_mlp.safetensors"), {"format": "pt"})
    save_file({"input": x, "output": y}, os.path.join(OUT, "torch_mlp_io.safetensors"))

    f16 = torch.tensor([0.0, -0.0, 1.0, -2.5, 65504.0, 6.1035e-05, 5.96e-08, float("inf"), float("-inf"), 0.1], dtype=torch.float16)
    bf16 = torch.tensor([0.0, 1.0, -3.140625, 1e30, -1e-30, float("inf"), 0.1], dtype=torch.bfloat16)
    dt = {
        "f32": torch.tensor([[1.5, -2.25, 3e-8], [1e30, -0.0, 7.0]], dtype=torch.float32),
        "f64": torch.tensor([1 / 3, -1e300, 5e-324], dtype=torch.float64),
        "i32": torch.tensor([0, -1, 2147483647, -2147483648], dtype=torch.int32),
        "i64": torch.tensor([[0, -1], [2147483647, -2147483648]], dtype=torch.int64),
        "u8": torch.tensor([0, 1, 128, 255], dtype=torch.uint8),
        "i8": torch.tensor([-128, -1, 0, 127], dtype=torch.int8),
        "i16": torch.tensor([-32768, -1, 0, 32767], dtype=torch.int16),
        "bool": torch.tensor([True, False, True], dtype=torch.bool),
        "f16": f16, "f16_as_f32": f16.float(),
        "bf16": bf16, "bf16_as_f32": bf16.float(),
        "scalar": torch.tensor(42.0, dtype=torch.float32),
        "empty": torch.zeros(0, 3, dtype=torch.float32),
    }
    save_file(dt, os.path.join(OUT, "dtypes.safetensors"), {"made_by": "tools/gen_io_fixtures.py"})
    print("wrote", sorted(os.listdir(OUT)))


def check(path):
    """A deepscript-saved state dict of the same MLP must load into PyTorch and reproduce the output."""
    sd, meta = load_file(path)
    model = mlp()
    model.load_state_dict(sd)
    model.eval()
    io, _ = load_file(os.path.join(OUT, "torch_mlp_io.safetensors"))
    diff = (model(io["input"]) - io["output"]).abs().max().item()
    print(f"{path}: {len(sd)} tensors, metadata keys {sorted(meta)}, max |diff| {diff:.3g}")
    assert diff < 1e-6


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        check(sys.argv[2])
    else:
        main()

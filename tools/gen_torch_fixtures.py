#!/usr/bin/env python3
"""torch.save fixtures for deepscript's io.loadTorch tests (src/io/torch/), written by PyTorch itself.

Run:  /usr/bin/python3 tools/gen_torch_fixtures.py   (writes test/fixtures/torch/*.pt and torch.json)

Files (all made by torch.save's default zip format, pickle protocol 2, unless said otherwise):
  mlp.pt          state_dict of Sequential(Linear(4,8), ReLU(), Linear(8,3))
  cnn.pt          state_dict of Conv2d(1,4,3) BatchNorm2d(4) ReLU MaxPool2d(2) Flatten Linear(36,5), after
                  3 training-mode forwards (running stats moved; num_batches_tracked is an int64 storage)
  checkpoint.pt   {"model": mlp state_dict, "optimizer": Adam state_dict after 3 steps, "epoch": 7,
                  "note": "adam run", "losses": [3 floats], "flags": (True, None), "big": 2**40,
                  "ratio": -0.125, "blob": b"\\x00\\xffbytes"} ; "next" in torch.json: the parameters
                  after a 4th Adam step on the batch stored there
  optim_<name>.pt {"model", "optimizer"} after 3 steps of SGD (nesterov, weight decay), AdamW (amsgrad),
                  RMSprop (centered, momentum), Adagrad (lr_decay, initial accumulator), on the same
                  batch; torch.json has each one's parameters after a 4th step
  dtypes.pt       one tensor per storage type: float32 float64 float16 bfloat16 int64 int32 int16
                  int8 uint8 bool, a 0-d tensor and an empty one
  dtypes_big.pt   optim_<name>.pt {"model", "optimizer"} after 3 steps of SGD (nesterov, weight decay), AdamW (amsgrad),
                  RMSprop (centered, momentum), Adagrad (lr_decay, initial accumulator), on the same
                  batch; torch.json has each one's parameters after a 4th step
  dtypes.pt as a big-endian machine writes it (torch >= 2.1: a byteorder member
                  saying "big", every storage's elements byte-swapped)
  views.pt        a non-contiguous view (transpose), a strided slice with a storage offset, two
                  tensors sharing one storage, an expanded (stride 0) tensor, an nn.Parameter
  proto4.pt       the mlp state_dict saved with pickle_protocol=4 (FRAME, MEMOIZE, SHORT_BINUNICODE ...)
  legacy.pt       the mlp state_dict in the pre-1.6 format (_use_new_zipfile_serialization=False)
  whole_module.pt torch.save(mlp) (a whole nn.Module, not its state_dict): refused, naming the class
  evil_*.pt       zip checkpoints whose pickle calls os.system / builtins.eval / a custom class'
                  __reduce__ : must be refused without running anything (the command would create
                  a file named PWNED in the working directory)
torch.json: every tensor's dtype, shape and values (as PyTorch reads them back; float16/bfloat16
converted to float32 exactly), the checkpoint's plain values, model inputs and PyTorch's outputs.
"""
import io
import json
import os
import zipfile

import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "torch")
os.makedirs(OUT, exist_ok=True)
torch.manual_seed(0)


def path(name):
    return os.path.join(OUT, name)


def describe(t):
    t = t.detach()
    dt = str(t.dtype).replace("torch.", "")
    v = t.to(torch.float64) if t.dtype in (torch.float16, torch.bfloat16, torch.float32) else t
    if t.dtype == torch.bool:
        v = t.to(torch.int64)
    return {"dtype": dt, "shape": list(t.shape), "values": v.flatten().tolist()}


def describe_sd(sd):
    return {k: describe(v) for k, v in sd.items()}


expected = {}

# --- MLP -------------------------------------------------------------------------------------
mlp = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
torch.save(mlp.state_dict(), path("mlp.pt"))
x = torch.randn(5, 4)
with torch.no_grad():
    y = mlp(x)
expected["mlp"] = {"state": describe_sd(mlp.state_dict()), "input": describe(x), "output": describe(y)}

# --- CNN with BatchNorm ------------------------------------------------------------------------
cnn = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(36, 5))
cnn.train()
for _ in range(3):
    cnn(torch.randn(6, 1, 8, 8))
cnn.eval()
torch.save(cnn.state_dict(), path("cnn.pt"))
xc = torch.randn(2, 1, 8, 8)
with torch.no_grad():
    yc = cnn(xc)
expected["cnn"] = {"state": describe_sd(cnn.state_dict()), "input": describe(xc), "output": describe(yc)}

# --- checkpoint with Adam state ------------------------------------------------------------------
net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
opt = torch.optim.Adam(net.parameters(), lr=0.01, betas=(0.8, 0.99), eps=1e-7, weight_decay=0.001)
xs, ts = torch.randn(10, 4), torch.randn(10, 3)
for _ in range(3):
    opt.zero_grad()
    nn.functional.mse_loss(net(xs), ts).backward()
    opt.step()
ckpt = {"model": net.state_dict(), "optimizer": opt.state_dict(), "epoch": 7, "note": "adam run",
        "losses": [0.5, 0.25, 0.125], "flags": (True, None), "big": 2 ** 40, "ratio": -0.125,
        "blob": b"\x00\xffbytes"}
torch.save(ckpt, path("checkpoint.pt"))
osd = opt.state_dict()
expected["checkpoint"] = {
    "model": describe_sd(net.state_dict()),
    "optimizer": {
        "state": {str(k): {n: (describe(v) if torch.is_tensor(v) else v) for n, v in s.items()} for k, s in osd["state"].items()},
        "param_groups": osd["param_groups"],
    },
    "epoch": 7, "note": "adam run", "losses": [0.5, 0.25, 0.125], "big": 2 ** 40, "ratio": -0.125,
    "blob": list(b"\x00\xffbytes"),
    "x": describe(xs), "t": describe(ts),
}
# A 4th step: what resuming from the checkpoint must reproduce.
opt.zero_grad()
nn.functional.mse_loss(net(xs), ts).backward()
opt.step()
expected["checkpoint"]["next"] = describe_sd(net.state_dict())

# --- the other optimizers: 3 steps saved, the 4th step's parameters expected ---------------------
OPTIMIZERS = {
    "sgd": lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
    "adamw_amsgrad": lambda ps: torch.optim.AdamW(ps, lr=0.01, weight_decay=0.05, amsgrad=True),
    "rmsprop": lambda ps: torch.optim.RMSprop(ps, lr=0.01, momentum=0.5, centered=True),
    "adagrad": lambda ps: torch.optim.Adagrad(ps, lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1),
}
expected["optimizers"] = {}
for name, make in OPTIMIZERS.items():
    torch.manual_seed(1)
    net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    o = make(net.parameters())
    for _ in range(3):
        o.zero_grad()
        nn.functional.mse_loss(net(xs), ts).backward()
        o.step()
    torch.save({"model": net.state_dict(), "optimizer": o.state_dict()}, path(f"optim_{name}.pt"))
    o.zero_grad()
    nn.functional.mse_loss(net(xs), ts).backward()
    o.step()
    expected["optimizers"][name] = {"class": type(o).__name__, "next": describe_sd(net.state_dict())}

# --- every storage dtype --------------------------------------------------------------------------
base = torch.tensor([0.0, 1.5, -2.25, 3.0e-3, 65504.0, -1.0e-5, 7.0, 0.1])
dtypes = {
    "float32": base.clone(), "float64": base.double() / 3,
    "float16": base.half(), "bfloat16": base.bfloat16(),
    "int64": torch.tensor([0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 42], dtype=torch.int64),
    "int32": torch.tensor([5, -6, 2 ** 31 - 1], dtype=torch.int32),
    "int16": torch.tensor([-32768, 32767, 3], dtype=torch.int16),
    "int8": torch.tensor([-128, 127, 0], dtype=torch.int8),
    "uint8": torch.tensor([0, 255, 128], dtype=torch.uint8),
    "bool": torch.tensor([True, False, True]),
    "scalar": torch.tensor(2.5),
    "empty": torch.zeros(0, 3),
    "matrix16": torch.randn(2, 3).half(),
}
torch.save(dtypes, path("dtypes.pt"))
expected["dtypes"] = describe_sd(dtypes)
torch.save({"too_big": torch.tensor([2 ** 31], dtype=torch.int64)}, path("int64_overflow.pt"))



def big_endian(src, dst):
    """src with every storage's elements byte-swapped and byteorder "big", as a big-endian torch writes it."""
    import pickle
    z = zipfile.ZipFile(path(src))
    prefix = [n for n in z.namelist() if n.endswith("/data.pkl")][0][:-len("data.pkl")]
    sizes = {}

    class Rec(pickle.Unpickler):  # our own file: the real classes may be looked up
        def persistent_load(self, pid):
            sizes[pid[2]] = pid[1](0).element_size()
            return pid[1](pid[4])
    Rec(io.BytesIO(z.read(prefix + "data.pkl"))).load()
    with zipfile.ZipFile(path(dst), "w", zipfile.ZIP_STORED) as out:
        for info in z.infolist():
            data = z.read(info.filename)
            key = info.filename[len(prefix + "data/"):] if info.filename.startswith(prefix + "data/") else None
            if key is not None:
                n = sizes[key]
                data = b"".join(data[i:i + n][::-1] for i in range(0, len(data), n))
            out.writestr(info.filename, data)
        out.writestr(prefix + "byteorder", "big")


big_endian("dtypes.pt", "dtypes_big.pt")

# --- views and shared storage -----------------------------------------------------------------------
m = torch.arange(24, dtype=torch.float32).reshape(4, 6)
shared = torch.arange(10, dtype=torch.float32)
views = {
    "transposed": m.t(),                         # strides (1, 6)
    "sliced": m[1:3, ::2],                       # storage offset 6, strides (12, 2)
    "first": shared[:4],                          # these two share one storage
    "second": shared[5:].view(5, 1),
    "expanded": torch.tensor([1.0, 2.0, 3.0]).expand(2, 3),   # stride 0
    "param": nn.Parameter(torch.tensor([[0.5, -0.5]])),
}
torch.save(views, path("views.pt"))
expected["views"] = describe_sd(views)

# --- other pickle protocol; legacy format ---------------------------------------------------------
torch.save(mlp.state_dict(), path("proto4.pt"), pickle_protocol=4)
torch.save(mlp.state_dict(), path("legacy.pt"), _use_new_zipfile_serialization=False)


# --- malicious pickles ------------------------------------------------------------------------------
class Evil:
    def __init__(self, fn, arg):
        self.fn, self.arg = fn, arg

    def __reduce__(self):
        return (self.fn, (self.arg,))


class Custom:
    def __reduce__(self):
        return (Custom, ())


def evil_zip(name, obj):
    """A torch.save-shaped zip whose data.pkl is pickle.dumps(obj) (never loaded here)."""
    import pickle
    buf = io.BytesIO()
    torch.save({"w": torch.ones(2)}, buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    with zipfile.ZipFile(path(name), "w", zipfile.ZIP_STORED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.endswith("/data.pkl"):
                data = pickle.dumps({"w": obj}, protocol=2)
            out.writestr(info, data)


import os as _os  # noqa: E402
import builtins  # noqa: E402
evil_zip("evil_os_system.pt", Evil(_os.system, "touch PWNED"))
evil_zip("evil_eval.pt", Evil(builtins.eval, "__import__('os').system('touch PWNED')"))
evil_zip("evil_custom.pt", Custom())
torch.save(mlp, path("whole_module.pt"))  # a pickled nn.Module: refused, with a hint
expected["evil"] = {"evil_os_system.pt": "posix.system", "evil_eval.pt": "__builtin__.eval", "evil_custom.pt": "__main__.Custom"}

with open(path("torch.json"), "w") as f:
    json.dump(expected, f, indent=None, separators=(",", ":"))
print("wrote", sorted(os.listdir(OUT)))

#!/usr/bin/env python3
"""Reference values for deepscript's tensor API, computed with PyTorch (and NumPy).

Run:  /usr/bin/python3 tools/gen_fixtures.py      (writes test/fixtures/ops.json)

Each case: name, op (a key of the op table here and in test/fixtures.test.ts), inputs (shape,
dtype, flat data, requiresGrad; null for an absent optional tensor), args (JSON), out (one
tensor or a list), and for differentiable float cases `upstream` (one per output, null where the
output has no gradient) and `grads` (d/d input of sum(out * upstream), null for inputs without
gradient). NaN and infinities are written as the strings "nan", "inf", "-inf". PyTorch's int64
is recorded as int32 (deepscript's integer dtype). Everything is seeded: the file is reproducible.
"""
import json
import math
import os
import sys
import warnings

import numpy as np
import torch
import torch.nn.functional as F

warnings.filterwarnings("ignore")
torch.manual_seed(1234)
torch.set_default_dtype(torch.float32)

F64, F32, I32, I64, B = torch.float64, torch.float32, torch.int32, torch.int64, torch.bool
DT_NAME = {F32: "float32", F64: "float64", I32: "int32", I64: "int32", B: "bool"}
DT_TORCH = {"float32": F32, "float64": F64, "int32": I32, "bool": B}

CASES = []
NAMES = set()


# ---- encoding --------------------------------------------------------------------------------

def enc_num(v, dtype):
    if dtype == B:
        return 1 if v else 0
    if dtype in (I32, I64):
        return int(v)
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def enc_args(v):
    """Arguments as JSON; a non-finite number becomes {"$num": "nan" | "inf" | "-inf"}."""
    if isinstance(v, float) and not math.isfinite(v):
        return {"$num": enc_num(v, F64)}
    if isinstance(v, dict):
        return {k: enc_args(u) for k, u in v.items()}
    if isinstance(v, (list, tuple)):
        return [enc_args(u) for u in v]
    return v


def enc(t):
    t = t.detach()
    flat = t.reshape(-1).tolist()
    return {"shape": list(t.shape), "dtype": DT_NAME[t.dtype], "data": [enc_num(v, t.dtype) for v in flat]}


# ---- inputs ----------------------------------------------------------------------------------

def randn(*shape, dtype=F64):
    return torch.randn(*shape, dtype=F64).to(dtype)


def pos(*shape, dtype=F64, lo=0.2):
    return (torch.rand(*shape, dtype=F64) * 2 + lo).to(dtype)


def ints(*shape, lo=-5, hi=6, dtype=I32):
    return torch.randint(lo, hi, shape, dtype=I64).to(dtype)


def bools(*shape):
    return torch.rand(*shape) > 0.5


def T(data, dtype=F64):
    return torch.tensor(data, dtype=dtype)


class NoGrad:
    """Wraps a float input that must not require grad (running stats, class weights, targets)."""

    def __init__(self, t):
        self.t = t


# ---- the op table (PyTorch side) ---------------------------------------------------------------

def dims_of(x, dim):
    if dim is None:
        return tuple(range(x.dim()))
    return (dim,) if isinstance(dim, int) else tuple(dim)


def red_sum(x, a):
    if a.get("dim") is None and not a.get("keepdim", False):
        return torch.sum(x)
    return torch.sum(x, dim=dims_of(x, a.get("dim")), keepdim=a.get("keepdim", False))


def red_mean(x, a):
    if a.get("dim") is None and not a.get("keepdim", False):
        return torch.mean(x)
    return torch.mean(x, dim=dims_of(x, a.get("dim")), keepdim=a.get("keepdim", False))


def red_prod(x, a):
    k = a.get("keepdim", False)
    if a.get("dim") is None:
        y = torch.prod(x)
        return y.reshape([1] * x.dim()) if k else y
    ds = sorted([d % max(x.dim(), 1) for d in dims_of(x, a["dim"])], reverse=True)
    for d in ds:
        x = torch.prod(x, d, keepdim=k)
    return x


def red_var(fn):
    def f(x, a):
        if a.get("boolOpt") is not None:
            return fn(x, dim=dims_of(x, a.get("dim")), correction=1, keepdim=a["boolOpt"])
        return fn(x, dim=dims_of(x, a.get("dim")), correction=a.get("correction", 1), keepdim=a.get("keepdim", False))
    return f


def red_np(fn):
    def f(x, a):
        n = x.detach().numpy()
        axis = None if a.get("dim") is None else dims_of(x, a["dim"])
        return torch.from_numpy(np.array(fn(n, axis=axis, keepdims=a.get("keepdim", False))))
    return f


def red_arg(fn):
    def f(x, a):
        if a.get("dim") is None:
            return fn(x, keepdim=a.get("keepdim", False)) if a.get("keepdim") else fn(x)
        return fn(x, dim=a["dim"], keepdim=a.get("keepdim", False))
    return f


def py_binary(fn):
    def f(a_, b_, args):
        if "scalar" in args:
            s = args["scalar"]
            return fn(s, a_) if args.get("left") else fn(a_, s)
        return fn(a_, b_)
    return f


def py_logical(tfn):
    def g(a_, b_):
        a_ = a_ if isinstance(a_, torch.Tensor) else torch.tensor(a_)
        b_ = b_ if isinstance(b_, torch.Tensor) else torch.tensor(b_)
        return tfn(a_, b_)
    return g


def py_minmax(tfn):
    def g(a_, b_):
        if not isinstance(a_, torch.Tensor):
            a_ = torch.tensor(a_, dtype=b_.dtype)
        if not isinstance(b_, torch.Tensor):
            b_ = torch.tensor(b_, dtype=a_.dtype)
        return tfn(a_, b_)
    return g


BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a ** b,
    "minimum": py_minmax(torch.minimum),
    "maximum": py_minmax(torch.maximum),
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
    "logicalAnd": py_logical(torch.logical_and),
    "logicalOr": py_logical(torch.logical_or),
}

UNARY = {
    "neg": lambda x, a: -x,
    "abs": lambda x, a: torch.abs(x),
    "exp": lambda x, a: torch.exp(x),
    "log": lambda x, a: torch.log(x),
    "sqrt": lambda x, a: torch.sqrt(x),
    "rsqrt": lambda x, a: torch.rsqrt(x),
    "sin": lambda x, a: torch.sin(x),
    "cos": lambda x, a: torch.cos(x),
    "tanh": lambda x, a: torch.tanh(x),
    "sigmoid": lambda x, a: torch.sigmoid(x),
    "relu": lambda x, a: torch.relu(x),
    "leakyRelu": lambda x, a: F.leaky_relu(x, a.get("negativeSlope", 0.01)),
    "gelu": lambda x, a: F.gelu(x, approximate=a.get("approximate", "none")),
    "elu": lambda x, a: F.elu(x, a.get("alpha", 1.0)),
    "softplus": lambda x, a: F.softplus(x, a.get("beta", 1), a.get("threshold", 20)),
    "sign": lambda x, a: torch.sign(x),
    "floor": lambda x, a: torch.floor(x),
    "ceil": lambda x, a: torch.ceil(x),
    "round": lambda x, a: torch.round(x),
    "erf": lambda x, a: torch.erf(x),
    "log1p": lambda x, a: torch.log1p(x),
    "expm1": lambda x, a: torch.expm1(x),
    "square": lambda x, a: torch.square(x),
    "reciprocal": lambda x, a: torch.reciprocal(x),
    "logicalNot": lambda x, a: torch.logical_not(x),
    "clamp": lambda x, a: torch.clamp(x, a.get("min"), a.get("max")),
    "to": lambda x, a: x.to(DT_TORCH[a["dtype"]]),
    "clone": lambda x, a: x.clone(),
    "contiguous": lambda x, a: x.contiguous(),
    "T": lambda x, a: x.permute(*reversed(range(x.dim()))),
    "float": lambda x, a: x.float(),
    "double": lambda x, a: x.double(),
    "int": lambda x, a: x.int(),
    "bool": lambda x, a: x.bool(),
    "detach": lambda x, a: x.detach(),
}


def py_index_spec(spec, ins):
    out = []
    for s in spec:
        if s is None:
            out.append(None)
        elif s == "...":
            out.append(Ellipsis)
        elif isinstance(s, int):
            out.append(s)
        elif isinstance(s, str):
            parts = [p.strip() for p in s.split(":")]
            nums = [int(p) if p else None for p in parts]
            out.append(slice(*nums))
        elif isinstance(s, dict) and "t" in s:
            t = ins[s["t"]]
            out.append(t.long() if t.dtype == I32 else t)
        elif isinstance(s, dict):
            out.append(slice(s.get("start"), s.get("stop"), s.get("step")))
        else:
            raise ValueError(s)
    return tuple(out)


def py_squeeze(x, a):
    d = a.get("dim")
    if d is None:
        return x.squeeze()
    ds = [d] if isinstance(d, int) else list(d)
    ds = sorted([v % x.dim() for v in ds], reverse=True)
    for v in ds:
        x = x.squeeze(v)
    return x


def py_slice(x, a):
    st, en, sp = a["start"], a.get("end") or [], a.get("step") or []
    idx = []
    for d in range(x.dim()):
        s = st[d] if d < len(st) else None
        e = en[d] if d < len(en) else None
        p = sp[d] if d < len(sp) else None
        idx.append(slice(s, e, p))
    return x[tuple(idx)]


def py_batchnorm(x, rm, rv, w, b, a):
    rm2 = rm.clone() if rm is not None else None
    rv2 = rv.clone() if rv is not None else None
    y = F.batch_norm(x, rm2, rv2, w, b, training=a.get("training", False), momentum=a.get("momentum", 0.1), eps=a.get("eps", 1e-5))
    return [y] + ([rm2, rv2] if rm2 is not None else [])


def py_pair(v):
    return tuple(v) if isinstance(v, list) else v


def py_conv(fn):
    def f(x, w, b, a):
        pad = a.get("padding", 0)
        return fn(x, w, b, stride=py_pair(a.get("stride", 1)), padding=py_pair(pad), dilation=py_pair(a.get("dilation", 1)), groups=a.get("groups", 1))
    return f


def py_ce(x, t, w, a):
    tt = t.long() if t.dtype == I32 else t
    return F.cross_entropy(x, tt, weight=w, ignore_index=a.get("ignoreIndex", -100), reduction=a.get("reduction", "mean"), label_smoothing=a.get("labelSmoothing", 0.0))


PY_OPS = {
    # creation
    "arange": lambda ins, a: torch.arange(a.get("start", 0), a["stop"], a.get("step", 1), **({"dtype": DT_TORCH[a["dtype"]]} if "dtype" in a else {})),
    "linspace": lambda ins, a: torch.linspace(a["a"], a["b"], a["n"], **({"dtype": DT_TORCH[a["dtype"]]} if "dtype" in a else {})),
    "eye": lambda ins, a: torch.eye(a["n"], a.get("m", a["n"]), **({"dtype": DT_TORCH[a["dtype"]]} if "dtype" in a else {})),
    "zeros": lambda ins, a: torch.zeros(a["shape"], **({"dtype": DT_TORCH[a["dtype"]]} if "dtype" in a else {})),
    "ones": lambda ins, a: torch.ones(a["shape"], **({"dtype": DT_TORCH[a["dtype"]]} if "dtype" in a else {})),
    "full": lambda ins, a: torch.full(a["shape"], a["value"], **({"dtype": DT_TORCH[a["dtype"]]} if "dtype" in a else {})),
    "zerosLike": lambda ins, a: torch.zeros_like(ins[0]),
    "onesLike": lambda ins, a: torch.ones_like(ins[0]),
    "tensor": lambda ins, a: ins[0].clone(),
    # reductions
    "sum": lambda ins, a: red_sum(ins[0], a),
    "mean": lambda ins, a: red_mean(ins[0], a),
    "max": lambda ins, a: torch.amax(ins[0], dim=dims_of(ins[0], a.get("dim")), keepdim=a.get("keepdim", False)),
    "min": lambda ins, a: torch.amin(ins[0], dim=dims_of(ins[0], a.get("dim")), keepdim=a.get("keepdim", False)),
    "prod": lambda ins, a: red_prod(ins[0], a),
    "var": lambda ins, a: red_var(torch.var)(ins[0], a),
    "std": lambda ins, a: red_var(torch.std)(ins[0], a),
    "argmax": lambda ins, a: red_arg(torch.argmax)(ins[0], a),
    "argmin": lambda ins, a: red_arg(torch.argmin)(ins[0], a),
    "logsumexp": lambda ins, a: torch.logsumexp(ins[0], dim=dims_of(ins[0], a.get("dim")), keepdim=a.get("keepdim", False)),
    "all": lambda ins, a: red_np(np.all)(ins[0], a),
    "any": lambda ins, a: red_np(np.any)(ins[0], a),
    "cumsum": lambda ins, a: torch.cumsum(ins[0], a["dim"]),
    "where": lambda ins, a: torch.where(ins[0], a["a"] if ins[1] is None else ins[1], a["b"] if ins[2] is None else ins[2]),
    "whereMethod": lambda ins, a: ins[0].where(ins[1], ins[2]),
    "clampT": lambda ins, a: torch.clamp(ins[0], ins[1], ins[2]),
    # linear algebra
    "matmul": lambda ins, a: torch.matmul(ins[0], ins[1]),
    "dot": lambda ins, a: torch.dot(ins[0], ins[1]),
    "outer": lambda ins, a: torch.outer(ins[0], ins[1]),
    "transpose": lambda ins, a: ins[0].transpose(a.get("dim0", -2), a.get("dim1", -1)) if ins[0].dim() >= 2 else ins[0],
    # shape
    "reshape": lambda ins, a: ins[0].reshape(a["shape"]),
    "view": lambda ins, a: ins[0].view(a["shape"]),
    "flatten": lambda ins, a: ins[0].flatten(a.get("start", 0), a.get("end", -1)),
    "squeeze": lambda ins, a: py_squeeze(ins[0], a),
    "unsqueeze": lambda ins, a: ins[0].unsqueeze(a["dim"]),
    "permute": lambda ins, a: ins[0].permute(a["dims"]),
    "expand": lambda ins, a: ins[0].expand(a["shape"]),
    "broadcastTo": lambda ins, a: torch.broadcast_to(ins[0], a["shape"]),
    "concat": lambda ins, a: torch.cat(ins, a.get("dim", 0)),
    "stack": lambda ins, a: torch.stack(ins, a.get("dim", 0)),
    "split": lambda ins, a: list(torch.split(ins[0], a["size"], a.get("dim", 0))),
    "chunk": lambda ins, a: list(torch.chunk(ins[0], a["chunks"], a.get("dim", 0))),
    "slice": lambda ins, a: py_slice(ins[0], a),
    "narrow": lambda ins, a: ins[0].narrow(a["dim"], a["start"], a["length"]),
    "pad": lambda ins, a: F.pad(ins[0], a["pads"], value=a.get("value", 0)),
    "repeat": lambda ins, a: ins[0].repeat(*a["reps"]),
    "tile": lambda ins, a: torch.tile(ins[0], a["reps"]),
    "flip": lambda ins, a: torch.flip(ins[0], [a["dims"]] if isinstance(a["dims"], int) else a["dims"]),
    # indexing
    "index": lambda ins, a: ins[0][py_index_spec(a["spec"], ins)],
    "gather": lambda ins, a: torch.gather(ins[0], a["dim"], ins[1].long()),
    "scatter": lambda ins, a: torch.scatter(ins[0], a["dim"], ins[1].long(), ins[2]) if "value" not in a else torch.scatter(ins[0], a["dim"], ins[1].long(), a["value"]),
    "scatterAdd": lambda ins, a: torch.scatter_add(ins[0], a["dim"], ins[1].long(), ins[2]),
    "indexSelect": lambda ins, a: torch.index_select(ins[0], a["dim"], ins[1].long()),
    "maskedFill": lambda ins, a: ins[0].masked_fill(ins[1], a["value"]),
    "oneHot": lambda ins, a: F.one_hot(ins[0].long(), a.get("numClasses", -1)),
    # nn.functional
    "softmax": lambda ins, a: torch.softmax(ins[0], a["dim"]),
    "logSoftmax": lambda ins, a: torch.log_softmax(ins[0], a["dim"]),
    "conv1d": lambda ins, a: py_conv(F.conv1d)(ins[0], ins[1], ins[2], a),
    "conv2d": lambda ins, a: py_conv(F.conv2d)(ins[0], ins[1], ins[2], a),
    "maxPool2d": lambda ins, a: F.max_pool2d(ins[0], py_pair(a["kernelSize"]), stride=py_pair(a.get("stride", a["kernelSize"])), padding=py_pair(a.get("padding", 0)), dilation=py_pair(a.get("dilation", 1))),
    "avgPool2d": lambda ins, a: F.avg_pool2d(ins[0], py_pair(a["kernelSize"]), stride=py_pair(a.get("stride", a["kernelSize"])), padding=py_pair(a.get("padding", 0)), count_include_pad=a.get("countIncludePad", True)),
    "batchNorm": lambda ins, a: py_batchnorm(ins[0], ins[1], ins[2], ins[3], ins[4], a),
    "layerNorm": lambda ins, a: F.layer_norm(ins[0], [a["normalizedShape"]] if isinstance(a["normalizedShape"], int) else a["normalizedShape"], ins[1], ins[2], a.get("eps", 1e-5)),
    "embedding": lambda ins, a: F.embedding(ins[0].long(), ins[1], padding_idx=a.get("paddingIdx")),
    "linear": lambda ins, a: F.linear(ins[0], ins[1], ins[2]),
    "crossEntropy": lambda ins, a: py_ce(ins[0], ins[1], ins[2], a),
    "mse": lambda ins, a: F.mse_loss(ins[0], ins[1], reduction=a.get("reduction", "mean")),
    "dropout": lambda ins, a: F.dropout(ins[0], a.get("p", 0.5), training=a.get("training", True)),
}
for _k, _f in BINARY.items():
    PY_OPS[_k] = (lambda fn: lambda ins, a: py_binary(fn)(ins[0], ins[1] if len(ins) > 1 else None, a))(_f)
for _k, _f in UNARY.items():
    PY_OPS[_k] = (lambda fn: lambda ins, a: fn(ins[0], a))(_f)


# ---- recording -------------------------------------------------------------------------------

def apply_view(t, v):
    """A strided view of a leaf (so ops see non-contiguous input): permute, flip, slice, expand."""
    if v is None or t is None:
        return t
    if "permute" in v:
        return t.permute(v["permute"])
    if "flip" in v:
        return torch.flip(t, v["flip"])
    if "slice" in v:
        st, en, sp = v["slice"]
        return t[tuple(slice(a, b, c) for a, b, c in zip(st, en, sp))]
    if "expand" in v:
        return t.expand(v["expand"])
    raise ValueError(v)


def case(name, op, inputs, args=None, grad=True, tol=None, py=None, note=None, views=None):
    """Runs PyTorch on `inputs` and records a fixture. `py` overrides the reference computation.
    `views` (one entry per input, or None) turns leaves into strided views before the op."""
    assert name not in NAMES, name
    NAMES.add(name)
    args = args or {}
    ins, specs = [], []
    for t in inputs:
        if t is None:
            ins.append(None)
            specs.append(None)
            continue
        frozen = isinstance(t, NoGrad)
        t = (t.t if frozen else t).detach().clone()
        rg = bool(grad and not frozen and t.dtype in (F32, F64))
        if rg:
            t.requires_grad_(True)
        ins.append(t)
        s = enc(t)
        s["requiresGrad"] = rg
        specs.append(s)
    vins = [apply_view(t, views[i]) for i, t in enumerate(ins)] if views else ins
    out = (py or PY_OPS[op])(vins, args)
    outs = out if isinstance(out, (list, tuple)) else [out]
    rec = {"name": name, "op": op, "inputs": specs, "args": enc_args(args)}
    if views:
        rec["views"] = views
    rec["out"] = [enc(o) for o in outs] if isinstance(out, (list, tuple)) else enc(out)
    if tol:
        rec["tol"] = tol
    if note:
        rec["note"] = note
    leaves = [t for t in ins if t is not None and t.requires_grad]
    if leaves:
        ups, loss = [], None
        for o in outs:
            if o.requires_grad:
                u = torch.randn(o.shape, dtype=F64).to(o.dtype)
                ups.append(u)
                term = (o * u).sum()
                loss = term if loss is None else loss + term
            else:
                ups.append(None)
        if loss is not None:
            gs = torch.autograd.grad(loss, leaves, allow_unused=True)
            gmap = {id(t): g for t, g in zip(leaves, gs)}
            rec["upstream"] = [enc(u) if u is not None else None for u in ups] if isinstance(out, (list, tuple)) else enc(ups[0])
            grads = []
            for t in ins:
                if t is None or not t.requires_grad:
                    grads.append(None)
                else:
                    g = gmap[id(t)]
                    grads.append(enc(g if g is not None else torch.zeros_like(t)))
            rec["grads"] = grads
    CASES.append(rec)


# ==== the cases =================================================================================

def creation_cases():
    case("arange/int", "arange", [], {"start": 0, "stop": 7, "step": 1})
    case("arange/int_step", "arange", [], {"start": -3, "stop": 10, "step": 4})
    case("arange/int_neg_step", "arange", [], {"start": 5, "stop": -4, "step": -2})
    case("arange/float", "arange", [], {"start": 0, "stop": 1, "step": 0.25})
    case("arange/float_inexact", "arange", [], {"start": 0.5, "stop": 2.6, "step": 0.3})
    case("arange/float64", "arange", [], {"start": 1, "stop": 2, "step": 0.1, "dtype": "float64"})
    case("arange/int_as_f32", "arange", [], {"start": 0, "stop": 5, "step": 1, "dtype": "float32"})
    case("arange/empty", "arange", [], {"start": 3, "stop": 3, "step": 1})
    case("arange/stop_only", "arange", [], {"stop": 5})
    case("arange/start_stop", "arange", [], {"start": -2, "stop": 3})
    case("arange/float_stop_only", "arange", [], {"stop": 2.5})
    case("linspace/basic", "linspace", [], {"a": 0, "b": 1, "n": 5})
    case("linspace/neg", "linspace", [], {"a": -2.5, "b": 3.1, "n": 7})
    case("linspace/one", "linspace", [], {"a": 4, "b": 9, "n": 1})
    case("linspace/zero", "linspace", [], {"a": 4, "b": 9, "n": 0})
    case("linspace/float64", "linspace", [], {"a": -1, "b": 1, "n": 11, "dtype": "float64"})
    case("eye/3", "eye", [], {"n": 3})
    case("eye/2x4_f64", "eye", [], {"n": 2, "m": 4, "dtype": "float64"})
    case("eye/4x2_int", "eye", [], {"n": 4, "m": 2, "dtype": "int32"})
    case("eye/3_bool", "eye", [], {"n": 3, "dtype": "bool"})
    case("zeros/f32", "zeros", [], {"shape": [2, 3]})
    case("zeros/int_empty", "zeros", [], {"shape": [0, 3], "dtype": "int32"})
    case("zeros/scalar_f64", "zeros", [], {"shape": [], "dtype": "float64"})
    case("ones/bool", "ones", [], {"shape": [2, 2], "dtype": "bool"})
    case("full/float", "full", [], {"shape": [2, 3], "value": 2.5})
    case("full/int", "full", [], {"shape": [3], "value": -4, "dtype": "int32"})
    case("full/f64", "full", [], {"shape": [2, 1, 2], "value": 0.1, "dtype": "float64"})
    case("full/bool", "full", [], {"shape": [2], "value": True})
    case("full/inf", "full", [], {"shape": [2], "value": float("-inf")})
    case("full/nan_scalar", "full", [], {"shape": [], "value": float("nan")})
    case("zerosLike/int", "zerosLike", [ints(2, 3)])
    case("onesLike/f64", "onesLike", [randn(3)], grad=False)
    case("tensor/f64", "tensor", [randn(2, 3)], grad=False)
    case("tensor/f32", "tensor", [randn(4, dtype=F32)], grad=False)
    case("tensor/int", "tensor", [ints(3, 2)])
    case("tensor/bool", "tensor", [bools(2, 2)])
    case("tensor/scalar", "tensor", [T(3.25)], grad=False)
    case("tensor/empty", "tensor", [torch.zeros(0, 3, dtype=F64)], grad=False)


UNARY_DOMAIN = {
    "log": "pos", "sqrt": "pos", "rsqrt": "pos", "log1p": "pos", "reciprocal": "pos",
}


def elementwise_cases():
    for op in ["neg", "abs", "exp", "log", "sqrt", "rsqrt", "sin", "cos", "tanh", "sigmoid", "relu",
               "sign", "floor", "ceil", "round", "erf", "log1p", "expm1", "square", "reciprocal"]:
        dom = UNARY_DOMAIN.get(op)
        for dt in (F64, F32):
            x = pos(2, 3, dtype=dt) if dom == "pos" else randn(2, 3, dtype=dt) * 2
            case(f"{op}/{DT_NAME[dt]}", op, [x], tol={"rtol": 3e-5, "atol": 1e-6} if dt == F32 and op in ("erf",) else None)
    case("exp/scalar", "exp", [T(0.7)])
    case("exp/empty", "exp", [torch.zeros(0, 3, dtype=F64)])
    case("tanh/large", "tanh", [T([-30.0, -5.0, 0.0, 5.0, 30.0])])
    case("sigmoid/large", "sigmoid", [T([-800.0, -40.0, 0.0, 40.0, 800.0])])
    case("erf/range", "erf", [T([-7.0, -3.0, -2.4, -1.0, -0.1, 0.0, 0.3, 1.7, 2.6, 4.0, 6.5])])
    # leakyRelu, gelu, elu, softplus with parameters
    x = randn(3, 4) * 2
    case("leakyRelu/default", "leakyRelu", [x])
    case("leakyRelu/slope", "leakyRelu", [x], {"negativeSlope": 0.2})
    case("leakyRelu/f32", "leakyRelu", [x.float()], {"negativeSlope": 0.1})
    case("gelu/none", "gelu", [x], {"approximate": "none"})
    case("gelu/tanh", "gelu", [x], {"approximate": "tanh"})
    case("gelu/none_f32", "gelu", [x.float()], {"approximate": "none"})
    case("gelu/tanh_f32", "gelu", [x.float()], {"approximate": "tanh"})
    case("gelu/wide", "gelu", [T([-10.0, -6.0, -3.0, -0.5, 0.0, 0.5, 3.0, 6.0, 10.0])])
    case("gelu/wide_tanh", "gelu", [T([-10.0, -6.0, -3.0, -0.5, 0.0, 0.5, 3.0, 6.0, 10.0])], {"approximate": "tanh"})
    case("elu/default", "elu", [x])
    case("elu/alpha", "elu", [x], {"alpha": 0.5})
    case("softplus/default", "softplus", [x])
    case("softplus/beta_threshold", "softplus", [T([-30.0, -2.0, -0.3, 0.0, 0.4, 2.0, 4.0, 6.0, 30.0])], {"beta": 2, "threshold": 5})
    case("softplus/f32", "softplus", [x.float()], {"beta": 0.5})
    # clamp
    case("clamp/both", "clamp", [x], {"min": -0.5, "max": 0.8})
    case("clamp/min_only", "clamp", [x], {"min": 0.1})
    case("clamp/max_only", "clamp", [x], {"max": -0.2})
    case("clamp/boundary_grad", "clamp", [T([-1.0, -0.5, 0.0, 0.5, 1.0])], {"min": -0.5, "max": 0.5})
    case("clamp/int", "clamp", [ints(6)], {"min": -2, "max": 3})
    case("clamp/tensor_bounds", "clampT", [randn(2, 3), NoGrad(randn(3) - 0.5), NoGrad(randn(2, 1) + 0.5)])
    # round half to even
    case("round/half_even", "round", [T([-3.5, -2.5, -1.5, -0.5, -0.4, 0.5, 1.5, 2.5, 3.5, 4.5, 0.49999999999999994, 2.675, -3.7, 1e16 + 2])])
    case("round/half_even_f32", "round", [T([-2.5, -0.5, 0.5, 1.5, 2.5, 1e7 + 0.5, 3.4999], dtype=F32)])
    case("floor/neg", "floor", [T([-2.5, -0.5, -0.0, 0.5, 2.0])])
    case("ceil/neg", "ceil", [T([-2.5, -0.5, -0.0, 0.5, 2.0])])
    case("sign/nan_numpy", "sign", [T([float("nan"), -2.0, 3.0])], grad=False,
         py=lambda ins, a: torch.from_numpy(np.sign(ins[0].detach().numpy())),
         note="deepscript follows NumPy (sign(NaN) = NaN); torch 1.13 gives 0 (pytorch/pytorch#41245)")
    case("sign/zero", "sign", [T([-3.0, -0.0, 0.0, 2.0, float("inf"), float("-inf")])], grad=False)
    case("abs/int", "abs", [ints(5)])
    case("neg/int", "neg", [ints(5)])
    case("exp/int", "exp", [ints(4, lo=-3, hi=3)])
    case("sqrt/int", "sqrt", [ints(4, lo=0, hi=9)])
    case("sigmoid/int", "sigmoid", [ints(4)])
    case("relu/int", "relu", [ints(6)])
    case("floor/int", "floor", [ints(4)])
    case("logicalNot/bool", "logicalNot", [bools(5)])
    case("logicalNot/float", "logicalNot", [T([0.0, -0.0, 1.5, float("nan")])])
    case("logicalNot/int", "logicalNot", [T([0, 3, -1], dtype=I32)])

    # binary: shapes, broadcasting, scalars
    for op in ["add", "sub", "mul", "div", "minimum", "maximum"]:
        case(f"{op}/same", op, [randn(2, 3), randn(2, 3)])
        case(f"{op}/broadcast", op, [randn(2, 1, 3), randn(4, 1)])
        case(f"{op}/f32", op, [randn(3, 2, dtype=F32), randn(2, dtype=F32)])
        case(f"{op}/scalar_right", op, [randn(2, 3)], {"scalar": 1.5})
        case(f"{op}/scalar_0d", op, [randn(3), T(0.75)])
    for op in ["add", "sub", "mul", "div"]:
        case(f"{op}/scalar_left", op, [pos(2, 3)], {"scalar": 2.5, "left": True})
    case("pow/tensor", "pow", [pos(2, 3), randn(2, 3)])
    case("pow/broadcast", "pow", [pos(3, 1), randn(4)])
    case("pow/scalar_exp2", "pow", [randn(5)], {"scalar": 2})
    case("pow/scalar_exp3", "pow", [randn(5)], {"scalar": 3})
    case("pow/scalar_half", "pow", [pos(5)], {"scalar": 0.5})
    case("pow/scalar_neg", "pow", [pos(5)], {"scalar": -1.5})
    case("pow/scalar_base", "pow", [randn(5)], {"scalar": 2.0, "left": True})
    case("pow/zero_base", "pow", [T([0.0, 0.0, 2.0]), T([0.0, 2.0, 3.0])])
    case("pow/f32", "pow", [pos(4, dtype=F32), randn(4, dtype=F32)])
    case("pow/int_int", "pow", [ints(5, lo=-3, hi=4), ints(5, lo=0, hi=4)])
    case("pow/int_scalar", "pow", [ints(5)], {"scalar": 2})
    case("pow/neg_base_int_exp", "pow", [T([-2.0, -1.5, 3.0]), T([3.0, 2.0, 2.0])])
    case("pow/scalar_exp0", "pow", [T([0.0, -1.5, 3.0])], {"scalar": 0})
    case("pow/tensor_exp0", "pow", [T([0.0, -1.5, 3.0]), T([0.0, 0.0, 1.0])])
    case("maximum/ties", "maximum", [T([1.0, 2.0, 3.0]), T([1.0, 1.0, 3.0])])
    case("minimum/ties", "minimum", [T([1.0, 2.0, 3.0]), T([1.0, 1.0, 3.0])])
    case("add/scalar_0d_both", "add", [T(1.5), T(-2.25)])
    case("mul/empty", "mul", [torch.zeros(0, 3, dtype=F64), randn(3)])
    case("add/int_overflow_free", "add", [ints(4), ints(4)])
    case("sub/int_scalar_left", "sub", [ints(4)], {"scalar": 3, "left": True})
    case("div/int_scalar_left", "div", [ints(4, lo=1, hi=5)], {"scalar": 3, "left": True})

    # type promotion
    i32, f32, f64, bl = ints(2, 3), randn(2, 3, dtype=F32), randn(2, 3), bools(2, 3)
    bl2 = bools(2, 3)
    case("promote/int+f32", "add", [i32, f32])
    case("promote/f32+int", "mul", [f32, i32])
    case("promote/int+f64", "add", [i32, f64])
    case("promote/f32+f64", "add", [f32, f64])
    case("promote/int/int", "div", [ints(2, 3), ints(2, 3, lo=1, hi=5)])
    case("promote/int*int", "mul", [i32, ints(2, 3)])
    case("promote/int-int", "sub", [i32, ints(2, 3)])
    case("promote/bool+bool", "add", [bl, bl2])
    case("promote/bool*bool", "mul", [bl, bl2])
    case("promote/bool+int", "add", [bl, i32])
    case("promote/bool+f32", "add", [bl, f32])
    case("promote/bool/bool", "div", [bl, T([[True, True, True], [True, True, True]], dtype=B)])
    case("promote/int+int_scalar", "add", [i32], {"scalar": 2})
    case("promote/int*float_scalar", "mul", [i32], {"scalar": 2.5})
    case("promote/int/int_scalar", "div", [i32], {"scalar": 2})
    case("promote/bool+int_scalar", "add", [bl], {"scalar": 1})
    case("promote/bool+float_scalar", "add", [bl], {"scalar": 1.5})
    case("promote/f32+int_scalar", "add", [f32], {"scalar": 3})
    case("promote/f32*float_scalar", "mul", [f32], {"scalar": 0.1})
    case("promote/f64*float_scalar", "mul", [f64], {"scalar": 0.1})
    case("promote/int_lt_float_scalar", "lt", [i32], {"scalar": 0.5})
    case("promote/int_maximum_f32", "maximum", [i32, f32])
    case("promote/bool_maximum_bool", "maximum", [bl, bl2])
    # 0-d tensors do not widen a dimensioned tensor of the same category (but do of a lower one)
    case("promote/f32+f64_0d", "add", [randn(3, dtype=F32), T(0.5)])
    case("promote/f64_0d*f32", "mul", [T(1.5), randn(2, 2, dtype=F32)])
    case("promote/f64+f32_0d", "add", [randn(3), T(0.5, dtype=F32)])
    case("promote/int+f64_0d", "add", [ints(3), T(0.25)])
    case("promote/int+f32_0d", "sub", [ints(3), T(0.25, dtype=F32)])
    case("promote/bool+int_0d", "add", [bools(3), T(2, dtype=I32)])
    case("promote/f32_0d+f64_0d", "add", [T(0.5, dtype=F32), T(0.25)])
    case("promote/where_f32_f64_0d", "where", [bools(3), randn(3, dtype=F32), T(2.0)])
    case("promote/eq_f32_f64_0d", "eq", [T([0.1, 0.5], dtype=F32), T(0.1)])
    # a number meeting float32 is a float32 value
    case("promote/eq_f32_scalar", "eq", [T([0.1, 0.3, 0.5], dtype=F32)], {"scalar": 0.1})
    case("promote/le_f32_scalar", "le", [T([0.1, 0.3, 0.5], dtype=F32)], {"scalar": 0.3})
    case("promote/gt_f32_scalar_left", "gt", [T([0.1, 0.3, 0.7], dtype=F32)], {"scalar": 0.3, "left": True})
    case("promote/sub_f32_scalar", "sub", [T([0.1, 0.3, 1e-8], dtype=F32)], {"scalar": 0.1})
    case("promote/int_eq_float_scalar", "eq", [T([0, 1, 2], dtype=I32)], {"scalar": 1.0})

    # where
    c = bools(2, 3)
    case("where/tensors", "where", [c, randn(2, 3), randn(2, 3)])
    case("where/broadcast", "where", [bools(3, 1), randn(1, 4), randn(3, 4)])
    case("where/scalar_other", "where", [c, randn(2, 3), None], {"b": 0.0})
    case("where/scalar_first", "where", [c, None, randn(2, 3)], {"a": -1.0})
    case("where/int_f32", "where", [c, ints(2, 3), randn(2, 3, dtype=F32)])
    case("where/int_int", "where", [c, ints(2, 3), ints(2, 3)])
    case("where/method", "whereMethod", [randn(2, 3), c, randn(2, 3)], py=lambda ins, a: torch.where(ins[1], ins[0], ins[2]))

    # comparisons and logical ops
    a, b2 = randn(3, 4), randn(3, 4)
    b2[0, 0] = a[0, 0]
    b2[1, 2] = a[1, 2]
    for op in ["eq", "ne", "lt", "le", "gt", "ge"]:
        case(f"{op}/f64", op, [a, b2])
        case(f"{op}/broadcast", op, [randn(2, 1, 3), randn(4, 3)])
        case(f"{op}/scalar", op, [T([-1.0, 0.0, 0.5, 1.0, float("nan")])], {"scalar": 0.5})
        case(f"{op}/int", op, [ints(6, lo=-2, hi=3), ints(6, lo=-2, hi=3)])
        case(f"{op}/nan", op, [T([float("nan"), 1.0, float("inf"), float("-inf")]), T([float("nan"), float("nan"), float("inf"), 0.0])])
    case("eq/int_float", "eq", [T([1, 2, 3], dtype=I32), T([1.0, 2.5, 3.0], dtype=F32)])
    case("eq/bool", "eq", [bl, bl2])
    case("lt/bool_int", "lt", [bl, ints(2, 3, lo=-1, hi=2)])
    for op in ["logicalAnd", "logicalOr"]:
        case(f"{op}/bool", op, [bl, bl2])
        case(f"{op}/float", op, [T([0.0, 1.0, -2.0, 0.0, float("nan")]), T([0.0, 0.0, 3.0, -0.0, 1.0])])
        case(f"{op}/int_broadcast", op, [ints(3, 1, lo=-1, hi=2), ints(4, lo=-1, hi=2)])
        case(f"{op}/scalar", op, [bl], {"scalar": True})

    # casting
    fx = T([-2.7, -1.5, -0.5, -0.0, 0.0, 0.4, 1.5, 2.9, 7.0])
    case("to/f64_int", "to", [fx], {"dtype": "int32"})
    case("to/f32_int", "to", [fx.float()], {"dtype": "int32"})
    case("to/f64_f32", "to", [randn(2, 3)], {"dtype": "float32"})
    case("to/f32_f64", "to", [randn(2, 3, dtype=F32)], {"dtype": "float64"})
    case("to/f64_bool", "to", [T([0.0, -0.0, 0.5, -2.0, float("nan"), float("inf")])], {"dtype": "bool"})
    case("to/int_f32", "to", [ints(5)], {"dtype": "float32"})
    case("to/int_bool", "to", [ints(6, lo=-1, hi=2)], {"dtype": "bool"})
    case("to/bool_f32", "to", [bools(5)], {"dtype": "float32"})
    case("to/bool_int", "to", [bools(5)], {"dtype": "int32"})
    case("to/same", "to", [randn(3)], {"dtype": "float64"})
    case("to/f64_int_large", "to", [T([123456.9, -98765.9, 2147483000.5])], {"dtype": "int32"})
    case("float/f64", "float", [randn(2, 3)])
    case("float/int", "float", [ints(4)])
    case("double/f32", "double", [randn(3, dtype=F32)])
    case("int/f32", "int", [T([-1.9, -0.1, 0.9, 3.5], dtype=F32)])
    case("int/bool", "int", [bools(4)])
    case("bool/int", "bool", [T([0, 2, -3], dtype=I32)])
    case("bool/f64", "bool", [T([0.0, 0.1, -1e-300])])
    case("detach/f64", "detach", [randn(3)], grad=False)
    case("maskedFill/int_float_value", "maskedFill", [ints(2, 3), bools(2, 3)], {"value": 2.7})
    case("clone/f64", "clone", [randn(2, 2)])
    case("contiguous/f64", "contiguous", [randn(2, 2)])


def reduction_cases():
    x = randn(2, 3, 4)
    xf = randn(3, 4, dtype=F32)
    dims_variants = [
        ("all", {}),
        ("all_keep", {"keepdim": True}),
        ("d0", {"dim": 0}),
        ("d1_keep", {"dim": 1, "keepdim": True}),
        ("dneg1", {"dim": -1}),
        ("dneg2_keep", {"dim": -2, "keepdim": True}),
        ("d02", {"dim": [0, 2]}),
        ("d20_keep", {"dim": [2, 0], "keepdim": True}),
        ("d_neg_list", {"dim": [-1, -2]}),
        ("d012", {"dim": [0, 1, 2]}),
    ]
    for op in ["sum", "mean", "max", "min", "prod", "logsumexp"]:
        for tag, a in dims_variants:
            case(f"{op}/{tag}", op, [x], dict(a))
        case(f"{op}/f32_d1", op, [xf], {"dim": 1})
        case(f"{op}/scalar", op, [T(1.25)], {})
    for op in ["var", "std"]:
        for tag, a in dims_variants:
            for corr in (0, 1):
                aa = dict(a)
                aa["correction"] = corr
                case(f"{op}/{tag}_c{corr}", op, [x], aa)
        case(f"{op}/bool_keepdim", op, [x], {"dim": 1, "boolOpt": True})
        case(f"{op}/bool_nokeep", op, [x], {"dim": 1, "boolOpt": False})
        case(f"{op}/f32", op, [xf], {"dim": 0, "correction": 1})
        case(f"{op}/correction2", op, [x], {"dim": 2, "correction": 2})
        case(f"{op}/single_c1", op, [randn(1, 3)], {"dim": 0, "correction": 1}, grad=False)
    # max/min ties share the gradient evenly (amax/amin semantics)
    case("max/ties", "max", [T([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])], {"dim": 1})
    case("min/ties_all", "min", [T([[1.0, 3.0, 1.0], [2.0, 1.0, 2.0]])], {})
    case("prod/zeros", "prod", [T([[1.5, 0.0, 2.0], [0.0, 3.0, 0.0], [2.0, -1.0, 0.5]])], {"dim": 1})
    case("prod/one_zero_all", "prod", [T([1.5, 0.0, 2.0, -3.0])], {})
    # integer and bool reductions
    xi = ints(3, 4)
    case("sum/int", "sum", [xi], {"dim": 1})
    case("sum/int_all", "sum", [xi], {})
    case("sum/bool", "sum", [bools(3, 4)], {"dim": 0})
    case("prod/int", "prod", [ints(3, 3, lo=-3, hi=4)], {"dim": 0})
    case("max/int", "max", [xi], {"dim": 0})
    case("min/int_keep", "min", [xi], {"dim": 1, "keepdim": True})
    case("mean/int", "mean", [xi], {"dim": 1}, py=lambda ins, a: ins[0].float().mean(1),
         note="deepscript averages integers to float32; torch.mean refuses integer input")
    case("mean/bool", "mean", [bools(6)], {}, py=lambda ins, a: ins[0].float().mean(),
         note="deepscript averages bools to float32; torch.mean refuses bool input")
    case("var/int", "var", [ints(6)], {}, py=lambda ins, a: ins[0].float().var(),
         note="deepscript computes the variance of integers in float32")
    # argmax/argmin
    xa = randn(3, 4, 2)
    for op in ["argmax", "argmin"]:
        case(f"{op}/all", op, [xa], {})
        case(f"{op}/d0", op, [xa], {"dim": 0})
        case(f"{op}/d1_keep", op, [xa], {"dim": 1, "keepdim": True})
        case(f"{op}/dneg1", op, [xa], {"dim": -1})
        case(f"{op}/1d", op, [randn(7)], {})
        case(f"{op}/1d_keep", op, [randn(7)], {"dim": 0, "keepdim": True})
        case(f"{op}/all_keep", op, [xa], {"keepdim": True})
        case(f"{op}/ties_first", op, [T([[1.0, 5.0, 5.0, -2.0], [-2.0, 0.0, -2.0, 5.0]])], {"dim": 1})
        case(f"{op}/int", op, [ints(3, 5)], {"dim": 1})
        case(f"{op}/scalar", op, [T(3.0)], {})
    # all / any
    xb = T([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [0.0, 0.0, 0.0]])
    for op in ["all", "any"]:
        case(f"{op}/float_all", op, [xb], {})
        case(f"{op}/float_d1", op, [xb], {"dim": 1})
        case(f"{op}/float_d0_keep", op, [xb], {"dim": 0, "keepdim": True})
        case(f"{op}/bool_dneg1", op, [bools(3, 4)], {"dim": -1})
        case(f"{op}/bool_d01", op, [bools(2, 3, 2)], {"dim": [0, 2]})
        case(f"{op}/int", op, [ints(3, 3, lo=0, hi=2)], {"dim": 0})
        case(f"{op}/nan", op, [T([float("nan"), 0.0])], {})
        case(f"{op}/empty", op, [torch.zeros(0, 3, dtype=F64)], {})
        case(f"{op}/empty_d0", op, [torch.zeros(0, 3, dtype=F64)], {"dim": 0})
    # cumsum
    case("cumsum/d0", "cumsum", [randn(3, 4)], {"dim": 0})
    case("cumsum/d1", "cumsum", [randn(3, 4)], {"dim": 1})
    case("cumsum/dneg1_3d", "cumsum", [randn(2, 3, 4)], {"dim": -1})
    case("cumsum/f32", "cumsum", [randn(5, dtype=F32)], {"dim": 0})
    case("cumsum/int", "cumsum", [ints(2, 5)], {"dim": 1})
    case("cumsum/bool", "cumsum", [bools(6)], {"dim": 0})
    case("cumsum/scalar", "cumsum", [T(2.5)], {"dim": 0})
    case("cumsum/empty", "cumsum", [torch.zeros(0, 3, dtype=F64)], {"dim": 1})
    # float32 variants and a long float32 sum
    case("var/f32_all", "var", [randn(4, 5, dtype=F32)], {})
    case("std/f32_keep", "std", [randn(4, 5, dtype=F32)], {"dim": [0, 1], "keepdim": True, "correction": 0})
    case("logsumexp/f32", "logsumexp", [randn(3, 6, dtype=F32)], {"dim": 1})
    case("sum/f32_long", "sum", [randn(1000, dtype=F32)], {}, tol={"rtol": 1e-4, "atol": 1e-4})
    case("mean/f32_long", "mean", [randn(2, 300, dtype=F32)], {"dim": 1}, tol={"rtol": 1e-4, "atol": 1e-5})
    case("mean/scalar_keep", "mean", [T(2.0)], {"keepdim": True})
    case("sum/0d_dim0", "sum", [T(2.0)], {"dim": 0})
    case("sum/0d_dim_neg1_keep", "sum", [T(2.0)], {"dim": -1, "keepdim": True})
    # empty dims
    e = torch.zeros(0, 3, dtype=F64)
    case("sum/empty_d0", "sum", [e], {"dim": 0})
    case("sum/empty_d1", "sum", [e], {"dim": 1})
    case("sum/empty_all", "sum", [e], {})
    case("prod/empty_d0", "prod", [e], {"dim": 0})
    case("mean/empty_d0", "mean", [e], {"dim": 0}, grad=False)
    case("max/empty_d1", "max", [e], {"dim": 1})
    case("logsumexp/empty_d1", "logsumexp", [e], {"dim": 1})
    case("logsumexp/empty_d0", "logsumexp", [e], {"dim": 0})
    case("logsumexp/empty_all", "logsumexp", [e], {})
    case("softmax/empty_d0", "softmax", [e], {"dim": 0})
    case("softmax/empty_d1", "softmax", [e], {"dim": 1})
    case("logSoftmax/empty_d0", "logSoftmax", [e], {"dim": 0})
    case("var/empty_d1", "var", [e], {"dim": 1})
    case("argmax/empty_d1", "argmax", [e], {"dim": 1})
    # NaN / Inf
    nanx = T([[1.0, float("nan"), 3.0], [4.0, 5.0, -1.0], [float("-inf"), 2.0, float("inf")]])
    case("max/nan", "max", [nanx], {"dim": 1}, grad=False)
    case("min/nan", "min", [nanx], {"dim": 1}, grad=False)
    case("max/nan_all", "max", [nanx], {}, grad=False)
    case("min/nan_d0", "min", [nanx], {"dim": 0}, grad=False)
    case("argmax/nan", "argmax", [nanx], {"dim": 1}, grad=False)
    case("argmin/nan", "argmin", [nanx], {"dim": 1}, grad=False)
    case("argmax/nan_all", "argmax", [nanx], {}, grad=False)
    case("argmax/nan_later", "argmax", [T([1.0, 7.0, float("nan"), 9.0, float("nan")])], {}, grad=False)
    case("sum/inf", "sum", [T([[1.0, float("inf")], [float("inf"), float("-inf")]])], {"dim": 1}, grad=False)
    case("sum/nan", "sum", [nanx], {"dim": 0}, grad=False)
    case("mean/inf", "mean", [T([1.0, float("inf"), 2.0])], {}, grad=False)
    case("prod/inf_zero", "prod", [T([float("inf"), 0.0, 2.0])], {}, grad=False)
    case("logsumexp/inf", "logsumexp", [T([[float("-inf"), float("-inf")], [float("inf"), 1.0], [float("-inf"), 0.0], [1000.0, 1000.0]])], {"dim": 1}, grad=False)
    case("logsumexp/large", "logsumexp", [T([[1000.0, 999.0, 998.0], [-1000.0, -1001.0, -999.0]])], {"dim": 1})
    case("cumsum/inf_nan", "cumsum", [T([1.0, float("inf"), float("-inf"), 2.0])], {"dim": 0}, grad=False)
    case("relu/nan", "relu", [T([float("nan"), -1.0, float("inf"), float("-inf"), 2.0])], grad=False)
    case("log/zero", "log", [T([0.0, -0.0, -1.0, float("inf"), 1.0])], grad=False)
    case("exp/overflow", "exp", [T([700.0, 710.0, 1e4, float("-inf"), float("inf")])], grad=False)
    case("exp/overflow_f32", "exp", [T([80.0, 90.0, -200.0], dtype=F32)], grad=False)
    case("div/by_zero", "div", [T([1.0, -1.0, 0.0, float("inf")]), T([0.0, 0.0, 0.0, float("inf")])], grad=False)
    case("div/int_by_zero", "div", [T([1, -1, 0], dtype=I32), T([0, 0, 0], dtype=I32)], grad=False)
    case("sub/inf", "sub", [T([float("inf"), float("inf"), 1.0]), T([float("inf"), 1.0, float("nan")])], grad=False)
    case("maximum/nan", "maximum", [T([float("nan"), 1.0, 2.0]), T([0.0, float("nan"), 1.0])], grad=False)
    case("minimum/nan", "minimum", [T([float("nan"), 1.0, 2.0]), T([0.0, float("nan"), 1.0])], grad=False)
    case("clamp/nan", "clamp", [T([float("nan"), -5.0, 5.0])], {"min": -1.0, "max": 1.0}, grad=False)
    case("sigmoid/inf", "sigmoid", [T([float("-inf"), float("inf"), float("nan")])], grad=False)
    case("tanh/inf", "tanh", [T([float("-inf"), float("inf"), float("nan")])], grad=False)
    case("sqrt/neg", "sqrt", [T([-1.0, 0.0, float("inf")])], grad=False)
    case("softmax/neg_inf", "softmax", [T([[float("-inf"), 0.0, 1.0], [float("-inf"), float("-inf"), 2.0]])], {"dim": 1})
    case("logSoftmax/neg_inf", "logSoftmax", [T([[float("-inf"), 0.0, 1.0]])], {"dim": 1}, grad=False)
    case("softmax/large", "softmax", [T([[1000.0, 1001.0, 1002.0], [-1000.0, 0.0, 1000.0]])], {"dim": -1})
    case("gelu/inf", "gelu", [T([float("-inf"), float("inf")])], grad=False)
    case("softplus/inf", "softplus", [T([float("-inf"), float("inf"), 800.0, -800.0])], grad=False)
    case("leakyRelu/nan", "leakyRelu", [T([float("nan"), float("-inf")])], grad=False)


def linalg_cases():
    case("matmul/1d_1d", "matmul", [randn(4), randn(4)])
    case("matmul/1d_2d", "matmul", [randn(3), randn(3, 5)])
    case("matmul/2d_1d", "matmul", [randn(4, 3), randn(3)])
    case("matmul/2d_2d", "matmul", [randn(3, 4), randn(4, 2)])
    case("matmul/batched", "matmul", [randn(2, 3, 4), randn(2, 4, 5)])
    case("matmul/broadcast_batch", "matmul", [randn(2, 1, 3, 4), randn(3, 4, 2)])
    case("matmul/3d_2d", "matmul", [randn(2, 3, 4), randn(4, 2)])
    case("matmul/1d_3d", "matmul", [randn(4), randn(2, 4, 3)])
    case("matmul/3d_1d", "matmul", [randn(2, 3, 4), randn(4)])
    case("matmul/f32", "matmul", [randn(3, 5, dtype=F32), randn(5, 2, dtype=F32)], tol={"rtol": 1e-5, "atol": 1e-5})
    case("matmul/int", "matmul", [ints(2, 3), ints(3, 2)])
    case("matmul/int_f32", "matmul", [ints(2, 3), randn(3, 2, dtype=F32)], py=lambda ins, a: torch.matmul(ins[0].float(), ins[1]),
         note="deepscript promotes mixed matmul operands; torch.matmul requires equal dtypes")
    case("matmul/empty", "matmul", [torch.zeros(0, 3, dtype=F64), randn(3, 2)])
    case("matmul/empty_k", "matmul", [torch.zeros(2, 0, dtype=F64), torch.zeros(0, 3, dtype=F64)])
    case("matmul/transposed_view", "matmul", [randn(4, 3)], py=lambda ins, a: ins[0].t() @ ins[0])
    case("dot/basic", "dot", [randn(5), randn(5)])
    case("dot/f32", "dot", [randn(6, dtype=F32), randn(6, dtype=F32)])
    case("outer/basic", "outer", [randn(3), randn(4)])
    case("outer/int", "outer", [ints(3), ints(2)])
    case("transpose/default", "transpose", [randn(2, 3)])
    case("transpose/3d_default", "transpose", [randn(2, 3, 4)])
    case("transpose/dims", "transpose", [randn(2, 3, 4)], {"dim0": 0, "dim1": 2})
    case("transpose/neg", "transpose", [randn(2, 3, 4)], {"dim0": -3, "dim1": -2})
    case("transpose/1d", "transpose", [randn(3)])
    case("T/2d", "T", [randn(2, 3)])
    case("T/3d", "T", [randn(2, 3, 4)])


def shape_cases():
    x = randn(2, 3, 4)
    case("reshape/basic", "reshape", [x], {"shape": [4, 6]})
    case("reshape/infer", "reshape", [x], {"shape": [-1, 2]})
    case("reshape/to_scalar", "reshape", [randn(1, 1)], {"shape": []})
    case("reshape/from_scalar", "reshape", [T(2.0)], {"shape": [1, 1]})
    case("reshape/empty", "reshape", [torch.zeros(0, 3, dtype=F64)], {"shape": [3, 0]})
    case("reshape/int", "reshape", [ints(6)], {"shape": [2, 3]})
    case("view/basic", "view", [x], {"shape": [6, 4]})
    case("view/infer", "view", [x], {"shape": [2, -1]})
    case("flatten/all", "flatten", [x], {})
    case("flatten/start1", "flatten", [x], {"start": 1})
    case("flatten/0_1", "flatten", [x], {"start": 0, "end": 1})
    case("flatten/neg", "flatten", [randn(2, 3, 2, 2)], {"start": -3, "end": -2})
    case("flatten/scalar", "flatten", [T(1.5)], {})
    y = randn(1, 3, 1, 2)
    case("squeeze/all", "squeeze", [y], {})
    case("squeeze/dim", "squeeze", [y], {"dim": 2})
    case("squeeze/neg_dim", "squeeze", [y], {"dim": -4})
    case("squeeze/non1_dim", "squeeze", [y], {"dim": 1})
    case("squeeze/dims", "squeeze", [y], {"dim": [0, 2]})
    case("unsqueeze/0", "unsqueeze", [randn(2, 3)], {"dim": 0})
    case("unsqueeze/last", "unsqueeze", [randn(2, 3)], {"dim": 2})
    case("unsqueeze/neg", "unsqueeze", [randn(2, 3)], {"dim": -1})
    case("unsqueeze/neg2", "unsqueeze", [randn(2, 3)], {"dim": -2})
    case("unsqueeze/scalar", "unsqueeze", [T(3.0)], {"dim": 0})
    case("permute/3d", "permute", [x], {"dims": [2, 0, 1]})
    case("permute/neg", "permute", [x], {"dims": [-1, -3, -2]})
    case("expand/basic", "expand", [randn(3, 1)], {"shape": [3, 4]})
    case("expand/new_dims", "expand", [randn(3, 1)], {"shape": [2, 3, 5]})
    case("expand/minus1", "expand", [randn(3, 1)], {"shape": [2, -1, 4]})
    case("expand/scalar", "expand", [T(1.5)], {"shape": [2, 2]})
    case("broadcastTo/basic", "broadcastTo", [randn(1, 3)], {"shape": [2, 4, 3]})
    case("broadcastTo/int", "broadcastTo", [ints(3)], {"shape": [2, 3]})
    case("concat/d0", "concat", [randn(2, 3), randn(1, 3), randn(3, 3)], {"dim": 0})
    case("concat/d1", "concat", [randn(2, 3), randn(2, 1)], {"dim": 1})
    case("concat/dneg1_3d", "concat", [randn(2, 2, 1), randn(2, 2, 3)], {"dim": -1})
    case("concat/promote", "concat", [ints(2, 2), randn(1, 2, dtype=F32)], {"dim": 0})
    case("concat/empty", "concat", [torch.zeros(0, 3, dtype=F64), randn(2, 3)], {"dim": 0})
    case("concat/single", "concat", [randn(2, 3)], {"dim": 1})
    case("stack/d0", "stack", [randn(2, 3), randn(2, 3)], {"dim": 0})
    case("stack/d1", "stack", [randn(2, 3), randn(2, 3), randn(2, 3)], {"dim": 1})
    case("stack/dneg1", "stack", [randn(2, 3), randn(2, 3)], {"dim": -1})
    case("stack/scalars", "stack", [T(1.0), T(2.0), T(3.0)], {"dim": 0})
    case("split/size", "split", [randn(5, 2)], {"size": 2, "dim": 0})
    case("split/sections", "split", [randn(2, 6)], {"size": [1, 3, 2], "dim": 1})
    case("split/neg_dim", "split", [randn(2, 3, 4)], {"size": 3, "dim": -1})
    case("chunk/even", "chunk", [randn(6, 2)], {"chunks": 3})
    case("chunk/uneven", "chunk", [randn(5, 3)], {"chunks": 3, "dim": 0})
    case("chunk/dim1", "chunk", [randn(2, 7)], {"chunks": 2, "dim": 1})
    case("chunk/fewer", "chunk", [randn(2, 4)], {"chunks": 3, "dim": 1})
    z = randn(4, 5, 3)
    case("slice/basic", "slice", [z], {"start": [1, None], "end": [3, None]})
    case("slice/steps", "slice", [z], {"start": [0, 1, 0], "end": [4, 5, 3], "step": [2, 2, 1]})
    case("slice/neg_bounds", "slice", [z], {"start": [-3, -4], "end": [-1, 5]})
    case("slice/clamped", "slice", [z], {"start": [2, 0, 1], "end": [100, 2, 100]})
    case("slice/empty_result", "slice", [z], {"start": [3], "end": [1]})
    case("narrow/basic", "narrow", [z], {"dim": 1, "start": 1, "length": 3})
    case("narrow/neg", "narrow", [z], {"dim": -1, "start": -2, "length": 2})
    case("pad/last", "pad", [randn(2, 3)], {"pads": [1, 2]})
    case("pad/two_dims", "pad", [randn(2, 3)], {"pads": [0, 1, 2, 0], "value": -1.5})
    case("pad/3d_all", "pad", [randn(2, 2, 2)], {"pads": [1, 1, 0, 2, 1, 0], "value": 0.5})
    case("pad/int", "pad", [ints(2, 2)], {"pads": [1, 1], "value": 7})
    case("repeat/basic", "repeat", [randn(2, 3)], {"reps": [2, 1]})
    case("repeat/more_dims", "repeat", [randn(2, 3)], {"reps": [2, 1, 3]})
    case("repeat/1d", "repeat", [randn(3)], {"reps": [3]})
    case("repeat/zero", "repeat", [randn(2)], {"reps": [0, 2]})
    case("tile/basic", "tile", [randn(2, 3)], {"reps": [2, 2]})
    case("tile/fewer_reps", "tile", [randn(2, 3)], {"reps": [3]})
    case("tile/more_reps", "tile", [randn(3)], {"reps": [2, 2]})
    case("flip/d0", "flip", [z], {"dims": 0})
    case("flip/multi", "flip", [z], {"dims": [0, 2]})
    case("flip/neg", "flip", [z], {"dims": [-1]})
    case("flip/int", "flip", [ints(5)], {"dims": 0})


def indexing_cases():
    x = randn(4, 5, 3)
    case("index/int", "index", [x], {"spec": [1]})
    case("index/neg_int", "index", [x], {"spec": [-1, 2]})
    case("index/all_ints", "index", [x], {"spec": [2, -2, 0]})
    case("index/slice_str", "index", [x], {"spec": ["1:3"]})
    case("index/slice_step", "index", [x], {"spec": ["::2", "1::2"]})
    case("index/slice_neg", "index", [x], {"spec": ["-3:-1", ":", "1:"]})
    case("index/slice_obj", "index", [x], {"spec": [{"start": 1, "stop": None, "step": 2}]})
    case("index/slice_clamp", "index", [x], {"spec": [":100", "-100:2"]})
    case("index/ellipsis", "index", [x], {"spec": ["...", 1]})
    case("index/ellipsis_mid", "index", [x], {"spec": [0, "...", "0:2"]})
    case("index/newaxis", "index", [x], {"spec": [None, 1, None]})
    case("index/newaxis_end", "index", [x], {"spec": ["...", None]})
    case("index/colon", "index", [x], {"spec": [":", 2]})
    case("index/int_tensor", "index", [x, ints(3, lo=0, hi=4)], {"spec": [{"t": 1}]})
    case("index/int_tensor_neg", "index", [x, T([-1, 0, -4], dtype=I32)], {"spec": [{"t": 1}]})
    case("index/int_tensor_dim1", "index", [x, T([4, 0, 0, 2], dtype=I32)], {"spec": [":", {"t": 1}]})
    case("index/int_tensor_2d", "index", [x, T([[0, 1], [2, 2]], dtype=I32)], {"spec": [1, {"t": 1}]})
    case("index/int_tensor_after_slice", "index", [x, T([2, 0], dtype=I32)], {"spec": ["1:4", ":", {"t": 1}]})
    mask = T([True, False, True, True], dtype=B)
    case("index/bool_mask", "index", [x, mask], {"spec": [{"t": 1}]})
    mask2 = bools(4, 5)
    case("index/bool_mask_2d", "index", [x, mask2], {"spec": [{"t": 1}]})
    case("index/bool_mask_dim1", "index", [x, T([False, True, False, True, True], dtype=B)], {"spec": [":", {"t": 1}]})
    case("index/bool_mask_none", "index", [x, T([False, False, False, False], dtype=B)], {"spec": [{"t": 1}]})
    case("index/int_1d_from_1d", "index", [randn(6), T([5, 0, 5, 2], dtype=I32)], {"spec": [{"t": 1}]})
    # gather / scatter / scatterAdd / indexSelect
    g = randn(3, 4)
    case("gather/d0", "gather", [g, T([[0, 1, 2, 0], [2, 2, 1, 0]], dtype=I32)], {"dim": 0})
    case("gather/d1", "gather", [g, T([[3, 0], [1, 1], [0, 2]], dtype=I32)], {"dim": 1})
    case("gather/dneg1", "gather", [randn(2, 3, 4), ints(2, 3, 2, lo=0, hi=4)], {"dim": -1})
    case("gather/int", "gather", [ints(3, 4), T([[1, 0, 2, 2]], dtype=I32)], {"dim": 0})
    case("scatter/d0", "scatter", [g, T([[2, 0, 1, 1], [0, 1, 0, 2]], dtype=I32), randn(2, 4)], {"dim": 0})
    case("scatter/d1", "scatter", [g, T([[3, 1], [0, 2], [1, 0]], dtype=I32), randn(3, 2)], {"dim": 1})
    case("scatter/value", "scatter", [g, T([[0], [3], [1]], dtype=I32)], {"dim": 1, "value": -7.5})
    case("scatter/src_bigger", "scatter", [g, T([[1, 0]], dtype=I32), randn(2, 5)], {"dim": 1}, grad=False)
    case("scatterAdd/d0_dups", "scatterAdd", [g, T([[0, 0, 2, 0], [0, 1, 2, 2], [0, 0, 0, 0]], dtype=I32), randn(3, 4)], {"dim": 0})
    case("scatterAdd/d1_dups", "scatterAdd", [torch.zeros(2, 3, dtype=F64), T([[0, 0, 2, 0], [1, 1, 1, 2]], dtype=I32), randn(2, 4)], {"dim": 1})
    case("scatterAdd/int", "scatterAdd", [ints(2, 3), T([[0, 0, 1]], dtype=I32), ints(1, 3)], {"dim": 1})
    case("indexSelect/d0", "indexSelect", [g, T([2, 0, 2], dtype=I32)], {"dim": 0})
    case("indexSelect/d1", "indexSelect", [g, T([3, 1], dtype=I32)], {"dim": 1})
    case("indexSelect/dneg", "indexSelect", [randn(2, 3, 4), T([1, 1, 0, 3], dtype=I32)], {"dim": -1})
    case("indexSelect/empty_index", "indexSelect", [g, torch.zeros(0, dtype=I32)], {"dim": 0})
    case("maskedFill/basic", "maskedFill", [g, g > 0.3], {"value": -1.0})
    case("maskedFill/broadcast", "maskedFill", [g, T([True, False, False, True], dtype=B)], {"value": 2.5})
    case("maskedFill/neg_inf", "maskedFill", [g, g < 0], {"value": float("-inf")})
    case("maskedFill/int", "maskedFill", [ints(2, 3), bools(2, 3)], {"value": 9})
    case("maskedFill/f32", "maskedFill", [randn(2, 3, dtype=F32), bools(2, 3)], {"value": 0.1})
    case("oneHot/infer", "oneHot", [T([0, 2, 1, 2], dtype=I32)], {})
    case("oneHot/classes", "oneHot", [T([[0, 3], [1, 1]], dtype=I32)], {"numClasses": 5})
    case("oneHot/scalar", "oneHot", [T(2, dtype=I32)], {"numClasses": 3})


def nn_cases():
    x = randn(2, 3, 4)
    for op in ["softmax", "logSoftmax"]:
        case(f"{op}/last", op, [x], {"dim": -1})
        case(f"{op}/d1", op, [x], {"dim": 1})
        case(f"{op}/d0", op, [x], {"dim": 0})
        case(f"{op}/f32", op, [randn(3, 5, dtype=F32)], {"dim": 1})
        case(f"{op}/1d", op, [randn(6)], {"dim": 0})
        case(f"{op}/scalar", op, [T(0.3)], {"dim": 0})
        case(f"{op}/int", op, [ints(2, 3)], {"dim": 1}, py=lambda ins, a, o=op: (torch.softmax if o == "softmax" else torch.log_softmax)(ins[0].float(), 1),
             note="deepscript takes softmax of integers in float32 (torch needs a float dtype)")
    # conv1d
    case("conv1d/basic", "conv1d", [randn(2, 3, 7), randn(4, 3, 3), randn(4)], {})
    case("conv1d/no_bias", "conv1d", [randn(1, 2, 6), randn(3, 2, 2), None], {})
    case("conv1d/stride_pad", "conv1d", [randn(2, 2, 9), randn(3, 2, 3), randn(3)], {"stride": 2, "padding": 1})
    case("conv1d/dilation", "conv1d", [randn(1, 2, 10), randn(2, 2, 3), randn(2)], {"dilation": 3})
    case("conv1d/groups", "conv1d", [randn(2, 4, 6), randn(6, 2, 3), randn(6)], {"groups": 2, "padding": 2})
    case("conv1d/same_odd", "conv1d", [randn(1, 2, 7), randn(3, 2, 3), randn(3)], {"padding": "same"})
    case("conv1d/same_even", "conv1d", [randn(1, 2, 7), randn(3, 2, 4), None], {"padding": "same"})
    case("conv1d/same_dilation", "conv1d", [randn(1, 2, 8), randn(2, 2, 3), randn(2)], {"padding": "same", "dilation": 2})
    case("conv1d/valid", "conv1d", [randn(1, 1, 5), randn(1, 1, 2), None], {"padding": "valid"})
    case("conv1d/f32", "conv1d", [randn(2, 3, 7, dtype=F32), randn(4, 3, 3, dtype=F32), randn(4, dtype=F32)], {"padding": 1}, tol={"rtol": 1e-4, "atol": 1e-5})
    # conv2d
    case("conv2d/basic", "conv2d", [randn(2, 3, 5, 5), randn(4, 3, 3, 3), randn(4)], {})
    case("conv2d/no_bias", "conv2d", [randn(1, 2, 4, 5), randn(3, 2, 2, 3), None], {})
    case("conv2d/stride", "conv2d", [randn(1, 2, 7, 6), randn(2, 2, 3, 3), randn(2)], {"stride": 2})
    case("conv2d/stride_pair", "conv2d", [randn(1, 2, 7, 6), randn(2, 2, 3, 2), randn(2)], {"stride": [2, 1], "padding": [1, 0]})
    case("conv2d/padding", "conv2d", [randn(2, 1, 4, 4), randn(2, 1, 3, 3), randn(2)], {"padding": 1})
    case("conv2d/dilation", "conv2d", [randn(1, 2, 7, 7), randn(2, 2, 3, 3), None], {"dilation": 2})
    case("conv2d/dilation_pair_pad", "conv2d", [randn(1, 1, 6, 7), randn(2, 1, 2, 3), randn(2)], {"dilation": [2, 1], "padding": [2, 1]})
    case("conv2d/groups", "conv2d", [randn(2, 4, 5, 5), randn(6, 2, 3, 3), randn(6)], {"groups": 2, "padding": 1})
    case("conv2d/depthwise", "conv2d", [randn(1, 3, 5, 4), randn(3, 1, 3, 3), randn(3)], {"groups": 3, "padding": 1})
    case("conv2d/same", "conv2d", [randn(1, 2, 5, 6), randn(3, 2, 3, 3), randn(3)], {"padding": "same"})
    case("conv2d/same_even", "conv2d", [randn(1, 2, 5, 6), randn(2, 2, 2, 4), randn(2)], {"padding": "same"})
    case("conv2d/same_dilation", "conv2d", [randn(1, 1, 6, 6), randn(2, 1, 3, 2), None], {"padding": "same", "dilation": [2, 3]})
    case("conv2d/all_options", "conv2d", [randn(2, 4, 8, 7), randn(4, 2, 3, 2), randn(4)], {"stride": [2, 3], "padding": [1, 2], "dilation": [1, 2], "groups": 2})
    case("conv2d/1x1", "conv2d", [randn(2, 3, 3, 3), randn(5, 3, 1, 1), randn(5)], {})
    case("conv2d/f32", "conv2d", [randn(2, 3, 5, 5, dtype=F32), randn(4, 3, 3, 3, dtype=F32), randn(4, dtype=F32)], {"padding": 1}, tol={"rtol": 1e-4, "atol": 1e-5})
    # pooling
    p = randn(2, 2, 6, 6)
    case("maxPool2d/k2", "maxPool2d", [p], {"kernelSize": 2})
    case("maxPool2d/k3_s2", "maxPool2d", [p], {"kernelSize": 3, "stride": 2})
    case("maxPool2d/pad", "maxPool2d", [p], {"kernelSize": 3, "stride": 2, "padding": 1})
    case("maxPool2d/dilation", "maxPool2d", [p], {"kernelSize": 2, "stride": 1, "dilation": 2})
    case("maxPool2d/rect", "maxPool2d", [randn(1, 1, 5, 7)], {"kernelSize": [2, 3], "stride": [1, 2], "padding": [1, 1]})
    case("maxPool2d/3d_input", "maxPool2d", [randn(2, 5, 5)], {"kernelSize": 2})
    case("maxPool2d/neg_pad", "maxPool2d", [-pos(1, 1, 4, 4)], {"kernelSize": 2, "stride": 2, "padding": 1})
    case("avgPool2d/k2", "avgPool2d", [p], {"kernelSize": 2})
    case("avgPool2d/k3_s2", "avgPool2d", [p], {"kernelSize": 3, "stride": 2})
    case("avgPool2d/pad_include", "avgPool2d", [p], {"kernelSize": 3, "stride": 2, "padding": 1, "countIncludePad": True})
    case("avgPool2d/pad_exclude", "avgPool2d", [p], {"kernelSize": 3, "stride": 2, "padding": 1, "countIncludePad": False})
    case("avgPool2d/rect_exclude", "avgPool2d", [randn(1, 2, 5, 7)], {"kernelSize": [2, 3], "stride": [2, 1], "padding": [1, 1], "countIncludePad": False})
    case("avgPool2d/3d_input_exclude", "avgPool2d", [randn(2, 5, 5)], {"kernelSize": 2, "stride": 2, "padding": 1, "countIncludePad": False})
    case("avgPool2d/f32", "avgPool2d", [randn(1, 2, 4, 4, dtype=F32)], {"kernelSize": 2})
    # batchNorm: outputs [y, runningMean after, runningVar after]
    bx = randn(4, 3, 2, 2)
    rm, rv = NoGrad(randn(3) * 0.1), NoGrad(pos(3))
    w, b = randn(3), randn(3)
    case("batchNorm/train", "batchNorm", [bx, rm, rv, w, b], {"training": True})
    case("batchNorm/train_momentum_eps", "batchNorm", [bx, rm, rv, w, b], {"training": True, "momentum": 0.3, "eps": 1e-3})
    case("batchNorm/train_no_affine", "batchNorm", [bx, rm, rv, None, None], {"training": True})
    case("batchNorm/train_2d", "batchNorm", [randn(5, 4), NoGrad(torch.zeros(4, dtype=F64)), NoGrad(torch.ones(4, dtype=F64)), randn(4), randn(4)], {"training": True})
    case("batchNorm/train_3d", "batchNorm", [randn(3, 2, 5), NoGrad(torch.zeros(2, dtype=F64)), NoGrad(torch.ones(2, dtype=F64)), None, randn(2)], {"training": True})
    case("batchNorm/train_no_stats", "batchNorm", [bx, None, None, w, b], {"training": True})
    case("batchNorm/eval", "batchNorm", [bx, rm, rv, w, b], {"training": False})
    case("batchNorm/eval_no_affine", "batchNorm", [bx, rm, rv, None, None], {"training": False, "eps": 0.1})
    case("batchNorm/f32_train", "batchNorm", [bx.float(), NoGrad(torch.zeros(3)), NoGrad(torch.ones(3)), w.float(), b.float()], {"training": True}, tol={"rtol": 1e-4, "atol": 1e-5})
    # layerNorm
    lx = randn(2, 3, 4)
    case("layerNorm/last", "layerNorm", [lx, randn(4), randn(4)], {"normalizedShape": 4})
    case("layerNorm/last2", "layerNorm", [lx, randn(3, 4), randn(3, 4)], {"normalizedShape": [3, 4]})
    case("layerNorm/no_affine", "layerNorm", [lx, None, None], {"normalizedShape": [4], "eps": 1e-3})
    case("layerNorm/weight_only", "layerNorm", [lx, randn(4), None], {"normalizedShape": [4]})
    case("layerNorm/f32", "layerNorm", [lx.float(), randn(4, dtype=F32), randn(4, dtype=F32)], {"normalizedShape": 4}, tol={"rtol": 1e-4, "atol": 1e-5})
    # embedding
    ew = randn(5, 3)
    case("embedding/basic", "embedding", [T([[0, 2, 4], [1, 1, 3]], dtype=I32), ew], {})
    case("embedding/padding_idx", "embedding", [T([[0, 2, 4], [2, 1, 2]], dtype=I32), ew], {"paddingIdx": 2})
    case("embedding/padding_idx_neg", "embedding", [T([4, 0, 4, 1], dtype=I32), ew], {"paddingIdx": -1})
    case("embedding/scalar_index", "embedding", [T(3, dtype=I32), ew], {})
    # linear
    case("linear/bias", "linear", [randn(4, 3), randn(2, 3), randn(2)], {})
    case("linear/no_bias", "linear", [randn(4, 3), randn(5, 3), None], {})
    case("linear/batched", "linear", [randn(2, 4, 3), randn(2, 3), randn(2)], {})
    case("linear/1d", "linear", [randn(3), randn(2, 3), randn(2)], {})
    case("linear/f32", "linear", [randn(4, 3, dtype=F32), randn(2, 3, dtype=F32), randn(2, dtype=F32)], {})
    # crossEntropy
    logits = randn(5, 4)
    tgt = T([0, 3, 1, 1, 2], dtype=I32)
    cw = NoGrad(pos(4))
    for red in ["mean", "sum", "none"]:
        case(f"crossEntropy/idx_{red}", "crossEntropy", [logits, tgt, None], {"reduction": red})
        case(f"crossEntropy/idx_weight_{red}", "crossEntropy", [logits, tgt, cw], {"reduction": red})
        case(f"crossEntropy/idx_ignore_{red}", "crossEntropy", [logits, T([0, -100, 1, 3, -100], dtype=I32), None], {"reduction": red})
        case(f"crossEntropy/idx_smooth_{red}", "crossEntropy", [logits, tgt, None], {"reduction": red, "labelSmoothing": 0.1})
        case(f"crossEntropy/idx_all_{red}", "crossEntropy", [logits, T([2, 1, 2, 0, 3], dtype=I32), cw], {"reduction": red, "labelSmoothing": 0.2, "ignoreIndex": 2})
        probs = NoGrad(torch.softmax(randn(5, 4), 1))
        case(f"crossEntropy/prob_{red}", "crossEntropy", [logits, probs, None], {"reduction": red})
        case(f"crossEntropy/prob_weight_smooth_{red}", "crossEntropy", [logits, probs, cw], {"reduction": red, "labelSmoothing": 0.15})
    case("crossEntropy/custom_ignore", "crossEntropy", [logits, T([0, 3, 1, 1, 2], dtype=I32), None], {"ignoreIndex": 1})
    case("crossEntropy/spatial", "crossEntropy", [randn(2, 3, 2, 2), ints(2, 2, 2, lo=0, hi=3), None], {})
    case("crossEntropy/spatial_weight_none", "crossEntropy", [randn(2, 3, 4), ints(2, 4, lo=0, hi=3), NoGrad(pos(3))], {"reduction": "none"})
    case("crossEntropy/1d_input", "crossEntropy", [randn(4), T(2, dtype=I32), None], {})
    case("crossEntropy/f32", "crossEntropy", [logits.float(), tgt, None], {"labelSmoothing": 0.05})
    # mse
    for red in ["mean", "sum", "none"]:
        case(f"mse/{red}", "mse", [randn(3, 4), randn(3, 4)], {"reduction": red})
    case("mse/f32", "mse", [randn(6, dtype=F32), randn(6, dtype=F32)], {})
    case("mse/broadcast", "mse", [randn(3, 4), randn(4)], {}, py=lambda ins, a: ((ins[0] - ins[1]) ** 2).mean(),
         note="deepscript broadcasts mse operands (torch warns and broadcasts too)")
    case("crossEntropy/all_ignored", "crossEntropy", [logits, T([-100, -100, -100, -100, -100], dtype=I32), None], {}, grad=False)
    case("dropout/p1", "dropout", [randn(3, 3)], {"p": 1.0, "training": True})
    # max pooling with tied maxima: PyTorch routes the gradient to the first maximum of a window
    case("maxPool2d/ties", "maxPool2d", [T([[[[1.0, 1.0, 0.0, 2.0], [1.0, 0.5, 2.0, 2.0], [0.0, 0.0, 3.0, -1.0], [0.0, 0.0, 3.0, 3.0]]]])], {"kernelSize": 2})
    case("maxPool2d/ties_overlap", "maxPool2d", [T([[[[1.0, 1.0, 1.0], [1.0, 1.0, 1.0], [0.0, 1.0, 0.0]]]])], {"kernelSize": 2, "stride": 1})
    case("dropout/eval", "dropout", [randn(3, 3)], {"p": 0.5, "training": False})
    case("dropout/p0", "dropout", [randn(3, 3)], {"p": 0.0, "training": True})


def view_cases():
    """Ops on non-contiguous inputs: transposed, flipped, strided-sliced and broadcast views."""
    P, FL = {"permute": [1, 0]}, {"flip": [0]}
    P3 = {"permute": [2, 0, 1]}
    case("view/add_T_flip", "add", [randn(3, 2), randn(2, 3)], views=[P, FL])
    case("view/mul_sliced", "mul", [randn(4, 6), randn(2, 3)], views=[{"slice": [[0, 1], [4, 6], [2, 2]]}, None])
    case("view/exp_permuted", "exp", [randn(2, 3, 4)], views=[P3])
    case("view/gelu_flip", "gelu", [randn(3, 4)], views=[{"flip": [0, 1]}])
    case("view/sum_permuted_d1", "sum", [randn(2, 3, 4)], {"dim": 1}, views=[P3])
    case("view/sum_permuted_d02", "sum", [randn(2, 3, 4)], {"dim": [0, 2], "keepdim": True}, views=[P3])
    case("view/max_T", "max", [randn(3, 5)], {"dim": 1}, views=[P])
    case("view/var_sliced", "var", [randn(5, 6)], {"dim": 0}, views=[{"slice": [[1, 0], [5, 6], [2, 2]]}])
    case("view/argmax_flip", "argmax", [randn(4, 3)], {"dim": 0}, views=[FL])
    case("view/argmin_T_all", "argmin", [randn(4, 3)], {}, views=[P])
    case("view/cumsum_flip", "cumsum", [randn(5, 2)], {"dim": 0}, views=[FL])
    case("view/cumsum_T", "cumsum", [randn(3, 4)], {"dim": 1}, views=[P])
    case("view/logsumexp_expand", "logsumexp", [randn(3, 1)], {"dim": 1}, views=[{"expand": [3, 4]}])
    case("view/softmax_T", "softmax", [randn(3, 4)], {"dim": 0}, views=[P])
    case("view/matmul_T_T", "matmul", [randn(4, 3), randn(5, 4)], views=[P, P])
    case("view/matmul_sliced", "matmul", [randn(6, 4), randn(4, 3)], views=[{"slice": [[0, 0], [6, 4], [2, 1]]}, {"flip": [1]}])
    case("view/matmul_batched_permuted", "matmul", [randn(3, 2, 4), randn(2, 4, 5)], views=[{"permute": [1, 0, 2]}, None])
    case("view/reshape_T", "reshape", [randn(3, 4)], {"shape": [2, 6]}, views=[P])
    case("view/flatten_flip", "flatten", [randn(2, 3, 2)], {}, views=[{"flip": [1]}])
    case("view/concat_views", "concat", [randn(3, 2), randn(2, 3)], {"dim": 0}, views=[P, {"flip": [0, 1]}])
    case("view/stack_T", "stack", [randn(2, 3), randn(3, 2)], {"dim": 1}, views=[None, P])
    case("view/pad_T", "pad", [randn(3, 2)], {"pads": [1, 1, 2, 0]}, views=[P])
    case("view/repeat_T", "repeat", [randn(3, 2)], {"reps": [2, 2]}, views=[P])
    case("view/split_T", "split", [randn(5, 2)], {"size": 2, "dim": 1}, views=[P])
    case("view/index_T", "index", [randn(4, 3)], {"spec": ["1:", 2]}, views=[P])
    case("view/index_tensor_flip", "index", [randn(4, 3), T([2, 0], dtype=I32)], {"spec": [{"t": 1}]}, views=[FL, None])
    case("view/gather_T", "gather", [randn(3, 4), T([[0, 2, 1], [2, 2, 0]], dtype=I32)], {"dim": 0}, views=[P, None])
    case("view/gather_index_T", "gather", [randn(3, 4), T([[0, 2, 1], [3, 3, 0]], dtype=I32)], {"dim": 1}, views=[None, P])
    case("view/scatter_T", "scatter", [randn(4, 3), T([[1, 0, 2, 0]], dtype=I32), randn(1, 4)], {"dim": 0}, views=[P, None, None])
    case("view/scatterAdd_flip", "scatterAdd", [randn(3, 4), T([[0, 0, 2, 2], [1, 1, 1, 1]], dtype=I32), randn(2, 4)], {"dim": 0}, views=[FL, None, FL])
    case("view/indexSelect_T", "indexSelect", [randn(4, 3), T([3, 0], dtype=I32)], {"dim": 1}, views=[P, None])
    case("view/maskedFill_T", "maskedFill", [randn(3, 2), T([[True, False, True], [False, False, True]], dtype=B)], {"value": 0.5}, views=[P, None])
    case("view/where_T", "where", [T([[True, False], [False, True], [True, True]], dtype=B), randn(2, 3), randn(3, 2)], views=[None, P, None])
    case("view/conv2d_permuted", "conv2d", [randn(1, 5, 5, 2), randn(3, 2, 3, 3), randn(3)], {"padding": 1}, views=[{"permute": [0, 3, 1, 2]}, None, None])
    case("view/maxPool2d_flip", "maxPool2d", [randn(1, 1, 4, 4)], {"kernelSize": 2}, views=[{"flip": [3]}])
    case("view/layerNorm_T", "layerNorm", [randn(4, 3), randn(4), None], {"normalizedShape": 4}, views=[P, None, None])
    case("view/to_int_T", "to", [randn(2, 3) * 3], {"dtype": "int32"}, views=[P])
    case("view/clone_flip", "clone", [randn(2, 3)], views=[{"flip": [0, 1]}])
    case("view/eq_expand", "eq", [ints(3, 1, lo=0, hi=2), ints(1, 4, lo=0, hi=2)], views=[{"expand": [3, 4]}, {"expand": [3, 4]}])
    case("view/linear_T", "linear", [randn(3, 4), randn(2, 3), randn(2)], views=[P, None, None])
    # reshape of strided views: some can stay views (split/merge of compatible dims), some must copy
    case("view/reshape_permuted_merge", "reshape", [randn(2, 3, 4)], {"shape": [3, 8]}, views=[{"permute": [1, 0, 2]}])
    case("view/reshape_permuted_split", "reshape", [randn(2, 3, 4)], {"shape": [2, 2, 2, 3]}, views=[{"permute": [2, 0, 1]}])
    case("view/reshape_stepped_split", "reshape", [randn(4, 6)], {"shape": [2, 2, 3]}, views=[{"slice": [[0, 0], [4, 6], [1, 2]]}])
    case("view/reshape_expand_flat", "reshape", [randn(3, 1)], {"shape": [12]}, views=[{"expand": [3, 4]}])
    case("view/reshape_expand_split", "reshape", [randn(3, 1)], {"shape": [3, 2, 2]}, views=[{"expand": [3, 4]}])
    case("view/reshape_flip_split", "reshape", [randn(4, 6)], {"shape": [4, 2, 3]}, views=[{"flip": [1]}])
    case("view/reshape_flip_flat", "reshape", [randn(4, 6)], {"shape": [24]}, views=[{"flip": [0]}])
    case("view/reshape_sliced_merge_inner", "reshape", [randn(2, 4, 4)], {"shape": [2, 8]}, views=[{"slice": [[0, 1, 0], [2, 3, 4], [1, 1, 1]]}])
    case("view/reshape_sliced_merge_outer", "reshape", [randn(2, 4, 4)], {"shape": [4, 4]}, views=[{"slice": [[0, 1, 0], [2, 3, 4], [1, 1, 1]]}])
    case("view/reshape_ones", "reshape", [randn(1, 3, 1, 4)], {"shape": [4, 1, 3, 1]}, views=[{"permute": [3, 2, 1, 0]}])
    case("view/squeeze_permuted", "squeeze", [randn(1, 3, 1, 4)], {}, views=[{"permute": [3, 0, 1, 2]}])
    case("view/flatten_stepped", "flatten", [randn(3, 4, 4)], {"start": 1}, views=[{"slice": [[0, 0, 0], [3, 4, 4], [1, 2, 2]]}])
    case("view/sum_expand", "sum", [randn(3, 1)], {"dim": 1}, views=[{"expand": [3, 5]}])
    case("view/add_empty_broadcast", "add", [torch.zeros(0, 1, dtype=F64), randn(1, 4)])
    case("view/stack_int", "stack", [ints(2, 2), ints(2, 2)], {"dim": 2})
    case("view/concat_bool", "concat", [bools(2, 2), bools(1, 2)], {"dim": 0})
    case("view/cumsum_size1", "cumsum", [randn(1, 3)], {"dim": 0})
    case("view/where_0d_cond", "where", [T(True, dtype=B), randn(3), randn(2, 1)])
    case("linspace/two", "linspace", [], {"a": -1.5, "b": 1.5, "n": 2})
    case("eye/0", "eye", [], {"n": 0})
    case("arange/float_neg_step", "arange", [], {"start": 1, "stop": 0, "step": -0.25})


def extra_cases():
    """More edge cases: derivatives at kinks, 0-d and size-1 shapes, bool/int dtypes."""
    z = T([-1.5, 0.0, 2.0])
    for op, a in [("relu", {}), ("abs", {}), ("elu", {"alpha": 0.7}), ("leakyRelu", {"negativeSlope": 0.3}),
                  ("gelu", {}), ("sign", {}), ("softplus", {})]:
        case(f"{op}/at_zero", op, [z], a)
    case("sqrt/at_zero", "sqrt", [T([0.0, 4.0])])
    case("clamp/min_gt_max", "clamp", [T([-2.0, 0.5, 3.0])], {"min": 1.0, "max": 0.0})
    case("clamp/int_float_bound", "clamp", [T([1, 2, 3], dtype=I32)], {"min": 1.5})
    case("logsumexp/neg_inf_grad", "logsumexp", [T([[float("-inf"), 0.0, 1.0], [2.0, float("-inf"), 0.5]])], {"dim": 1})
    case("where/int_float_scalar", "where", [T([True, False, True], dtype=B), T([1, 2, 3], dtype=I32), None], {"b": 2.5})
    case("pow/int_float_scalar", "pow", [T([1, 4, 9], dtype=I32)], {"scalar": 0.5})
    case("eq/bool_int_scalar", "eq", [T([True, False], dtype=B)], {"scalar": 1})
    case("max/bool", "max", [T([[True, False], [False, False]], dtype=B)], {"dim": 1})
    case("prod/bool", "prod", [T([[True, False], [True, True]], dtype=B)], {"dim": 1})
    case("all/scalar", "all", [T(0.0)], {})
    case("any/scalar_int", "any", [T(3, dtype=I32)], {})
    case("split/size_bigger", "split", [randn(3, 2)], {"size": 5})
    case("squeeze/scalar", "squeeze", [T(1.5)], {})
    case("unsqueeze/scalar_neg", "unsqueeze", [T(1.5)], {"dim": -1})
    case("permute/scalar", "permute", [T(1.5)], {"dims": []})
    case("T/1d", "T", [randn(3)])
    case("flatten/1d_range", "flatten", [randn(4)], {"start": 0, "end": 0})
    case("index/int_tensor_0d", "index", [randn(4, 3), T(2, dtype=I32)], {"spec": [{"t": 1}]})
    case("index/int_tensor_0d_dim1", "index", [randn(4, 3), T(-1, dtype=I32)], {"spec": [":", {"t": 1}]})
    case("index/bool_0d_true", "index", [randn(2, 3), T(True, dtype=B)], {"spec": [{"t": 1}]})
    case("index/bool_0d_false", "index", [randn(2, 3), T(False, dtype=B)], {"spec": [{"t": 1}]})
    case("index/scalar_from_1d", "index", [randn(4)], {"spec": [2]})
    case("index/empty_spec", "index", [randn(2, 2)], {"spec": []})
    case("layerNorm/1d", "layerNorm", [randn(5), randn(5), randn(5)], {"normalizedShape": 5})
    case("crossEntropy/prob_spatial", "crossEntropy", [randn(2, 3, 4), NoGrad(torch.softmax(randn(2, 3, 4), 1)), None], {})
    case("full/int_value_default", "full", [], {"shape": [2], "value": 3}, py=lambda ins, a: torch.full([2], 3.0),
         note="ds.full with a JavaScript number and no dtype gives float32 (torch.full infers int64)")
    case("tensor/bool_nested", "tensor", [T([[True, False, True], [False, False, True]], dtype=B)])


def main():
    creation_cases()
    elementwise_cases()
    reduction_cases()
    linalg_cases()
    shape_cases()
    indexing_cases()
    nn_cases()
    view_cases()
    extra_cases()
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "test", "fixtures", "ops.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    doc = {
        "generator": "tools/gen_fixtures.py",
        "torch": torch.__version__.split("+")[0],
        "numpy": np.__version__,
        "cases": CASES,
    }
    text = json.dumps(doc, allow_nan=False, separators=(",", ":"))
    with open(path, "w") as f:
        f.write(text)
        f.write("\n")
    print(f"wrote {len(CASES)} cases, {len(text) / 1e6:.2f} MB to {os.path.relpath(path)}", file=sys.stderr)


if __name__ == "__main__":
    main()

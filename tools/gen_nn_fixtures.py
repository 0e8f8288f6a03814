#!/usr/bin/env python3
"""Reference values for deepscript's nn layers and loss modules, computed with PyTorch.

Run:  /usr/bin/python3 tools/gen_nn_fixtures.py      (writes test/fixtures/nn.json)

Each case builds one torch.nn module, records its state_dict (keys, shapes, values), runs it on
recorded inputs and records the output(s), the upstream tensor(s) and the gradients of
sum(output * upstream) with respect to the differentiable inputs and every parameter. Layers with
running statistics also record the state after the forward pass (`stateAfter`).

`module` describes the deepscript constructor call: {"type": "Conv2d", "args": [...],
"opts": {...}} with camelCase option names; Sequential has "children". A tensor inside options or
forward options is {"$tensor": <tensor>}. Tensors are {"shape", "dtype", "data"}; NaN and
infinities are written as "nan", "inf", "-inf"; PyTorch's int64 is written as int32.
Everything is seeded: the file is reproducible.
"""
import json
import math
import os
import warnings

import torch
import torch.nn as nn

warnings.filterwarnings("ignore")
torch.manual_seed(4321)

F64, F32, I64 = torch.float64, torch.float32, torch.int64
DT_NAME = {F32: "float32", F64: "float64", torch.int32: "int32", I64: "int32", torch.bool: "bool"}

CASES = []
NAMES = set()


# ---- encoding --------------------------------------------------------------------------------

def enc_num(v, dtype):
    if dtype == torch.bool:
        return 1 if v else 0
    if dtype in (torch.int32, I64):
        return int(v)
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if dtype == F32:
        return float("%.9g" % v)  # float32 round-trips through 9 significant digits
    return v


def enc(t):
    t = t.detach()
    return {"shape": list(t.shape), "dtype": DT_NAME[t.dtype], "data": [enc_num(v, t.dtype) for v in t.reshape(-1).tolist()]}


def enc_opts(v):
    if isinstance(v, torch.Tensor):
        return {"$tensor": enc(v)}
    if isinstance(v, dict):
        return {k: enc_opts(u) for k, u in v.items()}
    if isinstance(v, (list, tuple)):
        return [enc_opts(u) for u in v]
    return v


def enc_state(m):
    return {k: enc(v) for k, v in m.state_dict().items()}


# ---- inputs ----------------------------------------------------------------------------------

def randn(*shape, dtype=F64):
    return torch.randn(*shape, dtype=F64).to(dtype)


def unit(*shape, dtype=F64, lo=0.05, hi=0.95):
    return (torch.rand(*shape, dtype=F64) * (hi - lo) + lo).to(dtype)


def ints(*shape, hi=5, lo=0):
    return torch.randint(lo, hi, shape, dtype=I64)


def randomize(m, dtype):
    """Random parameter values (not the default init) so every entry of every gradient matters."""
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(torch.randn(p.shape, dtype=F64).to(dtype) * 0.5)
    return m


# ---- one case ----------------------------------------------------------------------------------

def flat_outputs(y):
    return list(y) if isinstance(y, (tuple, list)) else [y]


def case(name, module, spec, inputs, forward_opts=None, dtype=F64, train=True, grad_inputs=None,
         randomize_params=True, state=None, tol=None, note=None, extra=None, call=None):
    """Runs `module` on `inputs` (tensors; floats in grad_inputs get gradients) and records it.

    spec: the deepscript constructor description. forward_opts: keyword arguments of forward (for
    MultiheadAttention), recorded with deepscript's camelCase names by the caller.
    """
    assert name not in NAMES, name
    NAMES.add(name)
    m = module.to(dtype)
    if randomize_params:
        randomize(m, dtype)
    if state:
        with torch.no_grad():
            for k, v in state.items():
                m.state_dict()[k].copy_(v)
    m.train(train)
    sd = enc_state(m)
    if grad_inputs is None:
        grad_inputs = [i for i, x in enumerate(inputs) if x.is_floating_point()]
    xs = []
    for i, x in enumerate(inputs):
        x = x.to(dtype) if x.is_floating_point() else x
        xs.append(x.clone().requires_grad_(i in grad_inputs))
    py_opts, ds_opts = forward_opts or ({}, {})
    y = call(m, xs, py_opts) if call else m(*xs, **py_opts)
    outs = flat_outputs(y)
    ups = [None if o is None or not o.requires_grad else torch.randn(o.shape, dtype=F64).to(o.dtype) for o in outs]
    total = sum((o * u).sum() for o, u in zip(outs, ups) if u is not None)
    params = dict(m.named_parameters())
    wrt = [xs[i] for i in grad_inputs] + list(params.values())
    grads = torch.autograd.grad(total, wrt, allow_unused=True) if wrt else []
    gi = {i: g for i, g in zip(grad_inputs, grads[: len(grad_inputs)])}
    gp = dict(zip(params.keys(), grads[len(grad_inputs):]))
    c = {
        "name": name,
        "module": spec,
        "dtype": DT_NAME[dtype],
        "train": train,
        "state": sd,
        "inputs": [enc(x) for x in xs],
        "gradInputs": grad_inputs,
        "forwardOpts": enc_opts(ds_opts),
        "out": [None if o is None else enc(o) for o in outs],
        "tuple": isinstance(y, tuple),
        "upstream": [None if u is None else enc(u) for u in ups],
        "grads": {
            "inputs": [None if gi.get(i) is None else enc(gi[i]) for i in range(len(xs))],
            "params": {k: (None if g is None else enc(g)) for k, g in gp.items()},
        },
    }
    if any(k not in dict(m.named_parameters()) for k in m.state_dict()):
        c["stateAfter"] = enc_state(m)
    if tol:
        c["tol"] = tol
    if note:
        c["note"] = note
    if extra:
        c.update(extra)
    CASES.append(c)


def S(type_, *args, **opts):
    spec = {"type": type_, "args": list(args)}
    if opts:
        spec["opts"] = enc_opts(opts)
    return spec


# ---- layers --------------------------------------------------------------------------------------

def linear_cases():
    case("Linear 3->4", nn.Linear(3, 4), S("Linear", 3, 4), [randn(2, 3)])
    case("Linear no bias, 3-d input", nn.Linear(5, 2, bias=False), S("Linear", 5, 2, bias=False), [randn(2, 3, 5)])
    case("Linear 1-d input", nn.Linear(4, 3), S("Linear", 4, 3), [randn(4)])
    case("Linear float32", nn.Linear(6, 3), S("Linear", 6, 3), [randn(4, 6)], dtype=F32)


def conv_cases():
    C1 = [
        ("basic", (2, 4, 3), {}, (2, 2, 7)),
        ("stride 2 padding 1", (2, 3, 3), dict(stride=2, padding=1), (2, 2, 8)),
        ("dilation 2", (2, 3, 2), dict(dilation=2), (1, 2, 7)),
        ("groups 2", (4, 6, 3), dict(groups=2), (2, 4, 5)),
        ("same even kernel", (2, 3, 4), dict(padding="same"), (1, 2, 6)),
        ("same dilation 3", (3, 2, 3), dict(padding="same", dilation=3), (2, 3, 7)),
        ("valid no bias", (2, 2, 3), dict(padding="valid", bias=False), (2, 2, 5)),
    ]
    for label, (i, o, k), opts, shape in C1:
        case(f"Conv1d {label}", nn.Conv1d(i, o, k, **opts), S("Conv1d", i, o, k, **opts), [randn(*shape)])
    C2 = [
        ("basic", (3, 4, 3), {}, (2, 3, 6, 5)),
        ("stride 2 padding 1 odd size", (3, 2, 3), dict(stride=2, padding=1), (1, 3, 7, 5)),
        ("asymmetric kernel stride padding", (2, 3, (3, 2)), dict(stride=(2, 1), padding=(1, 0)), (2, 2, 7, 6)),
        ("stride 3 kernel 2 (uncovered tail)", (2, 2, 2), dict(stride=3), (1, 2, 8, 7)),
        ("same odd kernel", (2, 3, 3), dict(padding="same"), (1, 2, 5, 6)),
        ("same even kernel", (2, 2, 4), dict(padding="same"), (1, 2, 5, 5)),
        ("same kernel (2,3) dilation (2,1)", (2, 2, (2, 3)), dict(padding="same", dilation=(2, 1)), (1, 2, 6, 5)),
        ("valid", (2, 3, 2), dict(padding="valid"), (2, 2, 4, 5)),
        ("dilation 2 padding 2", (2, 2, 3), dict(dilation=2, padding=2), (1, 2, 6, 7)),
        ("groups 2 no bias", (4, 6, 3), dict(groups=2, bias=False, padding=1), (1, 4, 5, 5)),
        ("depthwise multiplier 2", (3, 6, 3), dict(groups=3), (2, 3, 5, 4)),
        ("1x1", (4, 3, 1), {}, (2, 4, 3, 3)),
    ]
    for label, (i, o, k), opts, shape in C2:
        case(f"Conv2d {label}", nn.Conv2d(i, o, k, **opts), S("Conv2d", i, o, k, **opts), [randn(*shape)])
    case("Conv2d float32", nn.Conv2d(3, 4, 3, padding=1), S("Conv2d", 3, 4, 3, padding=1), [randn(2, 3, 5, 5)], dtype=F32)
    case("Conv2d unbatched [C,H,W]", nn.Conv2d(2, 3, 3), S("Conv2d", 2, 3, 3), [randn(2, 5, 4)])
    case("Conv1d unbatched [C,L]", nn.Conv1d(2, 3, 3), S("Conv1d", 2, 3, 3), [randn(2, 6)])


def pool_cases():
    P = [
        ("k2", (2,), {}, (2, 3, 4, 6)),
        ("k2 odd size", (2,), {}, (1, 2, 5, 7)),
        ("k3 s2 p1", (3,), dict(stride=2, padding=1), (1, 2, 7, 6)),
        ("k(2,3) s(1,2)", ((2, 3),), dict(stride=(1, 2)), (2, 1, 4, 7)),
        ("k2 s1", (2,), dict(stride=1), (1, 2, 4, 4)),
    ]
    for label, a, opts, shape in P:
        case(f"MaxPool2d {label}", nn.MaxPool2d(*a, **opts), S("MaxPool2d", *a, **opts), [randn(*shape)])
    case("MaxPool2d k3 dilation 2", nn.MaxPool2d(3, stride=1, dilation=2), S("MaxPool2d", 3, stride=1, dilation=2), [randn(1, 2, 7, 6)])
    case("MaxPool2d unbatched", nn.MaxPool2d(2), S("MaxPool2d", 2), [randn(3, 4, 5)])
    case("MaxPool2d ceilMode k2 odd size", nn.MaxPool2d(2, ceil_mode=True), S("MaxPool2d", 2, ceilMode=True), [randn(1, 2, 5, 7)])
    case("MaxPool2d ceilMode k3 s2 p1", nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True), S("MaxPool2d", 3, stride=2, padding=1, ceilMode=True), [randn(1, 2, 6, 8)])
    A = [
        ("k2", (2,), {}, (2, 3, 4, 6)),
        ("k2 odd size", (2,), {}, (1, 2, 5, 7)),
        ("k3 s2 p1 countIncludePad", (3,), dict(stride=2, padding=1), (1, 2, 7, 6)),
        ("k3 s2 p1 excludePad", (3,), dict(stride=2, padding=1, count_include_pad=False), (1, 2, 7, 6)),
        ("k(3,2) s(2,1) p(1,0) excludePad", ((3, 2),), dict(stride=(2, 1), padding=(1, 0), count_include_pad=False), (2, 2, 5, 4)),
        ("k2 p1 excludePad", (2,), dict(padding=1, count_include_pad=False), (1, 1, 5, 5)),
        ("ceilMode k2 odd size", (2,), dict(ceil_mode=True), (1, 2, 5, 7)),
        ("ceilMode k3 s2 p1", (3,), dict(stride=2, padding=1, ceil_mode=True), (1, 2, 6, 8)),
        ("ceilMode k3 s2 p1 excludePad", (3,), dict(stride=2, padding=1, ceil_mode=True, count_include_pad=False), (1, 2, 6, 8)),
    ]
    for label, a, opts, shape in A:
        ds_opts = {("countIncludePad" if k == "count_include_pad" else "ceilMode" if k == "ceil_mode" else k): v for k, v in opts.items()}
        case(f"AvgPool2d {label}", nn.AvgPool2d(*a, **opts), S("AvgPool2d", *a, **ds_opts), [randn(*shape)])
    case("AvgPool2d unbatched", nn.AvgPool2d(2), S("AvgPool2d", 2), [randn(3, 4, 4)])
    AD = [
        ("global", 1, (2, 3, 5, 4)),
        ("divisible (2,3) from 6x6", (2, 3), (1, 2, 6, 6)),
        ("non-divisible 3 from 7x5", 3, (2, 2, 7, 5)),
        ("(None, 2) from 3x5", (None, 2), (1, 2, 3, 5)),
        ("larger than input 5x3 from 4x2", (5, 3), (1, 1, 4, 2)),
        ("unbatched 2 from 5x5", 2, (3, 5, 5)),
    ]
    for label, o, shape in AD:
        ds_o = list(o) if isinstance(o, tuple) else o
        case(f"AdaptiveAvgPool2d {label}", nn.AdaptiveAvgPool2d(o), S("AdaptiveAvgPool2d", ds_o), [randn(*shape)])


def norm_cases():
    rs = lambda c: {"running_mean": randn(c) * 0.3, "running_var": unit(c, lo=0.5, hi=2.0)}
    case("BatchNorm1d train [N,C]", nn.BatchNorm1d(3), S("BatchNorm1d", 3), [randn(5, 3)])
    case("BatchNorm1d train [N,C,L]", nn.BatchNorm1d(2), S("BatchNorm1d", 2), [randn(3, 2, 4)], state=rs(2))
    case("BatchNorm1d eval", nn.BatchNorm1d(3), S("BatchNorm1d", 3), [randn(4, 3, 2)], train=False, state=rs(3))
    case("BatchNorm1d momentum None after 3 batches", nn.BatchNorm1d(3, momentum=None), S("BatchNorm1d", 3, momentum=None), [randn(6, 3)],
         state={**rs(3), "num_batches_tracked": torch.tensor(3)})
    case("BatchNorm1d no affine", nn.BatchNorm1d(3, affine=False), S("BatchNorm1d", 3, affine=False), [randn(4, 3)])
    case("BatchNorm1d no running stats train", nn.BatchNorm1d(3, track_running_stats=False), S("BatchNorm1d", 3, trackRunningStats=False), [randn(4, 3)])
    case("BatchNorm1d no running stats eval", nn.BatchNorm1d(3, track_running_stats=False), S("BatchNorm1d", 3, trackRunningStats=False), [randn(4, 3)], train=False)
    case("BatchNorm2d train", nn.BatchNorm2d(3), S("BatchNorm2d", 3), [randn(2, 3, 4, 3)], state=rs(3))
    case("BatchNorm2d train momentum 0.3 eps 1e-3", nn.BatchNorm2d(2, momentum=0.3, eps=1e-3), S("BatchNorm2d", 2, momentum=0.3, eps=1e-3), [randn(3, 2, 2, 3)], state=rs(2))
    case("BatchNorm2d eval", nn.BatchNorm2d(3), S("BatchNorm2d", 3), [randn(2, 3, 3, 3)], train=False, state=rs(3))
    case("BatchNorm2d momentum None", nn.BatchNorm2d(2, momentum=None), S("BatchNorm2d", 2, momentum=None), [randn(2, 2, 3, 3)], state=rs(2))
    case("BatchNorm2d float32", nn.BatchNorm2d(3), S("BatchNorm2d", 3), [randn(4, 3, 3, 3)], dtype=F32, state=rs(3))
    case("LayerNorm [4]", nn.LayerNorm(4), S("LayerNorm", 4), [randn(3, 4)])
    case("LayerNorm [3,4]", nn.LayerNorm([3, 4]), S("LayerNorm", [3, 4]), [randn(2, 3, 4)])
    case("LayerNorm no affine eps 1e-3", nn.LayerNorm(5, eps=1e-3, elementwise_affine=False), S("LayerNorm", 5, eps=1e-3, elementwiseAffine=False), [randn(2, 2, 5)])
    case("LayerNorm float32", nn.LayerNorm(6), S("LayerNorm", 6), [randn(3, 6)], dtype=F32)


def misc_cases():
    case("Dropout eval", nn.Dropout(0.4), S("Dropout", 0.4), [randn(3, 4)], train=False)
    case("Dropout p=0 train", nn.Dropout(0.0), S("Dropout", 0.0), [randn(3, 4)])
    case("Embedding", nn.Embedding(6, 3), S("Embedding", 6, 3), [ints(2, 4, hi=6)])
    case("Embedding paddingIdx", nn.Embedding(5, 4, padding_idx=1), S("Embedding", 5, 4, paddingIdx=1),
         [torch.tensor([[1, 0, 1], [3, 1, 4]])])
    case("Embedding negative paddingIdx", nn.Embedding(5, 2, padding_idx=-1), S("Embedding", 5, 2, paddingIdx=-1),
         [torch.tensor([4, 2, 4, 0])])
    case("Flatten default", nn.Flatten(), S("Flatten"), [randn(2, 3, 2, 2)])
    case("Flatten (0,-1)", nn.Flatten(0, -1), S("Flatten", 0, -1), [randn(2, 3, 2)])
    case("Flatten (1,2)", nn.Flatten(1, 2), S("Flatten", 1, 2), [randn(2, 3, 2, 2)])
    x = randn(3, 5) * 2
    case("ReLU", nn.ReLU(), S("ReLU"), [x])
    case("LeakyReLU default", nn.LeakyReLU(), S("LeakyReLU"), [x])
    case("LeakyReLU 0.2", nn.LeakyReLU(0.2), S("LeakyReLU", 0.2), [x])
    case("GELU", nn.GELU(), S("GELU"), [x])
    case("GELU tanh", nn.GELU(approximate="tanh"), S("GELU", "tanh"), [x])
    case("Tanh", nn.Tanh(), S("Tanh"), [x])
    case("Sigmoid", nn.Sigmoid(), S("Sigmoid"), [x])
    case("Softmax dim 1", nn.Softmax(dim=1), S("Softmax", 1), [x])
    case("Softmax dim -1 3-d", nn.Softmax(dim=-1), S("Softmax", -1), [randn(2, 3, 4)])
    case("Softmax dim 0", nn.Softmax(dim=0), S("Softmax", 0), [randn(3, 2)])
    case("ReLU float32", nn.ReLU(), S("ReLU"), [x], dtype=F32)


def sequential_cases():
    m = nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 3), nn.Softmax(dim=-1))
    spec = {"type": "Sequential", "children": [S("Linear", 4, 6), S("ReLU"), S("Linear", 6, 3), S("Softmax", -1)]}
    case("Sequential MLP", m, spec, [randn(5, 4)])
    m = nn.Sequential(nn.Conv2d(2, 3, 3, padding=1), nn.BatchNorm2d(3), nn.LeakyReLU(0.1), nn.MaxPool2d(2),
                      nn.Flatten(), nn.Linear(12, 4), nn.Tanh())
    spec = {"type": "Sequential", "children": [S("Conv2d", 2, 3, 3, padding=1), S("BatchNorm2d", 3), S("LeakyReLU", 0.1),
                                               S("MaxPool2d", 2), S("Flatten"), S("Linear", 12, 4), S("Tanh")]}
    case("Sequential CNN train", m, spec, [randn(3, 2, 4, 4)])
    m = nn.Sequential(nn.Linear(3, 5), nn.BatchNorm1d(5), nn.GELU(), nn.Dropout(0.5), nn.LayerNorm(5), nn.Linear(5, 2))
    spec = {"type": "Sequential", "children": [S("Linear", 3, 5), S("BatchNorm1d", 5), S("GELU"), S("Dropout", 0.5), S("LayerNorm", 5), S("Linear", 5, 2)]}
    case("Sequential eval", m, spec, [randn(4, 3)], train=False,
         state={"1.running_mean": randn(5) * 0.2, "1.running_var": unit(5, lo=0.5, hi=2.0)})


# ---- MultiheadAttention ------------------------------------------------------------------------

def mha(name, E, H, L, S_, N, ctor=None, py=None, ds=None, kdim=None, vdim=None, batch_first=False,
        unbatched=False, self_attn=False, causal=False, dtype=F64):
    ctor = ctor or {}
    kd, vd = kdim or E, vdim or E
    m = nn.MultiheadAttention(E, H, kdim=kdim, vdim=vdim, batch_first=batch_first, **ctor)
    opts = {k2: v for k2, v in [("kdim", kdim), ("vdim", vdim), ("batchFirst", batch_first or None)] if v is not None}
    camel = {"bias": "bias", "add_bias_kv": "addBiasKv", "add_zero_attn": "addZeroAttn", "dropout": "dropout"}
    opts.update({camel[k]: v for k, v in ctor.items()})
    spec = S("MultiheadAttention", E, H, **opts)

    def shp(seq, d):
        if unbatched:
            return (seq, d)
        return (N, seq, d) if batch_first else (seq, N, d)
    q = randn(*shp(L, E))
    if self_attn:
        inputs = [q, q, q]
    else:
        inputs = [q, randn(*shp(S_, kd)), randn(*shp(S_, vd))]
    py = py or {}
    ds = dict(ds if ds is not None else {})
    ds_map = {"key_padding_mask": "keyPaddingMask", "attn_mask": "attnMask", "need_weights": "needWeights",
              "average_attn_weights": "averageAttnWeights"}
    for k, v in py.items():
        if ds_map[k] not in ds:
            ds[ds_map[k]] = v
    if causal:
        ds.pop("attnMask", None)
        ds["isCausal"] = True
    if self_attn:
        # PyTorch differentiates the shared tensor once; deepscript receives it three times.
        case(name, m, spec, inputs[:1], forward_opts=(py, ds), dtype=dtype, extra={"selfAttention": True},
             call=lambda mod, xs, o: mod(xs[0], xs[0], xs[0], **o))
        return
    case(name, m, spec, inputs, forward_opts=(py, ds), dtype=dtype)


def mha_cases():
    E, H, L, S_, N = 8, 2, 3, 4, 2
    mha("MHA cross-attention", E, H, L, S_, N)
    kpm = torch.tensor([[False, False, True, False], [False, False, False, True]])
    mha("MHA keyPaddingMask bool", E, H, L, S_, N, py={"key_padding_mask": kpm})
    am = torch.tensor([[False, True, False, False], [False, False, True, True], [True, False, False, False]])
    mha("MHA attnMask bool 2-d", E, H, L, S_, N, py={"attn_mask": am})
    amf = randn(L, S_)
    mha("MHA attnMask float 2-d + keyPaddingMask bool", E, H, L, S_, N, py={"attn_mask": amf, "key_padding_mask": kpm})
    mha("MHA attnMask bool + keyPaddingMask bool", E, H, L, S_, N, py={"attn_mask": am, "key_padding_mask": kpm})
    mha("MHA attnMask float 3-d", E, H, L, S_, N, py={"attn_mask": randn(N * H, L, S_)})
    kpmf = torch.where(kpm, -1e9, 0.0).to(F64) + randn(N, S_) * 0.1
    mha("MHA keyPaddingMask float", E, H, L, S_, N, py={"key_padding_mask": kpmf})
    mha("MHA batchFirst", E, H, L, S_, N, batch_first=True, py={"key_padding_mask": kpm})
    mha("MHA batchFirst attnMask 3-d", 6, 3, L, S_, N, batch_first=True, py={"attn_mask": randn(N * 3, L, S_)})
    mha("MHA unbatched", E, H, L, S_, N, unbatched=True, py={"key_padding_mask": kpm[0]})
    mha("MHA unbatched attnMask 3-d", E, H, L, S_, N, unbatched=True, py={"attn_mask": randn(H, L, S_)})
    mha("MHA needWeights false", E, H, L, S_, N, py={"need_weights": False})
    mha("MHA per-head weights", E, H, L, S_, N, py={"average_attn_weights": False, "key_padding_mask": kpm})
    mha("MHA kdim vdim", E, H, L, S_, N, kdim=5, vdim=3, py={"key_padding_mask": kpm})
    mha("MHA no bias", E, H, L, S_, N, ctor={"bias": False})
    mha("MHA addBiasKv", E, H, L, S_, N, ctor={"add_bias_kv": True}, py={"key_padding_mask": kpm, "attn_mask": am})
    mha("MHA addZeroAttn", E, H, L, S_, N, ctor={"add_zero_attn": True}, py={"key_padding_mask": kpm})
    mha("MHA addBiasKv addZeroAttn kdim", E, H, L, S_, N, kdim=4, ctor={"add_bias_kv": True, "add_zero_attn": True}, py={"attn_mask": amf})
    mha("MHA 4 heads one batch", 8, 4, 5, 5, 1)
    causal = torch.triu(torch.ones(L, L, dtype=torch.bool), 1)
    mha("MHA self-attention causal", E, H, L, L, N, self_attn=True, causal=True, py={"attn_mask": causal})
    mha("MHA self-attention causal batchFirst", E, H, 4, 4, N, self_attn=True, causal=True, batch_first=True,
        py={"attn_mask": torch.triu(torch.ones(4, 4, dtype=torch.bool), 1)})
    mha("MHA float32", E, H, L, S_, N, py={"key_padding_mask": kpm}, dtype=F32)


# ---- losses ----------------------------------------------------------------------------------------

def loss_case(name, module, spec, x, t, dtype=F64, grad_target=False):
    gi = [0, 1] if grad_target else [0]
    case(name, module, spec, [x, t], dtype=dtype, grad_inputs=gi, randomize_params=False)


def loss_cases():
    N, C = 5, 4
    x = randn(N, C)
    t = torch.tensor([0, 3, 1, 1, 2])
    w = unit(C, lo=0.2, hi=2.0)
    tig = torch.tensor([0, -100, 1, 3, -100])
    probs = torch.softmax(randn(N, C), 1)
    for red in ("mean", "sum", "none"):
        loss_case(f"CrossEntropyLoss indices {red}", nn.CrossEntropyLoss(reduction=red), S("CrossEntropyLoss", reduction=red), x, t)
    loss_case("CrossEntropyLoss weight", nn.CrossEntropyLoss(weight=w), S("CrossEntropyLoss", weight=w), x, t)
    loss_case("CrossEntropyLoss weight sum", nn.CrossEntropyLoss(weight=w, reduction="sum"), S("CrossEntropyLoss", weight=w, reduction="sum"), x, t)
    loss_case("CrossEntropyLoss ignoreIndex -100", nn.CrossEntropyLoss(), S("CrossEntropyLoss"), x, tig)
    loss_case("CrossEntropyLoss ignoreIndex 1 weight", nn.CrossEntropyLoss(weight=w, ignore_index=1), S("CrossEntropyLoss", weight=w, ignoreIndex=1), x, t)
    loss_case("CrossEntropyLoss ignoreIndex none", nn.CrossEntropyLoss(reduction="none"), S("CrossEntropyLoss", reduction="none"), x, tig)
    for red in ("mean", "sum", "none"):
        loss_case(f"CrossEntropyLoss labelSmoothing {red}", nn.CrossEntropyLoss(label_smoothing=0.1, reduction=red),
                  S("CrossEntropyLoss", labelSmoothing=0.1, reduction=red), x, t)
    loss_case("CrossEntropyLoss labelSmoothing weight", nn.CrossEntropyLoss(weight=w, label_smoothing=0.2), S("CrossEntropyLoss", weight=w, labelSmoothing=0.2), x, t)
    loss_case("CrossEntropyLoss labelSmoothing ignoreIndex", nn.CrossEntropyLoss(label_smoothing=0.2), S("CrossEntropyLoss", labelSmoothing=0.2), x, tig)
    loss_case("CrossEntropyLoss labelSmoothing ignoreIndex weight", nn.CrossEntropyLoss(weight=w, label_smoothing=0.2), S("CrossEntropyLoss", weight=w, labelSmoothing=0.2), x, tig)
    loss_case("CrossEntropyLoss labelSmoothing ignoreIndex sum", nn.CrossEntropyLoss(label_smoothing=0.3, reduction="sum"), S("CrossEntropyLoss", labelSmoothing=0.3, reduction="sum"), x, tig)
    for red in ("mean", "sum", "none"):
        loss_case(f"CrossEntropyLoss probabilities {red}", nn.CrossEntropyLoss(reduction=red), S("CrossEntropyLoss", reduction=red), x, probs, grad_target=True)
    loss_case("CrossEntropyLoss probabilities weight labelSmoothing", nn.CrossEntropyLoss(weight=w, label_smoothing=0.15),
              S("CrossEntropyLoss", weight=w, labelSmoothing=0.15), x, probs, grad_target=True)
    loss_case("CrossEntropyLoss K-dim indices", nn.CrossEntropyLoss(weight=w, ignore_index=2), S("CrossEntropyLoss", weight=w, ignoreIndex=2),
              randn(2, C, 3, 2), ints(2, 3, 2, hi=C))
    loss_case("CrossEntropyLoss K-dim probabilities", nn.CrossEntropyLoss(), S("CrossEntropyLoss"), randn(2, C, 3), torch.softmax(randn(2, C, 3), 1))
    loss_case("CrossEntropyLoss unbatched", nn.CrossEntropyLoss(), S("CrossEntropyLoss"), randn(C), torch.tensor(2))
    loss_case("CrossEntropyLoss float32", nn.CrossEntropyLoss(label_smoothing=0.1), S("CrossEntropyLoss", labelSmoothing=0.1), x, t, dtype=F32)

    # NLLLoss of *unnormalised* input: the gradient is -weight at the target, nothing else.
    for red in ("mean", "sum", "none"):
        loss_case(f"NLLLoss raw input {red}", nn.NLLLoss(reduction=red), S("NLLLoss", reduction=red), x, t)
    loss_case("NLLLoss log-probabilities weight", nn.NLLLoss(weight=w), S("NLLLoss", weight=w), torch.log_softmax(x, 1), t)
    loss_case("NLLLoss ignoreIndex", nn.NLLLoss(), S("NLLLoss"), x, tig)
    loss_case("NLLLoss ignoreIndex 0 weight none", nn.NLLLoss(weight=w, ignore_index=0, reduction="none"), S("NLLLoss", weight=w, ignoreIndex=0, reduction="none"), x, t)
    loss_case("NLLLoss K-dim", nn.NLLLoss(weight=w), S("NLLLoss", weight=w), randn(2, C, 3), ints(2, 3, hi=C))
    loss_case("NLLLoss unbatched", nn.NLLLoss(), S("NLLLoss"), randn(C), torch.tensor(1))

    a, b = randn(3, 4), randn(3, 4)
    for red in ("mean", "sum", "none"):
        loss_case(f"MSELoss {red}", nn.MSELoss(reduction=red), S("MSELoss", reduction=red), a, b, grad_target=True)
        loss_case(f"L1Loss {red}", nn.L1Loss(reduction=red), S("L1Loss", reduction=red), a, b, grad_target=True)
    loss_case("MSELoss float32", nn.MSELoss(), S("MSELoss"), a, b, dtype=F32)
    p, y = unit(3, 4), (torch.rand(3, 4) > 0.5).to(F64)
    ysoft = unit(3, 4)
    bw = unit(4, lo=0.5, hi=2.0)
    for red in ("mean", "sum", "none"):
        loss_case(f"BCELoss {red}", nn.BCELoss(reduction=red), S("BCELoss", reduction=red), p, y)
    loss_case("BCELoss soft targets weight", nn.BCELoss(weight=bw), S("BCELoss", weight=bw), p, ysoft, grad_target=True)
    loss_case("BCELoss saturated (log clamp -100)", nn.BCELoss(reduction="sum"), S("BCELoss", reduction="sum"),
              torch.tensor([0.0, 1.0, 0.5, 1e-50], dtype=F64), torch.tensor([0.0, 1.0, 1.0, 1.0], dtype=F64))
    z = randn(3, 4) * 3
    for red in ("mean", "sum", "none"):
        loss_case(f"BCEWithLogitsLoss {red}", nn.BCEWithLogitsLoss(reduction=red), S("BCEWithLogitsLoss", reduction=red), z, y, grad_target=True)
    loss_case("BCEWithLogitsLoss weight", nn.BCEWithLogitsLoss(weight=bw), S("BCEWithLogitsLoss", weight=bw), z, ysoft, grad_target=True)
    pw = unit(4, lo=0.5, hi=3.0)
    loss_case("BCEWithLogitsLoss posWeight", nn.BCEWithLogitsLoss(pos_weight=pw), S("BCEWithLogitsLoss", posWeight=pw), z, ysoft, grad_target=True)
    loss_case("BCEWithLogitsLoss weight posWeight none", nn.BCEWithLogitsLoss(weight=bw, pos_weight=pw, reduction="none"),
              S("BCEWithLogitsLoss", weight=bw, posWeight=pw, reduction="none"), z, y, grad_target=True)
    loss_case("BCEWithLogitsLoss large logits", nn.BCEWithLogitsLoss(reduction="sum"), S("BCEWithLogitsLoss", reduction="sum"),
              torch.tensor([-800.0, 800.0, -30.0, 40.0], dtype=F64), torch.tensor([1.0, 0.0, 0.3, 1.0], dtype=F64))


# ---- module structure ------------------------------------------------------------------------------

class Net(nn.Module):
    """Nested model mirrored in test/nn-layers.test.ts (property order = registration order)."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2))
        self.attn = nn.MultiheadAttention(8, 2, kdim=4)
        self.blocks = nn.ModuleList([nn.Linear(8, 8), nn.Sequential(nn.LayerNorm(8), nn.Linear(8, 3, bias=False))])
        self.embed = nn.Embedding(10, 8, padding_idx=0)
        self.norm = nn.BatchNorm1d(3, affine=False)
        self.head_proj = nn.Linear(3, 2)


def structure():
    net = Net()
    return {
        "namedParameters": [[k, list(p.shape)] for k, p in net.named_parameters()],
        "stateDict": [[k, list(v.shape)] for k, v in net.state_dict().items()],
        "namedBuffers": [[k, list(v.shape)] for k, v in net.named_buffers()],
    }


def main():
    linear_cases()
    conv_cases()
    pool_cases()
    norm_cases()
    misc_cases()
    sequential_cases()
    mha_cases()
    loss_cases()
    doc = {
        "generator": "tools/gen_nn_fixtures.py",
        "torch": torch.__version__,
        "cases": CASES,
        "structure": structure(),
    }
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "nn.json")
    text = json.dumps(doc, allow_nan=False, separators=(",", ":"))
    with open(out, "w") as f:
        f.write(text + "\n")
    print(f"wrote {len(CASES)} cases, {len(text) / 1e6:.2f} MB to {os.path.normpath(out)}")


if __name__ == "__main__":
    main()

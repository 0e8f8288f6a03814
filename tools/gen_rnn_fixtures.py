#!/usr/bin/env python3
"""Reference values for deepscript's sequence layers, computed with PyTorch 1.13.

Run:  /usr/bin/python3 tools/gen_rnn_fixtures.py      (writes test/fixtures/rnn.json)

Cases: nn.RNN (tanh, relu), nn.LSTM, nn.GRU with 1-2 layers, bidirectional, batch_first on and
off, with and without initial states, without bias, unbatched, and variable-length batches (run
through pack_padded_sequence / pad_packed_sequence(total_length=T), which deepscript does with
`lengths`); the cells; nn.TransformerEncoderLayer and nn.TransformerEncoder (dropout 0 in
training mode, or eval mode) with masks; sinusoidal positional encodings.

Each case records the module's state_dict, the inputs, the outputs (flattened: output, h_n, c_n),
random upstream tensors, and the gradients of sum(output * upstream) with respect to the float
inputs and every parameter. `call` says how deepscript calls the module:
  "seq":   m.call(x, state | null, {lengths})      state = h0 or [h0, c0]
  "cell":  m.call(x, state | null)
  "attn":  m.call(x, forwardOpts)
Tensors are {"shape", "dtype", "data"}; a tensor inside options is {"$tensor": ...}.
"""
import json
import math
import os
import warnings

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

warnings.filterwarnings("ignore")
torch.manual_seed(2024)

F64, F32, I64 = torch.float64, torch.float32, torch.int64
DT_NAME = {F32: "float32", F64: "float64", torch.int32: "int32", I64: "int32", torch.bool: "bool"}
CASES = []
NAMES = set()


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
    # float32 round-trips through 9 significant digits; 12 keep float64 far inside the 1e-6 tolerance.
    return float("%.9g" % v) if dtype == F32 else float("%.12g" % v)


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


def randn(*shape):
    return torch.randn(*shape, dtype=F64)


def randomize(m, dtype):
    with torch.no_grad():
        for p in m.parameters():
            p.copy_((torch.randn(p.shape, dtype=F64) * 0.5).to(dtype))
    return m


def flatten(y):
    out = []
    for v in (y if isinstance(y, (tuple, list)) else [y]):
        out.extend(flatten(v) if isinstance(v, (tuple, list)) else [v])
    return out


def S(type_, *args, **opts):
    spec = {"type": type_, "args": list(args)}
    if opts:
        spec["opts"] = enc_opts(opts)
    return spec


def record(name, m, spec, call, inputs, run, ds_opts=None, dtype=F64, train=True, randomize_params=True, extra=None):
    """inputs: float tensors, all differentiated. run(m, xs) → outputs (nested tuples)."""
    assert name not in NAMES, name
    NAMES.add(name)
    m = m.to(dtype)
    if randomize_params:
        randomize(m, dtype)
    m.train(train)
    xs = [x.to(dtype).clone().requires_grad_(True) for x in inputs]
    outs = flatten(run(m, xs))
    ups = [torch.randn(o.shape, dtype=F64).to(dtype) for o in outs]
    total = sum((o * u).sum() for o, u in zip(outs, ups))
    params = dict(m.named_parameters())
    grads = torch.autograd.grad(total, xs + list(params.values()), allow_unused=True)
    enc_g = lambda g, like: enc(torch.zeros_like(like) if g is None else g)
    c = {
        "name": name, "module": spec, "call": call, "dtype": DT_NAME[dtype], "train": train,
        "state": {k: enc(v) for k, v in m.state_dict().items()},
        "inputs": [enc(x) for x in xs],
        "forwardOpts": enc_opts(ds_opts or {}),
        "out": [enc(o) for o in outs],
        "upstream": [enc(u) for u in ups],
        "grads": {
            "inputs": [enc_g(g, x) for g, x in zip(grads[: len(xs)], xs)],
            "params": {k: enc_g(g, p) for (k, p), g in zip(params.items(), grads[len(xs):])},
        },
    }
    if extra:
        c.update(extra)
    CASES.append(c)


# ---- recurrent layers --------------------------------------------------------------------------

KINDS = [
    ("RNN", lambda i, h, **kw: nn.RNN(i, h, **kw), {}),
    ("RNN relu", lambda i, h, **kw: nn.RNN(i, h, nonlinearity="relu", **kw), {"nonlinearity": "relu"}),
    ("LSTM", lambda i, h, **kw: nn.LSTM(i, h, **kw), {}),
    ("GRU", lambda i, h, **kw: nn.GRU(i, h, **kw), {}),
]


def seq_case(kind, label, I=3, H=4, T=5, B=3, num_layers=1, bidirectional=False, batch_first=False, bias=True,
             with_state=False, lengths=None, unbatched=False, dropout=0.0, train=True, dtype=F64):
    name_, make, extra_opts = kind
    cls = "RNN" if name_.startswith("RNN") else name_
    lstm = cls == "LSTM"
    kw = dict(num_layers=num_layers, bidirectional=bidirectional, batch_first=batch_first, bias=bias, dropout=dropout)
    m = make(I, H, **kw)
    opts = dict(extra_opts)
    if num_layers != 1:
        opts["numLayers"] = num_layers
    if bidirectional:
        opts["bidirectional"] = True
    if batch_first:
        opts["batchFirst"] = True
    if not bias:
        opts["bias"] = False
    if dropout:
        opts["dropout"] = dropout
    spec = S(cls, I, H, **opts)
    D = 2 if bidirectional else 1
    x = randn(T, I) if unbatched else (randn(B, T, I) if batch_first else randn(T, B, I))
    inputs = [x]
    if with_state:
        sshape = (num_layers * D, H) if unbatched else (num_layers * D, B, H)
        inputs += [randn(*sshape)] + ([randn(*sshape)] if lstm else [])

    def run(m, xs):
        state = None
        if with_state:
            state = (xs[1], xs[2]) if lstm else xs[1]
        if lengths is None:
            return m(xs[0], state)
        packed = pack_padded_sequence(xs[0], torch.tensor(lengths), batch_first=batch_first, enforce_sorted=False)
        out, st = m(packed, state)
        out, _ = pad_packed_sequence(out, batch_first=batch_first, total_length=T)
        return out, st

    record(f"{name_} {label}", m, spec, "seq", inputs, run, {"lengths": lengths} if lengths else {}, dtype=dtype, train=train,
           extra={"withState": with_state})


def recurrent_cases():
    for kind in KINDS:
        seq_case(kind, "1 layer")
        seq_case(kind, "1 layer with h0", with_state=True)
        seq_case(kind, "2 layers with h0", num_layers=2, with_state=True)
        seq_case(kind, "bidirectional", bidirectional=True)
        seq_case(kind, "2 layers bidirectional batchFirst with h0", num_layers=2, bidirectional=True, batch_first=True, with_state=True)
        seq_case(kind, "batchFirst", batch_first=True, T=4, B=2)
        seq_case(kind, "no bias", bias=False, H=3)
        seq_case(kind, "unbatched with h0", unbatched=True, with_state=True, num_layers=2)
        seq_case(kind, "lengths", lengths=[5, 2, 3])
        seq_case(kind, "lengths batchFirst bidirectional with h0", lengths=[3, 5, 1], batch_first=True, bidirectional=True, with_state=True)
        seq_case(kind, "lengths 2 layers bidirectional", lengths=[2, 4, 5, 1], B=4, num_layers=2, bidirectional=True)
        seq_case(kind, "dropout in eval mode", num_layers=2, dropout=0.5, train=False)
        seq_case(kind, "float32 2 layers bidirectional", num_layers=2, bidirectional=True, dtype=F32, T=6, H=5)


def cell_cases():
    cells = [
        ("RNNCell", lambda: nn.RNNCell(3, 4), S("RNNCell", 3, 4), False),
        ("RNNCell relu no bias", lambda: nn.RNNCell(3, 4, bias=False, nonlinearity="relu"), S("RNNCell", 3, 4, bias=False, nonlinearity="relu"), False),
        ("LSTMCell", lambda: nn.LSTMCell(3, 4), S("LSTMCell", 3, 4), True),
        ("GRUCell", lambda: nn.GRUCell(3, 4), S("GRUCell", 3, 4), False),
        ("GRUCell no bias", lambda: nn.GRUCell(3, 2, bias=False), S("GRUCell", 3, 2, bias=False), False),
    ]
    for name, make, spec, lstm in cells:
        H = spec["args"][1]
        for label, batch, with_state in [("", 2, True), (" zero state", 2, False), (" unbatched", None, True)]:
            sh = (batch,) if batch else ()
            inputs = [randn(*sh, 3)] + ([randn(*sh, H)] * (2 if lstm else 1) if with_state else [])
            inputs = [t.clone() for t in inputs]

            def run(m, xs, lstm=lstm, with_state=with_state):
                if not with_state:
                    return m(xs[0])
                return m(xs[0], (xs[1], xs[2]) if lstm else xs[1])

            record(f"{name}{label}", make(), spec, "cell", inputs, run, extra={"withState": with_state})


# ---- Transformer encoder ----------------------------------------------------------------------

def bool_mask(*shape, p=0.3):
    m = torch.rand(*shape) < p
    return m


def encoder_layer_cases():
    E, NH, FF = 8, 2, 16
    variants = [
        ("relu", dict(), dict()),
        ("gelu normFirst", dict(activation="gelu", norm_first=True), dict(activation="gelu", normFirst=True)),
        ("batchFirst eps", dict(batch_first=True, layer_norm_eps=1e-3), dict(batchFirst=True, layerNormEps=1e-3)),
    ]
    for label, py, ts in variants:
        bf = py.get("batch_first", False)
        S_, B = 5, 3
        x = randn(B, S_, E) if bf else randn(S_, B, E)
        kpm = torch.zeros(B, S_, dtype=torch.bool)
        kpm[0, 3:] = True
        kpm[2, 4:] = True
        causal = torch.triu(torch.ones(S_, S_, dtype=torch.bool), diagonal=1)
        for mlabel, py_kw, ts_kw in [
            ("", {}, {}),
            (" masks", dict(src_mask=causal, src_key_padding_mask=kpm), dict(srcMask=causal, srcKeyPaddingMask=kpm)),
            (" float mask", dict(src_mask=randn(S_, S_)), None),
        ]:
            if ts_kw is None:
                ts_kw = dict(srcMask=py_kw["src_mask"])
            m = nn.TransformerEncoderLayer(E, NH, dim_feedforward=FF, dropout=0.0, **py)
            spec = S("TransformerEncoderLayer", E, NH, dimFeedforward=FF, dropout=0.0, **ts)
            record(f"TransformerEncoderLayer {label}{mlabel}", m, spec, "attn", [x],
                   lambda m, xs, kw=py_kw: m(xs[0], **{k: (v.to(xs[0].dtype) if v.is_floating_point() else v) for k, v in kw.items()}), ts_kw)
    # Eval mode with the default dropout 0.1 (dropout off), float32.
    m = nn.TransformerEncoderLayer(E, NH, dim_feedforward=FF)
    record("TransformerEncoderLayer eval default dropout float32", m, S("TransformerEncoderLayer", E, NH, dimFeedforward=FF), "attn",
           [randn(4, 2, E)], lambda m, xs: m(xs[0]), {}, dtype=F32, train=False)




def encoder_cases():
    E, NH, FF = 8, 2, 12
    for label, norm, py, ts, masks in [
        ("2 layers norm masks", True, dict(batch_first=True), dict(batchFirst=True), True),
        ("3 layers normFirst gelu", False, dict(norm_first=True, activation="gelu"), dict(normFirst=True, activation="gelu"), False),
    ]:
        n = 3 if label.startswith("3") else 2
        layer = nn.TransformerEncoderLayer(E, NH, dim_feedforward=FF, dropout=0.0, **py)
        m = nn.TransformerEncoder(layer, n, norm=nn.LayerNorm(E) if norm else None, enable_nested_tensor=False)
        spec = {"type": "TransformerEncoder", "layer": S("TransformerEncoderLayer", E, NH, dimFeedforward=FF, dropout=0.0, **ts),
                "numLayers": n, "norm": norm}
        B, S_ = 2, 4
        x = randn(B, S_, E) if py.get("batch_first") else randn(S_, B, E)
        py_kw, ts_kw = {}, {}
        if masks:
            kpm = torch.tensor([[False, False, False, True], [False, False, False, False]])
            am = torch.triu(torch.ones(S_, S_, dtype=torch.bool), diagonal=1)
            py_kw, ts_kw = dict(mask=am, src_key_padding_mask=kpm), dict(mask=am, srcKeyPaddingMask=kpm)
        record(f"TransformerEncoder {label}", m, spec, "attn", [x], lambda m, xs, kw=py_kw: m(xs[0], **kw), ts_kw)


def positional():
    # The PyTorch tutorial's table (torch.arange/exp/sin/cos in float64).
    out = {}
    for L, d in [(6, 8), (4, 5)]:
        pos = torch.arange(L, dtype=F64).unsqueeze(1)
        div = torch.exp(torch.arange(0, d, 2, dtype=F64) * (-math.log(10000.0) / d))
        pe = torch.zeros(L, d, dtype=F64)
        pe[:, 0::2] = torch.sin(pos * div)
        pe[:, 1::2] = torch.cos(pos * div[: d // 2])
        out[f"{L}x{d}"] = enc(pe)
    return out


def main():
    recurrent_cases()
    cell_cases()
    encoder_layer_cases()
    encoder_cases()
    doc = {"generator": "tools/gen_rnn_fixtures.py", "torch": torch.__version__, "cases": CASES, "positional": positional()}
    path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "rnn.json")
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
    print(f"wrote {len(CASES)} cases to {os.path.normpath(path)} ({os.path.getsize(path) // 1024} KiB)")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Reference trajectories for deepscript's optim layer, computed with PyTorch.

Run:  /usr/bin/python3 tools/gen_optim_fixtures.py      (writes test/fixtures/optim.json)

- "problem": a fixed small regression, float64: params W [3,2] and b [2], data x [5,3], y [5,2];
  loss = sum((x @ W + b - y)^2) + sum(W^4).
- "optimizers": for each optimizer and option set, the flat values of W then b after each of
  20 steps (each step: zero_grad, loss, backward, step). Options use deepscript's camelCase
  names; "groups" (when present) lists parameter groups as indices into [W, b] plus overrides.
- "schedulers": for each schedule, the lr of each group (and the momentum or beta1 of each
  group for OneCycleLR) right after construction and after each step; ReduceLROnPlateau is
  fed the listed metrics.
- "clip": clip_grad_norm_ / clip_grad_value_ on fixed gradients: the returned total norm and
  the gradients after clipping.
Everything is seeded: the file is reproducible.
"""
import json
import math
import os
import re

import torch

torch.manual_seed(7)
F64 = torch.float64
STEPS = 20
SCHED_STEPS = 30


def snake(k):
    if k == "tMax":
        return "T_max"
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", k).lower()


def py_opts(o):
    out = {}
    for k, v in o.items():
        out[snake(k)] = tuple(v) if k == "betas" else v
    return out


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


# ---- the problem ------------------------------------------------------------------------------

X = (torch.randn(5, 3, dtype=F64) * 0.8)
Y = (torch.randn(5, 2, dtype=F64) * 0.8)
W0 = (torch.randn(3, 2, dtype=F64) * 0.5)
B0 = (torch.randn(2, dtype=F64) * 0.5)


def loss_fn(W, b):
    return ((X @ W + b - Y) ** 2).sum() + (W ** 4).sum()


OPT = {
    "SGD": torch.optim.SGD,
    "Adam": torch.optim.Adam,
    "AdamW": torch.optim.AdamW,
    "RMSprop": torch.optim.RMSprop,
    "Adagrad": torch.optim.Adagrad,
}


def make_opt(kind, params, options, groups):
    if groups is None:
        arg = params
    else:
        arg = [dict(py_opts({k: v for k, v in g.items() if k != "params"}), params=[params[i] for i in g["params"]]) for g in groups]
    # foreach=False: the single-tensor implementations, which deepscript reproduces.
    return OPT[kind](arg, foreach=False, **py_opts(options))


def run_optimizer(kind, options, groups=None):
    W = W0.clone().requires_grad_()
    b = B0.clone().requires_grad_()
    opt = make_opt(kind, [W, b], options, groups)
    traj = []
    for _ in range(STEPS):
        opt.zero_grad(set_to_none=True)
        loss_fn(W, b).backward()
        opt.step()
        traj.append(flat(W) + flat(b))
    return traj


OPT_CASES = [
    ("SGD", {"lr": 0.01}),
    ("SGD", {"lr": 0.01, "momentum": 0.9}),
    ("SGD", {"lr": 0.01, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 0.01, "momentum": 0.9, "dampening": 0.5}),
    ("SGD", {"lr": 0.01, "momentum": 0.5, "weightDecay": 0.1}),
    ("SGD", {"lr": 0.02, "momentum": 0.8, "nesterov": True, "weightDecay": 0.05}),
    ("SGD", {"lr": 0.002, "maximize": True}),
    ("SGD", {"lr": 0.002, "momentum": 0.7, "dampening": 0.2, "weightDecay": 0.1, "maximize": True}),
    ("Adam", {}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "amsgrad": True}),
    ("Adam", {"lr": 0.01, "weightDecay": 0.1}),
    ("Adam", {"lr": 0.01, "weightDecay": 0.1, "amsgrad": True}),
    ("Adam", {"lr": 0.02, "betas": [0.8, 0.99], "eps": 1e-6}),
    ("Adam", {"lr": 0.005, "maximize": True}),
    # beta2 small enough that the second moment falls, so the amsgrad max matters.
    ("Adam", {"lr": 0.05, "betas": [0.9, 0.8]}),
    ("Adam", {"lr": 0.05, "betas": [0.9, 0.8], "amsgrad": True}),
    ("Adam", {"lr": 0.05, "betas": [0.5, 0.9], "amsgrad": True, "weightDecay": 0.2, "maximize": True}),
    ("AdamW", {}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.01, "amsgrad": True}),
    ("AdamW", {"lr": 0.01, "weightDecay": 0.5}),
    ("AdamW", {"lr": 0.01, "weightDecay": 0.3, "amsgrad": True, "betas": [0.85, 0.95]}),
    ("AdamW", {"lr": 0.005, "maximize": True}),
    ("AdamW", {"lr": 0.05, "betas": [0.9, 0.8], "amsgrad": True}),
    ("AdamW", {"lr": 0.1, "betas": [0.9, 0.9], "amsgrad": True, "weightDecay": 0.1}),
    ("RMSprop", {}),
    ("RMSprop", {"lr": 0.005}),
    ("RMSprop", {"lr": 0.005, "centered": True}),
    ("RMSprop", {"lr": 0.002, "momentum": 0.9}),
    ("RMSprop", {"lr": 0.002, "centered": True, "momentum": 0.9}),
    ("RMSprop", {"lr": 0.005, "centered": True, "momentum": 0.5, "weightDecay": 0.1, "alpha": 0.9}),
    ("RMSprop", {"lr": 0.001, "maximize": True, "eps": 1e-4}),
    ("Adagrad", {}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lrDecay": 0.05}),
    ("Adagrad", {"lr": 0.1, "weightDecay": 0.1, "initialAccumulatorValue": 0.1}),
    ("Adagrad", {"lr": 0.05, "lrDecay": 0.01, "eps": 1e-5, "maximize": True}),
]

GROUP_CASES = [
    ("SGD", {"lr": 0.01}, [{"params": [0], "momentum": 0.9, "nesterov": True}, {"params": [1], "lr": 0.05}]),
    ("Adam", {"lr": 0.01}, [{"params": [0], "amsgrad": True}, {"params": [1], "lr": 0.03, "betas": [0.5, 0.9]}]),
    ("RMSprop", {"lr": 0.005}, [{"params": [1], "centered": True}, {"params": [0], "momentum": 0.5}]),
]


def opt_name(kind, options, groups=None):
    parts = [f"{k}={json.dumps(v)}" for k, v in options.items()]
    s = f"{kind}({', '.join(parts)})"
    return s + (" groups" if groups else "")


optimizers = []
for kind, options in OPT_CASES:
    optimizers.append({"name": opt_name(kind, options), "optimizer": kind, "options": options, "steps": run_optimizer(kind, options)})
for kind, options, groups in GROUP_CASES:
    optimizers.append({"name": opt_name(kind, options, groups), "optimizer": kind, "options": options, "groups": groups,
                       "steps": run_optimizer(kind, options, groups)})


# ---- schedulers -------------------------------------------------------------------------------

SCHED = {
    "StepLR": torch.optim.lr_scheduler.StepLR,
    "ExponentialLR": torch.optim.lr_scheduler.ExponentialLR,
    "CosineAnnealingLR": torch.optim.lr_scheduler.CosineAnnealingLR,
    "OneCycleLR": torch.optim.lr_scheduler.OneCycleLR,
    "ReduceLROnPlateau": torch.optim.lr_scheduler.ReduceLROnPlateau,
}

SGD2 = {"optimizer": "SGD", "options": {"lr": 0.1, "momentum": 0.9}, "groups": [{"params": [0]}, {"params": [1], "lr": 0.05}]}
ADAM2 = {"optimizer": "Adam", "options": {"lr": 0.01}, "groups": [{"params": [0]}, {"params": [1], "lr": 0.002, "betas": [0.8, 0.99]}]}
RMS1 = {"optimizer": "RMSprop", "options": {"lr": 0.01, "momentum": 0.5}}

METRICS_MIN = [1.0, 0.9, 0.85, 0.86, 0.85, 0.849, 0.9, 0.84, 0.84, 0.84, 0.84, 0.84, 0.7, 0.7, 0.71,
               0.72, 0.73, 0.74, 0.75, 0.69, 0.69, 0.69, 0.69, 0.69, 0.69, 0.69, 0.69, 0.69, 0.69, 0.69]
METRICS_MAX = [0.5, 0.6, 0.6, 0.61, 0.605, 0.62, 0.62, 0.62, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.75,
               0.75, 0.75, 0.75, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8]

SCHED_CASES = [
    ("StepLR", {"stepSize": 7, "gamma": 0.5}, SGD2, None),
    ("StepLR", {"stepSize": 3}, ADAM2, None),
    ("ExponentialLR", {"gamma": 0.9}, SGD2, None),
    ("CosineAnnealingLR", {"tMax": 10, "etaMin": 0.001}, SGD2, None),
    ("CosineAnnealingLR", {"tMax": 30}, ADAM2, None),
    ("CosineAnnealingLR", {"tMax": 7, "etaMin": 0.02}, RMS1, None),
    ("OneCycleLR", {"maxLr": 0.5, "totalSteps": 30}, SGD2, None),
    ("OneCycleLR", {"maxLr": 0.5, "totalSteps": 30, "annealStrategy": "linear"}, SGD2, None),
    ("OneCycleLR", {"maxLr": [0.5, 0.1], "totalSteps": 30, "threePhase": True, "pctStart": 0.25}, SGD2, None),
    ("OneCycleLR", {"maxLr": 0.01, "epochs": 3, "stepsPerEpoch": 10}, ADAM2, None),
    ("OneCycleLR", {"maxLr": 0.02, "totalSteps": 30, "baseMomentum": 0.8, "maxMomentum": [0.9, 0.99], "divFactor": 10.0,
                    "finalDivFactor": 100.0, "pctStart": 0.4}, ADAM2, None),
    ("OneCycleLR", {"maxLr": 0.2, "totalSteps": 30, "cycleMomentum": False}, SGD2, None),
    ("OneCycleLR", {"maxLr": 0.05, "totalSteps": 30}, RMS1, None),
    ("ReduceLROnPlateau", {"patience": 2}, SGD2, METRICS_MIN),
    ("ReduceLROnPlateau", {"patience": 1, "factor": 0.5, "cooldown": 2, "minLr": [0.02, 0.0]}, SGD2, METRICS_MIN),
    ("ReduceLROnPlateau", {"patience": 0, "factor": 0.5, "threshold": 0.01, "thresholdMode": "abs"}, ADAM2, METRICS_MIN),
    ("ReduceLROnPlateau", {"mode": "max", "patience": 1, "factor": 0.3, "threshold": 0.05}, SGD2, METRICS_MAX),
    ("ReduceLROnPlateau", {"mode": "max", "patience": 2, "thresholdMode": "abs", "threshold": 0.005, "minLr": 0.004,
                           "eps": 1e-3}, ADAM2, METRICS_MAX),
]


def momenta(opt):
    out = []
    for g in opt.param_groups:
        out.append(float(g["betas"][0]) if "betas" in g else float(g["momentum"]))
    return out


def run_schedule(kind, options, opt_spec, metrics):
    W = W0.clone().requires_grad_()
    b = B0.clone().requires_grad_()
    opt = make_opt(opt_spec["optimizer"], [W, b], opt_spec["options"], opt_spec.get("groups"))
    sched = SCHED[kind](opt, **py_opts(options))
    lrs = [[float(g["lr"]) for g in opt.param_groups]]
    moms = [momenta(opt)]
    for i in range(SCHED_STEPS):
        opt.step()  # no gradients: nothing moves, but the order is PyTorch's recommended one
        if metrics is not None:
            sched.step(metrics[i])
        else:
            sched.step()
        lrs.append([float(g["lr"]) for g in opt.param_groups])
        moms.append(momenta(opt))
    rec = {"name": f"{kind}({json.dumps(options)}) on {opt_spec['optimizer']}", "scheduler": kind, "options": options,
           "opt": opt_spec, "lrs": lrs}
    if metrics is not None:
        rec["metrics"] = metrics
    if kind == "OneCycleLR":
        rec["momentum"] = moms
    return rec


schedulers = [run_schedule(*c) for c in SCHED_CASES]

# CosineAnnealingLR's recursive form equals its closed form at each step (within the first period).
for rec in schedulers:
    if rec["scheduler"] == "CosineAnnealingLR":
        T, eta = rec["options"]["tMax"], rec["options"].get("etaMin", 0)
        base = rec["lrs"][0]
        for e in range(0, T + 1):
            for gi, b0 in enumerate(base):
                closed = eta + (b0 - eta) * (1 + math.cos(math.pi * e / T)) / 2
                assert abs(closed - rec["lrs"][e][gi]) < 1e-12, (rec["name"], e)


# ---- gradient clipping ------------------------------------------------------------------------

CLIP_CASES = [
    ("norm", 1.0, 2.0),
    ("norm", 100.0, 2.0),
    ("norm", 0.5, 1.0),
    ("norm", 0.3, math.inf),
    ("norm", 1.5, 3.0),
    ("norm", 0.7, 0.5),
    ("value", 0.25, None),
]


def enc(v):
    return "inf" if v == math.inf else v


clip = []
for i, (kind, value, norm_type) in enumerate(CLIP_CASES):
    grads = [torch.randn(4, 3, dtype=F64), torch.randn(5, dtype=F64) * 2, torch.randn(2, 2, dtype=F64) * 0.1]
    params = [torch.zeros_like(g, requires_grad=True) for g in grads]
    for p, g in zip(params, grads):
        p.grad = g.clone()
    rec = {"kind": kind, "grads": [{"shape": list(g.shape), "data": flat(g)} for g in grads]}
    if kind == "norm":
        total = torch.nn.utils.clip_grad_norm_(params, value, norm_type)
        rec.update(maxNorm=value, normType=enc(norm_type), total=float(total))
    else:
        torch.nn.utils.clip_grad_value_(params, value)
        rec.update(clipValue=value)
    rec["clipped"] = [flat(p.grad) for p in params]
    clip.append(rec)


doc = {
    "generator": "tools/gen_optim_fixtures.py",
    "torch": torch.__version__,
    "problem": {"W": {"shape": [3, 2], "data": flat(W0)}, "b": {"shape": [2], "data": flat(B0)},
                "x": {"shape": [5, 3], "data": flat(X)}, "y": {"shape": [5, 2], "data": flat(Y)}},
    "optimizers": optimizers,
    "schedulers": schedulers,
    "clip": clip,
}
out = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "optim.json")
with open(out, "w") as f:
    json.dump(doc, f, indent=None, separators=(",", ":"))
    f.write("\n")
print(f"wrote {out}: {len(optimizers)} optimizer runs, {len(schedulers)} schedules, {len(clip)} clipping cases")

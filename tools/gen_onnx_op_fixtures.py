#!/usr/bin/env python3
"""Operator-level ONNX fixtures for io.loadOnnx: small graphs built with onnx.helper (onnx 1.12) at
opsets 13-21 in the attribute and input forms of each opset, with outputs computed by NumPy from
ONNX's operator definitions (docs/Operators.md), and by PyTorch 1.13 where it has the same op.

Run:  /usr/bin/python3 tools/gen_onnx_op_fixtures.py     (writes test/fixtures/onnx/ops.json)

Each case: {"model": base64 ModelProto, "opset", "input": T, "output": T}; T = {"shape", "data"}.
The graph has one float32 input "x" and one float32 output "y" (integer results are Cast to float
inside the graph). onnx.checker runs on opsets <= 17 (onnx 1.12 knows no later ones); later ones
use only operators whose definition did not change after 17 or the changes named in the case.
"""
import base64
import json
import math
import os

import numpy as np
import onnx
import onnx.checker
from onnx import TensorProto, helper, numpy_helper
import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "onnx")
rng = np.random.default_rng(5)
CASES = {}
I64 = TensorProto.INT64


def const(name, arr, dtype=None):
    a = np.asarray(arr, dtype=dtype)
    return numpy_helper.from_array(a, name)


def case(name, opset, x, y, nodes, inits=(), xshape=None):
    g = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, xshape or list(x.shape))],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, list(np.shape(y)))], list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], producer_name="gen_onnx_op_fixtures")
    m.ir_version = 8
    if opset <= 17:
        onnx.checker.check_model(m)
    y = np.asarray(y, dtype=np.float32)
    CASES[name] = {"model": base64.b64encode(m.SerializeToString()).decode(), "opset": opset,
                   "input": {"shape": list(x.shape), "data": x.astype(np.float32).ravel().tolist()},
                   "output": {"shape": list(y.shape), "data": y.ravel().tolist()}}


N = helper.make_node
x34 = rng.standard_normal((3, 4)).astype(np.float32)
x234 = rng.standard_normal((2, 3, 4)).astype(np.float32)

# Slice: negative step from the end, INT64_MIN end, axes; then a positive step with a clamped end.
case("slice_negative_step", 13, x34, x34[:, ::-2][1:, :],
     [N("Slice", ["x", "s", "e", "a", "st"], ["t"]), N("Slice", ["t", "s2", "e2"], ["y"])],
     [const("s", [-1], np.int64), const("e", [-2 ** 63], np.int64), const("a", [1], np.int64), const("st", [-2], np.int64),
      const("s2", [1], np.int64), const("e2", [2 ** 62], np.int64)])
# Gather with negative indices of rank 2, axis 1.
case("gather_negative", 13, x34, np.take(x34, [[3, 0], [1, 3]], axis=1), [N("Gather", ["x", "i"], ["y"], axis=1)], [const("i", [[-1, 0], [1, -1]], np.int64)])
# Pad at opset 18 with the axes input and a constant value; at 13 with all axes.
case("pad_axes_18", 18, x34, np.pad(x34, [(0, 0), (2, 1)], constant_values=1.5), [N("Pad", ["x", "p", "v", "ax"], ["y"])],
     [const("p", [2, 1], np.int64), const("v", 1.5, np.float32), const("ax", [-1], np.int64)])
case("pad_13", 13, x34, np.pad(x34, [(1, 0), (0, 2)]), [N("Pad", ["x", "p"], ["y"])], [const("p", [1, 0, 0, 2], np.int64)])
# Split: sizes as an input (13), num_outputs uneven (18), then Concat in another order.
x52 = rng.standard_normal((5, 2)).astype(np.float32)
case("split_13", 13, x52, np.concatenate([x52[4:], x52[:1], x52[1:4]]), [N("Split", ["x", "sp"], ["a", "b", "c"], axis=0), N("Concat", ["c", "a", "b"], ["y"], axis=0)], [const("sp", [1, 3, 1], np.int64)])
case("split_num_outputs_18", 18, x52, np.concatenate([x52[3:], x52[:3]]), [N("Split", ["x"], ["a", "b"], axis=0, num_outputs=2), N("Concat", ["b", "a"], ["y"], axis=0)])
# Squeeze / Unsqueeze with axes inputs (13+).
case("unsqueeze_squeeze_13", 13, x34, x34.reshape(3, 1, 4, 1).squeeze(3), [N("Unsqueeze", ["x", "ua"], ["u"]), N("Squeeze", ["u", "sa"], ["y"])],
     [const("ua", [1, -1], np.int64), const("sa", [3], np.int64)])
# Integer Div truncates; Shape with start/end (15); Cast back to float.
case("int_div_shape_15", 15, x234, np.array([3 // 2, int(-7 / 2), 4 // 2], np.float32),
     [N("Shape", ["x"], ["s"], start=1), N("Div", ["s", "two"], ["d"]), N("Div", ["m7", "two"], ["n"]), N("Concat", ["d", "n"], ["c"], axis=0),
      N("Gather", ["c", "order"], ["g"], axis=0), N("Cast", ["g"], ["y"], to=TensorProto.FLOAT)],
     [const("two", [2], np.int64), const("m7", [-7], np.int64), const("order", [0, 2, 1], np.int64)])
# Trilu, lower with k = 1.
case("trilu_lower", 14, x34, np.tril(x34, 1), [N("Trilu", ["x", "k"], ["y"], upper=0)], [const("k", 1, np.int64)])
# Expand is bidirectional broadcasting.
x31 = rng.standard_normal((3, 1)).astype(np.float32)
case("expand_bidirectional", 13, x31, x31 * np.ones((2, 1, 4), np.float32), [N("Expand", ["x", "sh"], ["y"])], [const("sh", [2, 1, 4], np.int64)])
case("tile", 13, x34, np.tile(x34, (2, 1)), [N("Tile", ["x", "r"], ["y"])], [const("r", [2, 1], np.int64)])
case("range_int_float", 13, x34, np.concatenate([np.arange(5, -3, -3).astype(np.float32), np.arange(0.5, 2.0, 0.5, dtype=np.float32)]),
     [N("Range", ["a", "b", "c"], ["r"]), N("Cast", ["r"], ["rf"], to=TensorProto.FLOAT), N("Range", ["fa", "fb", "fc"], ["f"]), N("Concat", ["rf", "f"], ["y"], axis=0)],
     [const("a", 5, np.int64), const("b", -3, np.int64), const("c", -3, np.int64), const("fa", 0.5, np.float32), const("fb", 2.0, np.float32), const("fc", 0.5, np.float32)])
# Where with comparisons and logic.
cond = np.logical_and(np.logical_not(x34 > 0.5), np.logical_or(x34 < -0.5, np.equal(x34, x34)))
case("where_logic", 13, x34, np.where(cond, x34, -x34 * 2),
     [N("Greater", ["x", "h"], ["g"]), N("Not", ["g"], ["ng"]), N("Less", ["x", "mh"], ["l"]), N("Equal", ["x", "x"], ["e"]), N("Or", ["l", "e"], ["o"]),
      N("And", ["ng", "o"], ["c"]), N("Mul", ["x", "m2"], ["alt"]), N("Where", ["c", "x", "alt"], ["y"])],
     [const("h", 0.5, np.float32), const("mh", -0.5, np.float32), const("m2", -2.0, np.float32)])
# Reductions: attribute axes (13), input axes (18), noop_with_empty_axes, keepdims 0.
red = np.concatenate([x234.sum(axis=(0, 2)), np.max(x234, axis=1).ravel(), np.sqrt((x234 ** 2).sum(axis=2)).ravel(), (x234 ** 2).sum(axis=0).ravel(),
                      np.log(np.exp(x234).sum(axis=-1)).ravel(), np.prod(x234[:, :2, :2], axis=1).ravel()])
case("reductions_18", 18, x234, red,
     [N("ReduceSum", ["x", "a02"], ["s"], keepdims=0), N("ReduceMax", ["x", "a1"], ["m"], keepdims=0), N("ReduceL2", ["x", "a2"], ["l2"], keepdims=0),
      N("ReduceSumSquare", ["x", "a0"], ["ss"], keepdims=0), N("ReduceLogSumExp", ["x", "am1"], ["lse"], keepdims=1),
      N("Slice", ["x", "z", "two2", "a12"], ["xs"]), N("ReduceProd", ["xs", "a1"], ["p"], keepdims=0),
      N("ReduceMean", ["x", "empty"], ["same"], noop_with_empty_axes=1), N("Sub", ["same", "x"], ["zero"]), N("ReduceSum", ["zero"], ["z0"], keepdims=0),
      *[N("Reshape", [v, "flat"], [v + "_f"]) for v in ["s", "m", "l2", "ss", "lse", "p"]],
      N("Concat", [v + "_f" for v in ["s", "m", "l2", "ss", "lse", "p"]], ["c"], axis=0), N("Add", ["c", "z0"], ["y"])],
     [const("a02", [0, 2], np.int64), const("a1", [1], np.int64), const("a2", [2], np.int64), const("a0", [0], np.int64), const("am1", [-1], np.int64),
      const("a12", [1, 2], np.int64), const("z", [0, 0], np.int64), const("two2", [2, 2], np.int64), const("empty", np.zeros(0, np.int64)), const("flat", [-1], np.int64)])
case("reducemean_attr_13", 13, x234, x234.mean(axis=(0, 2), keepdims=True), [N("ReduceMean", ["x"], ["y"], axes=[0, -1])])
case("argmax_argmin", 13, x234, np.concatenate([x234.argmax(axis=1).ravel(), x234.argmin(axis=-1).ravel()]).astype(np.float32),
     [N("ArgMax", ["x"], ["a"], axis=1, keepdims=0), N("ArgMin", ["x"], ["b"], axis=-1, keepdims=1), N("Reshape", ["a", "flat"], ["af"]), N("Reshape", ["b", "flat"], ["bf"]),
      N("Concat", ["af", "bf"], ["c"], axis=0), N("Cast", ["c"], ["y"], to=TensorProto.FLOAT)], [const("flat", [-1], np.int64)])
# Elementwise activations and math.
xr = np.array([[-2.5, -1.5, -0.5, 0.5], [1.5, 2.5, 0.3, -0.7], [3.0, -3.0, 0.1, 2.2]], np.float32)
t = torch.tensor(xr)
case("activations", 13, xr, np.concatenate([
    np.clip(xr, -1, None), np.clip(0.2 * xr + 0.5, 0, 1), torch.nn.functional.elu(t, 0.7).numpy(), torch.nn.functional.leaky_relu(t, 0.05).numpy(),
    torch.nn.functional.softplus(t).numpy(), np.sign(xr), np.round(xr), np.floor(xr), np.ceil(xr), np.abs(xr), -xr, np.exp(xr), np.log(np.abs(xr)),
    np.sqrt(np.abs(xr)), np.sin(xr), np.cos(xr), 1 / xr, torch.erf(t).numpy(), np.power(np.abs(xr), 1.5),
    np.maximum(np.maximum(xr, 0.1), -xr), np.minimum(xr, 0.2), xr + xr + 1]),
    [N("Clip", ["x", "lo"], ["c1"]), N("HardSigmoid", ["x"], ["c2"]), N("Elu", ["x"], ["c3"], alpha=0.7), N("LeakyRelu", ["x"], ["c4"], alpha=0.05),
     N("Softplus", ["x"], ["c5"]), N("Sign", ["x"], ["c6"]), N("Round", ["x"], ["c7"]), N("Floor", ["x"], ["c8"]), N("Ceil", ["x"], ["c9"]), N("Abs", ["x"], ["c10"]),
     N("Neg", ["x"], ["c11"]), N("Exp", ["x"], ["c12"]), N("Log", ["c10"], ["c13"]), N("Sqrt", ["c10"], ["c14"]), N("Sin", ["x"], ["c15"]), N("Cos", ["x"], ["c16"]),
     N("Reciprocal", ["x"], ["c17"]), N("Erf", ["x"], ["c18"]), N("Pow", ["c10", "e15"], ["c19"]), N("Max", ["x", "p1", "c11"], ["c20"]), N("Min", ["x", "p2"], ["c21"]),
     N("Sum", ["x", "x", "one"], ["c22"]), N("Concat", [f"c{i}" for i in range(1, 23)], ["y"], axis=0)],
    [const("lo", -1.0, np.float32), const("e15", 1.5, np.float32), const("p1", 0.1, np.float32), const("p2", 0.2, np.float32), const("one", 1.0, np.float32)])
case("gelu_tanh_20", 20, xr, torch.nn.functional.gelu(t, approximate="tanh").numpy(), [N("Gelu", ["x"], ["y"], approximate="tanh")])
# Gemm with transA, alpha, beta and a broadcast C row.
A = rng.standard_normal((4, 3)).astype(np.float32)
B = rng.standard_normal((4, 5)).astype(np.float32)
C = rng.standard_normal((1, 5)).astype(np.float32)
case("gemm_general", 13, A, 0.5 * A.T @ B + 2.0 * C, [N("Gemm", ["x", "B", "C"], ["y"], transA=1, alpha=0.5, beta=2.0)], [const("B", B), const("C", C)])
# Flatten at axis 0 and 2, Reshape copying a dim (0) and inferring one (-1), Transpose default perm.
case("flatten_reshape", 13, x234, np.concatenate([x234.reshape(1, -1).ravel(), x234.reshape(6, 4).ravel(), x234.reshape(2, 12).ravel(), x234.transpose().ravel()]),
     [N("Flatten", ["x"], ["f0"], axis=0), N("Flatten", ["x"], ["f2"], axis=2), N("Reshape", ["x", "sh"], ["r"]), N("Transpose", ["x"], ["tt"]),
      *[N("Reshape", [v, "flat"], [v + "_f"]) for v in ["f0", "f2", "r", "tt"]], N("Concat", [v + "_f" for v in ["f0", "f2", "r", "tt"]], ["y"], axis=0)],
     [const("sh", [0, -1], np.int64), const("flat", [-1], np.int64)])
# Cast to int32 (truncation) and bool, CastLike, ConstantOfShape, Size.
case("cast_constantofshape", 15, xr, np.concatenate([np.trunc(xr).ravel(), (xr != 0).ravel().astype(np.float32), np.full(3, 7.0), [12.0]]),
     [N("Cast", ["x"], ["i"], to=TensorProto.INT32), N("CastLike", ["i", "x"], ["fi"]), N("Cast", ["x"], ["b"], to=TensorProto.BOOL), N("Cast", ["b"], ["fb"], to=TensorProto.FLOAT),
      N("ConstantOfShape", ["three"], ["k"], value=numpy_helper.from_array(np.array([7], np.int64))), N("Cast", ["k"], ["fk"], to=TensorProto.FLOAT),
      N("Size", ["x"], ["sz"]), N("Cast", ["sz"], ["fsz"], to=TensorProto.FLOAT), N("Reshape", ["fsz", "flat"], ["fsz1"]),
      N("Reshape", ["fi", "flat"], ["fi1"]), N("Reshape", ["fb", "flat"], ["fb1"]), N("Concat", ["fi1", "fb1", "fk", "fsz1"], ["y"], axis=0)],
     [const("three", [3], np.int64), const("flat", [-1], np.int64)])
case("constant_forms", 13, x34, x34 * 2.0 + np.array([1, 2, 3, 4], np.float32),
     [N("Constant", [], ["two"], value_float=2.0), N("Constant", [], ["v"], value_floats=[1.0, 2.0, 3.0, 4.0]), N("Mul", ["x", "two"], ["m"]), N("Add", ["m", "v"], ["y"])])
# Softmax / LogSoftmax on a middle axis (opset 13 semantics: one axis).
case("softmax_axes", 13, x234, np.concatenate([torch.softmax(torch.tensor(x234), 1).numpy().ravel(), torch.log_softmax(torch.tensor(x234), 0).numpy().ravel()]),
     [N("Softmax", ["x"], ["s"], axis=1), N("LogSoftmax", ["x"], ["l"], axis=0), N("Reshape", ["s", "flat"], ["s1"]), N("Reshape", ["l", "flat"], ["l1"]), N("Concat", ["s1", "l1"], ["y"], axis=0)],
     [const("flat", [-1], np.int64)])
# LayerNormalization over the last two dims (axis -2).
g = rng.standard_normal((3, 4)).astype(np.float32)
b = rng.standard_normal((3, 4)).astype(np.float32)
case("layernorm_axis_m2", 17, x234, torch.nn.functional.layer_norm(torch.tensor(x234), (3, 4), torch.tensor(g), torch.tensor(b), 1e-3).numpy(),
     [N("LayerNormalization", ["x", "g", "b"], ["y"], axis=-2, epsilon=1e-3)], [const("g", g), const("b", b)])

# Less common activations and math at opset 18 (Mish is new there; PRelu with a per-channel slope, Selu, HardSwish, Mish, trigonometry, IsNaN/IsInf).
slope = rng.standard_normal((4,)).astype(np.float32)
xt = np.clip(xr, -0.9, 0.9)
case("activations_more", 18, xr, np.concatenate([
    np.where(xr < 0, xr * slope, xr), torch.nn.functional.selu(t).numpy(),
    torch.nn.functional.hardswish(t).numpy(), torch.nn.functional.mish(t).numpy(), np.tan(xt), np.arctan(xr), np.arcsin(xt), np.arccos(xt),
    np.sinh(xr), np.cosh(xr), np.isnan(np.log(xr)).astype(np.float32), np.isinf(1 / (xr - xr)).astype(np.float32), np.abs(xr).sum(axis=1, keepdims=True) * np.ones((1, 4), np.float32)]),
    [N("PRelu", ["x", "slope"], ["c1"]), N("Selu", ["x"], ["c2"]), N("HardSwish", ["x"], ["c3"]), N("Mish", ["x"], ["c4"]), N("Clip", ["x", "m09", "p09"], ["xt"]),
     N("Tan", ["xt"], ["c5"]), N("Atan", ["x"], ["c6"]), N("Asin", ["xt"], ["c7"]), N("Acos", ["xt"], ["c8"]), N("Sinh", ["x"], ["c9"]), N("Cosh", ["x"], ["c10"]),
     N("Log", ["x"], ["lg"]), N("IsNaN", ["lg"], ["nan"]), N("Cast", ["nan"], ["c11"], to=TensorProto.FLOAT),
     N("Sub", ["x", "x"], ["zz"]), N("Reciprocal", ["zz"], ["inf"]), N("IsInf", ["inf"], ["isinf"]), N("Cast", ["isinf"], ["c12"], to=TensorProto.FLOAT),
     N("ReduceL1", ["x"], ["l1"], axes=[1], keepdims=1), N("Expand", ["l1", "sh34"], ["c13"]),
     N("Concat", [f"c{i}" for i in range(1, 14)], ["y"], axis=0)],
    [const("slope", slope), const("m09", -0.9, np.float32), const("p09", 0.9, np.float32), const("sh34", [3, 4], np.int64)])
# Einsum, CumSum (exclusive, reverse), TopK (largest and smallest; indices cast to float).
M2 = rng.standard_normal((4, 2)).astype(np.float32)
cs = np.cumsum(x34[:, ::-1], axis=1)[:, ::-1] - x34
top_v = -np.sort(-x34, axis=1)[:, :2]
top_i = np.argsort(-x34, axis=1, kind="stable")[:, :2]
low_i = np.argsort(x34, axis=0, kind="stable")[:1, :]
case("einsum_cumsum_topk", 14, x34, np.concatenate([np.einsum("ij,jk->ik", x34, M2).ravel(), cs.ravel(), np.cumsum(x34, axis=0).ravel(), top_v.ravel(), top_i.ravel(), low_i.ravel()]).astype(np.float32),
    [N("Einsum", ["x", "M"], ["e"], equation="ij,jk->ik"), N("CumSum", ["x", "ax1"], ["cs"], exclusive=1, reverse=1), N("CumSum", ["x", "ax0"], ["c0"]),
     N("TopK", ["x", "k2"], ["tv", "ti"], axis=1), N("TopK", ["x", "k1"], ["lv", "li"], axis=0, largest=0), N("Cast", ["ti"], ["tif"], to=TensorProto.FLOAT), N("Cast", ["li"], ["lif"], to=TensorProto.FLOAT),
     *[N("Reshape", [v, "flat"], [v + "_f"]) for v in ["e", "cs", "c0", "tv", "tif", "lif"]], N("Concat", [v + "_f" for v in ["e", "cs", "c0", "tv", "tif", "lif"]], ["y"], axis=0)],
    [const("M", M2), const("ax1", 1, np.int64), const("ax0", 0, np.int64), const("k2", [2], np.int64), const("k1", [1], np.int64), const("flat", [-1], np.int64)])
# Convolution and pooling forms.
img = rng.standard_normal((2, 3, 7, 6)).astype(np.float32)
ti = torch.tensor(img)
w = rng.standard_normal((4, 3, 3, 2)).astype(np.float32)
bias = rng.standard_normal(4).astype(np.float32)
# SAME_LOWER with stride 2: total pad per dim = max(0, (ceil(n/s)-1)*s + k - n), the larger half first.
def same_pads(n, k, s, lower):
    total = max(0, (math.ceil(n / s) - 1) * s + k - n)
    small = total // 2
    return (total - small, small) if lower else (small, total - small)
ph, pw = same_pads(7, 3, 2, True), same_pads(6, 2, 2, True)
ref = torch.nn.functional.conv2d(torch.nn.functional.pad(ti, (pw[0], pw[1], ph[0], ph[1])), torch.tensor(w), torch.tensor(bias), stride=2).numpy()
case("conv_same_lower", 13, img, ref, [N("Conv", ["x", "w", "b"], ["y"], auto_pad="SAME_LOWER", strides=[2, 2])], [const("w", w), const("b", bias)])
ref = torch.nn.functional.conv2d(torch.nn.functional.pad(ti, (0, 2, 1, 0)), torch.tensor(w), None).numpy()
case("conv_uneven_pads", 13, img, ref, [N("Conv", ["x", "w"], ["y"], pads=[1, 0, 0, 2], kernel_shape=[3, 2])], [const("w", w)])
seq = rng.standard_normal((2, 3, 9)).astype(np.float32)
w1 = rng.standard_normal((6, 1, 3)).astype(np.float32)
case("conv1d_grouped_dilated", 13, seq, torch.nn.functional.conv1d(torch.tensor(seq), torch.tensor(w1), None, stride=2, padding=2, dilation=2, groups=3).numpy(),
     [N("Conv", ["x", "w"], ["y"], strides=[2], pads=[2, 2], dilations=[2], group=3)], [const("w", w1)])
wt = rng.standard_normal((3, 2, 3, 3)).astype(np.float32)
full = torch.nn.functional.conv_transpose2d(ti, torch.tensor(wt), None, stride=2, output_padding=1).numpy()
case("convtranspose_uneven", 13, img, full[:, :, 1:full.shape[2] - 0, 0:full.shape[3] - 2],
     [N("ConvTranspose", ["x", "w"], ["y"], strides=[2, 2], pads=[1, 0, 0, 2], output_padding=[1, 1])], [const("w", wt)])
mh, mw = same_pads(7, 2, 2, False), same_pads(6, 2, 2, False)
mp = torch.nn.functional.max_pool2d(torch.nn.functional.pad(ti, (mw[0], mw[1], mh[0], mh[1]), value=-math.inf), 2, 2).numpy()
case("maxpool_same_upper", 13, img, mp, [N("MaxPool", ["x"], ["y"], auto_pad="SAME_UPPER", kernel_shape=[2, 2], strides=[2, 2])])
case("avgpool_exclude_pad_ceil", 13, img, torch.nn.functional.avg_pool2d(ti, 3, 2, padding=1, ceil_mode=True, count_include_pad=False).numpy(),
     [N("AveragePool", ["x"], ["y"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1, count_include_pad=0)])
case("globalmaxpool", 13, img, img.max(axis=(2, 3), keepdims=True), [N("GlobalMaxPool", ["x"], ["y"])])
sc = rng.standard_normal(3).astype(np.float32)
bi = rng.standard_normal(3).astype(np.float32)
case("instancenorm", 13, img, torch.nn.functional.instance_norm(ti, weight=torch.tensor(sc), bias=torch.tensor(bi), eps=1e-4).numpy(),
     [N("InstanceNormalization", ["x", "s", "b"], ["y"], epsilon=1e-4)], [const("s", sc), const("b", bi)])
small = rng.standard_normal((1, 2, 3, 4)).astype(np.float32)
ts = torch.tensor(small)
case("resize_sizes_align_corners", 13, small, torch.nn.functional.interpolate(ts, size=(5, 7), mode="bilinear", align_corners=True).numpy(),
     [N("Resize", ["x", "", "", "sz"], ["y"], mode="linear", coordinate_transformation_mode="align_corners")], [const("sz", [1, 2, 5, 7], np.int64)])
case("resize_nearest_scales", 13, small, torch.nn.functional.interpolate(ts, scale_factor=(2, 3), mode="nearest").numpy(),
     [N("Resize", ["x", "", "sc"], ["y"], mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor")], [const("sc", [1, 1, 2, 3], np.float32)])


# Recurrent ops in their ONNX forms, against NumPy implementations of ONNX's equations.
def sig(v):
    return 1 / (1 + np.exp(-v))


def gru_ref(X, W, R, B, h0, lbr, reverse):
    H = R.shape[-1]
    Wz, Wr, Wh = np.split(W, 3)
    Rz, Rr, Rh = np.split(R, 3)
    Wbz, Wbr, Wbh, Rbz, Rbr, Rbh = np.split(B, 6)
    h, ys = h0, [None] * len(X)
    steps = range(len(X) - 1, -1, -1) if reverse else range(len(X))
    for t in steps:
        x = X[t]
        z = sig(x @ Wz.T + h @ Rz.T + Wbz + Rbz)
        r = sig(x @ Wr.T + h @ Rr.T + Wbr + Rbr)
        hh = np.tanh(x @ Wh.T + r * (h @ Rh.T + Rbh) + Wbh) if lbr else np.tanh(x @ Wh.T + (r * h) @ Rh.T + Rbh + Wbh)
        h = (1 - z) * hh + z * h
        ys[t] = h
    return np.stack(ys), h


T_, Nb, I, H = 4, 2, 3, 5
Xs = rng.standard_normal((T_, Nb, I)).astype(np.float32)
W = rng.standard_normal((1, 3 * H, I)).astype(np.float32) * 0.5
R = rng.standard_normal((1, 3 * H, H)).astype(np.float32) * 0.5
Bg = rng.standard_normal((1, 6 * H)).astype(np.float32) * 0.5
h0 = np.zeros((Nb, H), np.float32)
Y, hN = gru_ref(Xs, W[0], R[0], Bg[0], h0, lbr=False, reverse=True)
case("gru_reverse_lbr0", 13, Xs, np.concatenate([Y.ravel(), hN.ravel()]),
     [N("GRU", ["x", "W", "R", "B"], ["Y", "Yh"], hidden_size=H, direction="reverse", linear_before_reset=0),
      N("Reshape", ["Y", "flat"], ["y1"]), N("Reshape", ["Yh", "flat"], ["y2"]), N("Concat", ["y1", "y2"], ["y"], axis=0)],
     [const("W", W), const("R", R), const("B", Bg), const("flat", [-1], np.int64)])

# A bidirectional LSTM with layout 1 (batch first, opset 14) and initial states, against torch.nn.LSTM.
lstm = torch.nn.LSTM(I, H, batch_first=True, bidirectional=True)
Xb = rng.standard_normal((Nb, T_, I)).astype(np.float32)
hc0 = rng.standard_normal((2, Nb, H)).astype(np.float32)
cc0 = rng.standard_normal((2, Nb, H)).astype(np.float32)
with torch.no_grad():
    out, (hn, cn) = lstm(torch.tensor(Xb), (torch.tensor(hc0), torch.tensor(cc0)))
order = [0, 3, 1, 2]  # torch i,f,g,o -> ONNX i,o,f,c
def onnx_gates(wt_):
    return np.concatenate([np.split(wt_, 4)[k] for k in order])
sd = {k: v.numpy() for k, v in lstm.state_dict().items()}
Wl = np.stack([onnx_gates(sd["weight_ih_l0"]), onnx_gates(sd["weight_ih_l0_reverse"])])
Rl = np.stack([onnx_gates(sd["weight_hh_l0"]), onnx_gates(sd["weight_hh_l0_reverse"])])
Bl = np.stack([np.concatenate([onnx_gates(sd["bias_ih_l0"]), onnx_gates(sd["bias_hh_l0"])]),
               np.concatenate([onnx_gates(sd["bias_ih_l0_reverse"]), onnx_gates(sd["bias_hh_l0_reverse"])])])
# layout 1: Y [N, T, dirs, H], Y_h / Y_c [N, dirs, H]; torch gives out [N, T, 2H], hn [2, N, H].
Yl = out.numpy().reshape(Nb, T_, 2, H)
case("lstm_bidirectional_layout1", 14, Xb, np.concatenate([Yl.ravel(), hn.numpy().transpose(1, 0, 2).ravel(), cn.numpy().transpose(1, 0, 2).ravel()]),
     [N("LSTM", ["x", "W", "R", "B", "", "h0", "c0"], ["Y", "Yh", "Yc"], hidden_size=H, direction="bidirectional", layout=1),
      N("Reshape", ["Y", "flat"], ["y1"]), N("Reshape", ["Yh", "flat"], ["y2"]), N("Reshape", ["Yc", "flat"], ["y3"]), N("Concat", ["y1", "y2", "y3"], ["y"], axis=0)],
     [const("W", Wl), const("R", Rl), const("B", Bl), const("h0", hc0.transpose(1, 0, 2).copy()), const("c0", cc0.transpose(1, 0, 2).copy()), const("flat", [-1], np.int64)])

with open(os.path.join(OUT, "ops.json"), "w") as f:
    json.dump(CASES, f)
print(len(CASES), "cases:", ", ".join(CASES))

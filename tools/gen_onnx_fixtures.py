#!/usr/bin/env python3
"""ONNX fixtures for deepscript's io.loadOnnx tests, exported with torch.onnx.export (PyTorch 1.13).

Run:  /usr/bin/python3 tools/gen_onnx_fixtures.py      (writes test/fixtures/onnx/*.onnx and onnx.json)

Models (each exported in eval mode with a dynamic batch dimension, then run by PyTorch on a batch
of a different size than the export's):
  mlp          Linear-ReLU-Linear-Tanh-Linear (Gemm), opsets 13 and 17
  w3           the W3 CNN of /work/shared/bench/WORKLOADS.md (Conv, MaxPool, Flatten, Gemm)
  decoder      Linear, Unflatten, ConvTranspose2d, Upsample nearest and bilinear (Resize), Sigmoid
  cnn_misc     Conv, MaxPool, BatchNorm2d (kept: not after a Conv), AvgPool, AdaptiveAvgPool(1) (GlobalAveragePool)
  lstm         2-layer LSTM (ONNX LSTM ops) + Linear on the last step
  gru          1-layer GRU and an RNN (tanh)
  transformer  nn.TransformerEncoder, 2 layers, batch_first, opset 13 (LayerNorm decomposed),
               opset 17 (LayerNormalization), and the opset-13 graph rewritten to opsets 18 and 21
               (ReduceMean/ReduceSum/ReduceMax axes moved from attribute to input, as ONNX 18 asks)

Fine-tuning: for "mlp_op17" (SGD with momentum, MSE), "w3" (Adam, cross-entropy), "lstm" (SGD,
cross-entropy) and "transformer_op17" (Adam, MSE) a few steps of PyTorch training of the exported
model (eval mode: no dropout) are recorded: the losses, and the parameters after the steps under
their initializer names (mlp) or the outputs after them (the others).

onnx.json: {name: {"file", "input": T, "output": T, "finetune"?}}; T = {"shape", "data"} (float32).
"""
import copy
import json
import os
import warnings

import numpy as np
import onnx
import onnx.checker
import onnx.helper
import torch
import torch.nn as nn

warnings.filterwarnings("ignore")
OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "onnx")
os.makedirs(OUT, exist_ok=True)
FIX = {}


def T(t):
    t = t.detach().to(torch.float32).contiguous()
    return {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).tolist()]}


def export(name, model, example, opset, test_input):
    model.eval()
    path = os.path.join(OUT, f"{name}.onnx")
    dyn = {"input": {0: "batch"}, "output": {0: "batch"}}
    torch.onnx.export(model, example, path, opset_version=opset, input_names=["input"], output_names=["output"],
                      dynamic_axes=dyn, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path))
    with torch.no_grad():
        out = model(test_input)
    FIX[name] = {"file": f"{name}.onnx", "opset": opset, "input": T(test_input), "output": T(out)}
    return path


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.fc3 = nn.Linear(6, 16), nn.Linear(16, 12), nn.Linear(12, 3)

    def forward(self, x):
        return self.fc3(torch.tanh(self.fc2(torch.relu(self.fc1(x)))))


class W3(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1, self.c2 = nn.Conv2d(1, 32, 3, padding=1), nn.Conv2d(32, 64, 3, padding=1)
        self.d1, self.d2 = nn.Linear(3136, 128), nn.Linear(128, 10)

    def forward(self, x):
        x = torch.max_pool2d(torch.relu(self.c1(x)), 2, 2)
        x = torch.max_pool2d(torch.relu(self.c2(x)), 2, 2)
        return self.d2(torch.relu(self.d1(torch.flatten(x, 1))))


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(5, 4 * 3 * 3)
        self.up1 = nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1)
        self.up2 = nn.Upsample(scale_factor=2, mode="nearest")
        self.conv = nn.Conv2d(6, 3, 3, padding=1)
        self.up3 = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)
        self.out = nn.ConvTranspose2d(3, 2, 2, stride=1)

    def forward(self, z):
        x = torch.relu(self.fc(z)).reshape(-1, 4, 3, 3)
        x = self.up2(torch.relu(self.up1(x)))
        x = self.up3(torch.nn.functional.leaky_relu(self.conv(x), 0.1))
        return torch.sigmoid(self.out(x))


class CnnMisc(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 8, 3, dilation=2, groups=2, padding=2)
        self.fc = nn.Linear(8, 4)

    def forward(self, x):
        x = torch.max_pool2d(torch.relu(self.conv1(x)), 3, stride=1, padding=1)
        x = nn.functional.avg_pool2d(self.bn(x), 2)
        x = nn.functional.adaptive_avg_pool2d(torch.relu(self.conv2(x)), 1)
        return torch.softmax(self.fc(torch.flatten(x, 1)), dim=-1)


class Lstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 8, num_layers=2, batch_first=True)
        self.fc = nn.Linear(8, 3)

    def forward(self, x):
        y, _ = self.lstm(x)
        return self.fc(y[:, -1])


class Gru(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(4, 6, batch_first=True)
        self.rnn = nn.RNN(6, 5, batch_first=True)

    def forward(self, x):
        y, _ = self.gru(x)
        y, _ = self.rnn(y)
        return y


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Linear(5, 16)
        layer = nn.TransformerEncoderLayer(16, 2, dim_feedforward=32, dropout=0.1, activation="gelu", batch_first=True)
        self.enc = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.head = nn.Linear(16, 3)

    def forward(self, x):
        h = self.enc(self.emb(x))
        return self.head(h.mean(dim=1))


def reduce_axes_to_inputs(src, dst, opset):
    """The opset-13 graph at `opset` >= 18: reductions take axes as a second input, as ONNX 18 asks."""
    m = onnx.load(src)
    for node in m.graph.node:
        if node.op_type in ("ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd") and node.op_type != "ReduceSum":
            axes = [a for a in node.attribute if a.name == "axes"]
            if axes:
                name = node.output[0] + "_axes"
                m.graph.initializer.append(onnx.helper.make_tensor(name, onnx.TensorProto.INT64, [len(axes[0].ints)], list(axes[0].ints)))
                node.input.append(name)
                node.attribute.remove(axes[0])
    del m.opset_import[:]
    m.opset_import.append(onnx.helper.make_opsetid("", opset))
    onnx.save(m, dst)


def main():
    torch.manual_seed(7)
    mlp = Mlp()
    x = torch.randn(5, 6)
    for opset in (13, 17):
        export(f"mlp_op{opset}", mlp, torch.randn(2, 6), opset, x)

    # Fine-tuning the MLP (SGD, momentum) from the exported weights.
    target = torch.randn(5, 3)
    ft = Mlp()
    ft.load_state_dict(mlp.state_dict())
    ft.eval()
    opt = torch.optim.SGD(ft.parameters(), lr=0.05, momentum=0.9)
    losses = []
    for _ in range(4):
        opt.zero_grad()
        loss = nn.functional.mse_loss(ft(x), target)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    FIX["mlp_op17"]["finetune"] = {
        "optimizer": "SGD", "lr": 0.05, "momentum": 0.9, "loss": "mse", "target": T(target), "losses": losses,
        "params": {k: T(v) for k, v in ft.state_dict().items()},
    }

    torch.manual_seed(8)
    w3 = W3()
    xw = torch.rand(3, 1, 28, 28)
    export("w3", w3, torch.rand(2, 1, 28, 28), 17, xw)
    labels = torch.tensor([1, 7, 3])
    ft = W3()
    ft.load_state_dict(w3.state_dict())
    ft.eval()
    opt = torch.optim.Adam(ft.parameters(), lr=1e-3)
    losses = []
    for _ in range(3):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(ft(xw), labels)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    with torch.no_grad():
        after = ft(xw)
    FIX["w3"]["finetune"] = {"optimizer": "Adam", "lr": 1e-3, "loss": "cross_entropy", "labels": labels.tolist(),
                             "losses": losses, "output_after": T(after)}

    torch.manual_seed(9)
    export("decoder", Decoder(), torch.randn(2, 5), 17, torch.randn(3, 5))
    torch.manual_seed(10)
    misc = CnnMisc()
    with torch.no_grad():  # running statistics that are not the identity
        misc.bn.running_mean.uniform_(-0.5, 0.5)
        misc.bn.running_var.uniform_(0.5, 2.0)
        misc.bn.weight.uniform_(0.5, 1.5)
        misc.bn.bias.uniform_(-0.2, 0.2)
    export("cnn_misc", misc, torch.randn(2, 3, 12, 12), 17, torch.randn(3, 3, 12, 12))
    torch.manual_seed(11)
    lstm = Lstm()
    xl = torch.randn(3, 7, 4)
    export("lstm", lstm, torch.randn(2, 7, 4), 17, xl)
    labels = torch.tensor([2, 0, 1])
    ft = copy.deepcopy(lstm)
    opt = torch.optim.SGD(ft.parameters(), lr=0.5)
    losses = []
    for _ in range(3):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(ft(xl), labels)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    with torch.no_grad():
        after = ft(xl)
    FIX["lstm"]["finetune"] = {"optimizer": "SGD", "lr": 0.5, "loss": "cross_entropy", "labels": labels.tolist(), "losses": losses, "output_after": T(after)}
    torch.manual_seed(12)
    export("gru", Gru(), torch.randn(2, 6, 4), 14, torch.randn(3, 6, 4))
    torch.manual_seed(13)
    enc = Encoder()
    # torch.onnx.export stores equal parameters once (the deep-copied layers of nn.TransformerEncoder,
    # zero biases, unit norm weights), so the loaded model would tie them: perturbed, each keeps its own.
    with torch.no_grad():
        for p in enc.parameters():
            p.add_(torch.randn_like(p) * 0.1)
    xe = torch.randn(3, 6, 5)
    for opset in (13, 17):
        export(f"transformer_op{opset}", enc, torch.randn(2, 6, 5), opset, xe)
    # Fine-tuning the transformer with Adam (MSE against a target), the LSTM with SGD (cross-entropy).
    target = torch.randn(3, 3)
    ft = copy.deepcopy(enc)
    ft.eval()
    opt = torch.optim.Adam(ft.parameters(), lr=1e-2)
    losses = []
    for _ in range(3):
        opt.zero_grad()
        loss = nn.functional.mse_loss(ft(xe), target)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    with torch.no_grad():
        after = ft(xe)
    FIX["transformer_op17"]["finetune"] = {"optimizer": "Adam", "lr": 1e-2, "loss": "mse", "target": T(target), "losses": losses, "output_after": T(after)}
    for opset in (18, 21):
        name = f"transformer_op{opset}"
        reduce_axes_to_inputs(os.path.join(OUT, "transformer_op13.onnx"), os.path.join(OUT, f"{name}.onnx"), opset)
        FIX[name] = dict(FIX["transformer_op13"], file=f"{name}.onnx", opset=opset)

    with open(os.path.join(OUT, "onnx.json"), "w") as f:
        json.dump(FIX, f)
    for name, v in FIX.items():
        ops = sorted({n.op_type for n in onnx.load(os.path.join(OUT, v["file"])).graph.node})
        print(name, os.path.getsize(os.path.join(OUT, v["file"])), ops)


if __name__ == "__main__":
    main()

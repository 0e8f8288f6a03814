#!/usr/bin/env python3
"""Reference values for deepscript's autoencoder layers and unsupervised-learning losses, from PyTorch.

Run:  /usr/bin/python3 tools/gen_explain_fixtures.py      (writes test/fixtures/ae.json)

Layer cases (ConvTranspose2d, Upsample) use the format of tools/gen_nn_fixtures.py (whose helpers
this script imports): the module's state dict, inputs, outputs, an upstream tensor and the
gradients of sum(output * upstream) with respect to the inputs and parameters.

Function cases record {"fn": name in nn.F, "args": [...], "opts": {...}} with tensors encoded the
same way, the output, an upstream tensor and the gradients of sum(out * upstream) for the floating
arguments listed in "gradArgs". The reference implementations of NT-Xent (SimCLR, Chen et al.
2020) and of the VAE loss (PyTorch's examples/vae) are written below in PyTorch.
The "tsne" entry holds scikit-learn's exact t-SNE of 300 jittered 8×8 digits and trustworthiness
scores (sklearn.manifold.trustworthiness) of it and of a PCA picture.
Everything is seeded: the file is reproducible.
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_nn_fixtures as g  # noqa: E402  (helpers only; its main() is not run)

torch.manual_seed(2024)
F64, F32 = torch.float64, torch.float32
S, case, randn, enc, enc_opts = g.S, g.case, g.randn, g.enc, g.enc_opts
FN_CASES = []


# ---- layers --------------------------------------------------------------------------------------

def conv_transpose_cases():
    rows = [
        ("k3", 2, 3, 3, {}, (2, 2, 4, 5)),
        ("stride 2", 2, 3, 3, {"stride": 2}, (2, 2, 3, 4)),
        ("stride 2 padding 1 outputPadding 1", 3, 2, 3, {"stride": 2, "padding": 1, "output_padding": 1}, (2, 3, 4, 4)),
        ("rectangular kernel, per-dim stride/padding/outputPadding", 2, 2, (3, 4), {"stride": (2, 3), "padding": (1, 0), "output_padding": (1, 2)}, (1, 2, 3, 3)),
        ("groups 2 stride 2", 4, 6, 3, {"stride": 2, "groups": 2}, (2, 4, 3, 3)),
        ("groups 3 no bias", 3, 3, 2, {"groups": 3, "bias": False}, (2, 3, 4, 4)),
        ("dilation 2 padding 2", 2, 3, 3, {"dilation": 2, "padding": 2}, (2, 2, 5, 5)),
        ("padding beyond the kernel (cropping)", 2, 2, 3, {"stride": 2, "padding": 3}, (1, 2, 5, 6)),
        ("outputPadding under dilation", 2, 2, 3, {"dilation": 2, "output_padding": 1}, (1, 2, 4, 4)),
        ("k4 stride 2 padding 1 (DCGAN)", 3, 2, 4, {"stride": 2, "padding": 1}, (2, 3, 3, 3)),
    ]
    for label, i, o, k, opts, shape in rows:
        camel = {{"output_padding": "outputPadding"}.get(key, key): v for key, v in opts.items()}
        case(f"ConvTranspose2d {label}", nn.ConvTranspose2d(i, o, k, **opts), S("ConvTranspose2d", i, o, k, **camel), [randn(*shape)])
    case("ConvTranspose2d float32", nn.ConvTranspose2d(3, 4, 3, stride=2, padding=1, output_padding=1),
         S("ConvTranspose2d", 3, 4, 3, stride=2, padding=1, outputPadding=1), [randn(2, 3, 5, 5)], dtype=F32)
    case("ConvTranspose2d unbatched [C,H,W]", nn.ConvTranspose2d(2, 3, 3, stride=2), S("ConvTranspose2d", 2, 3, 3, stride=2), [randn(2, 3, 4)])


def upsample_cases():
    rows = [
        ("nearest x2", {"scale_factor": 2, "mode": "nearest"}, (2, 2, 3, 4)),
        ("nearest size [5,7]", {"size": (5, 7), "mode": "nearest"}, (1, 2, 3, 4)),
        ("nearest x1.5", {"scale_factor": 1.5, "mode": "nearest"}, (1, 2, 4, 5)),
        ("nearest scale [2,3]", {"scale_factor": (2, 3), "mode": "nearest"}, (1, 1, 3, 2)),
        ("nearest down size [2,3]", {"size": (2, 3), "mode": "nearest"}, (1, 2, 5, 7)),
        ("bilinear x2", {"scale_factor": 2, "mode": "bilinear"}, (2, 2, 3, 4)),
        ("bilinear x2 alignCorners", {"scale_factor": 2, "mode": "bilinear", "align_corners": True}, (2, 2, 3, 4)),
        ("bilinear size [5,3]", {"size": (5, 3), "mode": "bilinear"}, (1, 2, 4, 6)),
        ("bilinear size [7,2] alignCorners", {"size": (7, 2), "mode": "bilinear", "align_corners": True}, (1, 2, 4, 6)),
        ("bilinear x0.5", {"scale_factor": 0.5, "mode": "bilinear"}, (1, 2, 6, 8)),
        ("bilinear x1.7", {"scale_factor": 1.7, "mode": "bilinear"}, (1, 1, 5, 4)),
    ]
    for label, opts, shape in rows:
        camel = {{"scale_factor": "scaleFactor", "align_corners": "alignCorners"}.get(key, key): (list(v) if isinstance(v, tuple) else v) for key, v in opts.items()}
        case(f"Upsample {label}", nn.Upsample(**opts), {"type": "Upsample", "args": [enc_opts(camel)]}, [randn(*shape)])
    case("Upsample bilinear float32", nn.Upsample(scale_factor=2, mode="bilinear"),
         {"type": "Upsample", "args": [{"scaleFactor": 2, "mode": "bilinear"}]}, [randn(2, 3, 7, 7)], dtype=F32)


# ---- functions ----------------------------------------------------------------------------------

def nt_xent(z1, z2, temperature):
    """SimCLR's NT-Xent, as the paper's reference implementations write it."""
    n = z1.shape[0]
    z = F.normalize(torch.cat([z1, z2]), dim=1)
    sim = z @ z.t() / temperature
    sim = sim.masked_fill(torch.eye(2 * n, dtype=torch.bool), float("-inf"))
    targets = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    return F.cross_entropy(sim, targets)


def vae_loss(recon, x, mu, logvar, reconstruction="bce", beta=1.0, reduction="sum"):
    """PyTorch's examples/vae loss (BCE summed + KL), with the options deepscript adds."""
    if reconstruction == "bce":
        rec = F.binary_cross_entropy(recon, x.view_as(recon), reduction="sum")
    elif reconstruction == "bceWithLogits":
        rec = F.binary_cross_entropy_with_logits(recon, x.view_as(recon), reduction="sum")
    else:
        rec = F.mse_loss(recon, x.view_as(recon), reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    total = rec + beta * kld
    return total / recon.shape[0] if reduction == "mean" else total


def fn_case(name, fn, torch_fn, args, opts=None, grad_args=None, dtype=F64, tol=None):
    assert name not in g.NAMES, name
    g.NAMES.add(name)
    args = [a.to(dtype).clone().requires_grad_(True) if isinstance(a, torch.Tensor) and a.is_floating_point() else a for a in args]
    if grad_args is None:
        grad_args = [i for i, a in enumerate(args) if isinstance(a, torch.Tensor) and a.requires_grad]
    y = torch_fn(*[a for a in args if isinstance(a, torch.Tensor)])
    up = torch.randn(y.shape, dtype=F64).to(y.dtype)
    grads = torch.autograd.grad((y * up).sum(), [args[i] for i in grad_args])
    c = {
        "name": name, "fn": fn, "dtype": g.DT_NAME[dtype],
        "args": [{"$tensor": enc(a)} if isinstance(a, torch.Tensor) else a for a in args],
        "opts": enc_opts(opts) if opts is not None else None,
        "out": enc(y), "upstream": enc(up), "gradArgs": grad_args, "grads": [enc(gr) for gr in grads],
    }
    if tol:
        c["tol"] = tol
    FN_CASES.append(c)


def function_cases():
    a, b = randn(4, 5), randn(4, 5)
    a[1] = a[1] * 1e-9  # a norm under eps: the clamp (and its gradient) matter
    fn_case("cosineSimilarity dim 1", "cosineSimilarity", lambda x, y: F.cosine_similarity(x, y, dim=1), [a, b, 1])
    fn_case("cosineSimilarity eps 1e-3 small norm", "cosineSimilarity", lambda x, y: F.cosine_similarity(x, y, dim=1, eps=1e-3), [randn(3, 4) * 1e-4, randn(3, 4), 1, 1e-3])
    fn_case("cosineSimilarity dim -1 broadcast", "cosineSimilarity", lambda x, y: F.cosine_similarity(x, y, dim=-1), [randn(3, 1, 6), randn(4, 6), -1])
    fn_case("cosineSimilarity dim 0", "cosineSimilarity", lambda x, y: F.cosine_similarity(x, y, dim=0), [randn(5, 3), randn(5, 3), 0])
    fn_case("pairwiseDistance p2", "pairwiseDistance", lambda x, y: F.pairwise_distance(x, y), [randn(4, 6), randn(4, 6)])
    fn_case("pairwiseDistance p1 keepdim", "pairwiseDistance", lambda x, y: F.pairwise_distance(x, y, p=1, keepdim=True), [randn(3, 5), randn(3, 5)], {"p": 1, "keepdim": True})
    fn_case("pairwiseDistance p3 eps", "pairwiseDistance", lambda x, y: F.pairwise_distance(x, y, p=3, eps=1e-3), [randn(2, 3, 4), randn(2, 3, 4)], {"p": 3, "eps": 1e-3})
    fn_case("normalize p2 dim 1", "normalize", lambda x: F.normalize(x), [randn(4, 5)])
    fn_case("normalize p1 dim 0", "normalize", lambda x: F.normalize(x, p=1, dim=0), [randn(3, 4)], {"p": 1, "dim": 0})
    z = randn(3, 4)
    z[0] = 0
    fn_case("normalize zero row", "normalize", lambda x: F.normalize(x, dim=1), [z], {"dim": 1})
    fn_case("ntXent N=4 T=0.5", "ntXent", lambda x, y: nt_xent(x, y, 0.5), [randn(4, 5), randn(4, 5), 0.5])
    fn_case("ntXent N=6 T=0.1", "ntXent", lambda x, y: nt_xent(x, y, 0.1), [randn(6, 3), randn(6, 3), 0.1])
    fn_case("ntXent N=1", "ntXent", lambda x, y: nt_xent(x, y, 0.2), [randn(1, 4), randn(1, 4), 0.2])
    fn_case("ntXent float32", "ntXent", lambda x, y: nt_xent(x, y, 0.5), [randn(8, 16), randn(8, 16), 0.5], dtype=F32)
    xs = g.unit(3, 1, 4, 4)
    recon_p, mu, logvar = g.unit(3, 16), randn(3, 2), randn(3, 2) * 0.5
    fn_case("vaeLoss bce sum", "vaeLoss", lambda r, x, m, lv: vae_loss(r, x, m, lv), [recon_p, xs, mu, logvar], grad_args=[0, 2, 3])
    fn_case("vaeLoss bce mean beta 4", "vaeLoss", lambda r, x, m, lv: vae_loss(r, x, m, lv, beta=4.0, reduction="mean"),
            [recon_p, xs, mu, logvar], {"beta": 4.0, "reduction": "mean"}, grad_args=[0, 2, 3])
    fn_case("vaeLoss mse mean", "vaeLoss", lambda r, x, m, lv: vae_loss(r, x, m, lv, "mse", reduction="mean"),
            [randn(3, 16), xs, mu, logvar], {"reconstruction": "mse", "reduction": "mean"}, grad_args=[0, 2, 3])
    fn_case("vaeLoss bceWithLogits", "vaeLoss", lambda r, x, m, lv: vae_loss(r, x, m, lv, "bceWithLogits"),
            [randn(3, 1, 4, 4), xs, mu, logvar], {"reconstruction": "bceWithLogits"}, grad_args=[0, 2, 3])
    fn_case("gaussianKl sum", "gaussianKl", lambda m, lv: -0.5 * torch.sum(1 + lv - m.pow(2) - lv.exp()), [randn(4, 3), randn(4, 3)])
    fn_case("gaussianKl mean", "gaussianKl", lambda m, lv: (-0.5 * torch.sum(1 + lv - m.pow(2) - lv.exp(), dim=1)).mean(), [randn(4, 3), randn(4, 3), "mean"])
    fn_case("convTranspose2d functional", "convTranspose2d", lambda x, w, bb: F.conv_transpose2d(x, w, bb, stride=2, padding=1, output_padding=1, groups=2),
            [randn(2, 4, 3, 3), randn(4, 3, 3, 3), randn(6)], {"stride": 2, "padding": 1, "outputPadding": 1, "groups": 2})
    fn_case("interpolate bilinear functional", "interpolate", lambda x: F.interpolate(x, size=(5, 9), mode="bilinear", align_corners=False),
            [randn(1, 2, 3, 4)], {"size": [5, 9], "mode": "bilinear", "alignCorners": False})


def tsne_case():
    """scikit-learn's exact t-SNE on 300 jittered 8×8 digits and its trustworthiness (k = 5), plus the
    trustworthiness of a PCA picture: deepscript's trustworthiness must equal these, and its t-SNE
    must be about as trustworthy."""
    import numpy as np
    import sklearn
    from sklearn.datasets import load_digits
    from sklearn.decomposition import PCA
    from sklearn.manifold import TSNE, trustworthiness

    rng = np.random.RandomState(0)
    X = load_digits().data[:300] + rng.normal(0, 0.01, (300, 64))  # jitter: no tied distances
    X = np.round(X, 6)
    emb = TSNE(n_components=2, method="exact", init="pca", learning_rate="auto", perplexity=30, random_state=0).fit_transform(X)
    pca = PCA(n_components=2).fit_transform(X)
    return {
        "sklearn": sklearn.__version__,
        "X": X.tolist(), "y": load_digits().target[:300].tolist(),
        "tsne": emb.astype(float).tolist(), "trustTsne": float(trustworthiness(X, emb, n_neighbors=5)),
        "pca": pca.tolist(), "trustPca": float(trustworthiness(X, pca, n_neighbors=5)),
        "trustTsne10": float(trustworthiness(X, emb, n_neighbors=10)),
    }


def main():
    conv_transpose_cases()
    upsample_cases()
    function_cases()
    doc = {"generator": "tools/gen_explain_fixtures.py", "torch": torch.__version__, "cases": g.CASES, "functions": FN_CASES, "tsne": tsne_case()}
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "ae.json")
    text = json.dumps(doc, allow_nan=False, separators=(",", ":"))
    with open(out, "w") as f:
        f.write(text + "\n")
    print(f"wrote {len(g.CASES)} layer cases, {len(FN_CASES)} function cases, {len(text) / 1e6:.2f} MB to {os.path.normpath(out)}")


if __name__ == "__main__":
    main()

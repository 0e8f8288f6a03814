# PyTorch (CPU) on WORKLOADS.md W2-W5 with the same generated data and initial weights as the
# TypeScript peers and the same timing protocol: the reference the targets are stated
# against ("within 2x of PyTorch's one-thread figures"). Run by bench/pytorch.ts:
#   python3 bench/pytorch.py THREADS QUICK(0|1) CASE_ID...      -> one JSON line {id: timing}
import json, math, sys, time

import numpy as np
import torch
import torch.nn.functional as F

SEED = 42
M32 = 0xFFFFFFFF


def h32(x):
    x = x.astype(np.uint64) & M32
    x ^= x >> 16
    x = (x * 0x7FEB352D) & M32
    x ^= x >> 15
    x = (x * 0x846CA68B) & M32
    x ^= x >> 16
    return x


def key(s):
    return int(h32(np.array([(s * 0x9E3779B9 + SEED) & M32], dtype=np.uint64))[0])


def raw(s, n):
    return h32(np.arange(n, dtype=np.uint64) ^ np.uint64(key(s)))


def uniform(s, n, lo=0.0, hi=1.0):
    return (lo + (raw(s, n) >> 8).astype(np.float64) * (hi - lo) / 2**24).astype(np.float32)


def labels(s, n, k):
    return np.floor((raw(s, n) >> 8).astype(np.float64) / 2**24 * k).astype(np.int64)


def glorot(fi, fo):
    return math.sqrt(6 / (fi + fo))


def t(a, shape):
    return torch.from_numpy(np.ascontiguousarray(a)).reshape(shape)


BUDGETS = {"train": (3, 5, 200, 5.0), "infer": (10, 20, 2000, 2.0), "quick": (1, 2, 2, 0.5)}


def bench(fn, budget):
    warmup, min_iters, max_iters, budget_s = budget
    t0 = time.perf_counter()
    fn()
    first = (time.perf_counter() - t0) * 1e3
    for _ in range(warmup - 1):
        fn()
    times = []
    start = time.perf_counter()
    while len(times) < max_iters:
        a = time.perf_counter()
        fn()
        b = time.perf_counter()
        times.append((b - a) * 1e3)
        if len(times) >= min_iters and b - start >= budget_s:
            break
    s = sorted(times)
    q = lambda p: float(np.quantile(s, p))
    return {"medianMs": q(0.5), "minMs": s[0], "p25Ms": q(0.25), "p75Ms": q(0.75), "count": len(s), "warmupMs": first}


def adam_step(params, loss_fn):
    opt = torch.optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8)

    def step():
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        opt.step()
        return loss.item()

    return step


def mlp_weights():
    sizes = [784, 256, 128, 10]
    ws = [t(uniform(211 + l, sizes[l] * sizes[l + 1], -glorot(sizes[l], sizes[l + 1]), glorot(sizes[l], sizes[l + 1])), [sizes[l], sizes[l + 1]]) for l in range(3)]
    return ws, [torch.zeros(sizes[l + 1]) for l in range(3)]


def w2():
    x = t(uniform(201, 128 * 784), [128, 784])
    y = torch.from_numpy(labels(202, 128, 10))
    ws, bs = mlp_weights()
    params = [p.requires_grad_() for pair in zip(ws, bs) for p in pair]

    def loss():
        h = x
        for l in range(3):
            h = h @ ws[l] + bs[l]
            if l < 2:
                h = torch.relu(h)
        return F.cross_entropy(h, y)

    return adam_step(params, loss), "train"


def w3():
    x = t(uniform(301, 64 * 784), [64, 1, 28, 28])
    y = torch.from_numpy(labels(302, 64, 10))
    u = lambda s, n, fi, fo, shape: t(uniform(s, n, -glorot(fi, fo), glorot(fi, fo)), shape)
    c1w, c2w = u(311, 288, 9, 288, [32, 1, 3, 3]), u(312, 64 * 288, 288, 576, [64, 32, 3, 3])
    d1w, d2w = u(313, 3136 * 128, 3136, 128, [3136, 128]), u(314, 1280, 128, 10, [128, 10])
    c1b, c2b, d1b, d2b = (torch.zeros(n) for n in (32, 64, 128, 10))
    params = [p.requires_grad_() for p in (c1w, c1b, c2w, c2b, d1w, d1b, d2w, d2b)]

    def loss():
        h = F.max_pool2d(torch.relu(F.conv2d(x, c1w, c1b, padding=1)), 2)
        h = F.max_pool2d(torch.relu(F.conv2d(h, c2w, c2b, padding=1)), 2)
        h = torch.relu(h.reshape(64, 3136) @ d1w + d1b)
        return F.cross_entropy(h @ d2w + d2b, y)

    return adam_step(params, loss), "train"


def w4():
    B, T, I, H = 32, 50, 32, 128
    r = 1 / math.sqrt(H)
    x = t(uniform(401, B * T * I, -1, 1), [B, T, I])
    y = t(uniform(402, B, -1, 1), [B, 1])
    lstm = torch.nn.LSTM(I, H, batch_first=True)
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(t(uniform(411, 4 * H * I, -r, r), [4 * H, I]))
        lstm.weight_hh_l0.copy_(t(uniform(412, 4 * H * H, -r, r), [4 * H, H]))
        lstm.bias_ih_l0.copy_(t(uniform(413, 4 * H, -r, r), [4 * H]))
        lstm.bias_hh_l0.copy_(t(uniform(414, 4 * H, -r, r), [4 * H]))
    dw = t(uniform(415, H, -glorot(H, 1), glorot(H, 1)), [H, 1]).requires_grad_()
    db = torch.zeros(1, requires_grad=True)

    def loss():
        _, (hn, _) = lstm(x)
        return F.mse_loss(hn[0] @ dw + db, y)

    return adam_step([*lstm.parameters(), dw, db], loss), "train"


def w5(batch):
    x = t(uniform(501 if batch == 1 else 502, batch * 784), [batch, 784])
    ws, bs = mlp_weights()

    def infer():
        with torch.no_grad():
            h = x
            for l in range(3):
                h = h @ ws[l] + bs[l]
                if l < 2:
                    h = torch.relu(h)
            return float(h.numpy()[0, 0])  # CPU tensors are host memory already

    return infer, "infer"


CASES = {
    "W2 mlp train step": w2,
    "W3 cnn train step": w3,
    "W4 lstm train step": w4,
    "W5 mlp infer batch 1": lambda: w5(1),
    "W5 mlp infer batch 1024": lambda: w5(1024),
}

if __name__ == "__main__":
    threads, quick, ids = int(sys.argv[1]), sys.argv[2] == "1", sys.argv[3:]
    torch.set_num_threads(threads)
    out = {"torch": torch.__version__, "threads": threads, "cases": {}}
    for cid in ids:
        if cid not in CASES:
            continue
        fn, kind = CASES[cid]()
        value = fn()
        timing = bench(fn, BUDGETS["quick" if quick else kind])
        timing["value"] = value
        out["cases"][cid] = timing
    print(json.dumps(out))

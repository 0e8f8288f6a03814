# Fashion-MNIST with the W3 CNN in PyTorch: the recipe of bench/fashion.ts (Adam 1e-3, batch 64,
# inputs in [0, 1], shuffled DataLoader, running accuracy, test pass in batches of 1000), one thread.
#   /usr/bin/python3 bench/fashion.py [--epochs 8] [--threads 1]
import argparse, gzip, os, struct, time
import numpy as np
import torch
from torch import nn

p = argparse.ArgumentParser()
p.add_argument("--epochs", type=int, default=8)
p.add_argument("--threads", type=int, default=1)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)
d = os.environ.get("FASHION_DIR", "/usr/share/datasets/fashion-mnist")

def idx(stem):
    path = os.path.join(d, stem + ".gz")
    raw = gzip.open(path).read() if os.path.exists(path) else open(os.path.join(d, stem), "rb").read()
    ndim = raw[3]
    shape = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(shape)

xtr = torch.tensor(idx("train-images-idx3-ubyte"), dtype=torch.float32).div(255).unsqueeze(1)
ytr = torch.tensor(idx("train-labels-idx1-ubyte"), dtype=torch.long)
xte = torch.tensor(idx("t10k-images-idx3-ubyte"), dtype=torch.float32).div(255).unsqueeze(1)
yte = torch.tensor(idx("t10k-labels-idx1-ubyte"), dtype=torch.long)
model = nn.Sequential(
    nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(xtr, ytr), batch_size=64, shuffle=True)
test = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(xte, yte), batch_size=1000)
print(f"PyTorch {torch.__version__}, {a.threads} thread(s)")
times = []
for epoch in range(1, a.epochs + 1):
    model.train()
    t0 = time.perf_counter()
    correct = seen = 0
    for x, y in loader:
        opt.zero_grad()
        logits = model(x)
        loss = nn.functional.cross_entropy(logits, y)
        loss.backward()
        opt.step()
        correct += (logits.argmax(1) == y).sum().item()
        seen += y.shape[0]
    times.append(time.perf_counter() - t0)
    model.eval()
    with torch.no_grad():
        preds = torch.cat([model(x).argmax(-1) for x, _ in test])
    acc = (preds == yte).float().mean().item()
    print(f"epoch {epoch}: train acc {100 * correct / seen:.2f}%, test acc {100 * acc:.2f}%, {times[-1]:.1f} s")
print(f"test accuracy {100 * acc:.2f}%; median {sorted(times)[len(times) // 2]:.1f} s per epoch")

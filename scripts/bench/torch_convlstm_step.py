#!/usr/bin/env python3
"""Times the ConvLSTM training step that VegDyn's 'models' bench compares against.

Same model as main/models/conv-lstm.ts: one ConvLSTM layer (k x k kernel, same padding, fused
4-gate convolution over [x, h]) -> 1x1 convolution -> LAI, run over a window of `days` days,
MSE loss, backward through time (BPTT) and an SGD-free gradient step (backward only), float32,
on the CPU with `threads` intra-op threads or, with --device cuda, on the GPU (timed to
torch.cuda.synchronize(), so queued kernels are counted). Prints one JSON line:
{"torch": version, "threads": n, "ms_per_day_train": median, "ms_per_day_infer": median, ...}
"""
import argparse
import json
import statistics
import sys
import time

try:
    import torch
    from torch import nn
except ImportError as e:  # the bench reports this as 'skipped'
    print(json.dumps({"skipped": f"torch not importable: {e}"}))
    sys.exit(0)


class ConvLSTM(nn.Module):
    def __init__(self, cin, hidden, k):
        super().__init__()
        self.hidden = hidden
        self.conv = nn.Conv2d(cin + hidden, 4 * hidden, k, padding=k // 2)
        self.head = nn.Conv2d(hidden, 1, 1)

    def forward(self, x):  # x: [batch, time, channels, rows, cols]
        b, t, _, r, c = x.shape
        h = x.new_zeros(b, self.hidden, r, c)
        cell = x.new_zeros(b, self.hidden, r, c)
        ys = []
        for i in range(t):
            g = self.conv(torch.cat([x[:, i], h], 1))
            ig, fg, og, cg = torch.split(g, self.hidden, 1)
            cell = torch.sigmoid(fg) * cell + torch.sigmoid(ig) * torch.tanh(cg)
            h = torch.sigmoid(og) * torch.tanh(cell)
            ys.append(self.head(h))
        return torch.stack(ys, 1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=54)
    p.add_argument("--cols", type=int, default=63)
    p.add_argument("--channels", type=int, default=8)
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--kernel", type=int, default=3)
    p.add_argument("--days", type=int, default=8)
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    a = p.parse_args()
    if a.device == "cuda" and not torch.cuda.is_available():
        print(json.dumps({"skipped": f"torch {torch.__version__} sees no CUDA device"}))
        sys.exit(0)
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    dev = torch.device(a.device)
    m = ConvLSTM(a.channels, a.hidden, a.kernel).to(dev)
    x = torch.randn(a.batch, a.days, a.channels, a.rows, a.cols, device=dev)
    y = torch.randn(a.batch, a.days, 1, a.rows, a.cols, device=dev)
    sync = torch.cuda.synchronize if a.device == "cuda" else (lambda: None)

    def train_step():
        m.zero_grad(set_to_none=True)
        loss = torch.mean((m(x) - y) ** 2)
        loss.backward()

    def infer_step():
        with torch.no_grad():
            m(x)

    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "days": a.days, "batch": a.batch, "device": a.device}
    if a.device == "cuda":
        out["gpu"] = torch.cuda.get_device_name(0)
    for name, f in (("train", train_step), ("infer", infer_step)):
        f()  # warm-up
        sync()
        samples = []
        for _ in range(a.reps):
            t0 = time.perf_counter()
            f()
            sync()
            samples.append((time.perf_counter() - t0) * 1000 / (a.days * a.batch))
        out[f"ms_per_day_{name}"] = statistics.median(samples)
        out[f"samples_{name}"] = samples
    print(json.dumps(out))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Times the seed authors' leaf solve (hydroPKDN/diffEcosys, PyTorch, CPU) on a leaf CSV: forward
(predict) and forward + backward (d sum(An) / d Vcmax25). Their code is imported from the checkout
named by VEGDYN_DIFFECOSYS_DIR; it is not part of VegDyn.

usage: VEGDYN_DIFFECOSYS_DIR=... /usr/bin/python3 diffecosys_leaf_bench.py INPUT_CSV REPEATS THREADS
prints one JSON line: {"n": rows, "forward_s": median, "forward_backward_s": median, "torch": version}
"""
import json
import os
import sys
import time

sys.path.insert(0, os.environ["VEGDYN_DIFFECOSYS_DIR"])
import torch  # noqa: E402
from auxiliary_fn.util import readfile  # noqa: E402
from auxiliary_fn.predict import get_data, predict  # noqa: E402

PFTS = ['Crop R', 'NET Boreal', 'NET Temperate', 'BET Temperate', 'C3 grass', 'BDS Temperate', 'C4 grass']


def median(xs):
    s = sorted(xs)
    return s[len(s) // 2] if len(s) % 2 else 0.5 * (s[len(s) // 2 - 1] + s[len(s) // 2])


def main():
    inp, repeats, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(threads)
    df = readfile(inp, PFTS, to_frac=True)
    forcing = get_data(df)
    base = torch.tensor(df.vcmax_CLM45.values, dtype=torch.float)
    btran = torch.tensor(1.0)
    fwd, both = [], []
    for _ in range(repeats + 1):
        t0 = time.perf_counter()
        an, _ = predict(forcing, base, btran)
        fwd.append(time.perf_counter() - t0)
        v = base.clone().requires_grad_(True)
        t0 = time.perf_counter()
        an, _ = predict(forcing, v, btran)
        an.sum().backward()
        _ = v.grad.sum().item()
        both.append(time.perf_counter() - t0)
    # the first round warms up allocators and is dropped
    print(json.dumps({"n": len(df), "forward_s": median(fwd[1:]), "forward_backward_s": median(both[1:]), "torch": torch.__version__, "threads": threads}))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Runs the seed authors' published leaf model (hydroPKDN/diffEcosys, PyTorch) on a leaf CSV and
writes its per-row net photosynthesis (An), intercellular CO2 (Ci) and stomatal conductance.

Their code is NOT part of VegDyn: it is imported from a checkout named by the environment
variable VEGDYN_DIFFECOSYS_DIR. Only their public functions are called.

usage: VEGDYN_DIFFECOSYS_DIR=/path/to/diffEcosys /usr/bin/python3 diffecosys_leaf_reference.py \
           INPUT_CSV OUTPUT_CSV {one|synthetic-B}

btran 'one': btran = 1. 'synthetic-B': btran from the top soil layer with
B = 0.1 f_om + 0.45 (sand + clay), sand and clay as fractions (their readfile converts percent
to fraction), psi = max(psi_o S^-B, psi_c) with S = SMC_0, w = min((psi_c - psi)/(psi_c - psi_o), 1).
gs is not returned by their code; it is derived from the converged root, gs = 1.6 An P / (cs - ci)
(from ci = cs - 1.6 An P / gs), and reported only where An > 0.
"""
import os
import sys
import time

src = os.environ.get("VEGDYN_DIFFECOSYS_DIR")
if not src:
    sys.exit("set VEGDYN_DIFFECOSYS_DIR to a checkout of hydroPKDN/diffEcosys")
sys.path.insert(0, src)

import numpy as np  # noqa: E402
import torch  # noqa: E402
from auxiliary_fn.util import readfile  # noqa: E402
from auxiliary_fn.predict import get_data, predict, get_guess  # noqa: E402
from auxiliary_fn.newton import Model_equations, Jacobian, tensorNewton  # noqa: E402
from auxiliary_fn.NN_input import get_btran_synthetic  # noqa: E402

PFTS = ['Crop R', 'NET Boreal', 'NET Temperate', 'BET Temperate', 'C3 grass', 'BDS Temperate', 'C4 grass']


def main():
    inp, out, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    torch.set_num_threads(int(os.environ.get("VEGDYN_TORCH_THREADS", "2")))
    df = readfile(inp, PFTS, to_frac=True)
    vcmax25 = torch.tensor(df.vcmax_CLM45.values, dtype=torch.float)
    if mode == "one":
        btran = torch.tensor(1.0)
        btran_np = np.ones(len(df))
    elif mode == "synthetic-B":
        _, _, btran_np = get_btran_synthetic(df, 0.1, 0.45, 0.45, nly=1)
        btran = torch.tensor(btran_np, dtype=torch.float)
    else:
        sys.exit(f"unknown btran mode {mode}")
    forcing = get_data(df)
    t0 = time.perf_counter()
    an, ftol = predict(forcing, vcmax25, btran)
    elapsed = time.perf_counter() - t0
    # the same solve predict() runs, repeated here only to read the root ci it does not return
    eq = Model_equations(forcing, vcmax25, btran)
    solver = tensorNewton(eq, Jacobian(mtd="batchScalarJacobian_AD"))
    c3c4, cs, press = forcing[6], forcing[2], forcing[0]
    x0 = get_guess(c3c4, cs)
    x0.requires_grad_(True)
    ci = solver(x0).detach().numpy().astype(np.float64)
    an = an.detach().numpy().astype(np.float64)
    cs = cs.numpy().astype(np.float64)
    press = press.numpy().astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        gs = np.where(an > 0, 1.6 * an * press / (cs - ci), np.nan)
    with open(out, "w") as fh:
        fh.write(f"# produced by scripts/reference/diffecosys_leaf_reference.py from hydroPKDN/diffEcosys "
                 f"(PyTorch {torch.__version__}, float32, CPU) on {os.path.basename(inp)}; btran mode '{mode}'; "
                 f"Vcmax25 = vcmax_CLM45; max |f(ci)| = {float(ftol.abs().max()):.3e} Pa; predict() took {elapsed:.3f} s\n")
        fh.write("row,pft,btran,an_umol_m2_s,ci_pa,gs_umol_m2_s\n")
        for i in range(len(df)):
            fh.write(f"{i},{df.PFT[i]},{btran_np[i]:.9g},{an[i]:.9g},{ci[i]:.9g},{'' if np.isnan(gs[i]) else f'{gs[i]:.9g}'}\n")


if __name__ == "__main__":
    main()

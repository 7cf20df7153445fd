"""Regenerate the PyTorch golden values for batch_norm (run once; the tests only read the .npz files).

    .venv/bin/python tests/engine/golden/make_bn_dropout_golden.py

Needs torch (pyproject's "bench" extra, torch 2.13). Inputs and parameters are drawn with NumPy and
stored as float32; PyTorch computes in float64 from exactly those values, so the expected results are
as accurate as float64 allows and the engine (float32) is compared against them at rtol 1e-5, atol 1e-6.
The data are well conditioned (per-channel means no larger than the spreads, gamma of order 1), so the
engine's own float32 rounding (a few 1e-7) stays well inside that tolerance.

Each file holds, for three training steps k = 0, 1, 2 with upstream gradient dy{k}:
x{k}, dy{k}, y{k}, dx{k}, dgamma{k}, dbeta{k} (gamma and beta are not updated between steps),
the running statistics after the three steps, and an inference pass on x_eval with dy_eval:
y_eval, dx_eval, dgamma_eval, dbeta_eval. Also momentum, eps, gamma, beta.

Dropout has no golden file: PyTorch's masks come from its own generator, so only the statistics and
the scaling can be compared, and the tests check those directly.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
STEPS = 3


def golden(module: torch.nn.Module, shape: tuple[int, ...], momentum: float, eps: float, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    channels = shape[1]
    f32 = lambda a: np.asarray(a, dtype=np.float32)  # noqa: E731
    gamma = f32(rng.uniform(0.5, 2.0, channels))
    beta = f32(rng.normal(0.0, 1.0, channels))
    out: dict[str, np.ndarray] = {
        "momentum": np.float64(momentum),
        "eps": np.float64(eps),
        "gamma": gamma,
        "beta": beta,
    }
    module = module.double()
    with torch.no_grad():
        module.weight.copy_(torch.from_numpy(gamma.astype(np.float64)))
        module.bias.copy_(torch.from_numpy(beta.astype(np.float64)))

    def run(tag: str, x: np.ndarray, dy: np.ndarray) -> None:
        xt = torch.from_numpy(x.astype(np.float64)).requires_grad_(True)
        module.zero_grad()
        y = module(xt)
        y.backward(torch.from_numpy(dy.astype(np.float64)))
        out[f"x{tag}"], out[f"dy{tag}"] = x, dy
        out[f"y{tag}"] = y.detach().numpy()
        out[f"dx{tag}"] = xt.grad.numpy()
        out[f"dgamma{tag}"] = module.weight.grad.numpy().copy()
        out[f"dbeta{tag}"] = module.bias.grad.numpy().copy()

    module.train()
    for k in range(STEPS):
        # Per-channel offsets and scales, so the statistics differ from channel to channel. The offset
        # stays within the spread: float32 loses about |mean| / std * 6e-8 in x - mean, and a large
        # offset would measure that rounding rather than the formulas (see the module doc).
        offset = rng.uniform(-1.0, 1.0, channels).reshape((1, channels) + (1,) * (len(shape) - 2))
        spread = rng.uniform(1.0, 3.0, channels).reshape(offset.shape)
        x = f32(offset + spread * rng.standard_normal(shape))
        run(str(k), x, f32(rng.standard_normal(shape)))
    out["running_mean"] = module.running_mean.numpy().copy()
    out["running_var"] = module.running_var.numpy().copy()
    module.eval()
    run("_eval", f32(rng.normal(0.3, 1.5, shape)), f32(rng.standard_normal(shape)))
    return out


def main() -> None:
    torch.manual_seed(0)
    files = {
        "bn1d_golden.npz": golden(torch.nn.BatchNorm1d(4, momentum=0.1, eps=1e-5), (6, 4), 0.1, 1e-5, seed=11),
        "bn2d_golden.npz": golden(torch.nn.BatchNorm2d(3, momentum=0.25, eps=1e-3), (2, 3, 4, 5), 0.25, 1e-3, seed=12),
    }
    for name, arrays in files.items():
        np.savez(HERE / name, torch_version=np.array(torch.__version__), **arrays)
        print(f"wrote {HERE / name}: {len(arrays)} arrays")


if __name__ == "__main__":
    main()

"""Regenerate the SimpleRNN golden files from PyTorch (torch.nn.RNN, batch_first=True, float64).

Run once after changing a case:  .venv/bin/python tests/engine/golden/make_rnn_golden.py
(needs torch 2.13 CPU). The tests only read the .npz files written next to this script.

Each file holds, in NeuroPlay's layout: x (batch, time, features), W_x = weight_ih_l0.T,
W_h = weight_hh_l0.T, b_ih, b_hh and b = b_ih + b_hh, h0 (batch, hidden) (zeros unless the case sets
one), dy (the upstream gradient: (batch, time, hidden) with return_sequences, else (batch, hidden) for
the last step), and PyTorch's results: y, dx, dW_x, dW_h, db (= grad of b_ih, which equals that of
b_hh) and dh0; plus the settings activation and return_sequences.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
BATCH, TIME, FEATURES, HIDDEN = 3, 5, 4, 6

# name: (nonlinearity, return_sequences, nonzero initial state, seed)
CASES = {
    "rnn_tanh_seq": ("tanh", True, False, 1),
    "rnn_tanh_last": ("tanh", False, False, 2),
    "rnn_relu_seq": ("relu", True, False, 3),
    "rnn_relu_last": ("relu", False, False, 4),
    "rnn_tanh_h0_seq": ("tanh", True, True, 5),
    "rnn_relu_h0_last": ("relu", False, True, 6),
}


def make_case(nonlinearity: str, return_sequences: bool, with_h0: bool, seed: int) -> dict[str, np.ndarray]:
    torch.manual_seed(seed)
    rnn = torch.nn.RNN(FEATURES, HIDDEN, nonlinearity=nonlinearity, batch_first=True).double()
    with torch.no_grad():  # nonzero biases of both kinds, so b = b_ih + b_hh is really tested
        rnn.bias_ih_l0.uniform_(-0.5, 0.5)
        rnn.bias_hh_l0.uniform_(-0.5, 0.5)
    x = torch.randn(BATCH, TIME, FEATURES, dtype=torch.float64, requires_grad=True)
    h0 = (
        torch.randn(1, BATCH, HIDDEN, dtype=torch.float64) * 0.5
        if with_h0
        else torch.zeros(1, BATCH, HIDDEN, dtype=torch.float64)
    ).requires_grad_(True)
    out, _ = rnn(x, h0)
    y = out if return_sequences else out[:, -1]
    dy = torch.randn(y.shape, dtype=torch.float64)
    y.backward(dy)
    return {
        "x": x.detach().numpy(),
        "W_x": rnn.weight_ih_l0.detach().numpy().T.copy(),
        "W_h": rnn.weight_hh_l0.detach().numpy().T.copy(),
        "b_ih": rnn.bias_ih_l0.detach().numpy(),
        "b_hh": rnn.bias_hh_l0.detach().numpy(),
        "b": (rnn.bias_ih_l0 + rnn.bias_hh_l0).detach().numpy(),
        "h0": h0.detach().numpy()[0],
        "dy": dy.numpy(),
        "y": y.detach().numpy(),
        "dx": x.grad.numpy(),
        "dW_x": rnn.weight_ih_l0.grad.numpy().T.copy(),
        "dW_h": rnn.weight_hh_l0.grad.numpy().T.copy(),
        "db": rnn.bias_ih_l0.grad.numpy(),
        "dh0": h0.grad.numpy()[0],
        "activation": np.array(nonlinearity),
        "return_sequences": np.array(return_sequences),
        "with_h0": np.array(with_h0),
    }


def main() -> None:
    for name, case in CASES.items():
        arrays = make_case(*case)
        np.savez(HERE / f"{name}.npz", **arrays)
        print(f"wrote {name}.npz (torch {torch.__version__})")


if __name__ == "__main__":
    main()

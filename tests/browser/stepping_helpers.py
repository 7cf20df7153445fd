"""What the stepping and inspector browser tests share: a 2-4-2-1 network (sigmoid, tanh, sigmoid),
the server's inspection and parameters, and readers of the numbers the page shows."""

from __future__ import annotations

import httpx

MLP_2421 = {
    "model": {
        "input_shape": [2],
        "layers": [
            {"type": "dense", "units": 4, "activation": "sigmoid"},
            {"type": "dense", "units": 2, "activation": "tanh"},
            {"type": "dense", "units": 1, "activation": "sigmoid"},
        ],
    },
    "dataset": {"name": "circle", "points": 200},
}


def inspect(client: httpx.Client, sid: str, split: str = "validation", index: int = 0) -> dict:
    """The server's inspection of the probe (a new session's probe: validation sample 0)."""
    r = client.get(f"/api/sessions/{sid}/inspect", params={"split": split, "index": index})
    r.raise_for_status()
    return r.json()


def param(client: httpx.Client, sid: str, layer: int, name: str) -> list:
    r = client.get(f"/api/sessions/{sid}/params", params={"layer": layer, "param": name})
    r.raise_for_status()
    return r.json()["values"]


def phase_of(client: httpx.Client, sid: str) -> dict:
    return client.get(f"/api/sessions/{sid}", params={"history": "false"}).json()["phase"]


def badge_values(page, name: str) -> dict[tuple[str, int], float]:
    """The numbers on the graph's nodes ("value": outputs, "grad": dL/dy), by (layer, unit)."""
    found = page.evaluate(
        """name => [...document.querySelectorAll(`.graph-node [data-testid=node-${name}]`)].map(b => {
          const node = b.closest('.graph-node');
          return [node.dataset.layer, Number(node.dataset.unit), Number(b.dataset.value), b.textContent];
        })""",
        name,
    )
    out = {}
    for layer, unit, value, text in found:
        assert text.strip(), "a badge shows its number"
        out[(layer, unit)] = value
    return out


def panel_numbers(page, name: str) -> list[tuple[str | None, float, str]]:
    """Every number `insp-<name>` of the inspector: (data-index, full value, text shown)."""
    return page.evaluate(
        """name => [...document.querySelectorAll(`[data-testid=inspector] [data-testid=insp-${name}]`)]
          .map(el => [el.dataset.index ?? null, el.dataset.value === '' ? null : Number(el.dataset.value), el.textContent])""",
        name,
    )

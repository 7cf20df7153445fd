"""Parameter entries a learner froze: kept exactly as they are by every training step, while their
gradients are still computed (the views and `inspect` show them) but never applied.

The trainer multiplies the flat gradient it applies by a keep mask (so frozen entries neither move nor
count in the clipping norm; a NaN there still counts as divergence, since NaN · 0 is NaN) and, because
momentum, Adam's moments or L2 decay could still move an entry with a zero gradient, writes the frozen
values back after the optimizer's update: frozen entries stay bit-identical whatever the optimizer.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .network import Network

ParamKey = tuple[int, str]
PREFIX = "frozen."  # saved arrays are named frozen.layer{i}.{name}


class FrozenEntries:
    def __init__(self) -> None:
        self.masks: dict[ParamKey, np.ndarray] = {}  # bool, the parameter's shape; True = frozen
        self._keep: np.ndarray | None = None  # the flat keep mask, rebuilt after a change

    def __bool__(self) -> bool:
        return bool(self.masks)

    def set(self, key: ParamKey, mask: np.ndarray | None) -> None:
        """Freeze the True entries of parameter `key` (None or all False: none of them)."""
        masks = dict(self.masks)  # replaced whole: a reader on another thread never sees it change
        if mask is None or not mask.any():
            masks.pop(key, None)
        else:
            masks[key] = np.array(mask, dtype=np.bool_, copy=True)
        self.masks = masks
        self._keep = None

    def mask(self, key: ParamKey, shape: tuple[int, ...]) -> np.ndarray:
        found = self.masks.get(key)
        return found.copy() if found is not None else np.zeros(shape, dtype=np.bool_)

    def keep_flat(self, network: Network) -> np.ndarray:
        """float32, 1 for every trained entry and 0 for frozen ones, in Network.parameters() order."""
        if self._keep is None:
            parts = [
                (~self.masks[key]).ravel() if key in self.masks else np.ones(p.size, dtype=np.bool_)
                for key, p, _ in network.parameters()
            ]
            self._keep = np.concatenate(parts).astype(np.float32) if parts else np.zeros(0, np.float32)
        return self._keep

    def hold(self, network: Network) -> dict[ParamKey, np.ndarray]:
        """The frozen entries' values before an update."""
        return {(i, name): network.layers[i].params[name][mask] for (i, name), mask in self.masks.items()}

    def put_back(self, network: Network, held: Mapping[ParamKey, np.ndarray]) -> None:
        for (i, name), values in held.items():
            network.layers[i].params[name][self.masks[(i, name)]] = values

    def arrays(self) -> dict[str, np.ndarray]:
        return {f"{PREFIX}layer{i}.{name}": mask.copy() for (i, name), mask in self.masks.items()}

    def load_arrays(self, arrays: Mapping[str, np.ndarray], network: Network) -> None:
        """Replace the masks by those among `arrays` (others are ignored); shapes must fit."""
        masks: dict[ParamKey, np.ndarray] = {}
        for full, mask in arrays.items():
            if not full.startswith(PREFIX):
                continue
            layer, name = full.removeprefix(PREFIX).split(".", 1)
            i = int(layer.removeprefix("layer"))
            shape = network.layers[i].params[name].shape
            if mask.shape != shape:
                raise ValueError(f"saved frozen mask {full} has shape {list(mask.shape)}, expected {list(shape)}")
            if mask.any():
                masks[(i, name)] = np.array(mask, dtype=np.bool_, copy=True)
        self.masks = masks
        self._keep = None

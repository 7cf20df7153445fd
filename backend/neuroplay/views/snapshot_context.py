"""What a server view computes its records from: a forward-only copy of the network holding a weight
snapshot, and (2-D data) its pass over the grid of the input plane, run once per frame for every view
that needs it."""

from __future__ import annotations

import numpy as np

from ..engine import Network


class SnapshotContext:
    def __init__(
        self,
        network: Network,
        step: int,
        grid_size: int,
        grid_inputs: np.ndarray | None,
        output_is_logit: bool,
        max_neuron_maps: int,
    ) -> None:
        """`grid_inputs`: the grid's cell centres as the network's inputs (None: not 2-D data)."""
        self.network = network
        self.step = step
        self.grid_size = grid_size
        self.output_is_logit = output_is_logit  # the loss reads the output as a raw score
        self.max_neuron_maps = max_neuron_maps
        self._grid_inputs = grid_inputs
        self._grid_output: np.ndarray | None = None

    def grid_output(self) -> np.ndarray | None:
        """The network's output over the grid, its layers' caches holding every layer's output
        there (computed once); None when the data is not a 2-D plane."""
        if self._grid_inputs is None:
            return None
        if self._grid_output is None:
            with np.errstate(all="ignore"):
                self._grid_output = self.network.forward(self._grid_inputs, training=False)
        return self._grid_output

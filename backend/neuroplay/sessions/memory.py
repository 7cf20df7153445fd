"""Activation memory of one batch, read off the spec before anything is built.

Next to the parameter limit (build.estimate_params): a spec well under MAX_PARAMS can still need
gigabytes per batch (wide convolutions on big images, huge batches), and manual steps and the scoring
of the loss curve run in the server process, where running out of memory would take every session
down. The sizes come from the output shapes each layer class's `estimate` already gives, plus what
the forward pass keeps besides its output:
- a layer with an activation keeps its pre-activation sum as well (twice its output);
- a convolution's im2col columns: kernel area × input channels × output positions;
- a simple RNN keeps every time step's hidden state, even when it outputs only the last one.
Training holds about as much again for the backward pass (one gradient per cached array), so a
training batch counts twice; scoring (forward only, chunks.chunk_for samples at a time) counts once.
"""

from __future__ import annotations

import math

from ..config import Settings
from ..engine import LAYER_CLASSES, ModelError
from ..schemas.error_codes import coded
from ..schemas.model import NetworkSpec
from .chunks import chunk_for

BYTES_PER_VALUE = 4  # float32 throughout


def floats_per_sample(model: NetworkSpec) -> tuple[list[int], int]:
    """For each layer, the running total of float32 values one sample keeps in the forward pass up to
    and including it (the input counted first), and the widest activation (the input's or a layer's
    output size, as scoring sizes its chunks by). A layer that cannot be sized ends the list:
    building then names what is wrong with it."""
    shape = tuple(model.input_shape)
    total = widest = math.prod(shape)
    totals: list[int] = []
    for layer in model.layers:
        settings = layer.model_dump()
        tag = settings.pop("type")
        try:
            out, _ = LAYER_CLASSES[tag].estimate(shape, **settings)
        except (ValueError, TypeError, KeyError, ZeroDivisionError):
            break
        if min(out, default=1) < 1:
            break
        size = math.prod(out)
        widest = max(widest, size)
        activation = settings.get("activation")
        kept = size * 2 if activation not in (None, "linear") else size
        if tag == "conv2d" and len(shape) == 3:
            kernel = int(settings.get("kernel_size", 3))
            kept += kernel * kernel * shape[0] * out[1] * out[2]  # im2col columns
        if tag == "simple_rnn" and len(shape) == 2:
            kept += shape[0] * int(settings.get("units", 16))  # every step's hidden state
        total += kept
        totals.append(total)
        shape = tuple(out)
    return totals, widest


def _mb(n_bytes: int) -> str:
    return f"{n_bytes / 2**20:,.0f} MB" if n_bytes >= 2**20 else f"{n_bytes / 1024:,.0f} kB"


def check_activation_memory(model: NetworkSpec, batch_size: int, samples: int, budget_mb: int) -> None:
    """ModelError naming the first layer at which one training batch (or one chunk of scoring) passes
    the budget, and how much it would need. `samples`: the training set's size, which caps a batch."""
    budget = budget_mb * 2**20
    batch = max(1, min(batch_size, samples))
    totals, widest = floats_per_sample(model)
    chunk = max(1, min(chunk_for(widest), samples))  # as sessions/evaluation.py sizes its passes
    for i, floats in enumerate(totals):
        training = 2 * batch * floats * BYTES_PER_VALUE
        scoring = chunk * floats * BYTES_PER_VALUE
        if max(training, scoring) > budget:
            what = (
                f"one training batch of {batch} samples needs about {_mb(training)}"
                if training >= scoring
                else f"scoring the loss curve ({chunk} samples at a time) needs about {_mb(scoring)}"
            )
            tag = model.layers[i].type
            message = (
                f"layer {i} ({tag}): {what} of activations by this layer, over the server's budget of "
                f"{budget_mb:,} MB; make the layer or the images smaller"
                + (", or the batch" if training >= scoring else "")
            )
            at = {"layer": i, "type": tag, "budget": budget_mb}
            if training >= scoring:
                raise coded(ModelError(message, i), "model_memory_training", **at, batch=batch, need=_mb(training))
            raise coded(ModelError(message, i), "model_memory_scoring", **at, chunk=chunk, need=_mb(scoring))


def configured_budget_mb() -> int:
    """NEUROPLAY_MAX_ACTIVATION_MB, read when a network is checked: build_trainer is called from
    places (session, restore, engine process) that hold no settings object."""
    return Settings().max_activation_mb

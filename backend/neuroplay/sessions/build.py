"""Turn the three specs of a session into the things that train: data, network, trainer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np

from ..data import Dataset, make_dataset
from ..data.dataset import Transform, UploadSource
from ..engine import LAYER_CLASSES, ModelError, Network, Optimizer, Trainer, build_network, get_loss, make_optimizer
from ..schemas.dataset import DatasetSpec
from ..schemas.error_codes import coded
from ..schemas.model import NetworkSpec
from ..schemas.training import LossName, TrainingConfig
from .compatibility import check_fits, check_input
from .defaults import TASK_OUTPUT, task_of
from .layer_problems import explain_build_error
from .memory import check_activation_memory, configured_budget_mb


@dataclass(frozen=True)
class Specs:
    """What the user chose; everything else is derived from it."""

    model: NetworkSpec
    dataset: DatasetSpec
    training: TrainingConfig

    def resolved_loss(self) -> LossName:
        return self.training.loss or cast(LossName, TASK_OUTPUT[task_of(self.dataset)][1])


MAX_PARAMS = 2_000_000


def build_data(spec: DatasetSpec, uploads: UploadSource | None = None) -> Dataset:
    return make_dataset(spec, uploads)


def build_optimizer(t: TrainingConfig) -> Optimizer:
    extra = {"momentum": t.momentum} if t.optimizer in ("momentum", "nesterov") else {}
    return make_optimizer(t.optimizer, t.learning_rate, t.l2, **extra)


def estimate_params(model: NetworkSpec) -> tuple[int, int | None]:
    """The parameter count read off the spec without allocating anything (each layer class's
    `estimate`), and the first layer at which the running total passes MAX_PARAMS (None if it never
    does, or if a layer's settings cannot be sized: building then names what is wrong with it)."""
    shape, total = tuple(model.input_shape), 0
    for i, layer in enumerate(model.layers):
        settings = layer.model_dump()
        tag = settings.pop("type")
        try:
            shape, count = LAYER_CLASSES[tag].estimate(shape, **settings)
        except (ValueError, TypeError, KeyError, ZeroDivisionError):
            return total, None
        if min(shape, default=1) < 1:
            return total, None  # an impossible shape: building names the layer
        total += count
        if total > MAX_PARAMS:
            return total, i
    return total, None


def build_trainer(specs: Specs, data: Dataset) -> Trainer:
    """Build a freshly initialised network and its trainer; ModelError names what does not fit.

    The cheap checks (input shape against the data, the parameter count read off the spec) come
    before anything is allocated, so an absurd spec costs nothing."""
    check_input(specs.model.input_shape, data)
    estimate, at = estimate_params(specs.model)
    if at is not None:
        tag = specs.model.layers[at].type
        message = (
            f"layer {at} ({tag}): takes the network past {MAX_PARAMS:,} parameters (at least {estimate:,}); "
            "make it smaller"
        )
        raise coded(
            ModelError(message, at), "model_too_many_params_at", layer=at, type=tag, count=estimate, limit=MAX_PARAMS
        )
    check_activation_memory(specs.model, specs.training.batch_size, len(data.x_train), configured_budget_mb())
    try:
        network = new_network(specs)
    except ModelError as exc:
        raise explain_build_error(specs.model, exc) from None
    count = network.param_count()
    if count > MAX_PARAMS:
        message = f"the network has {count:,} parameters; the limit is {MAX_PARAMS:,}"
        raise coded(ModelError(message), "model_too_many_params", count=count, limit=MAX_PARAMS)
    check_fits(network, data, specs.resolved_loss())
    return make_trainer(specs, network, TrainingArrays.of(data))


@dataclass(frozen=True)
class TrainingArrays:
    """What a trainer and its metric points need of a dataset: plain arrays and settings that pickle
    (a Dataset's info holds generator functions), so the engine process can get them."""

    task: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    transform: Transform | None  # data augmentation of training batches

    @classmethod
    def of(cls, data: Dataset) -> TrainingArrays:
        return cls(data.info.task, data.x_train, data.y_train, data.x_val, data.y_val, data.transform)


def new_network(specs: Specs) -> Network:
    """The spec's network with its seeded initial weights (before any checks; see build_trainer)."""
    t = specs.training
    return build_network(specs.model, seed=t.seed, init=t.init, init_scale=t.init_scale)


def make_trainer(specs: Specs, network: Network, arrays: TrainingArrays) -> Trainer:
    """A trainer for an already checked network (build_trainer checks; the engine process rebuilds
    a checked network and lays the running state over it)."""
    t = specs.training
    return Trainer(
        network,
        get_loss(specs.resolved_loss()),
        build_optimizer(t),
        arrays.x_train,
        arrays.y_train,
        batch_size=t.batch_size,
        seed=t.seed,
        clip_norm=t.clip_norm,
        clip_value=t.clip_value,
        transform=arrays.transform,
    )

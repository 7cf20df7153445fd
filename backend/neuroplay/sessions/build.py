"""Turn the three specs of a session into the things that train: data, network, trainer."""
from __future__ import annotations

from dataclasses import dataclass

from ..data import Dataset, make_dataset
from ..data.dataset import UploadSource
from ..engine import ModelError, Network, Optimizer, Trainer, build_network, get_loss, make_optimizer
from ..schemas.dataset import DatasetSpec
from ..schemas.model import NetworkSpec
from ..schemas.training import TrainingConfig
from .compatibility import check_fits
from .defaults import TASK_OUTPUT, task_of


@dataclass(frozen=True)
class Specs:
    """What the user chose; everything else is derived from it."""

    model: NetworkSpec
    dataset: DatasetSpec
    training: TrainingConfig

    def resolved_loss(self) -> str:
        return self.training.loss or TASK_OUTPUT[task_of(self.dataset)][1]


MAX_PARAMS = 2_000_000


def build_data(spec: DatasetSpec, uploads: UploadSource | None = None) -> Dataset:
    return make_dataset(spec, uploads)


def build_optimizer(t: TrainingConfig) -> Optimizer:
    extra = {"momentum": t.momentum} if t.optimizer in ("momentum", "nesterov") else {}
    return make_optimizer(t.optimizer, t.learning_rate, t.l2, **extra)


def build_trainer(specs: Specs, data: Dataset) -> Trainer:
    """Build a freshly initialised network and its trainer; ModelError names what does not fit."""
    t = specs.training
    network: Network = build_network(specs.model, seed=t.seed, init=t.init, init_scale=t.init_scale)
    if network.param_count() > MAX_PARAMS:
        raise ModelError(
            f"the network has {network.param_count():,} parameters; the limit is {MAX_PARAMS:,}"
        )
    loss = specs.resolved_loss()
    check_fits(network, data, loss)
    return Trainer(
        network,
        get_loss(loss),
        build_optimizer(t),
        data.x_train,
        data.y_train,
        batch_size=t.batch_size,
        seed=t.seed,
        clip_norm=t.clip_norm,
        clip_value=t.clip_value,
        transform=data.augment_batch if data.augmentation.active else None,
    )

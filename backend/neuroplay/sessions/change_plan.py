"""What a change of specs does to a session's engine, decided apart from the session's locking.

Three kinds: a dataset change that keeps the weights (the learner edits points or augmentation and
watches the same network adapt instead of starting over), a rebuild (model or dataset: new weights,
history cleared), and a training-settings change, applied to the stopped trainer in place.
"""

from __future__ import annotations

from ..data import Dataset
from ..engine import Trainer, get_loss
from .build import Specs, build_optimizer
from .compatibility import check_fits

# Dataset fields whose change keeps the weights.
KEEP_WEIGHTS_FIELDS = frozenset({"added_points", "removed_points", "augment"})


def may_keep_weights(old: Specs, new: Specs) -> bool:
    """Whether only dataset fields that keep the weights changed (the data's shapes still have to
    match, which only the built data can tell)."""
    before, after = old.dataset.model_dump(), new.dataset.model_dump()
    changed = {k for k in after if after[k] != before[k]}
    return bool(changed) and changed <= KEEP_WEIGHTS_FIELDS and new.training == old.training


def apply_training_settings(trainer: Trainer, data: Dataset, old: Specs, new: Specs) -> None:
    """Training settings onto a stopped trainer: weights and optimizer state kept unless the
    optimizer itself changes. A new loss must fit the output layer and `data`; that is checked
    before anything changes."""
    settings, before = new.training, old.training
    new_loss = new.resolved_loss() != old.resolved_loss()
    if new_loss:
        check_fits(trainer.network, data, new.resolved_loss())
    trainer.optimizer.learning_rate = settings.learning_rate
    trainer.optimizer.l2 = settings.l2
    trainer.clip_norm = settings.clip_norm
    trainer.clip_value = settings.clip_value
    trainer.set_batch_size(settings.batch_size)
    if new_loss:
        trainer.set_loss(get_loss(new.resolved_loss()))
    if (settings.optimizer, settings.momentum) != (before.optimizer, before.momentum):
        trainer.optimizer = build_optimizer(settings)

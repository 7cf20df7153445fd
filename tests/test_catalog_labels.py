"""Every entry of GET /api/catalog the learner sees has a label in every locale: the catalog names
things by id, and frontend/locales/<lang>.json holds their words (frontend/js/catalog_labels.js).

Not labelled, on purpose: the features' formulas (x₁², sin x₁: notation, the same in every
language), digit class names (numerals), and the initialisers (the UI has no control for them yet).
"""

from __future__ import annotations

import pytest

from neuroplay.api.catalog import build_catalog

from .locale_helpers import catalog as locale

LANGS = ["en", "zh"]


def expected_keys() -> list[str]:
    cat = build_catalog()
    keys: list[str] = []
    for layer in cat.layers:
        keys += [f"layer.{layer.type}", f"layerDesc.{layer.type}"]
        for setting in layer.settings:
            keys += [f"setting.{setting.name}", f"settingDesc.{layer.type}.{setting.name}"]
            if setting.name == "padding":
                keys += [f"padding.{choice}" for choice in setting.choices or []]
            if setting.name == "activation":
                keys += [f"activation.{choice}" for choice in setting.choices or []]
    keys += [f"activation.{a.name}" for a in cat.activations]
    keys += [f"loss.{loss.name}" for loss in cat.losses]
    keys += [f"optimizer.{name}" for name in cat.optimizers]
    for dataset in cat.datasets:
        keys += [f"dataset.{dataset.name}", f"datasetDesc.{dataset.name}", f"task.{dataset.task}"]
        keys += [f"className.{name}" for name in dataset.class_names if not name.isdigit()]
    keys += [f"setting.{s.name}" for s in cat.dataset_settings + cat.training_settings]
    keys += [f"lesson.view.{view.name}" for view in cat.views]
    return sorted(set(keys))


def test_the_catalog_has_entries_of_every_kind() -> None:
    keys = expected_keys()
    for prefix in ("layer.", "settingDesc.", "activation.", "padding.", "dataset.", "datasetDesc.", "className."):
        assert any(k.startswith(prefix) for k in keys), prefix


@pytest.mark.parametrize("lang", LANGS)
def test_every_catalog_entry_has_a_label(lang: str) -> None:
    texts = locale(lang)
    missing = [key for key in expected_keys() if key not in texts]
    assert missing == [], f"{lang}.json lacks labels for these catalog entries"


def test_chinese_labels_are_chinese() -> None:
    """A label copied from English would pass the key check; names that stay Latin in Chinese
    (ReLU, tanh, Adam, SGD, RMSprop, Nesterov, ε) are few and listed."""
    zh, en = locale("zh"), locale("en")
    same_by_design = {"tanh", "ReLU", "Adam", "SGD", "RMSprop", "Nesterov", "ε"}
    copied = [k for k in expected_keys() if zh[k] == en[k] and zh[k] not in same_by_design]
    assert copied == [], "labels that zh.json copies from en.json"

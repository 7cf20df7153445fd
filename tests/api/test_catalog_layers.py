"""What the catalog says of each layer type for the palette: the input ranks it takes, the rank it
gives, and the kinds of data it suits (uploaded tables and image sets included)."""

from __future__ import annotations

from neuroplay.api.catalog import build_catalog
from neuroplay.data.images import load_digits
from neuroplay.data.registry import DATASETS, LAYERS_BY_KIND


def test_the_catalog_says_what_each_layer_takes_gives_and_suits() -> None:
    layers = {info.type: info for info in build_catalog().layers}
    assert layers["conv2d"].input_ranks == [3] and layers["conv2d"].output_rank is None
    assert layers["dense"].input_ranks == [1, 2] and layers["dense"].output_rank is None
    assert layers["flatten"].input_ranks is None and layers["flatten"].output_rank == 1
    assert layers["simple_rnn"].input_ranks == [2] and layers["simple_rnn"].output_rank == 1  # last h_t only
    assert layers["dropout"].input_ranks is None and layers["dropout"].output_rank is None
    # data_kinds is the data registry's table, uploaded tables included; every built-in set's
    # hints (suits) agree with its kind's row.
    assert layers["conv2d"].data_kinds == ["image"]
    assert "table" in layers["batch_norm"].data_kinds and "table" not in layers["simple_rnn"].data_kinds
    for info in DATASETS.values():
        assert set(info.suits) == set(LAYERS_BY_KIND[info.kind]), info.name
    for tag, info in layers.items():
        assert info.data_kinds == [kind for kind, tags in LAYERS_BY_KIND.items() if tag in tags]


def test_a_real_set_says_how_many_samples_it_has() -> None:
    """The data panel's points slider stops at a real set's size (the digits: 1,797) from the catalog."""
    entries = {entry.name: entry for entry in build_catalog().datasets}
    assert entries["digits"].max_points == len(load_digits()[0])
    assert all(entry.max_points is None for name, entry in entries.items() if name != "digits")

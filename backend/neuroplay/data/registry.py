"""The one table of datasets: name -> what it is (task, shapes, classes) and how to generate it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from ..schemas.dataset import DatasetSpec
from . import images, sequences, two_d

Generate = Callable[[DatasetSpec, np.random.Generator], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    label: str
    description: str
    task: str  # "binary" | "multiclass" | "regression" | "sequence"
    kind: str  # "points" (2-D plane) | "image" | "sequence" | "table" (an uploaded CSV)
    classes: int  # 0 for regression and sequence tasks
    suits: tuple[str, ...]  # layer types that fit this data, for the palette's hints
    generate: Generate
    class_names: tuple[str, ...] = ()
    max_points: int | None = None  # a real set's size: `points` above it gives them all

    def input_shape(self, spec: DatasetSpec) -> tuple[int, ...]:
        if self.kind == "points":
            return (len(spec.features),)
        if self.kind == "sequence":
            return (spec.length, 2 if self.name == "adding" else 1)
        return (1, 8, 8) if self.name == "digits" else (1, 28, 28)

    @property
    def settings(self) -> tuple[str, ...]:
        """The DatasetSpec fields that mean something for this data, in the order the data panel
        shows them (the panel shows these and no others)."""
        if self.kind == "points":
            return ("features", "noise", "points", "validation_share")
        if self.kind == "image":
            generated = ("points", "noise") if self.name != "upload" else ()
            return (*generated, "validation_share", "augment")
        if self.kind == "sequence":
            delay = ("delay",) if self.name == "echo" else ()
            return ("points", "noise", "length", *delay, "validation_share")
        return ("validation_share",)  # an uploaded table: its rows are what they are

    def output_shape(self, spec: DatasetSpec) -> tuple[int, ...]:
        if self.task == "multiclass":
            return (self.classes,)
        if self.task == "sequence":
            return (spec.length, 1)
        return (1,)


def _points(fn: Callable[..., tuple[np.ndarray, np.ndarray]]) -> Generate:
    return lambda spec, rng: fn(spec.points, spec.noise, rng)


POINT_LAYERS = ("dense", "activation", "dropout", "batch_norm")
IMAGE_LAYERS = ("conv2d", "max_pool2d", "avg_pool2d", "flatten", "dense", "dropout", "batch_norm", "activation")
SEQUENCE_LAYERS = ("simple_rnn", "dense", "activation")
TABLE_LAYERS = ("dense", "activation", "dropout", "batch_norm")  # an uploaded CSV: rows of numbers
# The layer types that fit each kind of data: the palette greys out the others (the catalog's
# LayerInfo.data_kinds), uploads included.
LAYERS_BY_KIND: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"points": POINT_LAYERS, "image": IMAGE_LAYERS, "sequence": SEQUENCE_LAYERS, "table": TABLE_LAYERS}
)


def _two_d(
    name: str, label: str, description: str, fn: Callable[..., tuple[np.ndarray, np.ndarray]], task: str = "binary"
) -> DatasetInfo:
    return DatasetInfo(
        name, label, description, task, "points", 2 if task == "binary" else 0, POINT_LAYERS, _points(fn)
    )


DATASETS: Mapping[str, DatasetInfo] = MappingProxyType(
    {
        info.name: info
        for info in (
            _two_d("circle", "Circle", "One class inside a circle, the other in a ring around it.", two_d.circle),
            _two_d("xor", "Exclusive or", "Opposite quadrants share a class.", two_d.xor),
            _two_d("gaussians", "Two Gaussians", "Two blobs; noise makes them overlap.", two_d.gaussians),
            _two_d("spiral", "Spiral", "Two interleaved spiral arms, the hardest of the 2-D sets.", two_d.spiral),
            _two_d("moons", "Moons", "Two interleaved half circles.", two_d.moons),
            _two_d(
                "plane", "Plane (regression)", "The target rises steadily across the plane.", two_d.plane, "regression"
            ),
            _two_d(
                "gaussian_sum",
                "Gaussian bumps (regression)",
                "The target is a sum of six signed bumps.",
                two_d.gaussian_sum,
                "regression",
            ),
            DatasetInfo(
                "digits",
                "Handwritten digits 8×8",
                "The real 1,797 scanned digits (UCI, via scikit-learn).",
                "multiclass",
                "image",
                10,
                IMAGE_LAYERS,
                _points(images.digits),
                tuple(str(d) for d in range(10)),
                max_points=images.DIGITS_COUNT,
            ),
            DatasetInfo(
                "shapes",
                "Shapes 28×28",
                "Outlines of circles, squares, triangles and lines.",
                "multiclass",
                "image",
                4,
                IMAGE_LAYERS,
                _points(images.shapes),
                images.SHAPE_NAMES,
            ),
            DatasetInfo(
                "sine",
                "Sine wave",
                "Predict the next value of a noisy sine at every step.",
                "sequence",
                "sequence",
                0,
                SEQUENCE_LAYERS,
                lambda spec, rng: sequences.sine(spec.points, spec.noise, rng, spec.length),
            ),
            DatasetInfo(
                "echo",
                "Echo",
                "Repeat the input from `delay` steps earlier: memory in a recurrent unit.",
                "sequence",
                "sequence",
                0,
                SEQUENCE_LAYERS,
                lambda spec, rng: sequences.echo(spec.points, spec.noise, rng, spec.length, spec.delay),
            ),
            DatasetInfo(
                "adding",
                "Adding problem",
                "Add the two marked numbers of a long sequence.",
                "regression",
                "sequence",
                0,
                SEQUENCE_LAYERS,
                lambda spec, rng: sequences.adding(spec.points, spec.noise, rng, spec.length),
            ),
        )
    }
)

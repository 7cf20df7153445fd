"""Turn a dataset spec into float32 train/validation arrays, split by a seeded shuffle."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from ..schemas.dataset import DatasetSpec, UploadRef
from ..schemas.error_codes import coded
from .augment import Augmentation, augment
from .errors import DataError
from .features import derive
from .registry import DATASETS, LAYERS_BY_KIND, DatasetInfo
from .uploads import ParsedData


@dataclass(frozen=True)
class Dataset:
    info: DatasetInfo
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    # 2-D sets: the (x1, x2) position of every sample, for drawing; features may be derived from it
    points_train: np.ndarray | None = None
    points_val: np.ndarray | None = None
    features: tuple[str, ...] = ()
    feature_names: tuple[str, ...] = ()  # column names of an uploaded CSV
    augmentation: Augmentation = field(default_factory=Augmentation)

    def augment_batch(self, x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Training batches only: the validation arrays never pass through here."""
        return augment_images(self.augmentation, x, rng)

    @property
    def transform(self) -> Transform | None:
        """The trainer's batch transform: augmentation when it is on. A partial of a module function,
        so it pickles (the engine process receives it)."""
        return partial(augment_images, self.augmentation) if self.augmentation.active else None


Transform = Callable[[np.ndarray, np.random.Generator], np.ndarray]


def augment_images(augmentation: Augmentation, x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return augment(x, augmentation, rng) if augmentation.active and x.ndim == 4 else x


def _targets(y: np.ndarray) -> np.ndarray:
    y = y.astype(np.float32)
    return y.reshape(len(y), 1) if y.ndim == 1 else y


UploadSource = Callable[[UploadRef], ParsedData]  # the parsed file an upload reference names


def make_dataset(spec: DatasetSpec, uploads: UploadSource | None = None) -> Dataset:
    """Generate (or read the uploaded file through `uploads`), split (at least one
    training sample always stays), derive features, apply the learner's added and removed points
    (training set only)."""
    rng = np.random.default_rng(spec.seed)
    feature_names: tuple[str, ...] = ()
    if spec.name == "upload":
        info, x, y, feature_names = _read_upload(spec, uploads)
    else:
        known = DATASETS.get(spec.name)
        if known is None:
            message = f"unknown dataset {spec.name!r} (known: {', '.join(DATASETS)})"
            raise coded(DataError(message), "dataset_unknown", name=spec.name, known=", ".join(DATASETS))
        info = known
        x, y = info.generate(spec, rng)
    order = rng.permutation(len(x))
    x, y = x[order].astype(np.float32), _targets(y[order])
    n_val = min(int(round(len(x) * spec.validation_share)), len(x) - 1)
    n_train = len(x) - n_val
    x_train, y_train, x_val, y_val = x[:n_train], y[:n_train], x[n_train:], y[n_train:]
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    if spec.name == "upload":
        input_shape, output_shape = tuple(x.shape[1:]), (info.classes,)
    else:
        input_shape, output_shape = info.input_shape(spec), info.output_shape(spec)
    if info.kind == "table":
        return Dataset(
            x_train=x_train,
            y_train=y_train,
            x_val=x_val,
            y_val=y_val,
            feature_names=feature_names,
            info=info,
            input_shape=input_shape,
            output_shape=output_shape,
        )
    if info.kind != "points":
        a = spec.augment
        aug = Augmentation(a.rotation, a.shift, a.flip, a.brightness, a.noise)
        return Dataset(
            x_train=x_train,
            y_train=y_train,
            x_val=x_val,
            y_val=y_val,
            augmentation=aug,
            info=info,
            input_shape=input_shape,
            output_shape=output_shape,
        )
    keep = np.setdiff1d(np.arange(n_train), np.asarray(spec.removed_points, dtype=np.int64))
    x_train, y_train = x_train[keep], y_train[keep]
    if spec.added_points:
        added = np.asarray(spec.added_points, dtype=np.float32)
        if info.task == "binary":
            bad = np.flatnonzero((added[:, 2] != 0) & (added[:, 2] != 1))
            if bad.size:
                point, label = int(bad[0]), f"{added[bad[0], 2]:g}"
                message = f"added point {point} has label {label}; the classes are 0 and 1"
                raise coded(DataError(message), "dataset_point_label", point=point, label=label)
        x_train = np.concatenate([x_train, added[:, :2]])
        y_train = np.concatenate([y_train, added[:, 2:3]])
    if len(x_train) == 0:
        raise coded(DataError("every training point was removed; keep or add at least one"), "dataset_all_removed")
    features = tuple(spec.features)
    return Dataset(
        x_train=derive(x_train, list(features)),
        y_train=y_train,
        x_val=derive(x_val, list(features)),
        y_val=y_val,
        points_train=x_train,
        points_val=x_val,
        features=features,
        info=info,
        input_shape=input_shape,
        output_shape=output_shape,
    )


def _read_upload(
    spec: DatasetSpec, uploads: UploadSource | None
) -> tuple[DatasetInfo, np.ndarray, np.ndarray, tuple[str, ...]]:
    ref = spec.upload
    if ref is None:
        raise coded(DataError("an uploaded dataset names its file: set dataset.upload"), "dataset_upload_unnamed")
    if uploads is None:
        raise coded(DataError("this server cannot read uploaded files here"), "dataset_uploads_unavailable")
    parsed = uploads(ref)
    return uploaded_info(ref, parsed), parsed.x, parsed.labels.astype(np.float64), tuple(parsed.feature_names)


def uploaded_info(ref: UploadRef, parsed: ParsedData) -> DatasetInfo:
    """What an uploaded file is, as a DatasetInfo (uploads are always classification)."""
    kind = "table" if ref.format == "csv" else "image"
    suits = LAYERS_BY_KIND[kind]
    return DatasetInfo(
        name="upload",
        label=ref.filename or "uploaded data",
        description=", ".join(parsed.feature_names),
        task="multiclass",
        kind=kind,
        classes=len(parsed.class_names),
        suits=suits,
        generate=lambda spec, rng: (parsed.x, parsed.labels),
        class_names=tuple(parsed.class_names),
    )

"""The learner's own data: a CSV of numeric features with a label column, or a zip of images in one
folder per class. Everything is parsed in memory (nothing is extracted to disk, nothing unpickled),
every limit is enforced before the work it bounds, and every problem raises UploadError naming the
row, column or archive entry at fault."""

from __future__ import annotations

import csv
import io
import math
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

import numpy as np

from ..schemas.dataset import UploadRef
from ..schemas.error_codes import coded
from .errors import DataError


class UploadError(DataError):
    """A file we refuse; the message says what is wrong and where."""


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int = 5 * 1024 * 1024
    max_rows: int = 20_000
    max_columns: int = 256
    max_classes: int = 100
    max_images: int = 5_000
    max_uncompressed_bytes: int = 100 * 1024 * 1024
    max_image_pixels: int = 1024 * 1024  # larger images are refused before decoding (bombs)
    max_total_pixels: int = 100_000_000  # decoded pixels over the whole archive (decoding time)
    max_side: int = 64  # images are resized to at most this


@dataclass(frozen=True)
class ParsedData:
    x: np.ndarray  # float32, (n, features) or (n, C, H, W)
    labels: np.ndarray  # int64 class indices (n,)
    class_names: list[str]
    feature_names: list[str]


def _check_size(data: bytes, limits: UploadLimits) -> None:
    if len(data) > limits.max_bytes:
        message = f"the file is {len(data):,} bytes; the limit is {limits.max_bytes:,}"
        raise coded(UploadError(message), "upload_too_large", size=len(data), limit=limits.max_bytes)
    if not data:
        raise UploadError("the file is empty")


def _classes(raw_labels: list[str], where: str, limits: UploadLimits) -> tuple[np.ndarray, list[str]]:
    names = sorted(set(raw_labels))
    if len(names) < 2:
        raise UploadError(f"{where} has only one class ({names[0]!r}); a classifier needs at least two")
    if len(names) > limits.max_classes:
        raise UploadError(f"{where} has {len(names)} classes; the limit is {limits.max_classes}")
    index = {name: i for i, name in enumerate(names)}
    return np.array([index[v] for v in raw_labels], dtype=np.int64), names


def parse_csv(data: bytes, label_column: str, limits: UploadLimits = UploadLimits()) -> ParsedData:
    """A header row, then one sample per row: numeric feature columns plus the label column (any text)."""
    _check_size(data, limits)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadError(f"the file is not UTF-8 text (bad byte at position {exc.start})") from None
    rows = csv.reader(io.StringIO(text))
    try:
        header = [h.strip() for h in next(rows)]
    except StopIteration:
        raise UploadError("the file has no header row") from None
    except csv.Error as exc:
        raise UploadError(f"row 1: {exc}") from None
    if len(header) > limits.max_columns:
        raise UploadError(f"the file has {len(header)} columns; the limit is {limits.max_columns}")
    if label_column not in header:
        raise UploadError(f"there is no column named {label_column!r}; the columns are {', '.join(header)}")
    if len(set(header)) != len(header):
        raise UploadError("row 1: column names must be different from each other")
    label_at = header.index(label_column)
    features = [h for i, h in enumerate(header) if i != label_at]
    if not features:
        raise UploadError("there are no feature columns besides the label")
    values: list[list[float]] = []
    labels: list[str] = []
    try:
        for line_no, row in enumerate(rows, start=2):
            if not row or all(not cell.strip() for cell in row):
                continue  # blank lines are harmless
            if len(row) != len(header):
                raise UploadError(f"row {line_no} has {len(row)} cells; the header has {len(header)}")
            if len(values) >= limits.max_rows:
                raise UploadError(f"the file has more than {limits.max_rows:,} rows, the limit")
            sample = []
            for i, cell in enumerate(row):
                if i == label_at:
                    continue
                try:
                    value = float(cell)
                except ValueError:
                    raise UploadError(f"row {line_no}, column {header[i]!r}: {cell!r} is not a number") from None
                if not math.isfinite(value):
                    raise UploadError(f"row {line_no}, column {header[i]!r}: {cell!r} is not a finite number")
                sample.append(value)
            label = row[label_at].strip()
            if not label:
                raise UploadError(f"row {line_no}, column {label_column!r}: the label is empty")
            values.append(sample)
            labels.append(label)
    except csv.Error as exc:
        raise UploadError(f"row {rows.line_num}: {exc}") from None
    if not values:
        raise UploadError("the file has a header but no data rows")
    indices, names = _classes(labels, f"the label column {label_column!r}", limits)
    return ParsedData(np.asarray(values, dtype=np.float32), indices, names, features)


def _safe_parts(name: str) -> tuple[str, ...]:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        raise UploadError(f"archive entry {name!r} points outside the archive")
    return path.parts


def parse_image_zip(
    data: bytes, side: int = 28, color: str = "grayscale", limits: UploadLimits = UploadLimits()
) -> ParsedData:
    """A zip with one folder per class (optionally inside one top folder) of PNG/JPEG images, resized to
    side × side and converted to grayscale (1 channel) or RGB (3 channels), values in [0, 1]."""
    from PIL import Image, UnidentifiedImageError

    _check_size(data, limits)
    if not 4 <= side <= limits.max_side:
        raise UploadError(f"image size must be between 4 and {limits.max_side} pixels, got {side}")
    if color not in ("grayscale", "rgb"):
        raise UploadError(f"color must be 'grayscale' or 'rgb', got {color!r}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UploadError("the file is not a zip archive") from None
    entries = []
    for info in archive.infolist():
        parts = _safe_parts(info.filename)
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            raise UploadError(f"archive entry {info.filename!r} is a symbolic link")
        if info.is_dir() or any(p.startswith(".") or p == "__MACOSX" for p in parts):
            continue
        entries.append((parts, info))
    if not entries:
        raise UploadError("the archive holds no images")
    if len(entries) > limits.max_images:
        raise UploadError(f"the archive holds {len(entries):,} files; the limit is {limits.max_images:,} images")
    if sum(info.file_size for _, info in entries) > limits.max_uncompressed_bytes:
        raise UploadError(f"the archive unpacks to more than {limits.max_uncompressed_bytes:,} bytes")
    depth = {len(parts) for parts, _ in entries}
    tops = {parts[0] for parts, _ in entries}
    strip = 1 if depth == {3} and len(tops) == 1 else 0  # one top folder around the class folders
    mode, channels = ("L", 1) if color == "grayscale" else ("RGB", 3)
    images, labels = [], []
    total_pixels = 0
    for parts, info in entries:
        parts = parts[strip:]
        if len(parts) != 2:
            raise UploadError(
                f"archive entry {info.filename!r} is not inside a class folder (expected class/image.png)"
            )
        raw = archive.read(info)
        try:
            with Image.open(io.BytesIO(raw)) as img:
                if img.format not in ("PNG", "JPEG"):
                    raise UploadError(f"archive entry {info.filename!r} is {img.format}, not PNG or JPEG")
                if img.width * img.height > limits.max_image_pixels:
                    raise UploadError(
                        f"archive entry {info.filename!r} is {img.width}×{img.height} pixels; the limit is "
                        f"{limits.max_image_pixels:,} pixels per image"
                    )
                total_pixels += img.width * img.height
                if total_pixels > limits.max_total_pixels:
                    raise UploadError(
                        f"the images up to {info.filename!r} hold more than {limits.max_total_pixels:,} pixels "
                        "in all; send smaller images"
                    )
                img.draft(mode, (side, side))  # JPEG: decode at a reduced size straight away
                pixels = img.convert(mode).resize((side, side), Image.Resampling.BILINEAR)
        except UploadError:
            raise
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            raise UploadError(f"archive entry {info.filename!r} is not an image PNG or JPEG can read") from None
        array = np.asarray(pixels, dtype=np.float32) / 255.0
        images.append(array[None] if channels == 1 else array.transpose(2, 0, 1))
        labels.append(parts[0])
    indices, names = _classes(labels, "the archive", limits)
    return ParsedData(np.stack(images), indices, names, [f"{mode} {side}×{side}"])


def parse_upload(data: bytes, ref: UploadRef, limits: UploadLimits = UploadLimits()) -> ParsedData:
    """Parse a file the way its upload reference says (CSV with its label column, or an image zip)."""
    if ref.format == "csv":
        return parse_csv(data, ref.label_column or "", limits)
    return parse_image_zip(data, ref.side, ref.color, limits)

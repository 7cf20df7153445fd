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


def _refuse(code: str, message: str, **params: object) -> UploadError:
    """An UploadError with its code and params (schemas/error_codes.py), for the learner's language."""
    return coded(UploadError(message), code, **params)


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
        raise _refuse("upload_empty", "the file is empty")


def _classes(raw_labels: list[str], column: str | None, limits: UploadLimits) -> tuple[np.ndarray, list[str]]:
    """Class indices of the labels (sorted names); `column` is the CSV's label column, None for an archive."""
    names = sorted(set(raw_labels))
    where = f"the label column {column!r}" if column is not None else "the archive"
    if len(names) < 2:
        message = f"{where} has only one class ({names[0]!r}); a classifier needs at least two"
        if column is None:
            raise _refuse("upload_zip_one_class", message, label=names[0])
        raise _refuse("upload_one_class", message, column=column, label=names[0])
    if len(names) > limits.max_classes:
        message = f"{where} has {len(names)} classes; the limit is {limits.max_classes}"
        if column is None:
            raise _refuse("upload_zip_too_many_classes", message, count=len(names), limit=limits.max_classes)
        raise _refuse("upload_too_many_classes", message, column=column, count=len(names), limit=limits.max_classes)
    index = {name: i for i, name in enumerate(names)}
    return np.array([index[v] for v in raw_labels], dtype=np.int64), names


def parse_csv(data: bytes, label_column: str, limits: UploadLimits = UploadLimits()) -> ParsedData:
    """A header row, then one sample per row: numeric feature columns plus the label column (any text)."""
    _check_size(data, limits)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        message = f"the file is not UTF-8 text (bad byte at position {exc.start})"
        raise _refuse("upload_not_utf8", message, position=exc.start) from None
    rows = csv.reader(io.StringIO(text))
    try:
        header = [h.strip() for h in next(rows)]
    except StopIteration:
        raise _refuse("upload_no_header", "the file has no header row") from None
    except csv.Error as exc:
        raise _refuse("upload_csv_unreadable", f"row 1: {exc}", row=1) from None
    if len(header) > limits.max_columns:
        message = f"the file has {len(header)} columns; the limit is {limits.max_columns}"
        raise _refuse("upload_too_many_columns", message, count=len(header), limit=limits.max_columns)
    if label_column not in header:
        message = f"there is no column named {label_column!r}; the columns are {', '.join(header)}"
        raise _refuse("upload_no_label_column", message, column=label_column, columns=header)
    if len(set(header)) != len(header):
        raise _refuse("upload_duplicate_columns", "row 1: column names must be different from each other")
    label_at = header.index(label_column)
    features = [h for i, h in enumerate(header) if i != label_at]
    if not features:
        raise _refuse("upload_no_features", "there are no feature columns besides the label")
    values: list[list[float]] = []
    labels: list[str] = []
    try:
        for line_no, row in enumerate(rows, start=2):
            if not row or all(not cell.strip() for cell in row):
                continue  # blank lines are harmless
            if len(row) != len(header):
                message = f"row {line_no} has {len(row)} cells; the header has {len(header)}"
                raise _refuse("upload_row_cells", message, row=line_no, count=len(row), expected=len(header))
            if len(values) >= limits.max_rows:
                message = f"the file has more than {limits.max_rows:,} rows, the limit"
                raise _refuse("upload_too_many_rows", message, limit=limits.max_rows)
            sample = []
            for i, cell in enumerate(row):
                if i == label_at:
                    continue
                try:
                    value = float(cell)
                except ValueError:
                    message = f"row {line_no}, column {header[i]!r}: {cell!r} is not a number"
                    raise _refuse("upload_not_a_number", message, row=line_no, column=header[i], cell=cell) from None
                if not math.isfinite(value):
                    message = f"row {line_no}, column {header[i]!r}: {cell!r} is not a finite number"
                    raise _refuse("upload_not_finite", message, row=line_no, column=header[i], cell=cell)
                sample.append(value)
            label = row[label_at].strip()
            if not label:
                message = f"row {line_no}, column {label_column!r}: the label is empty"
                raise _refuse("upload_label_empty", message, row=line_no, column=label_column)
            values.append(sample)
            labels.append(label)
    except csv.Error as exc:
        raise _refuse("upload_csv_unreadable", f"row {rows.line_num}: {exc}", row=rows.line_num) from None
    if not values:
        raise _refuse("upload_no_rows", "the file has a header but no data rows")
    indices, names = _classes(labels, label_column, limits)
    return ParsedData(np.asarray(values, dtype=np.float32), indices, names, features)


def _safe_parts(name: str) -> tuple[str, ...]:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        raise _refuse("upload_entry_outside", f"archive entry {name!r} points outside the archive", entry=name)
    return path.parts


def parse_image_zip(
    data: bytes, side: int = 28, color: str = "grayscale", limits: UploadLimits = UploadLimits()
) -> ParsedData:
    """A zip with one folder per class (optionally inside one top folder) of PNG/JPEG images, resized to
    side × side and converted to grayscale (1 channel) or RGB (3 channels), values in [0, 1]."""
    from PIL import Image, UnidentifiedImageError

    _check_size(data, limits)
    if not 4 <= side <= limits.max_side:
        message = f"image size must be between 4 and {limits.max_side} pixels, got {side}"
        raise _refuse("upload_image_side", message, side=side, largest=limits.max_side)
    if color not in ("grayscale", "rgb"):
        raise _refuse("upload_color", f"color must be 'grayscale' or 'rgb', got {color!r}", color=color)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise _refuse("upload_not_zip", "the file is not a zip archive") from None
    entries = []
    for info in archive.infolist():
        parts = _safe_parts(info.filename)
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            message = f"archive entry {info.filename!r} is a symbolic link"
            raise _refuse("upload_entry_link", message, entry=info.filename)
        if info.is_dir() or any(p.startswith(".") or p == "__MACOSX" for p in parts):
            continue
        entries.append((parts, info))
    if not entries:
        raise _refuse("upload_no_images", "the archive holds no images")
    if len(entries) > limits.max_images:
        message = f"the archive holds {len(entries):,} files; the limit is {limits.max_images:,} images"
        raise _refuse("upload_too_many_files", message, count=len(entries), limit=limits.max_images)
    if sum(info.file_size for _, info in entries) > limits.max_uncompressed_bytes:
        message = f"the archive unpacks to more than {limits.max_uncompressed_bytes:,} bytes"
        raise _refuse("upload_unpacks_too_large", message, limit=limits.max_uncompressed_bytes)
    depth = {len(parts) for parts, _ in entries}
    tops = {parts[0] for parts, _ in entries}
    strip = 1 if depth == {3} and len(tops) == 1 else 0  # one top folder around the class folders
    mode, channels = ("L", 1) if color == "grayscale" else ("RGB", 3)
    images, labels = [], []
    total_pixels = 0
    for parts, info in entries:
        parts = parts[strip:]
        if len(parts) != 2:
            message = f"archive entry {info.filename!r} is not inside a class folder (expected class/image.png)"
            raise _refuse("upload_entry_no_class", message, entry=info.filename)
        raw = archive.read(info)
        try:
            with Image.open(io.BytesIO(raw)) as img:
                if img.format not in ("PNG", "JPEG"):
                    message = f"archive entry {info.filename!r} is {img.format}, not PNG or JPEG"
                    raise _refuse("upload_entry_format", message, entry=info.filename, format=str(img.format))
                if img.width * img.height > limits.max_image_pixels:
                    message = (
                        f"archive entry {info.filename!r} is {img.width}×{img.height} pixels; the limit is "
                        f"{limits.max_image_pixels:,} pixels per image"
                    )
                    raise _refuse(
                        "upload_image_too_large", message, entry=info.filename, width=img.width, height=img.height,
                        limit=limits.max_image_pixels,
                    )  # fmt: skip
                total_pixels += img.width * img.height
                if total_pixels > limits.max_total_pixels:
                    message = (
                        f"the images up to {info.filename!r} hold more than {limits.max_total_pixels:,} pixels "
                        "in all; send smaller images"
                    )
                    raise _refuse("upload_total_pixels", message, entry=info.filename, limit=limits.max_total_pixels)
                img.draft(mode, (side, side))  # JPEG: decode at a reduced size straight away
                pixels = img.convert(mode).resize((side, side), Image.Resampling.BILINEAR)
        except UploadError:
            raise
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            message = f"archive entry {info.filename!r} is not an image PNG or JPEG can read"
            raise _refuse("upload_entry_unreadable", message, entry=info.filename) from None
        array = np.asarray(pixels, dtype=np.float32) / 255.0
        images.append(array[None] if channels == 1 else array.transpose(2, 0, 1))
        labels.append(parts[0])
    indices, names = _classes(labels, None, limits)
    return ParsedData(np.stack(images), indices, names, [f"{mode} {side}×{side}"])


def parse_upload(data: bytes, ref: UploadRef, limits: UploadLimits = UploadLimits()) -> ParsedData:
    """Parse a file the way its upload reference says (CSV with its label column, or an image zip)."""
    if ref.format == "csv":
        return parse_csv(data, ref.label_column or "", limits)
    return parse_image_zip(data, ref.side, ref.color, limits)

"""Parsing the learner's files: good ones load, every malformed kind names its problem."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
from PIL import Image

from neuroplay.data.uploads import UploadError, UploadLimits, parse_csv, parse_image_zip


def csv_bytes(text: str) -> bytes:
    return text.encode()


def test_a_good_csv_loads_with_classes_sorted() -> None:
    parsed = parse_csv(csv_bytes("a,b,kind\n1,2,cat\n3.5,-1,dog\n\n0,0,cat\n"), "kind")
    np.testing.assert_array_equal(parsed.x, [[1, 2], [3.5, -1], [0, 0]])
    assert parsed.labels.tolist() == [0, 1, 0] and parsed.class_names == ["cat", "dog"]
    assert parsed.feature_names == ["a", "b"]


@pytest.mark.parametrize(
    ("content", "label", "words"),
    [
        (b"\xff\xfe\x00a,b", "b", "not UTF-8"),
        (b"", "y", "empty"),
        (b"a,b,y\n1,2,x\n3,y\n", "y", "row 3 has 2 cells; the header has 3"),
        (b"a,b,y\n1,2,x\n3,oops,z\n", "y", "row 3, column 'b': 'oops' is not a number"),
        (b"a,b,y\n1,nan,x\n3,4,z\n", "y", "row 2, column 'b': 'nan' is not a finite number"),
        (b"a,b,y\n1,2,x\n3,4,x\n", "y", "only one class ('x')"),
        (b"a,b,y\n1,2,x\n", "label", "no column named 'label'; the columns are a, b, y"),
        (b"a,b,y\n", "y", "no data rows"),
        (b"y\n1\n2\n", "y", "no feature columns"),
        (b"a,a,y\n1,2,x\n", "y", "must be different"),
        (b"a,b,y\n1,2,\n", "y", "row 2, column 'y': the label is empty"),
    ],
)
def test_malformed_csv_names_the_problem(content: bytes, label: str, words: str) -> None:
    with pytest.raises(UploadError, match=None) as info:
        parse_csv(content, label)
    assert words in str(info.value)


def test_csv_limits() -> None:
    limits = UploadLimits(max_bytes=100, max_rows=2, max_columns=3)
    with pytest.raises(UploadError, match="limit is 100"):
        parse_csv(b"a,y\n" + b"1,x\n" * 40, "y", limits)
    with pytest.raises(UploadError, match="more than 2 rows"):
        parse_csv(b"a,y\n1,x\n2,z\n3,x\n", "y", limits)
    with pytest.raises(UploadError, match="4 columns; the limit is 3"):
        parse_csv(b"a,b,c,y\n1,2,3,x\n", "y", limits)


def png_bytes(value: int, size: tuple[int, int] = (10, 12), mode: str = "L", fmt: str = "PNG") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, value if mode == "L" else (value, 0, 0)).save(buf, format=fmt)
    return buf.getvalue()


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_a_good_image_zip_loads_resized_in_both_colour_modes() -> None:
    archive = zip_bytes(
        {
            "top/cats/a.png": png_bytes(255),
            "top/cats/b.jpg": png_bytes(250, fmt="JPEG"),
            "top/dogs/c.png": png_bytes(0),
            "top/.DS_Store": b"junk",
            "__MACOSX/x": b"junk",
        }
    )
    gray = parse_image_zip(archive, side=8)
    assert gray.x.shape == (3, 1, 8, 8) and gray.class_names == ["cats", "dogs"]
    assert gray.labels.tolist() == [0, 0, 1] and gray.x[0].min() == 1.0 and gray.x[2].max() == 0.0
    rgb = parse_image_zip(archive, side=6, color="rgb")
    assert rgb.x.shape == (3, 3, 6, 6)


@pytest.mark.parametrize(
    ("entries", "words"),
    [
        ({"../evil/a.png": png_bytes(1), "b/c.png": png_bytes(2)}, "points outside the archive"),
        ({"/etc/a.png": png_bytes(1)}, "points outside the archive"),
        ({"cats/a.png": b"this is not an image", "dogs/b.png": png_bytes(1)}, "'cats/a.png' is not an image"),
        ({"cats/a.png": png_bytes(1), "cats/b.png": png_bytes(2)}, "only one class ('cats')"),
        ({"a.png": png_bytes(1), "dogs/b.png": png_bytes(1)}, "not inside a class folder"),
        ({}, "no images"),
    ],
)
def test_malformed_zips_name_the_problem(entries: dict[str, bytes], words: str) -> None:
    with pytest.raises(UploadError) as info:
        parse_image_zip(zip_bytes(entries))
    assert words in str(info.value)


def test_not_a_zip_and_other_formats_and_limits() -> None:
    with pytest.raises(UploadError, match="not a zip archive"):
        parse_image_zip(b"PK but not really")
    gif = io.BytesIO()
    Image.new("L", (4, 4)).save(gif, format="GIF")
    with pytest.raises(UploadError, match="is GIF, not PNG or JPEG"):
        parse_image_zip(zip_bytes({"a/x.gif": gif.getvalue(), "b/y.png": png_bytes(1)}))
    with pytest.raises(UploadError, match="pixels per image"):
        parse_image_zip(
            zip_bytes({"a/x.png": png_bytes(1, (300, 300)), "b/y.png": png_bytes(1)}),
            limits=UploadLimits(max_image_pixels=1000),
        )
    with pytest.raises(UploadError, match="3 files; the limit is 2"):
        parse_image_zip(
            zip_bytes({"a/1.png": png_bytes(1), "a/2.png": png_bytes(1), "b/3.png": png_bytes(1)}),
            limits=UploadLimits(max_images=2),
        )


def test_symlink_entries_are_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        info = zipfile.ZipInfo("cats/link.png")
        info.external_attr = (0o120777) << 16
        z.writestr(info, "/etc/passwd")
        z.writestr("dogs/b.png", png_bytes(1))
    with pytest.raises(UploadError, match="symbolic link"):
        parse_image_zip(buf.getvalue())


def test_the_pixels_of_a_whole_archive_are_capped() -> None:
    entries = {f"{c}/{i}.png": png_bytes(1, (100, 100)) for c in ("a", "b") for i in range(3)}
    with pytest.raises(UploadError, match="more than 50,000 pixels in all"):
        parse_image_zip(zip_bytes(entries), limits=UploadLimits(max_total_pixels=50_000))

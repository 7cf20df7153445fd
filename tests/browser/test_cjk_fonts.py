"""Chinese text has CJK faces to fall back to wherever it is drawn: the stylesheets name every font
through the two stacks of css/app.css (--font, --mono), both list CJK faces, and canvas text (the
probe's class names, Chinese in the Chinese UI) uses the same stack (js/fonts.js)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .helpers import open_app

ROOT = Path(__file__).resolve().parents[2]
CSS = sorted((ROOT / "frontend" / "css").glob("*.css"))
CJK_FACES = ("Noto Sans SC", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei")
# `font:` / `font-family:` declarations (not font-size, font-weight, ...)
FONT_DECLARATION = re.compile(r"(?<![\w-])(font|font-family)\s*:\s*([^;}]+)")
STACK = re.compile(r"--(font|mono)\s*:\s*([^;]+);")


def test_every_stylesheet_font_is_one_of_the_two_stacks() -> None:
    found = 0
    for path in CSS:
        for prop, value in FONT_DECLARATION.findall(path.read_text(encoding="utf-8")):
            found += 1
            assert re.search(r"var\(--(font|mono)\)|\binherit\b", value), f"{path.name}: {prop}: {value.strip()}"
    assert found >= 3  # the scan sees the declarations (body, code, inputs)


def test_both_stacks_list_cjk_faces_before_the_generic_family() -> None:
    stacks = dict(STACK.findall((ROOT / "frontend" / "css" / "app.css").read_text(encoding="utf-8")))
    assert set(stacks) == {"font", "mono"}
    for name, value in stacks.items():
        faces = [f.strip().strip('"') for f in value.split(",")]
        assert any(face in faces for face in CJK_FACES), f"--{name} has no CJK face: {faces}"
        assert faces[-1] in ("sans-serif", "monospace"), f"--{name} ends with a generic family: {faces}"


READ_FONTS = """async () => {
  const { canvasFont } = await import("/js/fonts.js");
  const ctx = document.createElement("canvas").getContext("2d");
  ctx.font = canvasFont(11);
  const code = document.createElement("code");
  code.className = "formula";
  document.body.append(code);
  const fonts = { body: getComputedStyle(document.body).fontFamily, code: getComputedStyle(code).fontFamily, canvas: ctx.font };
  code.remove();
  return fonts;
}"""


@pytest.mark.browser
def test_the_page_and_its_canvases_use_the_cjk_fallbacks(server, watched) -> None:
    page = watched.page
    page.add_init_script("localStorage.setItem('neuroplay.lang', 'zh')")
    open_app(page, server.url)
    fonts = page.evaluate(READ_FONTS)
    for where, family in fonts.items():
        assert "Noto Sans SC" in family and "PingFang SC" in family, (where, family)
    assert fonts["canvas"].startswith("11px"), fonts["canvas"]  # the canvas took the font (not its default)

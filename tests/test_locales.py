"""The UI's message catalogs (frontend/locales/<lang>.json): the same keys in every language, every
key the code names exists, and none is left unused."""

from __future__ import annotations

import re
from pathlib import Path

from .locale_helpers import catalog

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "frontend" / "js").rglob("*.js"))

# A key written out whole in a string ("ctl.play", 'share.copy', `boot.failed`).
LITERAL = re.compile(r"""["'`]([a-zA-Z][\w]*(?:\.[\w]+)+)["'`]""")
# A key built at run time from a namespace: `layer.${type}` or "layer." + type.
DYNAMIC = re.compile(r"""`([a-zA-Z][\w]*(?:\.[\w]+)*\.)\$\{|["']([a-zA-Z][\w]*(?:\.[\w]+)*\.)["']\s*\+""")


def code() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in SOURCES)


def test_every_language_has_the_same_keys() -> None:
    en, zh = catalog("en"), catalog("zh")
    assert sorted(set(en) - set(zh)) == [], "keys missing in zh.json"
    assert sorted(set(zh) - set(en)) == [], "keys missing in en.json"


def test_every_message_is_a_non_empty_string() -> None:
    for lang in ("en", "zh"):
        bad = [key for key, text in catalog(lang).items() if not isinstance(text, str) or not text.strip()]
        assert bad == [], f"{lang}: empty or non-string messages"


def test_the_same_placeholders_in_every_language() -> None:
    en, zh = catalog("en"), catalog("zh")
    placeholder = re.compile(r"\{(\w+)\}")
    differ = [k for k in en if set(placeholder.findall(str(en[k]))) != set(placeholder.findall(str(zh[k])))]
    assert differ == [], "placeholders differ between en and zh"


def test_every_key_is_used_and_every_used_key_exists() -> None:
    keys = set(catalog("en"))
    source = code()
    namespaces = {a or b for a, b in DYNAMIC.findall(source)}
    literal = set(LITERAL.findall(source))
    unused = sorted(k for k in keys if k not in literal and not any(k.startswith(ns) for ns in namespaces))
    assert unused == [], "keys no code uses (remove them, or use them)"
    # A literal that looks like a key of an existing namespace but is missing from the catalogs.
    roots = {k.split(".")[0] for k in keys}
    missing = sorted(k for k in literal if k.split(".")[0] in roots and k not in keys and not k.endswith("."))
    missing = [k for k in missing if not any(k.startswith(ns) for ns in namespaces)]
    assert missing == [], "keys the code names that no catalog has"


def test_the_scan_sees_real_uses() -> None:
    """The checks above would pass vacuously if the scan found nothing."""
    source = code()
    assert "ctl.play" in LITERAL.findall(source)
    assert "layer." in {a or b for a, b in DYNAMIC.findall(source)}

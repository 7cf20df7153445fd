"""Every error code the server can send (schemas/error_codes.py, the one registry) has a text in
every locale, with placeholders the code's params fill; the server raises no code outside the
registry and the registry holds no code nothing raises (tests/api/test_error_codes_api.py: real
requests get the code and params that say what is wrong)."""

from __future__ import annotations

import ast
import re
import typing
from pathlib import Path

import pytest
from pydantic_core.core_schema import ErrorType

from neuroplay.schemas.error_codes import ERROR_CODES, VALIDATION_REASONS

from .locale_helpers import catalog

BACKEND = Path(__file__).resolve().parents[1] / "backend" / "neuroplay"
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# What the client derives from the params (frontend/js/problems.js): `n` is a layer index + 1;
# an invalid field's `where` and `problem` are rendered from its location and reason.
DERIVED = {"n", "where", "problem"}
# Helpers of the errors namespace that are not codes: the location words, the counted rest, what
# diverged / what a limit counts, the unit of a rate, client-side problems (no server at all).
HELPERS = {"atLayer", "atLayerOfType", "more"}
SUB_NAMESPACES = ("reason.", "what.", "per.", "client.")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_code_and_reason_has_a_text(lang: str) -> None:
    texts = catalog(lang)
    missing = [code for code in ERROR_CODES if f"errors.{code}" not in texts]
    missing += [f"reason.{r}" for r in VALIDATION_REASONS if f"errors.reason.{r}" not in texts]
    assert missing == [], f"{lang}.json has no text for these error codes"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_texts_use_only_the_params_of_their_code(lang: str) -> None:
    texts = {k[len("errors.") :]: str(v) for k, v in catalog(lang).items() if k.startswith("errors.")}
    wrong = {}
    for key, text in texts.items():
        used = set(PLACEHOLDER.findall(text))
        if key.startswith("reason."):
            allowed = set(VALIDATION_REASONS[key[len("reason.") :]]) | {"detail"}
        elif key in ERROR_CODES:
            allowed = set(ERROR_CODES[key].params) | DERIVED
        elif key in HELPERS or key.startswith(SUB_NAMESPACES):
            continue
        else:
            wrong[key] = "not an error code"
            continue
        if used - allowed:
            wrong[key] = sorted(used - allowed)
    assert wrong == {}


def _string_args(node: ast.Call) -> list[str]:
    return [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]


def raised_codes() -> tuple[set[str], set[str]]:
    """The codes and reasons the backend's source passes to the functions that send them."""
    codes: set[str] = set()
    reasons: set[str] = set()
    senders = {"coded", "_coded", "_respond", "_refuse", "error_frame", "_error", "_problem_of", "check_params"}
    for path in BACKEND.rglob("*.py"):
        if path.name == "error_codes.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name in senders:
                codes |= {s for s in _string_args(node) if s in ERROR_CODES or re.fullmatch(r"[a-z_]+", s)}
            if name == "invalid_value" and node.args and isinstance(node.args[0], ast.Constant):
                reasons.add(str(node.args[0].value))
            for kw in node.keywords:
                if (
                    kw.arg in ("code", "problem")
                    and isinstance(kw.value, ast.Constant)
                    and isinstance(kw.value.value, str)
                ):
                    codes.add(str(kw.value.value))
            if isinstance(node.func, ast.Name) and node.func.id == "Divergence":
                codes.add("diverged")  # its default code
    # plus the validation reasons the API passes as pydantic error types
    for path in (BACKEND / "api").glob("*.py"):
        for match in re.finditer(r'"type": "(\w+)"', path.read_text(encoding="utf-8")):
            reasons.add(match.group(1))
    return codes, reasons


def test_the_server_raises_exactly_the_registered_codes() -> None:
    codes, reasons = raised_codes()
    # the senders' positional strings include the websocket protocol's kinds of error (the frame's
    # `code`: bad_json, forbidden, ...) next to the codes (its `problem`): those are not codes
    protocol_kinds = {
        "too_large",
        "bad_message",
        "forbidden",
        "rate_limited",
        "gone",
        "not_found",
        "failed",
        "conflict",
    }
    unknown = sorted(c for c in codes - protocol_kinds if c not in ERROR_CODES)
    assert unknown == [], "codes raised that schemas/error_codes.py does not register"
    # a code may also be returned for a sender to send (stream._parse, errors.deleted_problem)
    constants = {
        node.value
        for path in BACKEND.rglob("*.py")
        if path.name != "error_codes.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    unused = sorted(c for c in ERROR_CODES if c not in codes | constants)
    assert unused == [], "registered codes nothing raises"


def test_every_validation_reason_is_pydantics_or_raised_by_us() -> None:
    _, reasons = raised_codes()
    pydantic_types = set(typing.get_args(ErrorType))
    # (value_error: a message of its own, sent as "other"; model, data, session_deleted: the detail
    # types of ErrorResponse, the last one the 410's when and why)
    detail_types = {"value_error", "model", "data", "session_deleted"}
    assert reasons - detail_types <= set(VALIDATION_REASONS), "reasons raised, not registered"
    ours = set(VALIDATION_REASONS) - pydantic_types - {"other"}
    assert ours - reasons == set(), "reasons of our own that no validator raises"
    assert "greater_than_equal" in pydantic_types  # the scan of pydantic's list is not empty

"""Every error code the server can send (schemas/error_codes.py, the one registry) has a text in
every locale, with placeholders the code's params fill; the server raises no code outside the
registry and the registry holds no code nothing raises; every place that raises one passes the
params its sentence names, and no sentence embeds the server's English (tests/api/
test_error_codes_api.py and test_error_texts_api.py: real requests get the code and params that say
what is wrong)."""

from __future__ import annotations

import ast
import re
import typing
from pathlib import Path

import pytest
from pydantic_core.core_schema import ErrorType

from neuroplay.schemas.error_codes import DATABASE_CAUSES, ERROR_CODES, VALIDATION_REASONS
from neuroplay.store.failures import cause_of

from .locale_helpers import catalog

BACKEND = Path(__file__).resolve().parents[1] / "backend" / "neuroplay"
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# What the client derives from the params (frontend/js/problems.js): `n` is a layer index + 1;
# an invalid field's `where` and `problem` are rendered from its location and reason.
DERIVED = {"n", "where", "problem"}
# Helpers of the errors namespace that are not codes: the location words, the counted rest, what
# diverged / what a limit counts, the unit of a rate, why the database failed, the names of fields
# that are no setting, client-side problems (no server at all).
HELPERS = {"atLayer", "atLayerOfType", "more"}
SUB_NAMESPACES = ("reason.", "what.", "per.", "cause.", "field.", "client.")
# Params whose value is the server's (or pydantic's) English: for API users and the log, never in a
# sentence the learner reads (the Chinese UI would show English).
ENGLISH_PARAMS = {"detail", "error", "reason"}


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
            at = REASON_SENDERS.get(name)
            if at is not None and len(node.args) > at and isinstance(node.args[at], ast.Constant):
                reasons.add(str(node.args[at].value))
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
        "moved",  # many servers: the session left this node (its watchers reconnect)
        "unavailable",  # many servers: Redis does not answer
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


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_text_embeds_the_servers_english(lang: str) -> None:
    texts = {k: str(v) for k, v in catalog(lang).items() if k.startswith("errors.")}
    embedding = {k: sorted(set(PLACEHOLDER.findall(t)) & ENGLISH_PARAMS) for k, t in texts.items()}
    assert {k: v for k, v in embedding.items() if v} == {}


def test_every_database_cause_has_a_text_and_is_what_the_store_says() -> None:
    for lang in ("en", "zh"):
        texts = catalog(lang)
        assert [c for c in DATABASE_CAUSES if f"errors.cause.{c}" not in texts] == []
    assert cause_of(OSError(28, "No space left on device")) == "disk_full"
    assert cause_of(RuntimeError("database is locked")) == "locked"
    assert cause_of(RuntimeError("attempt to write a readonly database")) == "read_only"
    assert cause_of(RuntimeError("disk I/O error")) == "other"
    assert {cause_of(RuntimeError(t)) for t in ("locked", "full", "read-only", "?")} == set(DATABASE_CAUSES)


# -- every raise site passes what its sentence needs ------------------------------------------

# The functions that attach a code: (name, index of the code argument, index of a params dict
# argument or None when the params are keywords).
CODE_SENDERS = {
    "coded": (1, None),
    "_coded": (1, None),
    "_refuse": (0, None),
    "problem": (0, None),
    "_respond": (2, 3),
    "error_frame": (2, 3),
    "_error": (3, 4),
}
# The errors that carry a validation reason and its values: the reason's index (values are keywords).
REASON_SENDERS = {"invalid_value": 0, "ParamEditError": 2, "LandscapeError": 2}
# The error classes a learner can cause; each is built inside coded() (or _refuse, which codes it).
CODED_CLASSES = {
    "UploadError", "DataError", "ExportError", "SessionError", "UploadStorageFull", "ProbeOutOfRange", "HTTPException",
}  # fmt: skip


def _needed(text_key: str, allowed_derived: set[str]) -> set[str]:
    """The params the English sentence of `text_key` names (the same in every language: test_locales)."""
    text = str(catalog("en")[text_key])
    used = set(PLACEHOLDER.findall(text))
    return (used - allowed_derived - {"n"}) | ({"layer"} if "n" in used else set())


def _dict_keys(node: ast.AST | None, dicts: dict[str, set[str]]) -> set[str] | None:
    """The keys of a dict literal, or of a name assigned one in the same function; None if unknown."""
    if isinstance(node, ast.Dict) and all(isinstance(k, ast.Constant) for k in node.keys):
        return {str(k.value) for k in node.keys if isinstance(k, ast.Constant)}
    if isinstance(node, ast.Name):
        return dicts.get(node.id)
    return None


def _keywords(call: ast.Call, dicts: dict[str, set[str]]) -> set[str] | None:
    names: set[str] = set()
    for kw in call.keywords:
        if kw.arg is not None:
            names.add(kw.arg)
            continue
        spread = _dict_keys(kw.value, dicts)  # **at, **params
        if spread is None:
            return None
        names |= spread
    return names


def _functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            dicts: dict[str, set[str]] = {}
            for sub in ast.walk(node):
                if isinstance(sub, ast.Assign) and len(sub.targets) == 1 and isinstance(sub.targets[0], ast.Name):
                    keys = _dict_keys(sub.value, {})
                    if keys is not None:
                        dicts[sub.targets[0].id] = dicts.get(sub.targets[0].id, set()) | keys
            yield node, dicts


def raise_sites() -> list[tuple[str, str, str, set[str] | None]]:
    """(where, "code" or "reason", its name, the params passed or None when built elsewhere) for
    every call that sends a constant code or reason."""
    sites = []
    for path in BACKEND.rglob("*.py"):
        if path.name == "error_codes.py":
            continue
        for function, dicts in _functions(ast.parse(path.read_text(encoding="utf-8"))):
            for call in ast.walk(function):
                if not isinstance(call, ast.Call):
                    continue
                name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")
                where = f"{path.relative_to(BACKEND)}:{call.lineno}"
                if name in CODE_SENDERS:
                    at, params_at = CODE_SENDERS[name]
                    arg = call.args[at] if len(call.args) > at else None
                    if isinstance(arg, ast.Constant) and arg.value in ERROR_CODES:
                        if params_at is None:
                            passed = _keywords(call, dicts)
                        else:
                            passed = _dict_keys(call.args[params_at], dicts) if len(call.args) > params_at else set()
                        sites.append((where, "code", str(arg.value), passed))
                if name in REASON_SENDERS:
                    at = REASON_SENDERS[name]
                    arg = call.args[at] if len(call.args) > at else None
                    if isinstance(arg, ast.Constant):
                        sites.append((where, "reason", str(arg.value), _keywords(call, dicts)))
    return sites


# Sites whose params are made by a helper the scan cannot follow (each one checked by a test of its own).
FORWARDED = {
    ("api/stream.py", "rate_limited"),  # too_many_params(): tests/api/test_rate_limits.py
    ("api/errors.py", "invalid"),  # validation_params(): tests/api/test_error_codes_api.py
    ("api/stream.py", "invalid"),
}


def test_every_raise_site_passes_the_params_its_sentence_names() -> None:
    sites = raise_sites()
    assert len(sites) > 80, "the scan finds the raise sites"
    wrong, unknown = {}, []
    for where, kind, name, passed in sites:
        if kind == "reason":
            assert name in VALIDATION_REASONS, f"{where}: reason {name!r} is not registered"
            needed = _needed(f"errors.reason.{name}", set())
        else:
            needed = _needed(f"errors.{name}", {"where", "problem"})
        if passed is None:
            unknown.append((where.split(":")[0], name))
            continue
        if needed - passed:
            wrong[where] = (name, sorted(needed - passed))
    assert wrong == {}, "raise sites that do not pass every param their sentence names"
    assert sorted(set(unknown) - FORWARDED) == [], "raise sites whose params the scan cannot see"


def test_every_error_a_learner_can_cause_is_built_with_its_code() -> None:
    """An UploadError, ExportError, SessionError... made outside coded() would reach the browser
    with a fallback code whose sentence cannot say what is wrong."""
    bare = []
    for path in BACKEND.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        firsts = [
            call.args[0]
            for call in ast.walk(tree)
            if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "coded" and call.args
        ]
        coded_args = {id(arg) for arg in firsts}
        names = {arg.id for arg in firsts if isinstance(arg, ast.Name)}  # error = SessionError(...); coded(error, ...)
        coded_args |= {
            id(node.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] in ([n] for n in names)
        }
        for call in ast.walk(tree):
            if (
                isinstance(call, ast.Call)
                and getattr(call.func, "id", None) in CODED_CLASSES
                and id(call) not in coded_args
            ):
                bare.append(f"{path.relative_to(BACKEND)}:{call.lineno} {call.func.id}")  # type: ignore[attr-defined]
    assert bare == []

"""Every error code the server can send, with the parameters that come with it: the one registry.

An error answer (HTTP ErrorResponse, websocket `error` frame, a session's divergence) carries a
`code` from ERROR_CODES and `params` naming its values, next to the English `message` for API users.
The browser renders `errors.<code>` from its locale with the params (frontend/js/problems.js), so a
learner reads it in the chosen language; a code it has no text for falls back to the message.
tests/test_error_codes.py checks that both locales have a text for every code and every validation
reason, that their placeholders are parameters of the code, and that the code raises only these.

Parameter values are plain: numbers, strings, lists of numbers (shapes). Where a parameter names a
catalog entry (`type`: a layer type, `dataset`, `activation`, `task`, `field`: a setting), the
client shows that entry's label in the chosen language, so the server never sends translated text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic_core import PydanticCustomError


@dataclass(frozen=True)
class ErrorCodeDef:
    params: tuple[str, ...]  # every parameter the code's params hold (a value may be null)
    meaning: str  # when the server sends it


def _codes(**codes: tuple[tuple[str, ...], str]) -> dict[str, ErrorCodeDef]:
    return {name: ErrorCodeDef(params, meaning) for name, (params, meaning) in codes.items()}


LAYER = ("layer", "type")  # a layer's index in the spec and its type tag

ERROR_CODES: dict[str, ErrorCodeDef] = _codes(
    # -- the request itself
    invalid=(
        ("where", "field", *LAYER, "reason", "detail", "more"),
        "A field of the request is invalid: `reason` is a VALIDATION_REASONS key (its values are in params "
        "too), `where` the field's path, `more` how many further errors detail lists.",
    ),
    json_too_deep=(("depth", "limit"), "The JSON body is nested deeper than the server reads."),
    body_too_large=(("limit",), "The JSON body is larger than the server reads."),
    http_error=(("status", "detail"), "Another HTTP error (an unknown route or method)."),
    # -- sessions, owners, lessons
    owner_token_missing=((), "A change without the owner token."),
    not_owner=((), "A change with a token that does not own the session."),
    session_not_found=(("id",), "No session has this id."),
    session_deleted=(("id", "date", "reason"), "The session was deleted (410); `reason` is the store's."),
    session_deleted_unused=(("id", "date", "days"), "The retention policy deleted the session (410)."),
    session_unrestorable=(("id", "detail"), "The session is saved but this version cannot restore it."),
    lesson_not_found=(("id",), "No lesson has this id."),
    # -- limits
    rate_limited=(
        ("what", "count", "per", "seconds"),
        "Too many requests of a kind (`what`: sessions, uploads, websocket_messages) from one address: "
        "at most `count` a `per` (minute or second); try again in `seconds`.",
    ),
    too_many_websockets=(("limit",), "Too many websockets open from one address."),
    training_full=(("limit",), "The server trains as many sessions at once as it may."),
    training_not_started=(("detail",), "Training could not start (e.g. the server is shutting down)."),
    # -- the network and how it fits the data
    model_invalid=(("detail",), "The spec as a whole cannot be built (input shape, initialiser)."),
    model_input_mismatch=(("input_shape", "dataset", "data_shape"), "input_shape is not the data's."),
    model_output_mismatch=(
        (*LAYER, "shape", "dataset", "task", "needed"),
        "The last layer's output shape is not what the data's targets need.",
    ),
    model_bce_needs_sigmoid=((*LAYER, "activation"), "binary_cross_entropy with a non-sigmoid output."),
    model_logits_need_linear=((*LAYER, "activation"), "binary_cross_entropy_with_logits with an activation."),
    model_ce_needs_softmax=((*LAYER, "dataset", "task"), "cross_entropy without a softmax per class."),
    model_too_many_params_at=((*LAYER, "count", "limit"), "This layer takes the network past the limit."),
    model_too_many_params=(("count", "limit"), "The network has more parameters than the limit."),
    model_memory_training=(
        (*LAYER, "batch", "need", "budget"),
        "One training batch needs more activation memory (`need`, text like '300 MB') than the budget (MB).",
    ),
    model_memory_scoring=(
        (*LAYER, "chunk", "need", "budget"),
        "Scoring the loss curve needs more activation memory than the budget (MB).",
    ),
    layer_needs_image=((*LAYER, "shape"), "An image layer gets an input that is not (channels, h, w)."),
    layer_needs_flat=((*LAYER, "shape"), "A dense layer gets an image: flatten first."),
    layer_needs_sequence=((*LAYER, "shape"), "A recurrent layer gets an input that is not (time, features)."),
    layer_window_too_large=(
        (*LAYER, "field", "size", "height", "width", "largest"),
        "A kernel or pool window larger than the image it slides over.",
    ),
    layer_conv_softmax=(LAYER, "softmax on a convolution."),
    layer_batch_norm_shape=((*LAYER, "shape"), "batch_norm on an input that is neither features nor maps."),
    layer_invalid=((*LAYER, "detail"), "Another problem of one layer (the engine's English `detail`)."),
    # -- data
    dataset_unknown=(("name", "known"), "No dataset has this name."),
    dataset_point_label=(("point", "label"), "A drawn point of a 2-class set has another label."),
    dataset_all_removed=((), "Every training point was removed."),
    dataset_upload_unnamed=((), "dataset name 'upload' without an upload reference."),
    dataset_uploads_unavailable=((), "This server cannot read uploaded files here."),
    dataset_upload_gone=(("file",), "The uploaded file is no longer on the server."),
    dataset_unknown_features=(("features", "known"), "Unknown 2-D input features."),
    upload_too_large=(("size", "limit"), "The uploaded file is larger than the limit (bytes)."),
    upload_invalid=(("detail",), "The uploaded file cannot be read (`detail` says where, in English)."),
    upload_storage_full=(("detail",), "The server's room for uploaded files is in use."),
    augment_needs_images=(("dataset", "kind"), "An augmentation preview of data that is not images."),
    sample_out_of_range=(("index", "last"), "A training sample index past the last one."),
    # -- commands
    unknown_action=(("action",), "A command action the server does not know."),
    probe_needed=((), "A step on the probe without naming the probe sample."),
    probe_out_of_range=(("split", "size", "index"), "The probe index is not a sample of the split."),
    export_unsupported=(("detail",), "The network has a part with no PyTorch equivalent."),
    diverged=(
        ("step", "what", *LAYER),
        "Training diverged: `what` (loss, outputs, gradients, gradient_norm) of layer `layer` went NaN/Inf.",
    ),
    # -- the websocket
    message_too_large=(("size", "limit"), "A websocket message longer than the limit (characters)."),
    bad_json=(("detail",), "A websocket message that is not JSON."),
    binary_not_understood=((), "A binary websocket frame from the client."),
    token_not_owner=((), "auth with a token that does not own the session."),
    owner_only=((), "A command over the websocket before auth."),
    command_failed=(("detail",), "A command failed unexpectedly (a bug; the connection stays open)."),
    # -- the server
    database_unavailable=(("reason",), "The database could not be written; nothing was changed."),
    internal=(("kind", "detail"), "A bug in the server (the log has the traceback)."),
)

# Pydantic's error types that our request models can produce, and the context values each brings
# (pydantic's own `ctx` names), plus the custom types our validators raise with `invalid_value`.
# Any other type is sent as reason "other" with pydantic's English message in `detail`.
VALIDATION_REASONS: dict[str, tuple[str, ...]] = {
    "missing": (),
    "extra_forbidden": (),
    "greater_than": ("gt",),
    "greater_than_equal": ("ge",),
    "less_than": ("lt",),
    "less_than_equal": ("le",),
    "multiple_of": ("multiple_of",),
    "literal_error": ("expected",),
    "enum": ("expected",),
    "int_parsing": (),
    "int_from_float": (),
    "int_type": (),
    "float_parsing": (),
    "float_type": (),
    "finite_number": (),
    "bool_parsing": (),
    "bool_type": (),
    "string_type": (),
    "list_type": (),
    "dict_type": (),
    "model_type": (),
    "model_attributes_type": (),
    "too_short": ("min_length", "actual_length"),
    "too_long": ("max_length", "actual_length"),
    "string_too_short": ("min_length",),
    "string_too_long": ("max_length",),
    "union_tag_invalid": ("tag", "expected_tags"),
    "union_tag_not_found": ("discriminator",),
    "json_invalid": ("error",),
    "other": (),  # anything else: `detail` holds pydantic's English message
    # our validators' own (schemas/dataset.py, params.py, session.py; api/*.py)
    "lesson_alone": (),
    "probe_needed": (),
    "epoch_on_probe": (),
    "upload_reference": (),
    "point_off_plane": ("point", "x1", "x2", "plane"),
    "feature_twice": (),
    "edit_index_alone": (),
    "edit_index_needs_value": (),
    "edit_value_needs_index": (),
    "edit_frozen_or_mask": (),
    "edit_nothing": (),
    "probe_out_of_range": ("split", "size", "index"),
}

# An invalid field's params hold its reason's values too.
_REASON_PARAMS = tuple(sorted({name for names in VALIDATION_REASONS.values() for name in names}))
ERROR_CODES["invalid"] = ErrorCodeDef(ERROR_CODES["invalid"].params + _REASON_PARAMS, ERROR_CODES["invalid"].meaning)

# The wire formats accept exactly these (like the view names: no second copy anywhere).
if TYPE_CHECKING:
    ErrorCode = str
else:
    ErrorCode = Literal[tuple(ERROR_CODES)]

ParamValue = str | int | float | bool | list[int] | list[str] | None

E = TypeVar("E", bound=BaseException)


def check_params(code: str, params: dict[str, Any]) -> None:
    """A registered code with exactly its parameters (a bug here fails the tests, not the user)."""
    definition = ERROR_CODES.get(code)
    if definition is None:
        raise KeyError(f"error code {code!r} is not in ERROR_CODES")
    unknown = sorted(set(params) - set(definition.params))
    if unknown:
        raise KeyError(f"error code {code!r} has no params {unknown} (it has {list(definition.params)})")


def coded(exc: E, code: str, **params: Any) -> E:
    """`exc` with `code` and `params` attached: the error handlers send them with its message."""
    check_params(code, params)
    exc.code = code  # type: ignore[attr-defined]  # read back with code_of()
    exc.params = params  # type: ignore[attr-defined]
    return exc


def code_of(exc: BaseException) -> tuple[str, dict[str, Any]] | None:
    """The code and params coded() attached, if any."""
    code = getattr(exc, "code", None)
    return (code, dict(getattr(exc, "params", {}))) if isinstance(code, str) and code in ERROR_CODES else None


def invalid_value(reason: str, message: str, **ctx: Any) -> PydanticCustomError:
    """A validator's error with its own reason (a VALIDATION_REASONS key) and values, so the client
    can say it in the learner's language; `message` ({name} placeholders from ctx) is the English."""
    if reason not in VALIDATION_REASONS:
        raise KeyError(f"validation reason {reason!r} is not in VALIDATION_REASONS")
    return PydanticCustomError(reason, message, ctx or None)

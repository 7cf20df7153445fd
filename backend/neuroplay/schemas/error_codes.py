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
    http_error=(("status", "detail"), "Another HTTP error (an unknown route or method; `detail` is Starlette's)."),
    # -- sessions, owners, lessons
    owner_token_missing=((), "A change without the owner token."),
    not_owner=((), "A change with a token that does not own the session."),
    session_not_found=(("id",), "No session has this id."),
    session_deleted=(
        ("id", "date", "reason"),
        "The session was deleted (410) for a reason the server has no code for (`reason`, the store's English).",
    ),
    session_deleted_unused=(("id", "date", "days"), "The retention policy deleted the session (410)."),
    session_unrestorable=(
        ("id", "kind"),
        "The session is saved but this version cannot restore it (`kind`: the exception's class).",
    ),
    lesson_not_found=(("id",), "No lesson has this id."),
    # -- limits
    rate_limited=(
        ("what", "count", "per", "seconds"),
        "Too many requests of a kind (`what`: sessions, uploads, websocket_messages) from one address: "
        "at most `count` a `per` (minute or second); try again in `seconds`.",
    ),
    too_many_websockets=(("limit",), "Too many websockets open from one address."),
    training_full=(("limit",), "The server trains as many sessions at once as it may."),
    server_shutting_down=((), "Training could not start or go on: the server is shutting down."),
    training_not_started=(("kind",), "Training could not start or go on for another reason (a bug: `kind`)."),
    # -- the network and how it fits the data
    model_invalid=(("input_shape",), "The spec as a whole cannot be built (input shape, initialiser)."),
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
    layer_invalid=(
        (*LAYER, "shape"),
        "Another problem of one layer with the input `shape` it gets (the message has the engine's words).",
    ),
    # -- data
    dataset_unknown=(("name", "known"), "No dataset has this name."),
    dataset_point_label=(("point", "label"), "A drawn point of a 2-class set has another label."),
    dataset_all_removed=((), "Every training point was removed."),
    dataset_upload_unnamed=((), "dataset name 'upload' without an upload reference."),
    dataset_uploads_unavailable=((), "This server cannot read uploaded files here."),
    dataset_upload_gone=(("file",), "The uploaded file is no longer on the server."),
    dataset_unknown_features=(("features", "known"), "Unknown 2-D input features."),
    upload_too_large=(("size", "limit"), "The uploaded file is larger than the limit (bytes)."),
    upload_over_limit=(("limit",), "The upload grew past the limit (bytes) while it was read (no declared size)."),
    upload_empty=((), "The uploaded file is empty."),
    upload_one_class=(("column", "label"), "The CSV's label column holds one class only."),
    upload_too_many_classes=(("column", "count", "limit"), "The CSV's label column holds too many classes."),
    upload_not_utf8=(("position",), "The CSV is not UTF-8 text (`position`: the first bad byte)."),
    upload_no_header=((), "The CSV has no header row."),
    upload_csv_unreadable=(("row",), "The csv module cannot read a row (a NUL byte, an unclosed quote)."),
    upload_too_many_columns=(("count", "limit"), "The CSV has more columns than the limit."),
    upload_no_label_column=(("column", "columns"), "No column of the CSV has the label column's name."),
    upload_duplicate_columns=((), "Two columns of the CSV have the same name."),
    upload_no_features=((), "The CSV has the label column only."),
    upload_row_cells=(("row", "count", "expected"), "A row has another number of cells than the header."),
    upload_too_many_rows=(("limit",), "The CSV has more rows than the limit."),
    upload_not_a_number=(("row", "column", "cell"), "A feature cell is not a number."),
    upload_not_finite=(("row", "column", "cell"), "A feature cell is NaN or infinite."),
    upload_label_empty=(("row", "column"), "A row's label is empty."),
    upload_no_rows=((), "The CSV has a header and no data rows."),
    upload_image_side=(("side", "largest"), "The image size asked for is outside 4..largest."),
    upload_color=(("color",), "The colour asked for is neither grayscale nor rgb."),
    upload_not_zip=((), "The file is not a zip archive."),
    upload_entry_outside=(("entry",), "An archive entry's path points outside the archive."),
    upload_entry_link=(("entry",), "An archive entry is a symbolic link."),
    upload_no_images=((), "The archive holds no images."),
    upload_too_many_files=(("count", "limit"), "The archive holds more files than the limit."),
    upload_unpacks_too_large=(("limit",), "The archive unpacks to more bytes than the limit."),
    upload_entry_no_class=(("entry",), "An image that is not inside a class folder."),
    upload_entry_format=(("entry", "format"), "An image in another format than PNG or JPEG."),
    upload_image_too_large=(("entry", "width", "height", "limit"), "An image of more pixels than the limit."),
    upload_total_pixels=(("entry", "limit"), "The images up to `entry` hold more pixels than the limit in all."),
    upload_entry_unreadable=(("entry",), "An archive entry that PNG or JPEG decoding cannot read."),
    upload_zip_one_class=(("label",), "The archive's images are of one class (folder) only."),
    upload_zip_too_many_classes=(("count", "limit"), "The archive has more class folders than the limit."),
    upload_invalid=((), "The uploaded file cannot be used (a problem with no code of its own: a bug)."),
    upload_storage_full=(("limit",), "The server's room for uploaded files (`limit` MB) is in use."),
    augment_needs_images=(("dataset", "kind"), "An augmentation preview of data that is not images."),
    sample_out_of_range=(("index", "last"), "A training sample index past the last one."),
    # -- commands
    unknown_action=(("action",), "A command action the server does not know."),
    probe_needed=((), "A step on the probe without naming the probe sample."),
    probe_out_of_range=(("split", "size", "index"), "The probe index is not a sample of the split."),
    export_activation=((*LAYER, "activation"), "A layer's activation has no PyTorch equivalent."),
    export_layer_type=(LAYER, "A layer type the PyTorch export does not know."),
    export_pool_shape=(LAYER, "A pooling layer's output is not what PyTorch's pooling gives."),
    export_unsupported=((), "The network has another part with no PyTorch equivalent (a bug)."),
    diverged=(
        ("step", "what", *LAYER),
        "Training diverged: `what` (loss, outputs, gradients, gradient_norm) of layer `layer` went NaN/Inf.",
    ),
    # -- the websocket
    message_too_large=(("size", "limit"), "A websocket message longer than the limit (characters)."),
    bad_json=(("line", "column"), "A websocket message that is not JSON (where the parser stopped)."),
    binary_not_understood=((), "A binary websocket frame from the client."),
    token_not_owner=((), "auth with a token that does not own the session."),
    owner_only=((), "A command over the websocket before auth."),
    command_failed=(("kind",), "A command failed unexpectedly (a bug: `kind`; the connection stays open)."),
    # -- the server
    database_unavailable=(
        ("cause", "kind"),
        "The database could not be written; nothing was changed. `cause` is a DATABASE_CAUSES key "
        "(`kind` the exception's class, for cause other).",
    ),
    internal=(("kind", "detail"), "A bug in the server (the log has the traceback; `detail` is English)."),
    # -- what paused a session (SessionState.error), besides the limits above
    engine_failed=(("step", "kind"), "The engine raised at `step` (a bug: `kind`); the run paused there."),
    engine_not_started=(("kind",), "The engine process could not start the job (a bug: `kind`)."),
    engine_gone=(("exit_code", "step"), "The engine process died; the session went back to its last save."),
    report_failed=(("kind",), "The engine's last report could not be handled (a bug: `kind`)."),
    save_failed=(("cause", "kind"), "The session cannot be saved (`cause` as for database_unavailable)."),
    paused_by_error=((), "A session saved by an older version with an error that has no code."),
    # -- many servers (issue 15)
    session_moving=((), "The session moved to another server while the request was on its way; try again."),
    node_unreachable=(("seconds",), "The server that trains the session did not answer within `seconds`."),
    cluster_unavailable=((), "The servers' shared live store (Redis) does not answer; nothing was changed."),
)

# Why a database write failed (store/failures.py), shown by the client as errors.cause.<key>.
DATABASE_CAUSES = ("locked", "disk_full", "read_only", "other")

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
    "json_type": (),
    "string_pattern_mismatch": (),
    "string_unicode": (),
    "tuple_type": (),
    "set_type": (),
    "iterable_type": (),
    "none_required": (),
    "int_parsing_size": (),
    "other": (),  # anything else: `detail` holds pydantic's English message; the client names the field
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
    # a parameter entry the network does not have (landscape axes, hand edits of parameters)
    "no_such_layer": ("index", "count"),
    "no_such_param": ("entry", "has"),
    "layer_without_params": ("entry",),
    "no_such_entry": ("entry", "index", "shape"),
    "entry_syntax": (),
    "same_entry": (),
    # hand edits of parameters (sessions/param_edits.py)
    "not_nested": ("shape",),
    "wrong_shape": ("got", "shape"),
    "not_finite_at": ("index",),
    "float32_overflow": (),
    # the loss landscape (sessions/landscape.py, api/landscape.py)
    "must_be_odd": (),
    "no_trainable_params": (),
    "entries_needed": ("examples",),
    "landscape_too_much_work": ("size", "samples", "count", "largest"),
    "landscape_too_much_work_any": ("size", "samples", "count"),
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

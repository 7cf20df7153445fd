"""Messages on WS /api/sessions/{id}/stream (see docs/protocol.md).

Text frames carry one JSON object with a `type`. Binary frames carry one tensor: a 4-byte
little-endian header length, that many bytes of UTF-8 JSON (TensorHeader), space padding to a multiple
of 4 bytes (so the data is aligned for a Float32Array view), then the raw little-endian float32 data in C order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field

from ..views import RECORD_NAMES, VIEW_NAMES
from .base import WireModel
from .error_codes import ErrorCode, ParamValue
from .inspect import ProbeRef
from .session import CommandRequest, MetricPoint, SessionState, SessionStatus

# Both lists come from the view registry (backend/neuroplay/views/): no second copy anywhere.
if TYPE_CHECKING:
    ViewName = str
    RecordName = str
else:
    ViewName = Literal[VIEW_NAMES]
    RecordName = Literal[RECORD_NAMES]


# ---- client -> server ----
class SubscribeMessage(WireModel):
    """Which views are open; the server computes only those. Sent again whenever they change.

    The first subscribe of a connection also starts its metric stream. The server answers it with the
    whole `history`, or, when a reconnecting client names the `generation` it has and that is still the
    session's and the server still has the point at `since_step`, with one `metrics` message holding
    only the points after `since_step`: the stream resumes with no gap and no duplicate. Later
    subscribes change the views only.
    """

    type: Literal["subscribe"] = "subscribe"
    views: list[ViewName] = Field(default_factory=list)
    probe: ProbeRef | None = Field(
        None, description="The sample the probe views show; left out: the first validation sample (else training)."
    )
    since_step: int | None = Field(None, ge=0, description="Reconnecting: the step of the last point the client has.")
    generation: int | None = Field(None, ge=0, description="Reconnecting: the generation of those points.")


class AuthMessage(WireModel):
    """Makes this connection the owner's, so its commands act."""

    type: Literal["auth"] = "auth"
    token: str = Field(max_length=200)


class CommandMessage(CommandRequest):
    type: Literal["command"] = "command"


class PingMessage(WireModel):
    type: Literal["ping"] = "ping"


ClientMessage = Annotated[SubscribeMessage | AuthMessage | CommandMessage | PingMessage, Field(discriminator="type")]


# ---- server -> client ----
class HelloMessage(WireModel):
    type: Literal["hello"] = "hello"
    session_id: str
    role: Literal["owner", "viewer"]


class StateMessage(WireModel):
    """Sent on connect and whenever settings, status or shapes change."""

    type: Literal["state"] = "state"
    state: SessionState


class HistoryMessage(WireModel):
    """The whole metric history; replaces what the client has (in answer to the first subscribe,
    after a reset or rebuild, and to a watcher that fell too far behind)."""

    type: Literal["history"] = "history"
    generation: int
    points: list[MetricPoint]


class MetricsMessage(WireModel):
    """Every metric point since the previous frame, the counters now, and the training loss of the
    batches since the previous frame."""

    type: Literal["metrics"] = "metrics"
    generation: int
    status: SessionStatus
    step: int
    epoch: int
    points: list[MetricPoint]
    batch_losses: list[tuple[int, float]] = Field(
        default_factory=list,
        description=(
            "[step, loss] of every training batch since the previous frame, in step order. Above 256 a "
            "frame they are thinned: the steps are cut into at most 256 equal stretches and each keeps "
            "its last batch (a real step's real loss)."
        ),
    )


class ErrorMessage(WireModel):
    type: Literal["error"] = "error"
    code: str = Field(description="The kind of error: bad_json, bad_message, forbidden, ... (docs/protocol.md).")
    message: str = Field(description="What is wrong, in English.")
    problem: ErrorCode = Field(description="Exactly what is wrong: an error code (schemas/error_codes.py).")
    params: dict[str, ParamValue] = Field(default_factory=dict, description="The values the message names.")


class PongMessage(WireModel):
    type: Literal["pong"] = "pong"


class AckMessage(WireModel):
    """A command sent over the websocket was carried out."""

    type: Literal["ack"] = "ack"
    action: str
    status: SessionStatus
    step: int
    epoch: int


ServerMessage = Annotated[
    HelloMessage | StateMessage | HistoryMessage | MetricsMessage | ErrorMessage | PongMessage | AckMessage,
    Field(discriminator="type"),
]


class TensorHeader(WireModel):
    """The JSON header of one binary tensor record (the records are listed in docs/protocol.md and,
    with their shapes, in the catalog's `views`).

    `name` is the record, `view` the view it belongs to (one view emits several records), `layer` the
    layer's index for per-layer records. The optional fields are set only by the records that need
    them: `param` (weights, biases, weight/grad percentiles), `first_step`/`stride` (thinned series of
    grad_norms), `percentiles` (the histograms view), `edges` and `non_finite` (bin counts), `probe`
    (records of the probe sample).
    """

    name: RecordName
    view: ViewName
    layer: int | None
    shape: list[int]
    dtype: Literal["float32"] = "float32"
    step: int = Field(description="The training step the data belongs to (the last one for a series).")
    generation: int
    param: str | None = Field(None, description="The parameter's name as in the weights download: W, b, W_h, gamma.")
    first_step: int | None = Field(
        None, description="Series: value j covers steps first_step + j*stride to first_step + (j+1)*stride - 1."
    )
    stride: int | None = Field(None, ge=1, description="Series: steps per value (1: every step, unthinned).")
    percentiles: list[float] | None = Field(None, description="Percentile records: which percentile each value is.")
    edges: list[float] | None = Field(None, description="Bin counts: the shape[0] + 1 bin edges (finite range).")
    non_finite: int | None = Field(None, ge=0, description="Bin counts or percentiles: NaN/Inf values left out.")
    probe: ProbeRef | None = Field(None, description="Records of the probe sample: which sample it is.")

"""Messages on WS /api/sessions/{id}/stream (see docs/protocol.md).

Text frames carry one JSON object with a `type`. Binary frames carry one tensor: a 4-byte
little-endian header length, that many bytes of UTF-8 JSON (TensorHeader), space padding to a multiple
of 4 bytes (so the data is aligned for a Float32Array view), then the raw little-endian float32 data in C order.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .base import WireModel
from .session import CommandRequest, MetricPoint, SessionState, SessionStatus

ViewName = Literal["boundary", "neurons", "weights"]


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
    """Every metric point since the previous frame, and the counters now."""

    type: Literal["metrics"] = "metrics"
    generation: int
    status: SessionStatus
    step: int
    epoch: int
    points: list[MetricPoint]


class ErrorMessage(WireModel):
    type: Literal["error"] = "error"
    code: str = Field(description="Machine-readable: bad_json, bad_message, forbidden, ...")
    message: str


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
    """The JSON header of a binary tensor frame.

    name: "boundary" (output over the grid, shape (size, size)), "neurons" (every unit of `layer`
    over the grid, (units, size, size)), "weights" ((in, out)) or "biases" ((out,)).
    """

    name: Literal["boundary", "neurons", "weights", "biases"]
    layer: int | None
    shape: list[int]
    dtype: Literal["float32"] = "float32"
    step: int
    generation: int

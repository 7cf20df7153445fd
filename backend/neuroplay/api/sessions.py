"""/api/sessions: create, read, change and command training sessions."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from ..data import DATASETS
from ..schemas.dataset import DatasetSpec
from ..schemas.errors import ErrorResponse
from ..schemas.model import NetworkSpec
from ..schemas.session import (
    CommandRequest,
    CommandResponse,
    CreateSessionRequest,
    CreateSessionResponse,
    DataSplit,
    SessionData,
    SessionPatch,
    SessionView,
)
from ..schemas.training import TrainingConfig
from ..sessions.build import Specs
from ..sessions.defaults import default_model
from ..sessions.session import Session
from .deps import manager_of, require_owner

router = APIRouter(prefix="/api/sessions", responses={422: {"model": ErrorResponse}})


def view_of(session: Session) -> SessionView:
    return SessionView(**session.state().model_dump(), history=list(session.history.points))


@router.post("", status_code=201, response_model=CreateSessionResponse)
def create_session(body: CreateSessionRequest, request: Request) -> CreateSessionResponse:
    model = body.model or default_model(DATASETS[body.dataset.name])
    session, token = manager_of(request).create(Specs(model, body.dataset, body.training))
    return CreateSessionResponse(
        id=session.id, owner_token=token, share_url=str(request.base_url) + f"s/{session.id}"
    )


@router.get("/{session_id}", response_model=SessionView, responses={404: {"model": ErrorResponse}})
def read_session(session_id: str, request: Request) -> SessionView:
    return view_of(manager_of(request).get(session_id))


@router.get("/{session_id}/data", response_model=SessionData, responses={404: {"model": ErrorResponse}})
def read_data(session_id: str, request: Request) -> SessionData:
    data = manager_of(request).get(session_id).data
    return SessionData(
        train=DataSplit(x=data.x_train.tolist(), y=data.y_train.ravel().tolist()),
        validation=DataSplit(x=data.x_val.tolist(), y=data.y_val.ravel().tolist()),
    )


def _merge(name: str, model: type[BaseModel], current: BaseModel, patch: BaseModel | None, clear=()) -> Any:
    """The current settings with the patch's non-null fields (and `clear`ed ones) laid over them."""
    if patch is None and not clear:
        return current
    changes = patch.model_dump(exclude_none=True) if patch is not None else {}
    changes.update({field: None for field in clear})
    try:
        return model.model_validate({**current.model_dump(), **changes})
    except ValidationError as exc:
        errors = [{**e, "loc": ("body", name, *e["loc"])} for e in exc.errors()]
        raise RequestValidationError(errors) from None


@router.patch("/{session_id}", response_model=SessionView, responses={404: {"model": ErrorResponse}})
def change_session(session_id: str, body: SessionPatch, request: Request) -> SessionView:
    session = manager_of(request).get(session_id)
    require_owner(request, session)
    old = session.specs
    model = _merge("model", NetworkSpec, old.model, body.model)
    dataset = _merge("dataset", DatasetSpec, old.dataset, body.dataset)
    training = _merge("training", TrainingConfig, old.training, body.training, body.clear)
    session.change(Specs(model, dataset, training), rebuild_data=dataset != old.dataset, rebuild_model=model != old.model)
    return view_of(session)


@router.post("/{session_id}/commands", response_model=CommandResponse, responses={404: {"model": ErrorResponse}})
def command(session_id: str, body: CommandRequest, request: Request) -> CommandResponse:
    session = manager_of(request).get(session_id)
    require_owner(request, session)
    session.command(body.action, body.unit)
    return CommandResponse(status=session.status, step=session.step, epoch=session.epoch)

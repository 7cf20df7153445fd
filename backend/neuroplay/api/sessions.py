"""/api/sessions: create, read, change and command training sessions."""

from __future__ import annotations

from typing import Any

import numpy as np
from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from ..data import DATASETS
from ..data.features import FEATURES, derive
from ..schemas.dataset import DatasetSpec
from ..schemas.errors import ErrorResponse
from ..schemas.lesson import CreateLessonResponse, Lesson, LessonRunSession
from ..schemas.model import NetworkSpec
from ..schemas.session import (
    CommandRequest,
    CommandResponse,
    CreateSessionRequest,
    CreateSessionResponse,
    DataSplit,
    FeatureMap,
    FeatureMaps,
    SessionData,
    SessionPatch,
    SessionView,
)
from ..schemas.training import TrainingConfig
from ..sessions.build import Specs
from ..sessions.cluster_holding import HeldElsewhere
from ..sessions.defaults import default_model
from ..sessions.follow_data import follow_data
from ..sessions.memory import check_activation_memory, configured_budget_mb
from ..sessions.probe import ProbeIndexError
from ..sessions.session import Session
from ..sessions.telemetry import grid_points, grid_spec
from .deps import manager_of, require_owner
from .errors import probe_index_problem
from .lessons import lesson_named

router = APIRouter(prefix="/api/sessions", responses={422: {"model": ErrorResponse}})


def view_of(session: Session) -> SessionView:
    return SessionView(**session.state().model_dump(), history=list(session.history.points))


@router.post(
    "",
    status_code=201,
    response_model=CreateLessonResponse | CreateSessionResponse,
    responses={404: {"model": ErrorResponse}},
)
def create_session(body: CreateSessionRequest, request: Request) -> CreateSessionResponse:
    """A plain body creates one session; {"lesson": id} creates the lesson's run(s)."""
    if body.lesson is not None:
        return create_lesson_sessions(lesson_named(request, body.lesson), request)
    model = body.model or default_model(DATASETS[body.dataset.name], body.dataset)
    session, token = manager_of(request).create(Specs(model, body.dataset, body.training))
    return CreateSessionResponse(id=session.id, owner_token=token, share_url=str(request.base_url) + f"s/{session.id}")


def create_lesson_sessions(lesson: Lesson, request: Request) -> CreateLessonResponse:
    created = []
    for run in lesson.runs:
        plain = create_session(run.session, request)
        created.append(LessonRunSession(**plain.model_dump(), run=run.name, label=run.label))
    return CreateLessonResponse(
        **created[0].model_dump(include={"id", "owner_token", "share_url"}), lesson=lesson.id, sessions=created
    )


@router.get("/{session_id}", response_model=SessionView, responses={404: {"model": ErrorResponse}})
def read_session(
    session_id: str,
    request: Request,
    history: bool = Query(True, description="false: leave the metric history out (a list of sessions needs none)."),
) -> SessionView:
    view = view_of(manager_of(request).get(session_id))
    return view if history else view.model_copy(update={"history": []})


def _split(x: np.ndarray, y: np.ndarray, limit: int) -> DataSplit:
    return DataSplit(
        x=x[:limit].reshape(min(limit, len(x)), -1).tolist(),
        y=y[:limit].reshape(min(limit, len(y)), -1).tolist(),
        total=len(x),
    )


@router.get("/{session_id}/data", response_model=SessionData, responses={404: {"model": ErrorResponse}})
def read_data(session_id: str, request: Request, limit: int = Query(64, ge=1, le=1000)) -> SessionData:
    """2-D sets: every point (limit ignored). Images and sequences: the first `limit` samples."""
    data = manager_of(request).get(session_id).data
    if data.points_train is not None and data.points_val is not None:
        train, val = (data.points_train, data.y_train), (data.points_val, data.y_val)
        limit = max(len(data.points_train), len(data.points_val))
        shape = [2]
    else:
        train, val = (data.x_train, data.y_train), (data.x_val, data.y_val)
        shape = list(data.input_shape)
    return SessionData(
        kind=data.info.kind,
        sample_shape=shape,
        target_shape=list(data.y_train.shape[1:]),
        class_names=list(data.info.class_names),
        feature_names=list(data.features or data.feature_names),
        train=_split(*train, limit),
        validation=_split(*val, limit),
    )


@router.get("/{session_id}/features", response_model=FeatureMaps, responses={404: {"model": ErrorResponse}})
def read_features(session_id: str, request: Request) -> FeatureMaps:
    """Every derived input of 2-D data over the session's grid, computed by data/features.py (the
    browser draws these; it has no copy of the formulas)."""
    size = manager_of(request).get(session_id).grid_size
    values = derive(grid_points(size), list(FEATURES)).astype(np.float64).round(4)
    return FeatureMaps(
        grid=grid_spec(size),
        features=[
            FeatureMap(name=name, low=feature.shown[0], high=feature.shown[1], values=values[:, i].tolist())
            for i, (name, feature) in enumerate(FEATURES.items())
        ],
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


def _leaves_upload(current: DatasetSpec, patch: BaseModel | None) -> tuple[str, ...]:
    """A patch naming a built-in dataset leaves the uploaded file behind (the reference goes too)."""
    name = getattr(patch, "name", None)
    return ("upload",) if current.upload is not None and name not in (None, "upload") else ()


@router.patch("/{session_id}", response_model=SessionView, responses={404: {"model": ErrorResponse}})
def change_session(session_id: str, body: SessionPatch, request: Request) -> SessionView:
    session = manager_of(request).get(session_id)
    require_owner(request, session)

    def patched(old: Specs) -> Specs:  # runs under the session's lock, on its current settings
        model = _merge("model", NetworkSpec, old.model, body.model)
        dataset = _merge("dataset", DatasetSpec, old.dataset, body.dataset, _leaves_upload(old.dataset, body.dataset))
        clear = list(body.clear)
        if body.model is None and body.dataset is not None:  # the network follows the data
            followed = follow_data(model, old.dataset, dataset)
            model = followed.model
            if followed.clear_loss and "loss" not in clear:
                clear.append("loss")
        new = Specs(model, dataset, _merge("training", TrainingConfig, old.training, body.training, clear))
        if (new.model, new.dataset) == (old.model, old.dataset):
            # a training-only change (a bigger batch) keeps the network: check its memory here; any
            # other change rebuilds, and building checks it
            budget = configured_budget_mb()
            check_activation_memory(new.model, new.training.batch_size, len(session.data.x_train), budget)
        return new

    session.change(patched)
    return view_of(session)


@router.post("/{session_id}/commands", response_model=CommandResponse, responses={404: {"model": ErrorResponse}})
def command(session_id: str, body: CommandRequest, request: Request) -> CommandResponse:
    manager = manager_of(request)
    session = manager.get(session_id)
    require_owner(request, session)
    if body.action == "play" and (node := manager.place_play(session)) is not None:
        raise HeldElsewhere(session.id, node)  # handed over: the less busy node plays it
    try:
        session.command(body.action, body.unit, body.on, body.probe)
    except ProbeIndexError as exc:
        raise RequestValidationError([probe_index_problem(exc, ("body", "probe", "index"))]) from None
    return CommandResponse(status=session.status, step=session.step, epoch=session.epoch, phase=session.phase)


@router.post(
    "/{session_id}/fork",
    status_code=201,
    response_model=CreateSessionResponse,
    responses={404: {"model": ErrorResponse}},
)
def fork_session(session_id: str, request: Request) -> CreateSessionResponse:
    """Anyone holding the link may fork: the copy (model, weights, optimizer state, history, data
    settings) is a new session owned by the caller; the original is not changed."""
    manager = manager_of(request)
    session, token = manager.fork(manager.get(session_id))
    return CreateSessionResponse(id=session.id, owner_token=token, share_url=str(request.base_url) + f"s/{session.id}")

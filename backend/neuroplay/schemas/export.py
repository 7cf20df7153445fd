"""Write every wire model's JSON Schema to shared_schemas/ and the frontend's TypeScript declarations
made from them to frontend/types/wire.d.ts (`python -m neuroplay schemas`).

tests/test_shared_schemas.py fails when the files drift from the models.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter

from . import catalog, dataset, errors, inspect, landscape, lesson, model, params, session, stream, training
from .typescript import render_typescript

DEFAULT_DIR = Path(__file__).resolve().parents[3] / "shared_schemas"
TYPESCRIPT_PATH = Path(__file__).resolve().parents[3] / "frontend" / "types" / "wire.d.ts"

EXPORTED: dict[str, object] = {
    "network_spec": model.NetworkSpec,
    "dataset_spec": dataset.DatasetSpec,
    "training_config": training.TrainingConfig,
    "create_session_request": session.CreateSessionRequest,
    "create_session_response": session.CreateSessionResponse,
    "session_patch": session.SessionPatch,
    "session_view": session.SessionView,
    "session_data": session.SessionData,
    "feature_maps": session.FeatureMaps,
    "command_request": session.CommandRequest,
    "command_response": session.CommandResponse,
    "catalog": catalog.Catalog,
    "error_response": errors.ErrorResponse,
    "health": errors.Health,
    "stream_client_message": stream.ClientMessage,
    "stream_server_message": stream.ServerMessage,
    "stream_tensor_header": stream.TensorHeader,
    "inspect_response": inspect.InspectResponse,
    "preactivations_response": inspect.PreactivationsResponse,
    "param_edit": params.ParamEdit,
    "landscape_response": landscape.LandscapeResponse,
    "param_state": params.ParamState,
    "lesson_summaries": list[lesson.LessonSummary],
    "lesson": lesson.Lesson,
    "create_lesson_response": lesson.CreateLessonResponse,
}


def render_schemas() -> dict[str, str]:
    """File name -> JSON text, exactly as written to disk."""
    out = {}
    for name, target in EXPORTED.items():
        if isinstance(target, type) and issubclass(target, BaseModel):
            schema = target.model_json_schema()
        else:
            schema = TypeAdapter[Any](target).json_schema()  # type: ignore[arg-type]  # a type form held as a value
        schema.setdefault("title", name)
        out[f"{name}.schema.json"] = json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return out


def write_schemas(directory: Path | None = None, typescript_path: Path | None = None) -> list[Path]:
    directory = directory or DEFAULT_DIR
    typescript_path = typescript_path or TYPESCRIPT_PATH
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    rendered = render_schemas()
    for file_name, text in rendered.items():
        path = directory / file_name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    typescript_path.parent.mkdir(parents=True, exist_ok=True)
    typescript_path.write_text(render_typescript(rendered), encoding="utf-8")
    written.append(typescript_path)
    return written

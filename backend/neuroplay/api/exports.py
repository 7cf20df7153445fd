"""Downloads of a session, for anyone holding the link: the weights (.npz), the specs (JSON that is
also a valid POST /api/sessions body) and a PyTorch script that rebuilds the model."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from ..engine import build_network
from ..export import pytorch_script, weights_npz
from ..schemas.errors import ErrorResponse
from ..schemas.session import CreateSessionRequest
from .deps import manager_of

router = APIRouter(prefix="/api/sessions", responses={404: {"model": ErrorResponse}})


def _attachment(name: str) -> dict[str, str]:
    # Ids are URL-safe base64, so the file name needs no quoting beyond the quotes.
    return {"Content-Disposition": f'attachment; filename="{name}"'}


@router.get(
    "/{session_id}/weights",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "an .npz file"}},
)
def download_weights(session_id: str, request: Request) -> Response:
    """Every parameter and buffer as .npz, keyed 'layer{i}.{name}' (load with allow_pickle=False)."""
    session = manager_of(request).get(session_id)
    return Response(
        weights_npz(session.weights_copy()),
        media_type="application/octet-stream",
        headers=_attachment(f"neuroplay-{session_id}-weights.npz"),
    )


@router.get("/{session_id}/spec", response_model=CreateSessionRequest, response_model_exclude={"lesson"})
def download_spec(session_id: str, request: Request, response: Response) -> CreateSessionRequest:
    """The model, dataset and training settings; POST it to /api/sessions to start afresh."""
    specs = manager_of(request).get(session_id).specs
    response.headers.update(_attachment(f"neuroplay-{session_id}-spec.json"))
    return CreateSessionRequest(model=specs.model, dataset=specs.dataset, training=specs.training)


@router.get(
    "/{session_id}/pytorch",
    response_class=Response,
    responses={200: {"content": {"text/x-python": {}}}, 501: {"model": ErrorResponse}},
)
def download_pytorch(session_id: str, request: Request) -> Response:
    """A Python script defining the same model in PyTorch; it loads the .npz of /weights."""
    specs = manager_of(request).get(session_id).specs
    script = pytorch_script(build_network(specs.model), title=f"NeuroPlay session {session_id} in PyTorch")
    return Response(
        script, media_type="text/x-python; charset=utf-8", headers=_attachment(f"neuroplay-{session_id}.py")
    )

"""The learner's own data (CSV and image-zip uploads) and the augmentation preview.

Uploads are raw request bodies (the file itself, no multipart), read up to the size limit and parsed
in memory; a file we refuse gets 413 (too large) or 422 with a message naming the row, column or
archive entry. An accepted file is kept once by its SHA-256 and the session switches to it with a
fitting default network, so it is saved, shared and forked with the session.
"""

from __future__ import annotations

import hashlib
from typing import Literal

import numpy as np
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool

from ..data.augment import augment
from ..data.dataset import uploaded_info
from ..data.uploads import UploadError, UploadLimits, parse_upload
from ..schemas.dataset import DatasetSpec, UploadRef
from ..schemas.error_codes import code_of, coded
from ..schemas.errors import ErrorResponse
from ..schemas.session import AugmentPreview, SessionView
from ..sessions.build import Specs
from ..sessions.defaults import default_model
from ..sessions.manager import UploadStorageFull
from .deps import manager_of, require_owner
from .sessions import view_of

router = APIRouter(
    prefix="/api/sessions",
    responses={413: {"model": ErrorResponse}, 422: {"model": ErrorResponse}, 507: {"model": ErrorResponse}},
)
LIMITS = UploadLimits()


async def _read_body(request: Request) -> bytes:
    """The body, refusing to read past the limit (a lying or missing Content-Length changes nothing)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > LIMITS.max_bytes:
        message = f"the file is {int(declared):,} bytes; the limit is {LIMITS.max_bytes:,}"
        raise coded(HTTPException(413, message), "upload_too_large", size=int(declared), limit=LIMITS.max_bytes)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > LIMITS.max_bytes:
            message = f"the file is larger than the limit of {LIMITS.max_bytes:,} bytes"
            raise coded(HTTPException(413, message), "upload_over_limit", limit=LIMITS.max_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


def _switch_to_upload(request: Request, session_id: str, data: bytes, ref: UploadRef) -> SessionView:
    manager = manager_of(request)
    session = manager.get(session_id)
    require_owner(request, session)
    try:
        parsed = parse_upload(data, ref, LIMITS)
    except UploadError as exc:
        code, params = code_of(exc) or ("upload_invalid", {})
        raise coded(HTTPException(422, str(exc)), code, **params) from None
    input_shape = tuple(parsed.x.shape[1:])
    left = session.specs.dataset.upload
    digest = hashlib.sha256(data).hexdigest()  # (the store computes the same key when it keeps it)
    with manager.pin_uploads(digest):  # nothing deletes it until the switch
        try:
            manager.make_room_for_upload(len(data), digest, session)
        except UploadStorageFull as exc:
            code, params = code_of(exc) or ("upload_storage_full", {"limit": manager.settings.max_upload_storage_mb})
            raise coded(HTTPException(507, str(exc)), code, **params) from None
        digest = manager.store.put_upload(data, ref.filename, "text/csv" if ref.format == "csv" else "application/zip")
        ref = ref.model_copy(update={"digest": digest})
        manager.parsed_uploads.put(ref, parsed)  # decoded once: the rebuild below reuses it
        info = uploaded_info(ref, parsed)

        def switched(old: Specs) -> Specs:  # runs under the session's lock, on its current settings
            dataset = DatasetSpec(
                name="upload", upload=ref, validation_share=old.dataset.validation_share, seed=old.dataset.seed
            )
            model = default_model(info, dataset, input_shape)
            return Specs(model, dataset, old.training.model_copy(update={"loss": None}))

        session.change(switched)
    if left is not None and left.digest != digest:
        manager.after_upload_switch(session, left.digest)
    return view_of(session)


@router.post("/{session_id}/uploads/csv", response_model=SessionView)
async def upload_csv(
    session_id: str,
    request: Request,
    label_column: str = Query(..., min_length=1, max_length=200, description="The column holding the class."),
    filename: str = Query("data.csv", max_length=255),
) -> SessionView:
    """Body: the CSV file (UTF-8, a header row, numeric feature columns and the label column)."""
    data = await _read_body(request)
    ref = UploadRef(digest="0" * 64, format="csv", filename=filename, label_column=label_column)
    return await run_in_threadpool(_switch_to_upload, request, session_id, data, ref)


@router.post("/{session_id}/uploads/images", response_model=SessionView)
async def upload_images(
    session_id: str,
    request: Request,
    side: int = Query(28, ge=4, le=64, description="Images are resized to side × side."),
    color: Literal["grayscale", "rgb"] = Query("grayscale"),
    filename: str = Query("images.zip", max_length=255),
) -> SessionView:
    """Body: a zip with one folder per class of PNG or JPEG images."""
    data = await _read_body(request)
    ref = UploadRef(digest="0" * 64, format="images", filename=filename, side=side, color=color)
    return await run_in_threadpool(_switch_to_upload, request, session_id, data, ref)


@router.get("/{session_id}/augment-preview", response_model=AugmentPreview)
def augment_preview(
    session_id: str,
    request: Request,
    index: int = Query(0, ge=0, description="Which training sample."),
    count: int = Query(12, ge=1, le=64, description="How many augmented versions."),
) -> AugmentPreview:
    """What the network sees of one training image: `count` fresh random augmentations of it."""
    data = manager_of(request).get(session_id).data
    if data.x_train.ndim != 4:
        message = f"augmentation applies to images; dataset '{data.info.name}' is {data.info.kind}"
        raise coded(HTTPException(422, message), "augment_needs_images", dataset=data.info.name, kind=data.info.kind)
    if index >= len(data.x_train):
        last = len(data.x_train) - 1
        message = f"index {index} is past the last training sample ({last})"
        raise coded(HTTPException(422, message), "sample_out_of_range", index=index, last=last)
    original = data.x_train[index]
    batch = np.repeat(original[None], count, axis=0)
    samples = augment(batch, data.augmentation, np.random.default_rng())
    return AugmentPreview(
        shape=list(original.shape),
        label=float(data.y_train[index].ravel()[0]),
        original=original.ravel().tolist(),
        samples=samples.reshape(count, -1).tolist(),
        active=data.augmentation.active,
    )

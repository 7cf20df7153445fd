"""Which mistake a spec the engine refused to build makes, as an error code with its values.

The engine names the bad layer in English (its layers know nothing of codes or languages). The
mistakes a learner makes by dragging layers are few: an image layer after flatten or on 2-D points,
a dense layer straight on an image, a recurrent layer on data that is not a sequence, a kernel or
pool window larger than the map, softmax on a convolution. Each is recognised here from the shape
reaching the layer (read off the spec with each layer class's `estimate`, as building does), so the
browser can say it in the learner's language; anything else is layer_invalid with the shape the
layer gets (the engine's words stay in the English message).
"""

from __future__ import annotations

from ..engine import LAYER_CLASSES, ModelError
from ..schemas.error_codes import coded
from ..schemas.model import NetworkSpec

IMAGE_LAYERS = ("conv2d", "max_pool2d", "avg_pool2d")
WINDOW_SETTING = {"conv2d": "kernel_size", "max_pool2d": "pool_size", "avg_pool2d": "pool_size"}


def input_shape_of(model: NetworkSpec, index: int) -> tuple[int, ...] | None:
    """The shape reaching layer `index` (None when an earlier layer cannot be sized)."""
    shape = tuple(model.input_shape)
    for layer in model.layers[:index]:
        settings = layer.model_dump()
        tag = settings.pop("type")
        try:
            shape, _ = LAYER_CLASSES[tag].estimate(shape, **settings)
        except (ValueError, TypeError, KeyError, ZeroDivisionError):
            return None
    return tuple(shape)


def explain_build_error(model: NetworkSpec, exc: ModelError) -> ModelError:
    """`exc` with the code of the mistake it reports (its English message unchanged)."""
    if exc.layer is None or not 0 <= exc.layer < len(model.layers):
        return coded(exc, "model_invalid", input_shape=list(model.input_shape))
    i = exc.layer
    spec = model.layers[i]
    tag = spec.type
    at = {"layer": i, "type": tag}
    shape = input_shape_of(model, i)
    settings = spec.model_dump()
    if shape is not None:
        if tag in IMAGE_LAYERS and len(shape) != 3:
            return coded(exc, "layer_needs_image", **at, shape=list(shape))
        if tag in IMAGE_LAYERS:
            field = WINDOW_SETTING[tag]
            size, (_, height, width) = settings.get(field), shape
            if isinstance(size, int) and (size > height or size > width):
                return coded(
                    exc, "layer_window_too_large", **at, field=field, size=size, height=height, width=width,
                    largest=min(height, width),
                )  # fmt: skip
        if tag == "conv2d" and settings.get("activation") == "softmax":
            return coded(exc, "layer_conv_softmax", **at)
        if tag == "dense" and len(shape) not in (1, 2):
            return coded(exc, "layer_needs_flat", **at, shape=list(shape))
        if tag == "simple_rnn" and len(shape) != 2:
            return coded(exc, "layer_needs_sequence", **at, shape=list(shape))
        if tag == "batch_norm" and len(shape) not in (1, 3):
            return coded(exc, "layer_batch_norm_shape", **at, shape=list(shape))
    return coded(exc, "layer_invalid", **at, shape=list(shape) if shape is not None else None)

"""Lessons: what a lesson folder's lesson.json holds, and what /api/lessons answers.

A lesson is data: its runs (one `POST /api/sessions` body each; several make a comparison), the views
to open, the controls to highlight or hide, the walk-through steps, an optional challenge and the
effects it promises. The texts (title, summary, body, step texts) come from the folder's en.md and
zh.md; the effects are checked on real training by tests/lessons.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, field_validator, model_validator

from ..views import VIEW_NAMES
from .base import WireModel
from .model import NetworkSpec
from .session import CreateSessionRequest, CreateSessionResponse

Language = Literal["en", "zh"]
LANGUAGES: tuple[Language, ...] = ("en", "zh")

# The views a lesson opens by name: every view of the registry (backend/neuroplay/views/, the same
# list the websocket's ViewName comes from) and the browser's own tab "landscape" (the loss landscape
# of issue 10, asked for on demand, so the registry does not list it).
LOCAL_VIEWS = ("landscape",)
if TYPE_CHECKING:
    ViewName = str
else:
    ViewName = Literal[VIEW_NAMES + LOCAL_VIEWS]
# Controls of the playground that are not a setting: the layer palette, the play/step/reset buttons,
# the dataset picker and the phase-stepping buttons (issue 10). Settings are named by their path.
UI_CONTROLS = ("palette", "play_pause", "step", "reset", "dataset_picker", "step_phase", "layer_stack")
SETTING_GROUPS = ("model", "dataset", "training")
Metric = Literal["loss", "val_loss", "accuracy", "val_accuracy"]
# The key view a comparison's runs show side by side, one small multiple per run (lessons/twins.js):
# the decision boundary, the per-layer gradient norms, the probe's output bars (image classifiers) or
# the recurrent layer's ‖dL/dh_t‖ per time step (sequences).
TwinView = Literal["boundary", "grad_norms", "probe", "rnn_states"]
RunName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
MAX_STEPS = 20_000  # a lesson's effect must show within seconds, not minutes


def _check_control(name: str) -> str:
    """A UI control by name, or a setting by its path in the session body: `training.learning_rate`,
    `dataset.augment`, `model.layers` (the paths are checked against the wire models)."""
    from .dataset import DatasetSpec
    from .training import TrainingConfig

    if name in UI_CONTROLS:
        return name
    group, _, field = name.partition(".")
    fields = {"model": NetworkSpec.model_fields, "dataset": DatasetSpec.model_fields}.get(
        group, TrainingConfig.model_fields if group == "training" else None
    )
    if fields is None or field not in fields:
        raise ValueError(
            f"unknown control {name!r}: use one of {', '.join(UI_CONTROLS)} or a setting path such as "
            "'training.learning_rate' (groups: model, dataset, training)"
        )
    return name


class LocalText(WireModel):
    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)


class LessonRun(WireModel):
    """One session of the lesson. Runs of a comparison share the dataset seed and the training seed,
    so they start from the same weights (where the layer shapes agree) and see the same batch order
    (where the batch size agrees)."""

    name: RunName
    label: LocalText
    session: CreateSessionRequest

    @field_validator("session")
    @classmethod
    def _plain(cls, value: CreateSessionRequest) -> CreateSessionRequest:
        if value.lesson is not None:
            raise ValueError("a lesson's run is a plain session body; it cannot name another lesson")
        return value


class Controls(WireModel):
    highlight: list[str] = Field(default_factory=list, description="Controls to draw the eye to.")
    hide: list[str] = Field(default_factory=list, description="Controls the lesson hides (fewer distractions).")

    @field_validator("highlight", "hide")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        return [_check_control(name) for name in value]


class StepAction(WireModel):
    """What the walk-through's step does when the learner reaches it (the session command)."""

    action: Literal["play", "pause", "reset", "step"]
    unit: Literal["batch", "epoch", "phase"] = Field("batch", description="phase: one phase of a step (issue 10).")


class StepFile(WireModel):
    """A walk-through step as lesson.json gives it; its title and text are the i-th `## ` section of
    en.md and zh.md."""

    views: list[ViewName] = Field(default_factory=list, description="Views to open at this step.")
    highlight: list[str] = Field(default_factory=list)
    action: StepAction | None = None

    @field_validator("highlight")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        return [_check_control(name) for name in value]


class LessonStep(StepFile):
    title: LocalText
    text: LocalText


class Challenge(WireModel):
    """'Reach 95 % validation accuracy with at most 50 parameters': met when a metric point reaches
    the target while the network has at most `max_params` parameters. `solution` is a network that
    meets it (the test trains it)."""

    metric: Metric
    at_least: float | None = Field(None, description="Accuracies: the point must reach this or more.")
    at_most: float | None = Field(None, description="Losses: the point must reach this or less.")
    max_params: int | None = Field(None, ge=1)
    within_steps: int = Field(ge=1, le=MAX_STEPS)
    solution: NetworkSpec

    @model_validator(mode="after")
    def _one_target(self) -> Challenge:
        if (self.at_least is None) == (self.at_most is None):
            raise ValueError("a challenge has exactly one of at_least and at_most")
        return self


class _Effect(WireModel):
    runs: list[RunName] = Field(min_length=1, description="The runs the effect is about.")
    within_steps: int = Field(ge=1, le=MAX_STEPS, description="Training steps of each run.")


class Threshold(WireModel):
    metric: Metric
    below: float | None = None
    above: float | None = None

    @model_validator(mode="after")
    def _one_side(self) -> Threshold:
        if (self.below is None) == (self.above is None):
            raise ValueError("give exactly one of below and above")
        return self


class Reaches(_Effect, Threshold):
    """Every run in `runs` reaches the threshold (at an epoch's metric point) within the steps, by
    training (not already at step 0); every run in `misses` does not."""

    kind: Literal["reaches"]
    misses: list[RunName] = Field(default_factory=list)


class Sooner(_Effect, Threshold):
    """runs[0] reaches the threshold by training (not at step 0), and at least `factor` times sooner
    than every other run (a run that never reaches it within the steps counts as reaching it at the end)."""

    kind: Literal["sooner"]
    factor: float = Field(1.5, ge=1.0)


class Ranked(_Effect):
    """The runs are in this order from best to worst on `metric` (accuracy higher, loss lower), each
    better than the next by at least `margin`: at the end, or at the best point of each curve."""

    kind: Literal["ranked"]
    metric: Metric
    margin: float = Field(ge=0.0)
    at: Literal["end", "best"] = "end"


class GapLower(_Effect):
    """At the end, runs[0]'s gap between validation and training (`val_loss - loss`, or
    `accuracy - val_accuracy`) is lower than every other run's by at least `margin`."""

    kind: Literal["gap_lower"]
    metric: Literal["loss", "accuracy"]
    margin: float = Field(ge=0.0)


class Overfits(_Effect):
    """Validation loss reaches its lowest before the end and then rises by at least `rise` (a share
    of that lowest value) while the training loss keeps falling."""

    kind: Literal["overfits"]
    rise: float = Field(gt=0.0)


class GradNormRatio(_Effect):
    """The last parameter layer's gradient norm divided by the first's, averaged (geometrically)
    over the steps: at least `at_least` for `runs`, at most `others_at_most` for `others`."""

    kind: Literal["grad_norm_ratio"]
    at_least: float = Field(gt=1.0)
    others: list[RunName] = Field(default_factory=list)
    others_at_most: float = Field(10.0, gt=0.0)


class TimeGradFade(_Effect):
    """Backpropagation through time fades: the first recurrent layer's ‖dL/dh_t‖ at the last time step
    divided by the one at the first, averaged (geometrically) over the steps: at least `at_least` for
    `runs`, at most `others_at_most` for `others` (the rnn_states view's hidden_grad_norms)."""

    kind: Literal["time_grad_fade"]
    at_least: float = Field(gt=1.0)
    others: list[RunName] = Field(default_factory=list)
    others_at_most: float = Field(10.0, gt=0.0)


class ProbeProbabilities(_Effect):
    """The probe's output (the probe view's bars: the session's first probe, validation sample 0) is
    a probability per class: in [0, 1] and summing to 1, before training and after; the true class's
    probability starts at or below `true_class_above` and ends above it."""

    kind: Literal["probe_probabilities"]
    true_class_above: float = Field(gt=0.0, lt=1.0)


class BuiltReaches(_Effect, Threshold):
    """The network the walk-through has the learner build (`model`) reaches the threshold within the
    steps by training, on the run's data and settings; the run's own starting network does not."""

    kind: Literal["built_reaches"]
    model: NetworkSpec


class Diverges(_Effect):
    """Every run hits NaN/Inf (the session's "diverged" state) within the steps."""

    kind: Literal["diverges"]


class Finite(_Effect):
    """Every run trains all the steps without a NaN/Inf, and its training loss ends below `loss_below`."""

    kind: Literal["finite"]
    loss_below: float = Field(gt=0.0)


class Rougher(_Effect):
    """The per-step training loss jumps more from step to step in runs[0] than in runs[1], and so on:
    the standard deviation of its step-to-step change is at least `factor` times the next run's."""

    kind: Literal["rougher"]
    factor: float = Field(ge=1.0)


class ShapesShrink(WireModel):
    """Every conv and pool layer's output is spatially smaller than its input in `runs`; conv layers
    keep their input's size in `keep`. Read off the built networks (no training)."""

    kind: Literal["shapes_shrink"]
    runs: list[RunName] = Field(min_length=1)
    keep: list[RunName] = Field(default_factory=list)


class FewerParams(WireModel):
    """runs[0] has at most 1/`factor` of the parameters of every other run."""

    kind: Literal["fewer_params"]
    runs: list[RunName] = Field(min_length=2)
    factor: float = Field(ge=1.0)


class GradientShare(_Effect):
    """The share of layer `layer`'s input values that get a non-zero gradient, averaged over the
    steps: at most `at_most` in `runs`, at least `others_at_least` in `others`."""

    kind: Literal["gradient_share"]
    layer: int = Field(ge=1)
    at_most: float = Field(gt=0.0, le=1.0)
    others: list[RunName] = Field(default_factory=list)
    others_at_least: float = Field(0.0, ge=0.0, le=1.0)


class PhaseWalk(_Effect):
    """Stepping phase by phase goes forward through every layer, the loss, backward through every
    layer in reverse, then the update; the weights do not change before the update, and after it
    they equal one whole training step's."""

    kind: Literal["phase_walk"]


class WeightEdit(WireModel):
    """One value of a parameter, as issue 10's `PATCH /api/sessions/{id}/params` takes it."""

    layer: int = Field(ge=0)
    param: str = Field(min_length=1)
    index: list[Annotated[int, Field(ge=0)]]
    value: float


class EditMovesBoundary(_Effect):
    """After training, setting `edit` changes the predicted class of at least `at_least` of the
    validation samples: one weight visibly moves the decision boundary."""

    kind: Literal["edit_moves_boundary"]
    edit: WeightEdit
    at_least: float = Field(gt=0.0, le=1.0)


class FallsEveryStep(_Effect):
    """The training-set loss is lower after every step than before it (gradient descent on the
    whole set with a small enough learning rate), and ends below `loss_below`."""

    kind: Literal["falls_every_step"]
    loss_below: float = Field(gt=0.0)


Effect = Annotated[
    Reaches
    | Sooner
    | Ranked
    | GapLower
    | Overfits
    | GradNormRatio
    | Diverges
    | Finite
    | Rougher
    | ShapesShrink
    | FewerParams
    | GradientShare
    | PhaseWalk
    | EditMovesBoundary
    | FallsEveryStep
    | TimeGradFade
    | ProbeProbabilities
    | BuiltReaches,
    Field(discriminator="kind"),
]


class LessonFile(WireModel):
    """lesson.json of one lesson folder."""

    concepts: list[Annotated[int, Field(ge=1, le=25)]] = Field(min_length=1)
    runs: list[LessonRun] = Field(min_length=1, max_length=3)
    views: list[ViewName] = Field(default_factory=list, description="Views to open when the lesson starts.")
    controls: Controls = Field(default_factory=Controls)
    steps: list[StepFile] = Field(min_length=1)
    challenge: Challenge | None = None
    effects: list[Effect] = Field(min_length=1)
    twin_view: TwinView | None = Field(
        None,
        description="The key view each run of a comparison shows in small multiples: the decision boundary "
        "(what 2-D data shows when none is named), the per-layer gradient norms, the probe's output bars "
        "or the recurrent layer's gradient norm per time step.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> LessonFile:
        names = [run.name for run in self.runs]
        if len(set(names)) != len(names):
            raise ValueError(f"run names must differ, got {names}")
        for i, effect in enumerate(self.effects):
            mentioned = [*effect.runs, *getattr(effect, "misses", []), *getattr(effect, "others", [])]
            mentioned += getattr(effect, "keep", [])
            unknown = sorted(set(mentioned) - set(names))
            if unknown:
                raise ValueError(f"effects[{i}] ({effect.kind}) names unknown runs {unknown} (runs: {names})")
        first = self.runs[0].session
        for run in self.runs[1:]:
            # Twin runs: the same data and the same seeds, so they differ only in what the lesson changes.
            if run.session.dataset.seed != first.dataset.seed or run.session.training.seed != first.training.seed:
                raise ValueError(
                    f"run {run.name!r} must use the same dataset and training seeds as {self.runs[0].name!r}"
                )
        return self


class LessonSummary(WireModel):
    """One entry of GET /api/lessons."""

    id: str
    concepts: list[int]
    title: LocalText
    summary: LocalText
    runs: int = Field(description="How many sessions the lesson starts (2 or 3: a comparison).")


class Lesson(WireModel):
    """GET /api/lessons/{id}: the whole lesson, texts in both languages included."""

    id: str
    concepts: list[int]
    title: LocalText
    summary: LocalText
    text: LocalText = Field(description="The lesson's body (markdown) before the walk-through steps.")
    runs: list[LessonRun]
    views: list[ViewName]
    controls: Controls
    steps: list[LessonStep]
    challenge: Challenge | None
    effects: list[Effect]
    twin_view: TwinView | None


class LessonRunSession(CreateSessionResponse):
    run: str = Field(description="The run's name in the lesson.")
    label: LocalText


class CreateLessonResponse(CreateSessionResponse):
    """POST /api/sessions with {"lesson": id}: id, owner_token and share_url are the first run's (a
    client that only knows single sessions still works); `sessions` holds every run's, in order."""

    lesson: str
    sessions: list[LessonRunSession]

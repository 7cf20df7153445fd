"""One check per effect kind of schemas/lesson.py, on the engine's real training of the lesson's
runs (lessons/simulate.py). Each returns a Verdict whose detail gives the measured numbers, so a
failing test says what happened instead."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from ..engine import PhaseStepper, Trainer
from ..schemas.lesson import (
    BuiltReaches,
    Diverges,
    EditMovesBoundary,
    FallsEveryStep,
    FewerParams,
    Finite,
    GapLower,
    GradientShare,
    GradNormRatio,
    Overfits,
    PhaseWalk,
    ProbeProbabilities,
    Ranked,
    Reaches,
    Rougher,
    ShapesShrink,
    Sooner,
    Threshold,
    TimeGradFade,
)
from ..schemas.session import MetricPoint
from ..sessions.build import TrainingArrays
from ..sessions.session_views import default_probe
from .simulate import LessonRuns, RunRecord, train


@dataclass(frozen=True)
class Verdict:
    ok: bool
    detail: str


def _value(point: MetricPoint, metric: str) -> float | None:
    value: float | None = getattr(point, metric)
    return value


def _better(metric: str) -> int:
    """+1 when higher is better (accuracies), -1 when lower is (losses)."""
    return 1 if "accuracy" in metric else -1


def first_reached(record: RunRecord, t: Threshold, steps: int) -> int | None:
    """The step of the first metric point that meets the threshold, None if none does."""
    for point in record.points_until(steps):
        v = _value(point, t.metric)
        if v is not None and ((t.below is not None and v < t.below) or (t.above is not None and v > t.above)):
            return point.step
    return None


def final(record: RunRecord, metric: str, steps: int) -> float:
    """The metric at the run's last point; a run that diverged or has no value scores worst."""
    v = _value(record.points_until(steps)[-1], metric) if record.diverged_at is None else None
    return v if v is not None else -_better(metric) * math.inf


def check_reaches(e: Reaches, runs: LessonRuns) -> Verdict:
    at = {name: first_reached(runs.record(name, e.within_steps), e, e.within_steps) for name in (*e.runs, *e.misses)}
    # Met at step 0 would be no effect of training at all: the runs must get there by learning.
    ok = all((at[n] or 0) > 0 for n in e.runs) and all(at[n] is None for n in e.misses)
    return Verdict(ok, f"first step meeting {e.metric} threshold: {at}")


def check_sooner(e: Sooner, runs: LessonRuns) -> Verdict:
    at = {name: first_reached(runs.record(name, e.within_steps), e, e.within_steps) for name in e.runs}
    first = at[e.runs[0]]
    others = [e.within_steps if (s := at[n]) is None else s for n in e.runs[1:]]
    ok = first is not None and first > 0 and all(o >= e.factor * first for o in others)
    return Verdict(ok, f"first step meeting {e.metric} threshold: {at} (factor {e.factor})")


def best(record: RunRecord, metric: str, steps: int) -> float:
    """The best value of the metric over the run's points (the curve's highest or lowest point)."""
    sign = _better(metric)
    values = [v for p in record.points_until(steps) if (v := _value(p, metric)) is not None]
    return sign * max(sign * v for v in values) if values else -sign * math.inf


def check_ranked(e: Ranked, runs: LessonRuns) -> Verdict:
    read = final if e.at == "end" else best
    values = [read(runs.record(name, e.within_steps), e.metric, e.within_steps) for name in e.runs]
    sign = _better(e.metric)
    ok = all(sign * (a - b) >= e.margin for a, b in zip(values, values[1:], strict=False))
    return Verdict(ok, f"{e.at} {e.metric}: {dict(zip(e.runs, values, strict=True))} (margin {e.margin})")


def _gap(record: RunRecord, metric: str, steps: int) -> float:
    last = record.points_until(steps)[-1]
    if metric == "loss":
        return (last.val_loss or math.inf) - (last.loss or 0.0)
    return (last.accuracy or 0.0) - (last.val_accuracy or 0.0)


def check_gap_lower(e: GapLower, runs: LessonRuns) -> Verdict:
    gaps = {name: _gap(runs.record(name, e.within_steps), e.metric, e.within_steps) for name in e.runs}
    ok = all(gaps[e.runs[0]] + e.margin <= gaps[n] for n in e.runs[1:])
    return Verdict(ok, f"final {e.metric} gap: {gaps} (margin {e.margin})")


def check_overfits(e: Overfits, runs: LessonRuns) -> Verdict:
    details, ok = {}, True
    for name in e.runs:
        points = [p for p in runs.record(name, e.within_steps).points_until(e.within_steps) if p.val_loss is not None]
        lowest = min(range(len(points)), key=lambda i: points[i].val_loss or math.inf)
        low, last = points[lowest], points[-1]
        rose = (last.val_loss or 0.0) >= (low.val_loss or 0.0) * (1 + e.rise)
        train_fell = (last.loss or math.inf) < (low.loss or 0.0)
        ok = ok and lowest < len(points) - 1 and rose and train_fell
        details[name] = f"lowest val_loss {low.val_loss:.4f} at step {low.step}, end {last.val_loss:.4f}; " + (
            f"train loss {low.loss:.4f} -> {last.loss:.4f}"
        )
    return Verdict(ok, str(details))


def _ratio(record: RunRecord, steps: int) -> float:
    logs = []
    for norms in record.grad_norms[:steps]:
        layers = sorted(norms)
        logs.append(math.log(max(norms[layers[-1]], 1e-30)) - math.log(max(norms[layers[0]], 1e-30)))
    return math.exp(sum(logs) / len(logs)) if logs else math.nan


def check_grad_norm_ratio(e: GradNormRatio, runs: LessonRuns) -> Verdict:
    ratios = {name: _ratio(runs.record(name, e.within_steps), e.within_steps) for name in (*e.runs, *e.others)}
    ok = all(ratios[n] >= e.at_least for n in e.runs) and all(ratios[n] <= e.others_at_most for n in e.others)
    return Verdict(ok, f"last / first layer gradient norm: {ratios}")


def check_diverges(e: Diverges, runs: LessonRuns) -> Verdict:
    at = {name: runs.record(name, e.within_steps).diverged_at for name in e.runs}
    return Verdict(all(a is not None and a <= e.within_steps for a in at.values()), f"diverged at step: {at}")


def check_finite(e: Finite, runs: LessonRuns) -> Verdict:
    records = {name: runs.record(name, e.within_steps) for name in e.runs}
    losses = {name: final(r, "loss", e.within_steps) for name, r in records.items()}
    ok = all(r.diverged_at is None for r in records.values()) and all(v < e.loss_below for v in losses.values())
    return Verdict(ok, f"final loss: {losses}, diverged at: {[r.diverged_at for r in records.values()]}")


def check_rougher(e: Rougher, runs: LessonRuns) -> Verdict:
    spread = [float(np.std(np.diff(runs.record(n, e.within_steps).batch_losses[: e.within_steps]))) for n in e.runs]
    ok = all(a >= e.factor * b for a, b in zip(spread, spread[1:], strict=False))
    return Verdict(ok, f"std of step-to-step loss change: {dict(zip(e.runs, spread, strict=True))}")


SPATIAL = ("conv2d", "max_pool2d", "avg_pool2d")


def check_shapes_shrink(e: ShapesShrink, runs: LessonRuns) -> Verdict:
    ok, shapes = True, {}
    for name in (*e.runs, *e.keep):
        layers = [layer for layer in runs.fresh_trainer(name).network.layers if layer.type_tag in SPATIAL]
        shapes[name] = [(layer.type_tag, list(layer.output_shape)) for layer in layers]
        smaller = [layer.output_shape[-2:] < layer.input_shape[-2:] for layer in layers]
        kept = [layer.output_shape[-2:] == layer.input_shape[-2:] for layer in layers if layer.type_tag == "conv2d"]
        ok = ok and bool(layers) and (all(smaller) if name in e.runs else all(kept) and bool(kept))
    return Verdict(ok, f"output shapes: {shapes}")


def check_fewer_params(e: FewerParams, runs: LessonRuns) -> Verdict:
    counts = [runs.fresh_trainer(name).network.param_count() for name in e.runs]
    ok = all(counts[0] * e.factor <= c for c in counts[1:])
    return Verdict(ok, f"parameters: {dict(zip(e.runs, counts, strict=True))} (factor {e.factor})")


def _gradient_share(trainer: Trainer, layer: int, steps: int) -> float:
    shares = []
    for _ in range(steps):
        trainer.train_step()
        grad = trainer.network.layers[layer - 1].grad_output  # dL/d(the input of `layer`)
        shares.append(float(np.mean(grad != 0)))
    return float(np.mean(shares))


def check_gradient_share(e: GradientShare, runs: LessonRuns) -> Verdict:
    shares = {n: _gradient_share(runs.fresh_trainer(n), e.layer, e.within_steps) for n in (*e.runs, *e.others)}
    ok = all(shares[n] <= e.at_most for n in e.runs) and all(shares[n] >= e.others_at_least for n in e.others)
    return Verdict(ok, f"share of layer {e.layer}'s inputs with a non-zero gradient: {shares}")


def _same(a: Mapping[str, np.ndarray], b: Mapping[str, np.ndarray]) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def check_phase_walk(e: PhaseWalk, runs: LessonRuns) -> Verdict:
    for name in e.runs:
        stepped, whole = runs.fresh_trainer(name), runs.fresh_trainer(name)
        n = len(stepped.network.layers)
        expected = [("forward", i) for i in range(n)] + [("loss", None)]
        expected += [("backward", i) for i in reversed(range(n))] + [("update", None)]
        stepper = PhaseStepper(stepped)
        for step in range(e.within_steps):
            before, seen = stepped.network.get_weights(), []
            while True:
                phase, result = stepper.advance()
                seen.append((phase.stage, phase.layer))
                if result is not None:
                    break
                if not _same(before, stepped.network.get_weights()):
                    return Verdict(False, f"{name}: weights changed before the update, at {phase}")
            whole.train_step()
            if seen != expected:
                return Verdict(False, f"{name} step {step}: phases {seen}, expected {expected}")
            if not _same(stepped.network.get_weights(), whole.network.get_weights()):
                return Verdict(False, f"{name} step {step}: phase by phase differs from a whole step")
    return Verdict(True, f"{e.within_steps} steps walked phase by phase equal whole steps in {e.runs}")


def _classes(trainer: Trainer, x: np.ndarray) -> np.ndarray:
    p = trainer.network.forward(x, training=False)
    return p.argmax(axis=1) if p.shape[1] > 1 else (p[:, 0] > 0.5)


def check_edit_moves_boundary(e: EditMovesBoundary, runs: LessonRuns) -> Verdict:
    shares = {}
    for name in e.runs:
        trainer = runs.fresh_trainer(name)
        for _ in range(e.within_steps):
            trainer.train_step()
        x_val = runs.data(name).x_val
        before = _classes(trainer, x_val)
        trainer.network.layers[e.edit.layer].params[e.edit.param][tuple(e.edit.index)] = e.edit.value
        shares[name] = float(np.mean(before != _classes(trainer, x_val)))
    ok = all(s >= e.at_least for s in shares.values())
    return Verdict(ok, f"share of validation samples whose class the edit changed: {shares}")


def check_falls_every_step(e: FallsEveryStep, runs: LessonRuns) -> Verdict:
    for name in e.runs:
        trainer = runs.fresh_trainer(name)
        x, y = trainer.x, trainer.y
        losses = [trainer.loss.value(trainer.network.forward(x, training=False), y)]
        for _ in range(e.within_steps):
            trainer.train_step()
            losses.append(trainer.loss.value(trainer.network.forward(x, training=False), y))
        rises = [i for i, (a, b) in enumerate(zip(losses, losses[1:], strict=False)) if b >= a]
        if rises or losses[-1] >= e.loss_below:
            return Verdict(False, f"{name}: loss rose at steps {rises[:5]}, ended at {losses[-1]:.4f}")
    return Verdict(True, f"the loss fell at each of {e.within_steps} steps to {losses[-1]:.4f}")


def _time_fade(trainer: Trainer, steps: int) -> float:
    """‖dL/dh_T‖ / ‖dL/dh_1‖ of the first recurrent layer, the geometric mean over `steps` steps."""
    rnn = next(layer for layer in trainer.network.layers if layer.type_tag == "simple_rnn")
    logs = []
    for _ in range(steps):
        trainer.train_step()
        norms = rnn.observe()["grad_norms_per_step"]  # what rnn_states sends as hidden_grad_norms
        logs.append(math.log(max(float(norms[-1]), 1e-30)) - math.log(max(float(norms[0]), 1e-30)))
    return math.exp(sum(logs) / len(logs))


def check_time_grad_fade(e: TimeGradFade, runs: LessonRuns) -> Verdict:
    fades = {n: _time_fade(runs.fresh_trainer(n), e.within_steps) for n in (*e.runs, *e.others)}
    ok = all(fades[n] >= e.at_least for n in e.runs) and all(fades[n] <= e.others_at_most for n in e.others)
    return Verdict(ok, f"last / first time step's ‖dL/dh_t‖: {fades}")


def _probe_output(trainer: Trainer, arrays: TrainingArrays) -> tuple[np.ndarray, int]:
    """The probe's output in inference mode (as the probe view computes it) and its true class."""
    split, index = default_probe(arrays)
    x, y = (arrays.x_val, arrays.y_val) if split == "validation" else (arrays.x_train, arrays.y_train)
    out = trainer.network.forward(x[index : index + 1], training=False)[0]
    target = np.asarray(y[index]).reshape(-1)
    return out, int(target.argmax() if target.size > 1 else target[0])


def check_probe_probabilities(e: ProbeProbabilities, runs: LessonRuns) -> Verdict:
    seen = {}
    for name in e.runs:
        trainer, arrays = runs.fresh_trainer(name), TrainingArrays.of(runs.data(name))
        before, truth = _probe_output(trainer, arrays)
        for _ in range(e.within_steps):
            trainer.train_step()
        after, _ = _probe_output(trainer, arrays)
        sums = [float(before.sum()), float(after.sum())]
        ranged = all(bool(np.all((o >= 0) & (o <= 1))) for o in (before, after))
        ok = ranged and all(abs(v - 1) < 1e-4 for v in sums)
        ok = ok and before[truth] <= e.true_class_above < after[truth]
        if not ok:
            return Verdict(
                False,
                f"{name}: sums {sums}, in [0, 1]: {ranged}, p(class {truth}) {before[truth]:.3f} -> "
                f"{after[truth]:.3f} (must pass {e.true_class_above})",
            )
        seen[name] = f"p(class {truth}) {before[truth]:.3f} -> {after[truth]:.3f}, sums {sums}"
    return Verdict(True, str(seen))


def check_built_reaches(e: BuiltReaches, runs: LessonRuns) -> Verdict:
    at = {}
    for name in e.runs:
        built = train(runs.fresh_trainer(name, e.model), TrainingArrays.of(runs.data(name)), e.within_steps)
        start = runs.record(name, e.within_steps)
        at[name] = (first_reached(built, e, e.within_steps), first_reached(start, e, e.within_steps))
    # The built network gets there by training (not at step 0); the starting one never does.
    ok = all((b or 0) > 0 and s is None for b, s in at.values())
    return Verdict(ok, f"first step meeting {e.metric} threshold (built network, starting network): {at}")


CHECKS: Mapping[str, Callable[[Any, LessonRuns], Verdict]] = MappingProxyType(
    {
        "reaches": check_reaches,
        "sooner": check_sooner,
        "ranked": check_ranked,
        "gap_lower": check_gap_lower,
        "overfits": check_overfits,
        "grad_norm_ratio": check_grad_norm_ratio,
        "diverges": check_diverges,
        "finite": check_finite,
        "rougher": check_rougher,
        "shapes_shrink": check_shapes_shrink,
        "fewer_params": check_fewer_params,
        "gradient_share": check_gradient_share,
        "phase_walk": check_phase_walk,
        "edit_moves_boundary": check_edit_moves_boundary,
        "falls_every_step": check_falls_every_step,
        "time_grad_fade": check_time_grad_fade,
        "probe_probabilities": check_probe_probabilities,
        "built_reaches": check_built_reaches,
    }
)


# The kinds that read a run's recorded training (the others build fresh trainers of their own).
RECORDED = ("reaches", "sooner", "ranked", "gap_lower", "overfits", "grad_norm_ratio", "diverges", "finite", "rougher")


def check_effects(runs: LessonRuns) -> list[Verdict]:
    """Every declared effect of the lesson, each run trained once for the most steps any effect asks."""
    need: dict[str, int] = {}
    for effect in runs.lesson.effects:
        if effect.kind in RECORDED:
            for name in [*effect.runs, *getattr(effect, "misses", []), *getattr(effect, "others", [])]:
                need[name] = max(need.get(name, 0), getattr(effect, "within_steps", 0))
    for name, steps in need.items():
        runs.record(name, steps)
    return [CHECKS[effect.kind](effect, runs) for effect in runs.lesson.effects]
